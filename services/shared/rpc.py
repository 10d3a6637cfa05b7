"""Deadlines for RPC calls (nameko's proxies have none; docs/style.md, docs/reliability.md)."""
import socket

import eventlet
from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.exceptions import OperationalError

from services.shared.errors import BansosError


class Timeout(BansosError):
    """A call did not answer within its deadline (HTTP 504 at the gateway)."""

    title = "Service timed out"


class Unavailable(BansosError):
    """The broker cannot be reached to carry a call (HTTP 503 with Retry-After).

    ``retry_after`` is in seconds.
    """

    title = "Service unavailable"

    def __init__(self, detail="", errors=None, retry_after=None):
        super().__init__(detail, errors)
        self.retry_after = RETRY_AFTER if retry_after is None else retry_after


DEFAULT_DEADLINE = 10.0

#: seconds a client is told to wait before retrying when the broker is unreachable
RETRY_AFTER = 5

#: what kombu/amqp/the socket raise while the broker is down or the connection drops
BROKER_ERRORS = (OperationalError, AmqpConnectionError, socket.error)


def _name(method):
    return "%s.%s" % (getattr(method, "service_name", "service"),
                      getattr(method, "method_name", "?"))


def call(method, *args, deadline=DEFAULT_DEADLINE, **kwargs):
    """Call ``proxy.service.method(*args)`` and answer within ``deadline`` seconds.

    The deadline covers the whole call: connecting to the broker, sending
    (kombu's publish retries included) and waiting for the reply.

    Returns the method's result. Raises Timeout past the deadline, Unavailable
    at once when the broker cannot be reached or drops the connection while
    sending, and the callee's own errors as they come. The request may still
    run later when the callee comes back, so mutating RPCs must be idempotent.
    """
    try:
        with eventlet.Timeout(deadline):
            return method.call_async(*args, **kwargs).result()
    except eventlet.Timeout:
        raise Timeout("%s did not answer within %g s" % (_name(method), deadline)) from None
    except BROKER_ERRORS as exc:
        raise Unavailable("%s cannot be reached: the message broker is unavailable (%s)"
                          % (_name(method), exc.__class__.__name__)) from None


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
