"""nameko's consumers, with an answer for a message that cannot be decoded.

kombu decodes a message before nameko sees it. When that fails (a body
nested deeper than the JSON decoder recurses, bytes that are not JSON),
kombu's ``ConsumerMixin.on_decode_error`` logs the whole body, NIKs and all,
and acks it: an RPC's caller then waits for its whole deadline (504) and an
event is gone without a trace (issue 8, items 2 and 12). Here the shared
queue consumer asks the extension the message was for:

- an RPC request is answered at once with ``InvalidInput`` (400 at the gateway);
- an event is parked in the service's parking lot, where an operator sees it
  (and put back on its queue when it cannot be parked: the broker has it again);
- an RPC reply fails the waiting call at once instead of letting it time out.

Every service gets this through ``services.shared.rpc.rpc``,
``services.shared.rpc.RpcProxy`` and ``services.shared.inbox.consumes``. The
log line names the queue, size and content type, never the body.
"""
import logging
import sys
import time
from functools import partial

import eventlet
from nameko.constants import (AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY, DEFAULT_SERIALIZER,
                              LOGIN_METHOD_CONFIG_KEY, SERIALIZER_CONFIG_KEY)
from nameko.events import EventHandler
from nameko.exceptions import ContainerBeingKilled, MalformedRequest, RemoteError
from nameko.amqp.publish import Publisher
from nameko.messaging import QueueConsumer
from nameko.rpc import ReplyListener, Responder, Rpc, RpcConsumer, RpcProxy, get_rpc_exchange

from services.shared import once
from services.shared.errors import InvalidInput

log = logging.getLogger(__name__)

#: seconds between looks at the store while a repeated request waits for the first one
AWAIT_POLL = 0.05

UNDECODABLE = "The message could not be decoded (not JSON, or nested too deeply)."


def undecodable_reason(exc):
    """Why a message could not be decoded, for the operator: ``UNDECODABLE`` and the
    decoder's own words (they name a position, never the body)."""
    return "%s: %s: %s" % (UNDECODABLE.rstrip("."), type(exc).__name__, str(exc)[:300])


def _describe(message):
    info = message.delivery_info or {}
    return "%s/%s, %d bytes of %s" % (info.get("exchange"), info.get("routing_key"),
                                      len(message.body or b""), message.content_type)


class DecodeSafeQueueConsumer(QueueConsumer):
    """The container's queue consumer; an undecodable message goes to its extension's
    ``handle_undecodable(message, exc)`` (or is logged and acked when it has none)."""

    def on_decode_error(self, message, exc):
        provider = self._provider_of(message)
        name = getattr(provider, "method_name", provider)
        handler = getattr(provider, "handle_undecodable", None)
        try:
            if handler is None:
                log.error("undecodable message for %s (%s) dropped: %s", name,
                          _describe(message), type(exc).__name__)
            else:
                handler(message, exc)
                log.warning("undecodable message for %s (%s): %s; %s", name, _describe(message),
                            type(exc).__name__, getattr(handler, "outcome", "handled"))
        except Exception as failure:  # noqa: BLE001 - the message must still be acked or requeued
            if getattr(handler, "requeue_on_failure", False):
                # an event not yet parked would be lost by the ack: it comes back instead
                log.warning("undecodable message for %s (%s) could not be handled (%s: %s); "
                            "requeued", name, _describe(message), type(failure).__name__, failure)
                self.requeue_message(message)
                return
            log.exception("could not answer an undecodable message (%s)", _describe(message))
        self.ack_message(message)

    def _provider_of(self, message):
        tag = (message.delivery_info or {}).get("consumer_tag")
        for provider, consumer in list(self._consumers.items()):
            if tag in getattr(consumer, "_active_tags", {}).values():
                return provider
        return None


class UnconfirmedPublisher(Publisher):
    """Publishes an RPC reply without waiting for the broker's confirm.

    The caller waits for the reply under its own deadline whatever happens to
    it: a reply the broker drops is answered by that deadline (504), as one
    whose confirm failed is. Waiting for the confirm was a round trip per
    reply, 23% of distribution's profile under the public status check's load
    (docs/reliability.md, "A broker outage costs a reply"). A broker that is down
    still fails the publish at once (``DecodeSafeRpcConsumer.handle_result``).
    Requests keep their confirms: a request to a service with no queue comes
    back unroutable and the caller is told at once (503)."""

    use_confirms = False


class ReplyResponder(Responder):
    publisher_cls = UnconfirmedPublisher


class DecodeSafeRpcConsumer(RpcConsumer):
    queue_consumer = DecodeSafeQueueConsumer()

    def _responder(self, message):
        config = self.container.config
        return ReplyResponder(config[AMQP_URI_CONFIG_KEY], get_rpc_exchange(config),
                              config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER), message,
                              ssl=config.get(AMQP_SSL_CONFIG_KEY),
                              login_method=config.get(LOGIN_METHOD_CONFIG_KEY))

    def _send_reply(self, message, result, exc_info):
        """nameko's ``RpcConsumer.handle_result``, its reply unconfirmed."""
        result, exc_info = self._responder(message).send_response(result, exc_info)
        self.queue_consumer.ack_message(message)
        return result, exc_info

    def handle_result(self, message, result, exc_info):
        """Send the reply; a broker that is down costs this reply, not the service.

        nameko kills the container when this raises (the worker thread ends
        with an error), taking an in-memory store with it (issue 9, item 1).
        The caller's own deadline answers it (504, or 503 while its broker is
        gone). The request is left unacked: the broker requeues it only if it
        still holds it; a requeued ``command`` is then answered from its stored
        result, and any request past its deadline is dropped (``DecodeSafeRpc``).
        Returns ``(result, exc_info)`` as nameko's does.
        """
        from services.shared.rpc import BROKER_ERRORS  # rpc builds on this module
        try:
            return self._send_reply(message, result, exc_info)
        except BROKER_ERRORS as exc:
            log.warning("reply for %s not sent, the broker is unavailable: %s",
                        _describe(message), type(exc).__name__)
            return result, exc_info

    def handle_undecodable(self, message, exc):
        """Answer the caller at once: its request was invalid input."""
        error = InvalidInput(UNDECODABLE, {"_body": ["could not be decoded"]})
        self._responder(message).send_response(None, (InvalidInput, error, None))

    handle_undecodable.outcome = "answered with InvalidInput"


class DecodeSafeRpc(Rpc):
    """nameko's ``@rpc`` entrypoint on the decode-safe consumer.

    It drops a request whose deadline has passed before the method runs (a
    WARNING, no reply: the caller has gone), and with ``once=True``
    (``services.shared.rpc.command``) carries out each request id at most once,
    answering a repeat with the stored result (``services.shared.once``).
    """

    rpc_consumer = DecodeSafeRpcConsumer()

    def __init__(self, once=False, **kwargs):
        self.once = once
        self.db = None
        #: request keys of the commands this process is running, and the thread renewing them
        self._held, self._renewer = set(), None
        super().__init__(**kwargs)

    def setup(self):
        super().setup()
        if self.once:
            from services.shared.mongo import database_for
            self.db = database_for(self.container)
            once.OnceRecords.ensure_indexes(self.db)

    def handle_message(self, body, message):
        """Drop an expired request; run a command's request id once; else as nameko does.

        Errors raised here are answered to the caller by nameko's ``RpcConsumer``.
        """
        context = self.unpack_message_headers(message)
        if once.expired(context):
            log.warning("%s: request dropped, its deadline passed %.1f s ago (%s)",
                        self.method_name, time.time() - context[once.DEADLINE], _describe(message))
            self.rpc_consumer.queue_consumer.ack_message(message)
            return
        request_id = context.get(once.REQUEST_ID)
        if not (self.once and isinstance(request_id, str) and request_id):
            super().handle_message(body, message)
            return
        try:
            args, kwargs = body["args"], body["kwargs"]
        except KeyError:
            raise MalformedRequest("Message missing `args` or `kwargs`") from None
        self.check_signature(args, kwargs)
        key = once.request_key(request_id, self.method_name, args, kwargs)
        first = once.OnceRecords(self.db).claim(key)
        if first is None:
            self._run(args, kwargs, context, message, key)
        elif first.get("state") == once.DONE:
            self._answer_stored(message, first)
        else:  # the first delivery is still running: wait for its answer off this thread
            self.container.spawn_managed_thread(
                partial(self._await_first, body, message, key, context))

    def _run(self, args, kwargs, context, message, key):
        handle_result = partial(self._remember_result, message, key)
        try:
            self.container.spawn_worker(self, args, kwargs, context_data=context,
                                        handle_result=handle_result)
        except ContainerBeingKilled:
            once.OnceRecords(self.db).release(key)
            self.rpc_consumer.requeue_message(message)
            return
        self._held.add(key)
        if self._renewer is None:
            self._renewer = self.container.spawn_managed_thread(self._renew_held)

    def _renew_held(self):
        # runs only while this process runs commands: nothing wakes when it is idle
        try:
            while self._held:
                eventlet.sleep(once.RENEW_SECONDS)
                if not self._held:
                    break
                try:
                    once.OnceRecords(self.db).renew(self._held)
                except Exception as exc:  # noqa: BLE001 - a store that blinks; next round retries
                    log.warning("%s: could not renew %d running command claims: %r",
                                self.method_name, len(self._held), exc)
        finally:
            self._renewer = None

    def _remember_result(self, message, key, worker_ctx, result, exc_info):
        # stored before the reply goes out, so a redelivery after a lost reply finds it
        self._held.discard(key)
        records = once.OnceRecords(self.db)
        try:
            if exc_info is None:
                records.done(key, result)
            else:  # a refused or failed command changed nothing (docs/style.md): may run again
                records.release(key)
        except Exception as exc:  # noqa: BLE001 - the caller still gets its answer
            log.warning("%s: could not remember the result of request %s: %r",
                        self.method_name, once.request_of(key), exc)
        return self.handle_result(message, worker_ctx, result, exc_info)

    def _answer_stored(self, message, doc):
        log.info("%s: request %s already carried out; answered with its stored result",
                 self.method_name, once.request_of(doc["_id"]))
        self.rpc_consumer.handle_result(message, once.stored_result(doc), None)

    def _await_first(self, body, message, key, context):
        limit = context.get(once.DEADLINE) or time.time() + once.RUNNING_WAIT
        try:
            records = once.OnceRecords(self.db)
            while time.time() < limit:
                doc = records.find(key)
                # the first delivery failed and let go, or its process died: this one runs
                if doc is None or records.abandoned(doc):
                    self.handle_message(body, message)
                    return
                if doc.get("state") == once.DONE:
                    self._answer_stored(message, doc)
                    return
                eventlet.sleep(AWAIT_POLL)
            log.warning("%s: repeated request %s dropped, its first delivery was still "
                        "running at the deadline", self.method_name, once.request_of(key))
            self.rpc_consumer.queue_consumer.ack_message(message)
        except Exception:  # noqa: BLE001 - an error leaving a managed thread kills the container
            self.rpc_consumer.handle_result(message, None, sys.exc_info())


class DecodeSafeEventHandler(EventHandler):
    """nameko's ``@event_handler`` on the decode-safe consumer: an undecodable
    event is parked (``services.shared.inbox``) under this handler's name."""

    queue_consumer = DecodeSafeQueueConsumer()

    def handle_undecodable(self, message, exc):
        from services.shared.inbox import park_undecodable  # inbox builds on this module
        park_undecodable(self.container, self.method_name, message, undecodable_reason(exc))

    handle_undecodable.outcome = "parked with its raw body"
    handle_undecodable.requeue_on_failure = True


class DroppableEventHandler(EventHandler):
    """An event handler on the decode-safe consumer for events that may be lost
    (the gateway dropping a cached answer, which also ages out): an undecodable
    one is logged and acked, not parked."""

    queue_consumer = DecodeSafeQueueConsumer()


class DecodeSafeReplyListener(ReplyListener):
    queue_consumer = DecodeSafeQueueConsumer()

    def handle_undecodable(self, message, exc):
        """Fail the waiting call now rather than at its deadline."""
        waiting = self._reply_events.pop(message.properties.get("correlation_id"), None)
        if waiting is not None:
            waiting.send_exception(RemoteError("UndecodableReply", UNDECODABLE))

    handle_undecodable.outcome = "the waiting call failed at once"


class DecodeSafeRpcProxy(RpcProxy):
    """nameko's ``RpcProxy`` whose replies are read by the decode-safe consumer."""

    rpc_reply_listener = DecodeSafeReplyListener()

