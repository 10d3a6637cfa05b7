"""Platform routes: health, metrics, OpenAPI, tokens, the audit trail, parked events."""
import logging

import eventlet
from marshmallow import fields
from werkzeug.wrappers import Response

from services.shared.contract import Answer, Page, load
from services.shared.errors import NotFound
from services.shared.pagination import page_of
from services.shared.rpc import Timeout, Unavailable

from gateway import metrics
from gateway.admission import GATE
from gateway.http import RouteTable, json_response
from gateway.schemas import (AuditEntryOut, AuditQuery, HealthOut, ParkedEventOut, TokenIn,
                             TokenOut)

log = logging.getLogger(__name__)

routes = RouteTable()


class ReplayedOut(Answer):
    replayed = fields.String()


def _ping_result(proxy):
    """``(status, answer)``: ``status`` is ``"ok"`` or why the service did not
    answer; ``answer`` its ping (a dict with ``parked`` and, for a service that
    follows the registry, ``registry``: its last drift check), else None."""
    # sending happens here, inside the shared deadline: with the broker down
    # kombu retries the publish for longer than the deadline
    try:
        reply = proxy.ping.call_async()
    except Exception as exc:  # noqa: BLE001 - unknown service or broker down
        return "unavailable: %s" % exc, None
    try:
        answer = reply.result()
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return "error: %s" % exc, None
    return "ok", answer if isinstance(answer, dict) else None


def ping_all(ex):
    """Every service's ``(status, answer)`` (``_ping_result``), asked at once under
    one shared deadline (``HEALTH_DEADLINE``); a service still silent then is
    ``("timeout", None)``. Each service is judged on its own answer."""
    waiting = {name: eventlet.spawn(_ping_result, proxy) for name, proxy in ex.services.items()}
    with eventlet.Timeout(ex.settings.health_deadline, False):
        for thread in waiting.values():
            thread.wait()
    pings = {}
    for name, thread in waiting.items():
        if thread.dead:
            pings[name] = thread.wait()
        else:
            thread.kill()
            pings[name] = ("timeout", None)
    return pings


@routes.route("GET", "/health", response=HealthOut, responses={503: HealthOut},
              tags=["platform"], summary="200 only when the broker and every service answer")
def health(ex):
    # drift from the registry is reported, not 503: the service still answers from its
    # projection, and a 503 would make an orchestrator restart it, which cures nothing
    # (docs/reliability.md "An owner that lost its data")
    pings = ping_all(ex)
    status = {name: state for name, (state, _) in pings.items()}
    followers = {name: answer["registry"] for name, (_, answer) in pings.items()
                 if answer and isinstance(answer.get("registry"), dict)}
    healthy = all(v == "ok" for v in status.values())
    body = {"status": "ok" if healthy else "unavailable", "services": status}
    if followers:
        body["followers"] = followers
    for name, check in followers.items():
        if check.get("registry_epoch_ok") is False or check.get("drift"):
            log.warning("health: %s drifts from the registry: %s", name, check)
    return json_response(body, 200 if healthy else 503)


@routes.route("GET", "/api/v1/admin/metrics", role="admin", produces=["text/plain"],
              tags=["platform"], summary="The platform's figures in Prometheus' text format: "
              "services up, parked events, drift from the registry, the gateway's door")
def metrics_page(ex):
    """Prometheus text (``gateway.metrics.render``), 200 also when a service is down:
    a scrape that fails would lose every other figure with it."""
    body = metrics.render(ping_all(ex), ex.request.environ.get(GATE))
    return Response(body, status=200, content_type=metrics.CONTENT_TYPE)


@routes.route("GET", "/api/v1/openapi.json", tags=["platform"],
              summary="This API, as OpenAPI 3.1")
def openapi(ex):
    from gateway.openapi import build_spec
    from gateway.service import ROUTER
    # a Response, so that it is not shaped as an answer for the caller's role
    # (gateway.visibility would drop the schemas' staff fields for the public)
    return json_response(build_spec(ROUTER))


@routes.route("POST", "/api/v1/tokens", role="admin", body=TokenIn, response=TokenOut,
              status=201, tags=["tokens"], summary="Create a token (shown once)")
def create_token(ex):
    data = load(TokenIn, ex.body())
    return ex.service.store.create_token(data["role"], data["name"], data["partner_id"],
                                         data["seller_id"], created_by=ex.actor)


@routes.route("GET", "/api/v1/tokens", role="admin", response=Page(TokenOut), tags=["tokens"],
              summary="List tokens (never their values)")
def list_tokens(ex):
    page, per_page = ex.page_args()
    items = ex.service.store.list_tokens()
    return page_of(items[(page - 1) * per_page: page * per_page], page, per_page, len(items))


@routes.route("DELETE", "/api/v1/tokens/<token_id>", role="admin", response=TokenOut,
              tags=["tokens"], summary="Revoke a token")
def revoke_token(ex, token_id):
    return ex.service.store.revoke_token(token_id)


@routes.route("GET", "/api/v1/audit", role="admin", query=AuditQuery,
              response=Page(AuditEntryOut), tags=["audit"],
              summary="Who read or changed whose personal data")
def list_audit(ex):
    page, per_page = ex.page_args()
    items, total = ex.service.store.list_audit(ex.args.get("subject"), (page - 1) * per_page,
                                               per_page)
    return page_of(items, page, per_page, total)


#: Parked events by service name: every service behind the gateway has a key;
#: ``null`` for a service that did not answer (not running, or past the deadline).
PARKED_BY_SERVICE = {"type": "object",
                     "additionalProperties": {"type": ["array", "null"], "items": ParkedEventOut}}


@routes.route("GET", "/api/v1/admin/parked-events", role="admin", response=PARKED_BY_SERVICE,
              tags=["platform"], summary="Events a consumer gave up on, per service")
def list_parked(ex):
    """Every service is asked at once, all under one ``RPC_DEADLINE``; one that is
    down or late is ``null`` so the others' parked events still show (issue 9)."""
    def ask(name, proxy):
        try:
            return name, ex.call(proxy.list_parked_events)
        except (Timeout, Unavailable) as exc:
            log.warning("parked events of %s not listed: %s", name, exc)
            return name, None
    services = list(ex.services.items())
    pool = eventlet.GreenPool(max(len(services), 1))
    return dict(pool.starmap(ask, services))


@routes.route("POST", "/api/v1/admin/parked-events/<service>/<parked_id>/replay", role="admin",
              response=ReplayedOut, tags=["platform"],
              summary="Run a parked event through its handler again")
def replay_parked(ex, service, parked_id):
    proxy = ex.services.get(service)
    if proxy is None:
        raise NotFound("No service named %s." % service)
    return ex.call(proxy.replay_parked_event, parked_id)

