"""Deadlines for RPC calls (nameko's proxies have none; docs/style.md, docs/reliability.md)."""
import socket
import time

import eventlet
from amqp.exceptions import ConnectionError as AmqpConnectionError
from amqp.exceptions import NotFound
from kombu import Connection
from kombu.exceptions import OperationalError
from nameko.exceptions import deserialize_to_instance

from services.shared import once

from services.shared.errors import BansosError


class Timeout(BansosError):
    """A call did not answer within its deadline (HTTP 504 at the gateway)."""

    title = "Service timed out"


@deserialize_to_instance
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


#: seconds an answer to "does anything consume this service's requests?" is reused
CONSUMER_CHECK_TTL = 1.5

_consumers_seen = {}  # (amqp_uri, service name) -> (time.monotonic(), consumer count)


def consumer_count(amqp_uri, service_name):
    """How many instances consume ``service_name``'s RPC queue (``rpc-<name>``, nameko's).

    0 when the queue does not exist. The answer is reused for
    ``CONSUMER_CHECK_TTL`` seconds, so a busy gateway asks the broker about
    each service at most that often. Raises the broker's errors (BROKER_ERRORS)
    when it cannot be asked.
    """
    key = (amqp_uri, service_name)
    seen = _consumers_seen.get(key)
    if seen is not None and time.monotonic() - seen[0] < CONSUMER_CHECK_TTL:
        return seen[1]
    with Connection(amqp_uri, connect_timeout=5) as conn:
        channel = conn.channel()
        try:
            count = channel.queue_declare("rpc-%s" % service_name, passive=True)[2]
        except NotFound:
            count = 0
    _consumers_seen[key] = (time.monotonic(), count)
    return count


def _ensure_consumed(method):
    # a stopped service's queue outlives it: without this the request waits
    # there for the whole deadline and the caller gets a 504 (issue 9, item 2)
    amqp_uri = getattr(method, "amqp_uri", None)
    # only nameko's method proxies carry a broker URI (a str); stand-ins in
    # unit tests and in-process callers have nothing to ask
    if isinstance(amqp_uri, str) and amqp_uri and not consumer_count(amqp_uri, method.service_name):
        raise Unavailable("%s is not running: nothing consumes its requests" % _name(method))


def _name(method):
    return "%s.%s" % (getattr(method, "service_name", "service"),
                      getattr(method, "method_name", "?"))


def call(method, *args, deadline=DEFAULT_DEADLINE, request_id=None, **kwargs):
    """Call ``proxy.service.method(*args)`` and answer within ``deadline`` seconds.

    The deadline covers the whole call: asking the broker whether the service
    runs (``consumer_count``), connecting, sending (kombu's publish retries
    included) and waiting for the reply. Made while serving another call, it
    ends no later than that call's own deadline.

    The message carries the absolute deadline (UTC epoch seconds) and
    ``request_id`` (the gateway's, or the one of the call being served) in its
    headers: the callee drops the request once the deadline has passed, and
    carries out a ``command`` at most once per request id
    (``services.shared.once``).

    Returns the method's result. Raises Timeout past the deadline, Unavailable
    at once when no instance of the service consumes its queue, when the
    broker cannot be reached or drops the connection while sending, and the
    callee's own errors as they come.
    """
    context = _call_context(method, deadline, request_id)
    if context is not None:
        deadline = max(0.0, context[once.DEADLINE] - time.time())
    try:
        with eventlet.Timeout(deadline):
            _ensure_consumed(method)
            return method.call_async(*args, **kwargs).result()
    except eventlet.Timeout:
        raise Timeout("%s did not answer within %g s" % (_name(method), deadline)) from None
    except BROKER_ERRORS as exc:
        raise Unavailable("%s cannot be reached: the message broker is unavailable (%s)"
                          % (_name(method), exc.__class__.__name__)) from None


def _call_context(method, seconds, request_id):
    """Put the deadline and request id in the headers of this one call; returns them.

    Set on the method proxy (a new object for each ``proxy.service.method``),
    not on its worker context, which the concurrent calls of one request share.
    None for a stand-in that has no headers to send (unit tests).
    """
    inherited = getattr(getattr(method, "worker_ctx", None), "data", None)
    headers_of = getattr(method, "get_message_headers", None)
    if not isinstance(inherited, dict) or not callable(headers_of):
        return None
    context = {once.DEADLINE: once.sooner(inherited, seconds)}
    request_id = request_id or inherited.get(once.REQUEST_ID)
    if request_id:
        context[once.REQUEST_ID] = request_id

    def headers(ctx):
        values = headers_of(ctx)
        values.update({method._get_header_name(k): v for k, v in context.items()})
        return values

    method.get_message_headers = headers
    return context


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


def command(fn=None, **kwargs):
    """``rpc`` for a method that changes state: carried out at most once per request.

    A request whose id (the gateway's, in the message headers) was carried out
    already, a redelivery or a repeat, is answered with the stored result
    without running the method (``services.shared.once``; the result is kept
    ``once.REMEMBER_SECONDS``). A call that raised is not remembered: it
    changed nothing. Its result must be JSON (as every reply is). Use as
    ``@command`` or ``@command(...)``.
    """
    kwargs["once"] = True
    return rpc(fn, **kwargs)


def RpcProxy(target_service, **options):  # noqa: N802 - stands in for nameko's class
    """nameko's ``RpcProxy`` whose undecodable replies fail the call at once
    (``services.shared.messaging.DecodeSafeRpcProxy``)."""
    from services.shared.messaging import DecodeSafeRpcProxy
    return DecodeSafeRpcProxy(target_service, **options)
