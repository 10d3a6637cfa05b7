"""Platform routes: health, OpenAPI, tokens, the audit trail, parked events."""
import inspect

import eventlet
from marshmallow import ValidationError
from nameko.rpc import RpcProxy

from services.shared.errors import NotFound, from_marshmallow
from services.shared.pagination import page_of

from gateway.http import json_response, route
from gateway.openapi import build_spec
from gateway.schemas import AuditEntryOut, AuditQuery, HealthOut, ParkedEventOut, TokenIn, TokenOut


def _ping_result(reply):
    try:
        reply.result()
        return "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return "error: %s" % exc


class AdminRoutes:
    def service_proxies(self):
        """``{service name: injected proxy}`` for every RpcProxy the gateway declares."""
        return {value.target_service: getattr(self, name)
                for name, value in inspect.getmembers(type(self))
                if isinstance(value, RpcProxy)}

    @route("GET", "/health", response=HealthOut, tags=["platform"],
           summary="200 only when the broker and every service answer")
    def health(self, request, principal):
        status, waiting = {}, {}
        for name, proxy in self.service_proxies().items():
            try:
                waiting[name] = eventlet.spawn(_ping_result, proxy.ping.call_async())
            except Exception as exc:  # noqa: BLE001 - unknown service or broker down
                status[name] = "unavailable: %s" % exc
        # one shared deadline; each service is judged on its own answer
        with eventlet.Timeout(self.settings.health_deadline, False):
            for thread in waiting.values():
                thread.wait()
        for name, thread in waiting.items():
            if thread.dead:
                status[name] = thread.wait()
            else:
                thread.kill()
                status[name] = "timeout"
        healthy = all(v == "ok" for v in status.values())
        return json_response({"status": "ok" if healthy else "unavailable", "services": status},
                             200 if healthy else 503)

    @route("GET", "/api/v1/openapi.json", tags=["platform"], summary="This API, as OpenAPI 3.1")
    def openapi(self, request, principal):
        return build_spec()

    @route("POST", "/api/v1/tokens", role="admin", body=TokenIn, response=TokenOut, status=201,
           tags=["tokens"], summary="Create a token (shown once)")
    def create_token(self, request, principal):
        try:
            data = TokenIn().load(self.body(request))
        except ValidationError as exc:
            raise from_marshmallow(exc) from None
        return self.store.create_token(data["role"], data["name"], data["partner_id"],
                                       data["seller_id"], created_by=principal.actor)

    @route("GET", "/api/v1/tokens", role="admin", response=TokenOut, many=True, tags=["tokens"],
           summary="List tokens (never their values)")
    def list_tokens(self, request, principal):
        page, per_page = self.page_args(request)
        items = self.store.list_tokens()
        return page_of(items[(page - 1) * per_page: page * per_page], page, per_page, len(items))

    @route("DELETE", "/api/v1/tokens/<token_id>", role="admin", response=TokenOut,
           tags=["tokens"], summary="Revoke a token")
    def revoke_token(self, request, principal, token_id):
        return self.store.revoke_token(token_id)

    @route("GET", "/api/v1/audit", role="admin", query=AuditQuery, response=AuditEntryOut,
           many=True, tags=["audit"], summary="Who read or changed whose personal data")
    def list_audit(self, request, principal):
        page, per_page = self.page_args(request)
        items, total = self.store.list_audit(request.args.get("subject"),
                                             (page - 1) * per_page, per_page)
        return page_of(items, page, per_page, total)

    @route("GET", "/api/v1/admin/parked-events", role="admin", response=ParkedEventOut,
           tags=["platform"], summary="Events a consumer gave up on, per service")
    def list_parked(self, request, principal):
        out = {}
        for name, proxy in self.service_proxies().items():
            out[name] = self.call(proxy.list_parked_events)
        return out

    @route("POST", "/api/v1/admin/parked-events/<service>/<parked_id>/replay", role="admin",
           tags=["platform"], summary="Run a parked event through its handler again")
    def replay_parked(self, request, principal, service, parked_id):
        proxy = self.service_proxies().get(service)
        if proxy is None:
            raise NotFound("No service named %s." % service)
        return self.call(proxy.replay_parked_event, parked_id)
