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
    fault of the service, so it is logged at WARNING without one. A request
    that cannot be decoded is answered with InvalidInput at once
    (``services.shared.messaging``). Use as ``@rpc`` or ``@rpc(...)`` like nameko's.
    """
    from services.shared.messaging import DecodeSafeRpc
    kwargs.setdefault("expected_exceptions", (BansosError,))
    if fn is None:
        return lambda f: DecodeSafeRpc.decorator(**kwargs)(f)
    return DecodeSafeRpc.decorator(**kwargs)(fn)


def RpcProxy(target_service, **options):  # noqa: N802 - stands in for nameko's class
    """nameko's ``RpcProxy`` whose undecodable replies fail the call at once
    (``services.shared.messaging.DecodeSafeRpcProxy``)."""
    from services.shared.messaging import DecodeSafeRpcProxy
    return DecodeSafeRpcProxy(target_service, **options)
