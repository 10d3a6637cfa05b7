"""The one table from error types to HTTP statuses, and RFC 9457 problems.

Services raise ``services.shared.errors`` types, which cross RPC intact; the
gateway adds the few that only HTTP knows (401, 429, 503). Anything not in
the table is a bug: it answers a 500 problem with no traceback and is logged.
"""
import json
import logging

from nameko.exceptions import RemoteError, UnknownService
from werkzeug.wrappers import Response

from services.shared import errors as domain
from services.shared.rpc import RETRY_AFTER, Timeout, Unavailable

log = logging.getLogger(__name__)

PROBLEM_TYPE = "https://bansos.tanjungbarat.example/problems/"


class Unauthorized(domain.BansosError):
    """Missing, unknown or revoked bearer token (HTTP 401)."""

    title = "Unauthorized"


class PayloadTooLarge(domain.BansosError):
    """A request body over the route's limit, refused before it is read (HTTP 413)."""

    title = "Payload too large"


class RateLimited(domain.BansosError):
    """Too many requests from one client (HTTP 429)."""

    title = "Too many requests"

    def __init__(self, detail="", errors=None, retry_after=60):
        super().__init__(detail, errors)
        self.retry_after = retry_after


class ServiceUnavailable(domain.BansosError):
    """A service behind the gateway does not answer (HTTP 503)."""

    title = "Service unavailable"


#: error type -> (HTTP status, problem type slug). Checked in order (subclasses first).
STATUS_TABLE = (
    (domain.InvalidInput, 400, "invalid-input"),
    (Unauthorized, 401, "unauthorized"),
    (domain.Forbidden, 403, "forbidden"),
    (domain.NotFound, 404, "not-found"),
    (domain.Conflict, 409, "conflict"),
    (PayloadTooLarge, 413, "payload-too-large"),
    (domain.RuleRefused, 422, "refused-by-rules"),
    (RateLimited, 429, "rate-limited"),
    (ServiceUnavailable, 503, "service-unavailable"),
    (Unavailable, 503, "service-unavailable"),
    (UnknownService, 503, "service-unavailable"),
    (Timeout, 504, "service-timeout"),
)


def status_for(exc):
    """Return ``(status, slug)`` for an exception instance; 500 for anything unknown."""
    for exc_type, status, slug in STATUS_TABLE:
        if isinstance(exc, exc_type):
            return status, slug
    return 500, "internal-error"


def problem(status, title, detail="", errors=None, slug="about:blank", headers=None):
    """Build a ``application/problem+json`` response."""
    body = {"type": PROBLEM_TYPE + slug if slug != "about:blank" else slug,
            "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return Response(json.dumps(body, ensure_ascii=False), status=status,
                    mimetype="application/problem+json", headers=headers)


def problem_from_exception(exc):
    """Map any exception to a problem response; never leaks a traceback."""
    status, slug = status_for(exc)
    if status == 500:
        if isinstance(exc, RemoteError):
            log.error("unexpected remote error: %s %s", exc.exc_type, exc.value)
        else:
            log.exception("unexpected error", exc_info=exc)
        return problem(500, "Internal error", "An unexpected error occurred; it has been logged.",
                       slug=slug)
    if isinstance(exc, UnknownService):
        detail = "%s is not running" % getattr(exc, "_service_name", "a service")
        return problem(status, ServiceUnavailable.title, detail, slug=slug,
                       headers={"Retry-After": str(RETRY_AFTER)})
    retry_after = getattr(exc, "retry_after", None)
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    if isinstance(exc, Unauthorized):
        # RFC 9110 section 11.6.1: a 401 names the scheme that would be accepted.
        headers = {"WWW-Authenticate": 'Bearer realm="bansos"'}
    return problem(status, exc.title, exc.detail, exc.errors or None, slug=slug, headers=headers)
