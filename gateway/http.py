"""Routes: the one decorator every gateway endpoint uses.

``route`` wraps a handler in nameko's ``http`` entrypoint and does, in order:
authenticate (bearer token), authorise (role), rate-limit, call the handler,
mask NIKs for roles that may not see them, and render JSON, or map any error
to an RFC 9457 problem (``gateway/errors.py``). It also records the route for
the OpenAPI description (``gateway/openapi.py``).

Example::

    class RegistryRoutes:
        @route("GET", "/api/v1/residents/<nik>", role="officer",
               response=ResidentOut, tags=["registry"], summary="A resident")
        def get_resident(self, request, principal, nik):
            resident = self.call(self.registry.get_resident, nik)
            self.audit(principal, "read_resident", nik)
            return resident
"""
import functools
import json
import logging
import os
import re
import uuid

import eventlet
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer
from werkzeug.wrappers import Response

from services.shared.pagination import page_args
from services.shared.rpc import DEFAULT_DEADLINE, call

from gateway import limits
from gateway.auth import Principal, authorize
from gateway.errors import Unauthorized, problem_from_exception
from gateway.throttle import WrongTokens
from gateway.visibility import mask_niks, shape_for  # noqa: F401 - mask_niks is re-exported
from gateway.wsgi import ProblemProtocol, ProblemWsgiApp

log = logging.getLogger(__name__)


class ExclusiveWebServer(WebServer):
    """nameko's web server, but the port is its own.

    ``eventlet.listen`` sets SO_REUSEPORT by default, so a second gateway
    started on a busy port binds as well and the kernel splits requests
    between the two platforms (seen with two run-locals started together).
    Without it the second one fails to start, as it should. Errors answered
    before a route runs are problems too (``gateway.wsgi``).
    """

    def get_wsgi_app(self):
        return ProblemWsgiApp(self)

    def get_wsgi_server(self, sock, wsgi_app, protocol=ProblemProtocol, debug=False):
        return super().get_wsgi_server(sock, wsgi_app, protocol=protocol, debug=debug)

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

#: Every route declared, for the OpenAPI description.
ROUTES = []

MAX_JSON_BYTES = limits.MAX_JSON_BYTES
#: what a client may send as X-Request-Id (it lands in histories, events and logs)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class RouteSpec:
    def __init__(self, method, path, role, body, query, response, status, tags, summary,
                 many, description, content_types):
        self.method, self.path, self.role = method, path, role
        self.body, self.query, self.response = body, query, response
        self.status, self.tags, self.summary = status, tuple(tags), summary
        self.many, self.description, self.content_types = many, description, content_types
        #: the largest body the route reads: an upload, or a JSON document
        self.max_body = limits.MAX_UPLOAD_BYTES if content_types else limits.MAX_JSON_BYTES


def route(method, path, role=None, body=None, query=None, response=None, status=200,
          tags=(), summary="", many=False, rate_limit=None, description="",
          content_types=None):
    """Declare an HTTP endpoint.

    Args:
        method (str): ``GET``, ``POST``, ``PATCH``, ``DELETE``.
        path (str): werkzeug rule under ``/api/v1`` (``<nik>`` for parameters).
        role: ``None`` (public), ``"officer"`` (officer or admin), ``"admin"``,
            or a tuple of roles.
        body, query, response: marshmallow schema classes, for OpenAPI (the
            service validates the body with the same schema).
        status (int): success status.
        many (bool): ``response`` is a paginated list of that schema.
        rate_limit (tuple): ``(name, calls, seconds)`` per client.
        content_types (list): request body media types when not JSON.
    The handler is called as ``handler(self, request, principal, **url_params)``
    and returns a JSON-safe value or a werkzeug Response.
    """
    spec = RouteSpec(method, path, role, body, query, response, status, tags, summary,
                     many, description, content_types)

    def decorator(fn):
        @functools.wraps(fn)
        def endpoint(self, request, **params):
            return self.handle_route(fn, spec, rate_limit, request, params)

        ROUTES.append(spec)
        return http(method, path)(endpoint)
    return decorator


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


class RouteHandling:
    """Mixin for the gateway service class: what ``route`` handlers may use.

    Expects ``self.store`` (GatewayRepository), ``self.limiter`` and
    ``self.settings`` (dependencies declared on GatewayService).
    """

    def handle_route(self, fn, spec, rate_limit, request, params):
        try:
            limits.refuse_oversized(request, spec.max_body)  # before a byte is read
            principal = self.authenticate(request)
            authorize(principal, spec.role)
            if rate_limit:
                name, calls, seconds = rate_limit
                self.limiter.hit(name, self.client_key(request), calls, seconds)
            result = fn(self, request, principal, **params)
            if isinstance(result, Response):
                return result
            result = shape_for(principal, result)
            if spec.status == 204:
                return Response(status=204)
            return json_response(result, spec.status, {"X-Request-Id": principal.request_id})
        except Exception as exc:  # noqa: BLE001 - every error becomes a problem
            return problem_from_exception(exc)

    def authenticate(self, request):
        """Resolve the ``Authorization: Bearer`` header; no header means public.

        A client that sent too many wrong tokens gets 429 before its next token
        is even looked at (``gateway.throttle``). A client's ``X-Request-Id``
        is kept only when it is a short plain id.
        """
        request_id = request.headers.get("X-Request-Id", "")
        if not REQUEST_ID.match(request_id):
            request_id = uuid.uuid4().hex
        header = request.headers.get("Authorization", "")
        if not header:
            return Principal(request_id=request_id)
        wrong = WrongTokens(self.limiter, self.client_key(request))
        wrong.check()
        scheme, _, token = header.partition(" ")
        try:
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthorized("Authorization must be 'Bearer <token>'.")
            return self.store.principal_for(token.strip(), self.settings.admin_token,
                                            request_id=request_id)
        except Unauthorized:
            wrong.record()
            raise

    def client_key(self, request):
        """The client a rate limit counts: the peer address, or the first
        ``X-Forwarded-For`` hop when ``TRUST_FORWARDED_FOR`` is set (behind a proxy)."""
        forwarded = request.headers.get("X-Forwarded-For")
        if forwarded and self.settings.trust_forwarded_for:
            return forwarded.split(",")[0].strip()
        return request.remote_addr or "unknown"

    def body(self, request, max_bytes=MAX_JSON_BYTES):
        """The request body as a JSON object (``limits.read_json``): InvalidInput
        when it is not one or nests too deeply, PayloadTooLarge past ``max_bytes``."""
        return limits.read_json(request, max_bytes)

    def call(self, method, *args, deadline=None, **kwargs):
        """RPC with a deadline (seconds; default ``RPC_DEADLINE``): 504 past it."""
        return call(method, *args, deadline=deadline or self.settings.rpc_deadline, **kwargs)

    def page_args(self, request):
        """``(page, per_page)`` from the query string; InvalidInput when out of range."""
        page, per_page, _ = page_args(request.args.get("page", 1),
                                      request.args.get("per_page", 50))
        return page, per_page

    def audit(self, principal, action, subject, request=None):
        """Record that ``principal`` read or changed the personal data of ``subject`` (a NIK)."""
        self.audit_many(principal, [(action, subject)], request)

    def audit_many(self, principal, entries, request=None):
        """``audit`` for each ``(action, subject)`` of ``entries``, in one write."""
        self.store.record_audits(principal, entries, getattr(request, "method", None),
                                 getattr(request, "path", None))


MIN_ADMIN_TOKEN = 32


class Settings:
    """Gateway settings from the nameko config, falling back to the environment."""

    def __init__(self, config):
        def get(key, default=None):
            value = config.get(key)
            if value in (None, ""):
                value = os.environ.get(key, default)
            return value
        self.admin_token = str(get("ADMIN_TOKEN") or "") or None
        if self.admin_token and len(self.admin_token) < MIN_ADMIN_TOKEN:
            # it is a password for everything: refuse to start rather than accept a guessable one
            raise ValueError("ADMIN_TOKEN must be at least %d characters (e.g. openssl rand "
                             "-hex 24); it has %d." % (MIN_ADMIN_TOKEN, len(self.admin_token)))
        self.rpc_deadline = float(get("RPC_DEADLINE", DEFAULT_DEADLINE))
        self.import_deadline = float(get("IMPORT_DEADLINE", 120))
        self.health_deadline = float(get("HEALTH_DEADLINE", 3))
        self.trust_forwarded_for = str(get("TRUST_FORWARDED_FOR", "")).lower() in ("1", "true", "yes")
        self.rate_limits = get("RATE_LIMITS", "")
