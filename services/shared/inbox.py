"""Idempotent, bounded-retry event consumption with a parking lot.

CONTRACT.md: delivery is at least once; a repeated ``event_id`` changes nothing
and an event older than what was applied for its aggregate is ignored.
STYLE.md: a handler that raises must neither lose the event (nameko's default
ack) nor retry forever (``requeue_on_error``).

Use::

    class DistributionService:
        name = "distribution"
        inbox = Inbox()

        @consumes("registry", "resident_deactivated")
        def handle_resident_deactivated(self, event):   # event: a loaded envelope
            ...

Rules the decorator applies, in order:
1. an envelope that does not parse is parked at once (it can never succeed);
2. ``(handler, event_id)`` already applied: skip;
3. ``aggregate_version`` lower than the highest applied by this service for
   ``(source, aggregate_id)``: skip (events carry full snapshots, so the newer
   one already said everything). Equal is allowed: it is the same event seen
   by another handler of this service;
4. run the handler; on success record the event id and the version;
5. on an exception count the attempt; below ``max_attempts`` the message goes
   back to the queue (after a short backoff), at ``max_attempts`` it is parked
   in ``_parked_events`` with the error and acked. ``ParkingLot`` lists and
   replays parked events over RPC.

Handlers must themselves be safe to re-run (a crash after the effect and
before step 4 replays the event): write effects as conditional updates.
"""
import datetime
import functools
import logging
import traceback
import uuid

import eventlet
from marshmallow import ValidationError
from nameko.events import SERVICE_POOL
from nameko.extensions import DependencyProvider

from services.shared.envelope import load_envelope
from services.shared.errors import InvalidInput, NotFound
from services.shared.messaging import DecodeSafeEventHandler
from services.shared.mongo import database_for
from services.shared.nik import mask_niks_in_text
from services.shared.rpc import rpc

log = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 5


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


class InboxRecords:
    """The consumer bookkeeping of one service (what was applied, failed, parked).

    ``_inbox`` holds one document per ``(source, aggregate_id)``: the highest
    version applied and the last ``APPLIED_KEPT`` ``handler:event_id`` pairs,
    so checking an event is one ``_id`` read and recording it one write. An
    event pushed out of that list is older than the recorded version, so the
    version check still drops it.
    """

    APPLIED_KEPT = 200

    def __init__(self, db):
        self.inbox = db["_inbox"]
        self.failures = db["_inbox_failures"]
        self.parked = db["_parked_events"]

    @classmethod
    def ensure_indexes(cls, db):
        db["_parked_events"].create_index("parked_at")

    @staticmethod
    def _key(event):
        return "%s:%s" % (event["source"], event["aggregate_id"])

    def should_skip(self, handler, event):
        """True when ``handler`` already applied this event, or it is older than
        what this service applied for its aggregate."""
        doc = self.inbox.find_one({"_id": self._key(event)})
        if doc is None:
            return False
        return (event["aggregate_version"] < doc.get("version", 0)
                or "%s:%s" % (handler, event["event_id"]) in doc.get("applied", ()))

    def mark_applied(self, handler, event):
        self.inbox.update_one(
            {"_id": self._key(event)},
            {"$max": {"version": event["aggregate_version"]},
             "$push": {"applied": {"$each": ["%s:%s" % (handler, event["event_id"])],
                                   "$slice": -self.APPLIED_KEPT}}},
            upsert=True)
        self.failures.delete_one({"_id": "%s:%s" % (handler, event["event_id"])})

    def count_failure(self, handler, event_id, error):
        doc = self.failures.find_one_and_update(
            {"_id": "%s:%s" % (handler, event_id)},
            {"$inc": {"attempts": 1}, "$set": {"last_error": error, "at": _now()}},
            upsert=True, return_document=True)
        return doc["attempts"]

    def park(self, handler, payload, error, attempts):
        parked_id = str(uuid.uuid4())
        self.parked.insert_one({"_id": parked_id, "handler": handler, "payload": payload,
                                "error": error, "attempts": attempts, "parked_at": _now()})
        event_id = payload.get("event_id") if isinstance(payload, dict) else None
        if event_id:
            self.failures.delete_one({"_id": "%s:%s" % (handler, event_id)})
        return parked_id

    def list_parked(self):
        out = []
        for doc in self.parked.find().sort("parked_at", 1):
            out.append({"id": doc["_id"], "handler": doc["handler"], "payload": doc["payload"],
                        "error": doc["error"], "attempts": doc["attempts"],
                        "parked_at": doc["parked_at"].strftime("%Y-%m-%dT%H:%M:%SZ")})
        return out

    def take_parked(self, parked_id):
        doc = self.parked.find_one({"_id": parked_id})
        if doc is None:
            raise NotFound("No parked event with id %s." % parked_id)
        return doc


class Inbox(DependencyProvider):
    """Injects the service's ``InboxRecords``."""

    def setup(self):
        self.db = database_for(self.container)
        InboxRecords.ensure_indexes(self.db)

    def get_dependency(self, worker_ctx):
        return InboxRecords(self.db)


def consumes(source, event_type, max_attempts=DEFAULT_MAX_ATTEMPTS,
             handler_type=SERVICE_POOL, backoff=0.05):
    """Declare an idempotent, bounded-retry nameko event handler.

    Args:
        source (str): publishing service name, e.g. ``"registry"``.
        event_type (str): e.g. ``"resident_deactivated"``.
        max_attempts (int): failed attempts before the event is parked.
    The decorated method receives the loaded envelope (dict). The service
    must declare ``inbox = Inbox()``.
    """
    def decorator(fn):
        handler = fn.__name__

        @functools.wraps(fn)
        def wrapper(self, payload):
            records = self.inbox
            try:
                event = load_envelope(payload)
            except ValidationError as exc:
                log.error("%s: malformed event parked: %s", handler, exc.messages)
                records.park(handler, payload, "malformed envelope: %s" % exc.messages, 1)
                return None
            if records.should_skip(handler, event):
                log.debug("%s: skip event %s (seen or stale)", handler, event["event_id"])
                return None
            try:
                result = fn(self, event)
            except Exception:  # noqa: BLE001 - every failure is counted, then retried or parked
                error = traceback.format_exc(limit=5)
                attempts = records.count_failure(handler, event["event_id"], error)
                if attempts >= max_attempts:
                    parked_id = records.park(handler, payload, error, attempts)
                    log.error("%s: event %s parked as %s after %d attempts",
                              handler, event["event_id"], parked_id, attempts)
                    return None
                log.warning("%s: event %s failed (attempt %d/%d); requeued",
                            handler, event["event_id"], attempts, max_attempts)
                eventlet.sleep(min(backoff * 2 ** attempts, 2.0))
                raise
            records.mark_applied(handler, event)
            log.info("%s: applied event %s (%s v%s)", handler, event["event_id"],
                     event["aggregate_id"], event["aggregate_version"])
            return result

        wrapper.consumes_event = (source, event_type)
        return DecodeSafeEventHandler.decorator(source, event_type, handler_type=handler_type,
                                                requeue_on_error=True)(wrapper)
    return decorator


#: how much of an undecodable event's body is kept for the operator (NIKs masked)
UNDECODABLE_KEPT = 2000


def park_undecodable(container, handler, message, error):
    """Park an event kombu could not decode (``services.shared.messaging``): its
    first bytes as text, NIKs masked, with where it came from. It cannot be
    replayed; the operator sees what arrived and removes the cause."""
    body = message.body if isinstance(message.body, bytes) else str(message.body).encode()
    info = message.delivery_info or {}
    payload = {"undecodable": mask_niks_in_text(body[:UNDECODABLE_KEPT].decode("utf-8", "replace")),
               "bytes": len(body), "content_type": message.content_type,
               "exchange": info.get("exchange"), "routing_key": info.get("routing_key")}
    InboxRecords(database_for(container)).park(handler, payload, error, 1)


class ParkingLot:
    """Mixin for a service class: RPCs to see and replay parked events.

    The service must declare ``inbox = Inbox()``.
    """

    @rpc
    def list_parked_events(self):
        """Return parked events: ``[{id, handler, payload, error, attempts, parked_at}]``."""
        return self.inbox.list_parked()

    @rpc
    def replay_parked_event(self, parked_id):
        """Run a parked event through its handler again.

        Returns ``{"replayed": id}`` and removes it from the lot on success.
        Raises NotFound for an unknown id; if the handler fails again the
        event stays parked with the new error and the error is raised.
        """
        records = self.inbox
        doc = records.take_parked(parked_id)
        method = getattr(self, doc["handler"])
        try:
            event = load_envelope(doc["payload"])
        except ValidationError:
            raise InvalidInput("Parked event %s cannot be replayed: it is not an event envelope "
                               "(%s)." % (parked_id, doc["error"][:200]),
                               {"payload": ["not an event envelope"]}) from None
        if not records.should_skip(doc["handler"], event):
            try:
                method.__wrapped__(self, event)
            except Exception:
                records.parked.update_one({"_id": parked_id}, {"$set": {
                    "error": traceback.format_exc(limit=5), "parked_at": _now()},
                    "$inc": {"attempts": 1}})
                raise
            records.mark_applied(doc["handler"], event)
        records.parked.delete_one({"_id": parked_id})
        return {"replayed": parked_id}
