"""nameko's consumers, with an answer for a message that cannot be decoded.

kombu decodes a message before nameko sees it. When that fails (a body
nested deeper than the JSON decoder recurses, bytes that are not JSON),
kombu's ``ConsumerMixin.on_decode_error`` logs the whole body, NIKs and all,
and acks it: an RPC's caller then waits for its whole deadline (504) and an
event is gone without a trace (issue 8, items 2 and 12). Here the shared
queue consumer asks the extension the message was for:

- an RPC request is answered at once with ``InvalidInput`` (400 at the gateway);
- an event is parked in the service's parking lot, where an operator sees it;
- an RPC reply fails the waiting call at once instead of letting it time out.

Every service gets this through ``services.shared.rpc.rpc``,
``services.shared.rpc.RpcProxy`` and ``services.shared.inbox.consumes``. The
log line names the queue, size and content type, never the body.
"""
import logging

from nameko.constants import (AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY, DEFAULT_SERIALIZER,
                              LOGIN_METHOD_CONFIG_KEY, SERIALIZER_CONFIG_KEY)
from nameko.events import EventHandler
from nameko.exceptions import RemoteError
from nameko.messaging import QueueConsumer
from nameko.rpc import ReplyListener, Responder, Rpc, RpcConsumer, RpcProxy, get_rpc_exchange

from services.shared.errors import InvalidInput

log = logging.getLogger(__name__)

UNDECODABLE = "The message could not be decoded (not JSON, or nested too deeply)."


def _describe(message):
    info = message.delivery_info or {}
    return "%s/%s, %d bytes of %s" % (info.get("exchange"), info.get("routing_key"),
                                      len(message.body or b""), message.content_type)


class DecodeSafeQueueConsumer(QueueConsumer):
    """The container's queue consumer; an undecodable message goes to its extension's
    ``handle_undecodable(message, exc)`` (or is logged and acked when it has none)."""

    def on_decode_error(self, message, exc):
        provider = self._provider_of(message)
        log.error("undecodable message for %s (%s): %s", getattr(provider, "method_name", provider),
                  _describe(message), type(exc).__name__)
        handler = getattr(provider, "handle_undecodable", None)
        try:
            if handler is not None:
                handler(message, exc)
        except Exception:  # noqa: BLE001 - the message must still be acked
            log.exception("could not answer an undecodable message (%s)", _describe(message))
        self.ack_message(message)

    def _provider_of(self, message):
        tag = (message.delivery_info or {}).get("consumer_tag")
        for provider, consumer in list(self._consumers.items()):
            if tag in getattr(consumer, "_active_tags", {}).values():
                return provider
        return None


class DecodeSafeRpcConsumer(RpcConsumer):
    queue_consumer = DecodeSafeQueueConsumer()

    def handle_result(self, message, result, exc_info):
        """Send the reply; a broker that is down costs this reply, not the service.

        nameko kills the container when this raises (the worker thread ends
        with an error), taking an in-memory store with it (issue 9, item 1).
        The caller's own deadline answers it (504, or 503 while its broker is
        gone). The request is left unacked: the broker requeues it only if it
        still holds it, and nothing yet stops a requeued command from running
        twice (docs/reliability.md). Returns ``(result, exc_info)`` as nameko's does.
        """
        from services.shared.rpc import BROKER_ERRORS  # rpc builds on this module
        try:
            return super().handle_result(message, result, exc_info)
        except BROKER_ERRORS as exc:
            log.warning("reply for %s not sent, the broker is unavailable: %s",
                        _describe(message), type(exc).__name__)
            return result, exc_info

    def handle_undecodable(self, message, exc):
        """Answer the caller at once: its request was invalid input."""
        config = self.container.config
        responder = Responder(config[AMQP_URI_CONFIG_KEY], get_rpc_exchange(config),
                              config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER), message,
                              ssl=config.get(AMQP_SSL_CONFIG_KEY),
                              login_method=config.get(LOGIN_METHOD_CONFIG_KEY))
        error = InvalidInput(UNDECODABLE, {"_body": ["could not be decoded"]})
        responder.send_response(None, (InvalidInput, error, None))


class DecodeSafeRpc(Rpc):
    """nameko's ``@rpc`` entrypoint on the decode-safe consumer."""

    rpc_consumer = DecodeSafeRpcConsumer()


class DecodeSafeEventHandler(EventHandler):
    """nameko's ``@event_handler`` on the decode-safe consumer: an undecodable
    event is parked (``services.shared.inbox``) under this handler's name."""

    queue_consumer = DecodeSafeQueueConsumer()

    def handle_undecodable(self, message, exc):
        from services.shared.inbox import park_undecodable  # inbox builds on this module
        park_undecodable(self.container, self.method_name, message, UNDECODABLE)


class DecodeSafeReplyListener(ReplyListener):
    queue_consumer = DecodeSafeQueueConsumer()

    def handle_undecodable(self, message, exc):
        """Fail the waiting call now rather than at its deadline."""
        waiting = self._reply_events.pop(message.properties.get("correlation_id"), None)
        if waiting is not None:
            waiting.send_exception(RemoteError("UndecodableReply", UNDECODABLE))


class DecodeSafeRpcProxy(RpcProxy):
    """nameko's ``RpcProxy`` whose replies are read by the decode-safe consumer."""

    rpc_reply_listener = DecodeSafeReplyListener()

