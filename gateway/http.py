"""Routes: how every gateway endpoint is declared, found and run.

A routes module keeps a ``RouteTable`` and declares plain functions on it::

    routes = RouteTable()

    @routes.route("GET", "/api/v1/residents/<nik>", role="officer",
                  response=ResidentOut, tags=["registry"], summary="A resident")
    def get_resident(ex, nik):
        resident = ex.call(ex.services.registry.get_resident, nik)
        ex.audit("read_resident", nik)
        return resident

``Router`` joins the tables of every routes module the gateway loads
(``gateway/service.py``); a second route with the same method and path, or a
second function with the same name (the OpenAPI ``operationId``), stops the
gateway at start. The same router serves requests and describes them in the
OpenAPI (``gateway/openapi.py``), so what is documented is what is served.

Only ``/api/...`` and ``/health`` reach the router; the web server relays
every other path to the web app first (``gateway/webapp.py``).

Running a route, in order: refuse a body over the route's limit before it is
read (``gateway/limits.py``), authenticate (a bearer API token, or a person's
session token; wrong tokens are throttled per client, ``gateway/throttle.py``),
authorise (role), rate-limit, call the handler with an ``Exchange`` and the URL
parameters, shape the answer for the caller's role (``gateway/visibility.py``),
render JSON, or map any error to an RFC 9457 problem (``gateway/errors.py``).
What the web server answers before a route runs is a problem too (``gateway/wsgi.py``).
"""
import json
import logging
import re
import time
import uuid

import eventlet
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer
from werkzeug.exceptions import MethodNotAllowed, NotFound as NoRoute, RequestEntityTooLarge
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Response

from services.shared.pagination import page_args
from services.shared.rpc import Timeout, call
from services.shared.settings import settings_for

from gateway import limits
from gateway.admission import ARRIVED_AT, AdmissionGate
from gateway.accounts import SESSION_PREFIX
from gateway.auth import Principal, authorize
from gateway.errors import Unauthorized, problem, problem_from_exception
from gateway.public_cache import cache_key
from gateway.throttle import WrongTokens
from gateway.visibility import shape_for
from gateway.webapp import (CLIENT_HEADER, PageForwarder, client_address, client_for,
                            signing_key)
from gateway.wsgi import ProblemProtocol, ProblemWsgiApp

log = logging.getLogger(__name__)

MAX_JSON_BYTES = limits.MAX_JSON_BYTES
#: what a client may send as X-Request-Id (it lands in histories, events and logs)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
#: the gateway's entrypoints take every method: the router answers an unknown
#: one (OPTIONS, TRACE, ...) with 405 and the path's own ``Allow``
METHODS = "*"
_PARAM = re.compile(r"<(?:[a-z_]+:)?([a-zA-Z_]+)>")


class ExclusiveWebServer(WebServer):
    """nameko's web server, but the port is its own.

    ``eventlet.listen`` sets SO_REUSEPORT by default, so a second gateway
    started on a busy port binds as well and the kernel splits requests
    between the two platforms (seen with two run-locals started together).
    Without it the second one fails to start, as it should. Errors answered
    before a route runs are problems too (``gateway.wsgi``).
    """

    def get_wsgi_server(self, sock, wsgi_app, protocol=ProblemProtocol, debug=False):
        return super().get_wsgi_server(sock, wsgi_app, protocol=protocol, debug=debug)

    def start(self):
        if not self._starting:
            self._starting = True
            self._sock = eventlet.listen(self.bind_addr, reuse_port=False)
            self._sock.settimeout(None)  # as nameko does (kombu issue 838)
            self._serv = self.get_wsgi_server(self._sock, self.get_wsgi_app())
            self._gt = self.container.spawn_managed_thread(self.run)

    def get_wsgi_app(self):
        """nameko's app for the API, its errors as problems (gateway/wsgi.py); every
        other path goes to the web app (gateway/webapp.py)."""
        settings = settings_for(self.container)
        api = AdmissionGate(ProblemWsgiApp(self),
                            self.container.max_workers + settings.gateway_waiting)
        return PageForwarder(api, settings.web_app_target,
                             lambda environ: client_address(environ, settings.trust_forwarded_for),
                             signing_key(settings.admin_token))


class GatewayHttp(HttpRequestHandler):
    server = ExclusiveWebServer()

    def get_url_rule(self):
        if self.method == METHODS:
            return Rule(self.url)  # no methods: werkzeug matches any
        return super().get_url_rule()


http = GatewayHttp.decorator


class RouteSpec:
    """One endpoint: what ``RouteTable.route`` was given, plus its handler."""

    def __init__(self, fn, method, path, role=None, body=None, query=None, response=None,
                 status=200, tags=(), summary="", rate_limit=None, description="",
                 content_types=None, csv=False, responses=None, produces=None, binary=None,
                 max_body=None, headers=None, cache=(), invalidates=()):
        self.fn, self.name = fn, fn.__name__
        self.module = fn.__module__
        self.method, self.path, self.role = method.upper(), path, role
        self.body, self.query, self.response = body, query, response
        self.status, self.tags, self.summary = status, tuple(tags), summary
        self.rate_limit, self.description = rate_limit, description
        self.content_types, self.csv = content_types, csv
        self.responses = dict(responses or {})
        self.produces = tuple(produces or ())
        self.binary = binary
        #: the largest body the route reads: an upload, or a JSON document
        self.max_body = max_body or (limits.MAX_UPLOAD_BYTES if content_types
                                     else limits.MAX_JSON_BYTES)
        #: headers of a success, for the OpenAPI: ``{name: description}``
        self.headers = dict(headers or {})
        #: topics a public answer is kept under, and topics a success drops
        #: (``gateway.public_cache``)
        self.cache, self.invalidates = tuple(cache), tuple(invalidates)

    @property
    def shape(self):
        """Method and path with parameter names blanked: what makes two routes the same."""
        return self.method, _PARAM.sub("<>", self.path)

    @property
    def params(self):
        return _PARAM.findall(self.path)


class RouteTable:
    """The routes one module declares."""

    def __init__(self):
        self.specs = []

    def route(self, method, path, **options):
        """Declare an HTTP endpoint.

        Args:
            method (str): ``GET``, ``POST``, ``PUT``, ``PATCH``, ``DELETE``.
            path (str): werkzeug rule (``<nik>`` for parameters).
            role: ``None`` (public), ``"officer"`` (officer or admin),
                ``"admin"``, or a tuple of roles.
            body, query: marshmallow schemas for OpenAPI (the service validates
                the body with the same schema, from its contract).
            response: the ``Answer`` schema of a success (``Page(X)`` for a list).
            status (int): success status. csv (bool): ``?format=csv`` answers
                ``text/csv``. binary (str): the success is bytes of this media
                type (a photo), not JSON; it may answer 304 to a matching
                ``If-None-Match``. responses: ``{status: schema}`` for other
                documented answers (``/health``'s 503).
            rate_limit (tuple): ``(name, calls, seconds)`` per client.
            content_types (list): request body media types when not JSON.
            produces (list): success media types when not JSON (``["text/html"]``
                for a page, ``application/pdf``: documented as raw bytes; the handler
                returns a werkzeug Response; a service sends bytes over RPC as
                base64, which the handler decodes).
            max_body (int): the largest body in bytes (default: the upload limit
                with ``content_types``, else the JSON limit).
            headers (dict): ``{name: description}`` of headers a success carries
                (the handler sets them in ``exchange.headers``).
            cache (tuple): topics under which the answer a caller who is not staff
                gets is kept (a ``GET``; ``gateway.public_cache``). invalidates
                (tuple): topics a success of this route drops at once.
        The handler is called as ``handler(exchange, **url_params)`` and returns
        a JSON-safe value or a werkzeug Response.
        """
        def decorator(fn):
            self.specs.append(RouteSpec(fn, method, path, **options))
            return fn
        return decorator


class RouteConflict(Exception):
    """Two routes with the same method and path, or the same operation name."""


class Router:
    """Every route the gateway serves, from the ``RouteTable``s of its modules."""

    def __init__(self, tables):
        self.specs, shapes, names = [], {}, {}
        for table in tables:
            for spec in table.specs:
                other = shapes.get(spec.shape) or names.get(spec.name)
                if other is not None:
                    raise RouteConflict("%s %s (%s.%s) clashes with %s %s (%s.%s)" % (
                        spec.method, spec.path, spec.module, spec.name,
                        other.method, other.path, other.module, other.name))
                shapes[spec.shape] = names[spec.name] = spec
                self.specs.append(spec)
        self.map = Map([Rule(s.path, methods=[s.method], endpoint=s) for s in self.specs],
                       strict_slashes=False)

    def dispatch(self, service, request):
        """Run the route ``request`` matches; 404/405 problems when none does."""
        try:
            spec, params = self.map.bind_to_environ(request.environ).match()
        except MethodNotAllowed as exc:
            return problem(405, "Method not allowed", "%s is not served at %s." % (
                request.method, request.path), slug="method-not-allowed",
                headers={"Allow": ", ".join(exc.valid_methods or ())})
        except NoRoute:
            return problem(404, "Not found", "No resource at %s." % request.path,
                           slug="not-found")
        return run(service, spec, request, params)


def run(service, spec, request, params):
    try:
        limits.refuse_oversized(request, spec.max_body)  # before a byte is read
        principal = authenticate(service, request)
        authorize(principal, spec.role)
        exchange = Exchange(service, request, principal)
        if spec.rate_limit:
            name, calls, seconds = spec.rate_limit
            service.limiter.hit(name, exchange.client_key(), calls, seconds)
        if spec.cache and not principal.is_staff:
            return _cached(service, spec, exchange, params)
        result = spec.fn(exchange, **params)
        if spec.invalidates:
            service.public_cache.invalidate(*spec.invalidates)
        if isinstance(result, Response):
            return result
        result = shape_for(principal, result)
        if spec.status == 204:
            return Response(status=204)
        return json_response(result, spec.status, dict(exchange.headers,
                                                       **{"X-Request-Id": principal.request_id}))
    except RequestEntityTooLarge:  # a handler read a body without a length past the limit
        return problem_from_exception(limits.too_large(spec.max_body))
    except Exception as exc:  # noqa: BLE001 - every error becomes a problem
        return problem_from_exception(exc)


def _cached(service, spec, exchange, params):
    """A public answer from the cache, or from the handler and then kept."""
    cache, key = service.public_cache, cache_key(spec.name, params, exchange.args)
    kept = cache.get(key)
    if kept is None:
        generations = cache.generations(spec.cache)
        answer = shape_for(exchange.principal, spec.fn(exchange, **params))
        # the body is kept rendered: a hit costs no JSON encoding (the answer rides
        # along only so that the cache can refuse one holding a NIK)
        kept = (answer, json.dumps(answer, ensure_ascii=False), dict(exchange.headers))
        cache.put(key, spec.cache, generations, kept)
    _, body, headers = kept
    return Response(body, status=spec.status, mimetype="application/json",
                    headers=dict(headers, **{"X-Request-Id": exchange.principal.request_id}))


def authenticate(service, request):
    """Resolve the ``Authorization: Bearer`` header; no header means public.

    A client that sent too many wrong tokens gets 429 before its next token
    is even looked at (``gateway.throttle``). A client's ``X-Request-Id``
    is kept only when it is a short plain id (``REQUEST_ID``).
    Raises Unauthorized (401) or RateLimited (429).
    """
    request_id = request.headers.get("X-Request-Id", "")
    if not REQUEST_ID.match(request_id):
        request_id = uuid.uuid4().hex
    header = request.headers.get("Authorization", "")
    if not header:
        return Principal(request_id=request_id)
    wrong = WrongTokens(service.limiter, client_key(service, request))
    wrong.check()
    scheme, _, token = header.partition(" ")
    try:
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Authorization must be 'Bearer <token>'.")
        if token.strip().startswith(SESSION_PREFIX):  # a person's login (gateway/accounts.py)
            return service.accounts.principal_for_session(token.strip(), request_id)
        return service.store.principal_for(token.strip(), service.settings.admin_token or None,
                                           request_id=request_id)
    except Unauthorized:
        wrong.record()
        raise


def client_key(service, request):
    """The client a rate limit counts: the resident behind a page of the web app
    (``X-Bansos-Client``, signed by this platform's gateways), else the peer address,
    or the first ``X-Forwarded-For`` hop when ``TRUST_FORWARDED_FOR`` is set."""
    settings = service.settings
    return (client_for(request.headers.get(CLIENT_HEADER), signing_key(settings.admin_token))
            or client_address(request.environ, settings.trust_forwarded_for))


class Exchange:
    """One request as a handler sees it: who asks, what they sent, and the tools
    to answer (RPC with a deadline, the audit trail)."""

    def __init__(self, service, request, principal):
        self.service, self.request, self.principal = service, request, principal
        self.services = service.services
        self.settings = service.settings
        self.args = request.args
        #: headers the answer carries (``Location`` of something created)
        self.headers = {}

    @property
    def actor(self):
        """What services record as the "who" (``principal.actor``)."""
        return self.principal.actor

    def client_key(self):
        """The client a rate limit counts (``client_key``)."""
        return client_key(self.service, self.request)

    def body(self, max_bytes=MAX_JSON_BYTES):
        """The request body as a JSON object (``limits.read_json``): InvalidInput
        (400) when it is not one or nests too deeply, PayloadTooLarge (413) past
        ``max_bytes``."""
        return limits.read_json(self.request, max_bytes)

    def call(self, method, *args, deadline=None, **kwargs):
        """RPC with one deadline over connect + send + wait (seconds; default
        ``RPC_DEADLINE``), counted from the request's arrival at the gateway, so
        the time it waited for a worker is spent from it: Timeout (504) past it,
        Unavailable (503) when the broker cannot be reached
        (``services.shared.rpc.call``). The request id travels with the call: a
        ``command`` runs at most once for it."""
        budget = deadline or self.settings.rpc_deadline
        arrived = self.request.environ.get(ARRIVED_AT)
        if arrived is not None:
            budget -= max(0.0, time.time() - arrived)
            if budget <= 0:
                raise Timeout("the request waited past its deadline for the gateway")
        return call(method, *args, deadline=budget,
                    request_id=self.principal.request_id, **kwargs)

    def page_args(self):
        """``(page, per_page)`` from the query string; InvalidInput when out of range."""
        page, per_page, _ = page_args(self.args.get("page", 1), self.args.get("per_page", 50))
        return page, per_page

    def flag(self, name):
        """A query-string flag: ``1``, ``true`` or ``yes``."""
        return self.args.get(name, "").lower() in ("1", "true", "yes")

    def audit(self, action, subject):
        """Record that the caller read or changed the personal data of ``subject`` (a NIK)."""
        self.audit_many([(action, subject)])

    def audit_many(self, entries):
        """``audit`` for each ``(action, subject)`` of ``entries``, in one write."""
        self.service.store.record_audits(self.principal, list(entries), self.request.method,
                                         self.request.path)


def json_response(value, status=200, headers=None):
    return Response(json.dumps(value, ensure_ascii=False), status=status,
                    mimetype="application/json", headers=headers)


def safe_filename(name):
    """``name`` with every character but letters, digits, ``.``, ``_`` and ``-``
    replaced by ``_`` (names are built from path values: no quotes, no line breaks)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:120] or "download"


def csv_response(text, filename):
    """A ``text/csv`` attachment named ``filename`` (made safe for the header)."""
    return Response(text, status=200, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="%s"' % safe_filename(filename)})
