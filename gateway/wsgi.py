"""Problem details for the answers the gateway's routes never see (issue 8, item 10).

Two layers answer before a route runs, and both used to answer in their own
formats: nameko's werkzeug routing (404, and 405 as HTML), and eventlet's
HTTP server (414 for a long request line, 400 for a long or oversized header
block or a bad ``Content-Length``, 400/505 for a malformed request line, all
with empty or HTML bodies). Here both speak RFC 9457 like every route (the
gateway's own ``Router`` answers unknown paths and methods itself,
``gateway.http``):

- ``ProblemWsgiApp`` renders a routing error of nameko's map as a problem,
  with the ``Allow`` of the rules that match the path, and turns any error
  escaping a handler into a 500 problem (no traceback ever leaves); it also
  lets werkzeug read a chunked body, bounded by the route's limit
  (``gateway.limits``);
- ``ProblemProtocol`` is eventlet's protocol with ``send_error`` writing a
  problem, and with the fixed answers eventlet writes on its own replaced
  by problems (an over-long header block becomes 431, RFC 6585).
"""
import json
import logging
import re

from nameko.web.server import HttpOnlyProtocol, WsgiApp
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Request

from gateway.errors import problem

log = logging.getLogger(__name__)

#: eventlet's fixed answers: reason phrase -> (status, title, detail).
SERVER_ANSWERS = {
    b"Request URI Too Long": (414, "URI too long", "The request line is too long."),
    b"Header Line Too Long": (431, "Request header fields too large",
                              "A header line is too long."),
    b"Headers Too Large": (431, "Request header fields too large",
                           "The request headers are too large."),
    b"Bad Request": (400, "Bad request", "The request is malformed."),
}
_CANNED = re.compile(rb"^HTTP/1\.[01] (\d{3}) ([^\r\n]*)\r\n")


def problem_bytes(status, title, detail, protocol="HTTP/1.0"):
    """A complete HTTP response carrying a problem, closing the connection."""
    body = json.dumps({"type": "about:blank", "title": title, "status": status,
                       "detail": detail}).encode("utf-8")
    return (b"%s %d %s\r\nContent-Type: application/problem+json\r\nConnection: close\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (protocol.encode("ascii"), status,
                                              title.encode("ascii"), len(body), body))


class _ProblemWriter:
    """Wraps the connection's write file: eventlet's own fixed error answers
    (a status line and no Content-Type) become problems; the rest passes."""

    def __init__(self, wfile):
        self._wfile = wfile

    def write(self, data):
        match = _CANNED.match(data) if isinstance(data, bytes) else None
        if match and match.group(2) in SERVER_ANSWERS and b"\r\ncontent-type:" not in \
                data.lower():
            data = problem_bytes(*SERVER_ANSWERS[match.group(2)])
        return self._wfile.write(data)

    def __getattr__(self, name):
        return getattr(self._wfile, name)


class ProblemProtocol(HttpOnlyProtocol):
    """nameko's HTTP protocol whose server-level errors are problem+json."""

    def setup(self):
        super().setup()
        self.wfile = _ProblemWriter(self.wfile)

    def send_error(self, code, message=None, explain=None):
        """``http.server``'s error answer (a malformed request line, an unsupported
        HTTP version), as a problem instead of an HTML page."""
        title = self.responses.get(code, ("Error",))[0]
        self.close_connection = True
        self.wfile.write(problem_bytes(code, title, message or title))
        self.wfile.flush()


class ProblemWsgiApp(WsgiApp):
    """nameko's WSGI app with routing errors and escaped faults as problems."""

    def __call__(self, environ, start_response):
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            # eventlet's input ends at the last chunk but does not say so; told, werkzeug
            # streams the body up to the route's max_content_length (else it reads nothing)
            environ["wsgi.input_terminated"] = True
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
            request.path_values = values
            response = provider.handle_request(request)
        except MethodNotAllowed as exc:
            allowed = sorted(set(exc.valid_methods or ()))
            response = problem(405, "Method not allowed", "%s is not allowed on %s; allowed: %s."
                               % (request.method, request.path, ", ".join(allowed)),
                               slug="method-not-allowed", headers={"Allow": ", ".join(allowed)})
        except HTTPException as exc:
            response = problem(exc.code, exc.name, _detail(exc, request),
                               slug="not-found" if exc.code == 404 else "about:blank")
        except Exception:  # noqa: BLE001 - the last line before eventlet's text/plain 500
            log.exception("unhandled error answering %s %s", request.method, request.path)
            response = problem(500, "Internal error",
                               "An unexpected error occurred; it has been logged.",
                               slug="internal-error")
        return response(environ, start_response)


def _detail(exc, request):
    if exc.code == 404:
        return "No resource at %s." % request.path
    return exc.description or exc.name
