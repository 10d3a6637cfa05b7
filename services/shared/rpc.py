"""Deadlines for RPC calls (nameko's proxies have none; docs/style.md)."""
import eventlet

from services.shared.errors import BansosError


class Timeout(BansosError):
    """A call did not answer within its deadline (HTTP 504 at the gateway)."""

    title = "Service timed out"


DEFAULT_DEADLINE = 10.0


def call(method, *args, deadline=DEFAULT_DEADLINE, **kwargs):
    """Call ``proxy.service.method(*args)`` and wait at most ``deadline`` seconds.

    Raises Timeout past the deadline. The request may still run later when the
    callee comes back, so mutating RPCs must be idempotent.
    """
    reply = method.call_async(*args, **kwargs)
    try:
        with eventlet.Timeout(deadline):
            return reply.result()
    except eventlet.Timeout:
        name = "%s.%s" % (getattr(method, "service_name", "service"),
                          getattr(method, "method_name", "?"))
        raise Timeout("%s did not answer within %g s" % (name, deadline)) from None


def rpc(fn=None, **kwargs):
    """nameko's ``@rpc`` with the domain errors (``BansosError``) marked expected.

    nameko logs an unexpected error of an entrypoint at ERROR with its
    traceback; a refused request (a 404, 409, 422 for the caller) is not a
    fault of the service, so it is logged at WARNING without one. Use as
    ``@rpc`` or ``@rpc(...)`` like nameko's.
    """
    from nameko.rpc import rpc as nameko_rpc
    kwargs.setdefault("expected_exceptions", (BansosError,))
    if fn is None:
        return lambda f: nameko_rpc(**kwargs)(f)
    return nameko_rpc(**kwargs)(fn)
