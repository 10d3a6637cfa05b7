"""The parking lot: the events a service's handlers gave up on, kept on the broker (issue 9, item 6).

Before, parked events were documents in the service's own store: with the
default in-memory store a restart lost them, and the operator never saw the
events that had failed. Now they wait where the events themselves wait, in a
durable queue of the broker, whatever the store:

- ``parked-<service>``: one durable queue per service, declared idempotently
  when the service starts (``Inbox.setup``) and again before each park. The
  instances of a service share it, so they share one lot;
- a parked event is one persistent message on it, JSON of ``{id, handler,
  payload, error, attempts, parked_at}`` (``parked_at`` an ISO instant), its
  ``message_id`` the parked id. It is published with publisher confirms: the
  caller acks the message it came from only once the broker has it, and
  requeues that message when the publish fails (``services.shared.retry``).

Reading never removes: a listing takes every message without acking
(``basic_get``) and closes its channel, which puts them all back, each in its
place. A replay (``claim``) reads until it finds its id, puts the ones before
back at once, and holds that one message while the handler runs: ``remove``
acks it, ``replace`` publishes the updated document (confirmed) and then acks
the old one, anything else puts it back as it was.

Limits: while a listing or a replay holds messages (milliseconds, or a
handler's run for the one replayed), another instance's listing does not see
them and ``count`` (the ready messages) is lower; a replay reads the queue
from its head, O(n) in the lot's size, which is meant to stay small (an
operator empties it). docs/reliability.md "The parking lot lives on the broker".
"""
import contextlib
import json
import logging
import uuid

from kombu import Connection, Producer, Queue
from nameko.constants import (AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY, LOGIN_METHOD_CONFIG_KEY,
                              PERSISTENT)

from services.shared import clock
from services.shared.errors import NotFound
from services.shared.rpc import BROKER_ERRORS, Unavailable

log = logging.getLogger(__name__)


def queue_name(service):
    return "parked-%s" % service


def parked_document(handler, payload, error, attempts):
    """A new parked event: ``{id, handler, payload, error, attempts, parked_at}``."""
    return {"id": str(uuid.uuid4()), "handler": handler, "payload": payload, "error": error,
            "attempts": attempts, "parked_at": clock.now_iso()}


class Claim:
    """One parked event held by a replay (``ParkingLot.claim``).

    ``doc``: the parked document. ``remove()``: it is gone from the lot.
    ``replace(doc)``: the updated document takes its place (at the lot's end).
    Neither: it goes back as it was when the claim ends.
    """

    def __init__(self, doc, ack, publish):
        self.doc = doc
        self.settled = False
        self._ack = ack
        self._publish = publish

    def remove(self):
        self._ack()
        self.settled = True

    def replace(self, doc):
        self._publish(doc)  # confirmed before the old one is let go: nothing lost between
        self._ack()
        self.settled = True


class ParkingLot:
    """The service's parking lot on the broker: ``park``, ``count``, ``list``, ``claim``.

    Every call opens its own connection (``connect_timeout`` 5 s). Where the
    broker cannot be reached, ``park`` and ``put`` raise its errors (the event's
    message is requeued); what an operator asks (``declare``, ``count``,
    ``list``, ``claim``) raises ``Unavailable`` (503 with Retry-After at the
    gateway), not a bare broker error that would answer 500.
    """

    def __init__(self, service, amqp_uri, ssl=None, login_method=None):
        self.queue = Queue(queue_name(service), durable=True)
        self._amqp_uri = amqp_uri
        self._ssl = ssl
        self._login_method = login_method

    @classmethod
    def of(cls, container):
        """The lot of ``container``'s service, on its broker."""
        config = container.config
        return cls(container.service_name, config[AMQP_URI_CONFIG_KEY],
                   ssl=config.get(AMQP_SSL_CONFIG_KEY),
                   login_method=config.get(LOGIN_METHOD_CONFIG_KEY))

    def _connect(self):
        # confirm_publish: each publish waits for the broker's ack (or raises its nack)
        return Connection(self._amqp_uri, ssl=self._ssl, login_method=self._login_method,
                          connect_timeout=5, transport_options={"confirm_publish": True})

    def _declare(self, channel):
        # a declare of what exists with the same arguments changes nothing, and a lot
        # deleted by hand comes back empty rather than failing every ping; it answers
        # how many messages are ready
        return self.queue(channel).queue_declare().message_count

    @contextlib.contextmanager
    def _reachable(self):
        """Broker errors inside as ``Unavailable``, for what an operator asks."""
        try:
            yield
        except BROKER_ERRORS as exc:
            raise Unavailable("The parking lot of %s cannot be read: the broker does not "
                              "answer (%s). Try again." % (self.queue.name, type(exc).__name__)
                              ) from None

    def declare(self):
        """Declare the lot's queue; returns how many events wait in it (int).
        Raises Unavailable when the broker cannot be reached."""
        with self._reachable(), self._connect() as conn:
            return self._declare(conn.channel())

    def park(self, handler, payload, error, attempts):
        """Park an event; returns its parked id once the broker confirmed it.

        Args: ``handler`` (str), ``payload`` (the message body, JSON-safe),
        ``error`` (str, shown to the operator), ``attempts`` (int, failed so far).
        """
        doc = parked_document(handler, payload, error, attempts)
        self.put(doc)
        return doc["id"]

    def put(self, doc):
        """Publish one parked document, confirmed."""
        with self._connect() as conn:
            channel = conn.channel()
            self._declare(channel)
            self._publish(channel, doc)

    def _publish(self, channel, doc):
        # default=str: kombu decodes typed JSON (datetimes) sent by Python peers
        Producer(channel).publish(json.dumps(doc, default=str), exchange="",
                                  routing_key=self.queue.name, delivery_mode=PERSISTENT,
                                  mandatory=True, content_type="application/json",
                                  content_encoding="utf-8", message_id=doc["id"])

    def count(self):
        """How many events are parked (int; those a listing or replay holds at that
        moment are not counted)."""
        return self.declare()

    def list(self):
        """Every parked document, oldest first; nothing is removed. Raises
        Unavailable when the broker cannot be reached."""
        with self._reachable(), self._connect() as conn:
            channel = conn.channel()
            self._declare(channel)
            docs = [_document(message) for message in _take_all(self.queue(channel))]
            channel.close()  # unacked: every message goes back, each in its place
        return docs

    @contextlib.contextmanager
    def claim(self, parked_id):
        """Hold the parked event ``parked_id`` for a replay: yields a ``Claim``.

        Raises NotFound when no event with that id is parked (or another
        replay holds it); Unavailable when the broker cannot be reached to
        find it (what the replay itself raises passes through unchanged).
        """
        with self._connect() as conn:
            with self._reachable():
                channel = conn.channel()
                self._declare(channel)
                queue = self.queue(channel)
                passed, held = [], None
                for message in _take_all(queue):
                    if _document(message)["id"] == parked_id:
                        held = message
                        break
                    passed.append(message)
                for message in passed:  # the others go back now, not after the handler's run
                    message.reject(requeue=True)
            if held is None:
                raise NotFound("No parked event with id %s." % parked_id)
            claim = Claim(_document(held), held.ack, lambda doc: self._publish(channel, doc))
            try:
                yield claim
            finally:
                if not claim.settled:
                    held.reject(requeue=True)
                channel.close()


def _take_all(queue):
    """Each message of ``queue`` in order, unacked, until it has no more."""
    while True:
        message = queue.get(no_ack=False, accept=["application/json"])
        if message is None:
            return
        yield message


def _document(message):
    """The parked document a message carries. One that is not (published by hand)
    is shown as it is, under its message id, rather than hiding the whole lot."""
    try:
        doc = json.loads(message.body)
        if isinstance(doc, dict) and {"id", "handler", "payload", "error", "attempts",
                                      "parked_at"} <= set(doc):
            return doc
    except ValueError:
        pass
    body = message.body if isinstance(message.body, bytes) else str(message.body).encode()
    return {"id": message.properties.get("message_id") or "unknown", "handler": "unknown",
            "payload": {"undecodable": body[:2000].decode("utf-8", "replace")},
            "error": "not a parked event document", "attempts": 0,
            "parked_at": clock.now_iso()}
