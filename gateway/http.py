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

Running a route, in order: authenticate (bearer token), authorise (role),
rate-limit, call the handler with an ``Exchange`` and the URL parameters,
mask NIKs for roles that may not see them, render JSON, or map any error to
an RFC 9457 problem (``gateway/errors.py``).
"""
import json
import logging
import re
import uuid

import eventlet
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer
from werkzeug.exceptions import MethodNotAllowed, NotFound as NoRoute
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Response

from services.shared.errors import InvalidInput
from services.shared.nik import mask_nik
from services.shared.pagination import page_args
from services.shared.rpc import call

from gateway.auth import Principal, authorize
from gateway.errors import Unauthorized, problem, problem_from_exception

log = logging.getLogger(__name__)

MAX_JSON_BYTES = 1024 * 1024
METHODS = "GET,POST,PUT,PATCH,DELETE"
_PARAM = re.compile(r"<(?:[a-z_]+:)?([a-zA-Z_]+)>")


class ExclusiveWebServer(WebServer):
    """nameko's web server, but the port is its own.

    ``eventlet.listen`` sets SO_REUSEPORT by default, so a second gateway
    started on a busy port binds as well and the kernel splits requests
    between the two platforms (seen with two run-locals started together).
    Without it the second one fails to start, as it should.
    """

    def start(self):
        if not self._starting:
            self._starting = True
            self._sock = eventlet.listen(self.bind_addr, reuse_port=False)
            self._sock.settimeout(None)  # as nameko does (kombu issue 838)
            self._serv = self.get_wsgi_server(self._sock, self.get_wsgi_app())
            self._gt = self.container.spawn_managed_thread(self.run)


class GatewayHttp(HttpRequestHandler):
    server = ExclusiveWebServer()


http = GatewayHttp.decorator


class RouteSpec:
    """One endpoint: what ``RouteTable.route`` was given, plus its handler."""

    def __init__(self, fn, method, path, role=None, body=None, query=None, response=None,
                 status=200, tags=(), summary="", rate_limit=None, description="",
                 content_types=None, csv=False, responses=None, produces=None):
        self.fn, self.name = fn, fn.__name__
        self.module = fn.__module__
        self.method, self.path, self.role = method.upper(), path, role
        self.body, self.query, self.response = body, query, response
        self.status, self.tags, self.summary = status, tuple(tags), summary
        self.rate_limit, self.description = rate_limit, description
        self.content_types, self.csv = content_types, csv
        self.responses = dict(responses or {})
        self.produces = tuple(produces or ())

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
                ``text/csv``. responses: ``{status: schema}`` for other
                documented answers (``/health``'s 503).
            rate_limit (tuple): ``(name, calls, seconds)`` per client.
            content_types (list): request body media types when not JSON.
            produces (list): success media types when not JSON (``["text/html"]``
                for a page; the handler returns a werkzeug Response).
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
        principal = authenticate(service, request)
        authorize(principal, spec.role)
        exchange = Exchange(service, request, principal)
        if spec.rate_limit:
            name, calls, seconds = spec.rate_limit
            service.limiter.hit(name, exchange.client_key(), calls, seconds)
        result = spec.fn(exchange, **params)
        if isinstance(result, Response):
            return result
        if not principal.sees_full_nik:
            result = mask_niks(result)
        if spec.status == 204:
            return Response(status=204)
        return json_response(result, spec.status, {"X-Request-Id": principal.request_id})
    except Exception as exc:  # noqa: BLE001 - every error becomes a problem
        return problem_from_exception(exc)


def authenticate(service, request):
    """Resolve the ``Authorization: Bearer`` header; no header means public."""
    request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
    header = request.headers.get("Authorization", "")
    if not header:
        return Principal(request_id=request_id)
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authorization must be 'Bearer <token>'.")
    return service.store.principal_for(token.strip(), service.settings.admin_token or None,
                                       request_id=request_id)


class Exchange:
    """One request as a handler sees it: who asks, what they sent, and the tools
    to answer (RPC with a deadline, the audit trail)."""

    def __init__(self, service, request, principal):
        self.service, self.request, self.principal = service, request, principal
        self.services = service.services
        self.settings = service.settings
        self.args = request.args

    @property
    def actor(self):
        """What services record as the "who" (``principal.actor``)."""
        return self.principal.actor

    def client_key(self):
        """The client a rate limit counts: the peer address, or the first
        ``X-Forwarded-For`` hop when ``TRUST_FORWARDED_FOR`` is set (behind a proxy)."""
        forwarded = self.request.headers.get("X-Forwarded-For")
        if forwarded and self.settings.trust_forwarded_for:
            return forwarded.split(",")[0].strip()
        return self.request.remote_addr or "unknown"

    def body(self, max_bytes=MAX_JSON_BYTES):
        """The request body as a JSON object; InvalidInput when it is not one."""
        raw = self.request.get_data(cache=True)
        if len(raw) > max_bytes:
            raise InvalidInput("The request body is too large.",
                               {"_body": ["must be at most %d bytes" % max_bytes]})
        try:
            value = json.loads(raw.decode("utf-8") or "null")
        except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: deep nesting
            raise InvalidInput("The request body is not valid JSON.",
                               {"_body": ["must be a JSON object (UTF-8)"]}) from None
        if not isinstance(value, dict):
            raise InvalidInput("The request body must be a JSON object.",
                               {"_body": ["must be a JSON object"]})
        return value

    def call(self, method, *args, deadline=None, **kwargs):
        """RPC with a deadline (seconds; default ``RPC_DEADLINE``): 504 past it."""
        return call(method, *args, deadline=deadline or self.settings.rpc_deadline, **kwargs)

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


def mask_niks(value):
    """Mask every ``nik`` / ``*_nik`` string field in a JSON-safe structure."""
    if isinstance(value, dict):
        return {k: (mask_nik(v) if isinstance(v, str) and (k == "nik" or k.endswith("_nik"))
                    else mask_niks(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_niks(v) for v in value]
    return value


def json_response(value, status=200, headers=None):
    return Response(json.dumps(value, ensure_ascii=False), status=status,
                    mimetype="application/json", headers=headers)


def csv_response(text, filename):
    """A ``text/csv`` attachment named ``filename``."""
    return Response(text, status=200, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="%s"' % filename})
