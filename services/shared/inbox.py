"""Idempotent, bounded-retry event consumption with a parking lot.

docs/contract.md: delivery is at least once; a repeated ``event_id`` changes
nothing and an event older than what was applied for its aggregate is ignored.
docs/style.md: a handler that raises must neither lose the event (nameko's
default ack) nor retry forever (``requeue_on_error``), nor hold a worker while
it waits to retry.

Use (the kit's ``Service`` declares ``inbox``)::

    @consumes(registry.RESIDENT_UPDATED, snapshot=True)     # copies a snapshot
    def handle_resident_updated(self, event): ...

    @consumes(registry.RESIDENT_DEACTIVATED)                # has effects
    def handle_resident_deactivated(self, event): ...

Rules the decorator applies, in order:
1. an envelope that does not parse, or whose payload this contract cannot
   read (a newer ``schema_version``), is parked at once;
2. the payload is upcast to the newest ``schema_version`` the contract knows
   and loaded with its tolerant schema (``EventType.read``);
3. a *snapshot* handler (``snapshot=True``: it only copies the aggregate's
   snapshot) skips an event whose ``aggregate_version`` is below the highest
   one this service's snapshot handlers applied for ``(source, aggregate_id)``,
   or that it applied already: the newer snapshot said everything. A handler
   *with effects* (the default) skips only an event it applied already: the
   ``(handler, event_id)`` pairs it applied are kept durably, one document
   each, because an older event it has not applied (one that failed and was
   requeued while a newer one went through elsewhere) still has effects to make;
4. run the handler; on success record it;
5. on an exception the message is acked and a copy waits in the broker for
   the next attempt, longer after each failure (``services.shared.retry``,
   ``EVENT_RETRY_DELAYS``); after the last attempt it is parked with the
   error in the service's parking lot, on the broker
   (``services.shared.parking``). No worker waits meanwhile, and the retry
   meets rule 3 again when it comes back: an older snapshot is skipped, an
   event with effects already applied is not applied twice. The kit's
   ``Service`` lists and replays parked events over RPC.

A message that cannot even be decoded (not JSON, nested deeper than the
decoder recurses) never reaches the handler: it is parked as text, NIKs
masked (``park_undecodable``, called by ``services.shared.messaging``), and
cannot be replayed.

Handlers with effects must be safe to re-run (a crash after the effect and
before step 4 replays the event): write effects as conditional updates
(``services.shared.versioned``), so a replay finds nothing left to change.
"""
import base64
import functools
import logging
import traceback

from marshmallow import ValidationError
from nameko.events import SERVICE_POOL
from nameko.extensions import DependencyProvider
from pymongo.errors import DuplicateKeyError

from services.shared import clock, projection
from services.shared.contract import UnreadableEvent
from services.shared.envelope import load_envelope
from services.shared.errors import Conflict, InvalidInput, RuleRefused
from services.shared.mongo import database_for
from services.shared.nik import mask_niks_in_text
from services.shared.parking import ParkingLot
from services.shared.retry import RetryingEventHandler

log = logging.getLogger(__name__)


class InboxRecords:
    """The consumer bookkeeping of one service (what was applied, what was parked).

    ``_inbox``: for snapshot handlers, one document per ``(source,
    aggregate_id)`` with the highest version applied and the last
    ``APPLIED_KEPT`` ``handler:event_id`` pairs (an event pushed out of that
    list is older than the version, so the version check still drops it).
    ``_inbox_applied``: for handlers with effects, one document per
    ``handler:event_id`` applied, kept (``_id`` is the unique key).
    ``lot``: the service's ``ParkingLot``, on the broker, not in this store:
    parked events outlive an in-memory store's restart.
    """

    APPLIED_KEPT = 200

    def __init__(self, db, lot):
        self.inbox = db["_inbox"]
        self.applied = db["_inbox_applied"]
        self.lot = lot

    @staticmethod
    def _key(event):
        # versions count from 1 again in an owner's new store (docs/events.md "Store
        # epoch"): the newest version seen is kept per epoch
        epoch = event.get("store_epoch")
        if epoch:
            return "%s@%s:%s" % (event["source"], epoch, event["aggregate_id"])
        return "%s:%s" % (event["source"], event["aggregate_id"])

    def should_skip(self, handler, event, snapshot):
        """True when ``handler`` applied this event already or, for a snapshot
        handler, the event is older than what this service applied."""
        pair = "%s:%s" % (handler, event["event_id"])
        if not snapshot:
            return self.applied.find_one({"_id": pair}, {"_id": 1}) is not None
        doc = self.inbox.find_one({"_id": self._key(event)})
        if doc is None:
            return False
        return event["aggregate_version"] < doc.get("version", 0) or pair in doc.get("applied", ())

    def mark_applied(self, handler, event, snapshot):
        pair = "%s:%s" % (handler, event["event_id"])
        if snapshot:
            # an aggregate's first event usually finds no record: inserting it is the
            # document the upsert below would make, without the in-memory store's
            # generic $max/$push path; a record there already is updated
            if event["aggregate_version"] == 1 and projection.insert_new(
                    self.inbox, {"_id": self._key(event), "version": 1, "applied": [pair]}):
                return
            self.inbox.update_one(
                {"_id": self._key(event)},
                {"$max": {"version": event["aggregate_version"]},
                 "$push": {"applied": {"$each": [pair], "$slice": -self.APPLIED_KEPT}}},
                upsert=True)
        else:
            try:
                self.applied.insert_one({"_id": pair, "type": event["type"],
                                         "aggregate_id": event["aggregate_id"],
                                         "aggregate_version": event["aggregate_version"],
                                         "applied_at": clock.now()})
            except DuplicateKeyError:
                pass  # two deliveries finished together: the effects' own conditions held

    def park(self, handler, payload, error, attempts):
        """Park an event (``ParkingLot.park``); returns its parked id."""
        return self.lot.park(handler, payload, error, attempts)

    def count_parked(self):
        """How many events are parked (int): the gateway's metrics report it."""
        return self.lot.count()

    def list_parked(self):
        """``[{id, handler, payload, error, attempts, parked_at}]``, oldest first."""
        return self.lot.list()


class Inbox(DependencyProvider):
    """Injects the service's ``InboxRecords``; declares its parking lot at start."""

    def setup(self):
        self.db = database_for(self.container)
        self.lot = ParkingLot.of(self.container)
        self.lot.declare()

    def get_dependency(self, worker_ctx):
        return InboxRecords(self.db, self.lot)


def read_event(payload, event_type=None):
    """Load an envelope and, with an ``EventType``, upcast and load its payload.

    Raises ValidationError (bad envelope) or UnreadableEvent (bad payload).
    """
    event = load_envelope(payload)
    return event_type.read(event) if event_type is not None else event


def consumes(event_type, event_name=None, snapshot=False, max_attempts=None,
             handler_type=SERVICE_POOL):
    """Declare an idempotent, bounded-retry nameko event handler.

    Args:
        event_type: an ``EventType`` from the publisher's contract (payloads are
            upcast and loaded before the handler runs), or the source service
            name with ``event_name`` (the raw envelope is handed over).
        snapshot (bool): the handler only copies the aggregate's snapshot, so an
            event older than one already applied may be skipped (rule 3 above).
        max_attempts (int): failed attempts before the event is parked; None
            (the default) follows ``EVENT_RETRY_DELAYS`` (``services.shared.retry``).
    The decorated method receives the envelope (dict) with ``data`` loaded.
    """
    if isinstance(event_type, str):
        source, name, contract_type = event_type, event_name, None
    else:
        source, name, contract_type = event_type.source, event_type.name, event_type

    def decorator(fn):
        handler = fn.__name__

        @functools.wraps(fn)
        def wrapper(self, payload):
            records = self.inbox
            try:
                event = read_event(payload, contract_type)
            except (ValidationError, UnreadableEvent) as exc:
                reason = exc.messages if isinstance(exc, ValidationError) else str(exc)
                log.error("%s: unreadable event parked: %s", handler, reason)
                records.park(handler, payload, "unreadable event: %s" % reason, 1)
                return None
            if records.should_skip(handler, event, snapshot):
                log.debug("%s: skip event %s (seen or stale)", handler, event["event_id"])
                return None
            # a failure leaves here: the entrypoint retries it later or parks it
            result = fn(self, event)
            records.mark_applied(handler, event, snapshot)
            # debug: at an import's rate an info line per event was a twentieth of a
            # follower's CPU, and the inbox records what was applied anyway
            log.debug("%s: applied event %s (%s v%s)", handler, event["event_id"],
                      event["aggregate_id"], event["aggregate_version"])
            return result

        wrapper.consumes_event = (source, name)
        wrapper.event_type = contract_type
        wrapper.snapshot = snapshot
        return RetryingEventHandler.decorator(source, name, handler_type=handler_type,
                                              max_attempts=max_attempts)(wrapper)
    return decorator


#: how much of an undecodable event's body is kept for the operator (NIKs masked)
UNDECODABLE_KEPT = 2000
#: how much of it is kept as it arrived (base64), in bytes
RAW_KEPT = 256 * 1024


def park_undecodable(container, handler, message, error):
    """Park an event kombu could not decode (``services.shared.messaging``).

    Kept: its body as it arrived, base64 (``raw_base64``, the first
    ``RAW_KEPT`` bytes; ``truncated`` says when it was longer), its first
    ``UNDECODABLE_KEPT`` bytes as text with NIKs masked, and where it came
    from; ``error`` is the reason. It cannot be replayed; the operator sees
    what arrived and removes the cause. Returns the parked id.
    """
    body = message.body if isinstance(message.body, bytes) else str(message.body).encode()
    info = message.delivery_info or {}
    payload = {"undecodable": mask_niks_in_text(body[:UNDECODABLE_KEPT].decode("utf-8", "replace")),
               "raw_base64": base64.b64encode(body[:RAW_KEPT]).decode("ascii"),
               "truncated": len(body) > RAW_KEPT,
               "bytes": len(body), "content_type": message.content_type,
               "exchange": info.get("exchange"), "routing_key": info.get("routing_key")}
    return ParkingLot.of(container).park(handler, payload, mask_niks_in_text(error), 1)


def _why(exc):
    """One line for the operator: the error's type and message, NIKs masked."""
    return mask_niks_in_text("%s: %s" % (type(exc).__name__, exc))[:500]


def replay(service, records, parked_id):
    """Run a parked event through its handler again (``Service.replay_parked_event``).

    Returns ``{"replayed": id}`` and removes it from the lot on success.
    Raises NotFound for an unknown id; InvalidInput for what is not an event
    envelope (an undecodable message: it stays parked as it is);
    RuleRefused (422) when this service's contract cannot read the payload;
    Conflict (409) when the handler fails again, its error's type and message
    in ``detail`` and ``errors["handler"]``. Either way the event stays parked
    with the new error and one more attempt.
    """
    with records.lot.claim(parked_id) as claim:
        doc = claim.doc
        try:
            load_envelope(doc["payload"])
        except ValidationError:
            raise InvalidInput("Parked event %s cannot be replayed: it is not an event envelope "
                               "(%s)." % (parked_id, doc["error"][:200]),
                               {"payload": ["not an event envelope"]}) from None
        method = getattr(service, doc["handler"])
        snapshot = getattr(method, "snapshot", False)
        stage = "read"
        try:
            event = read_event(doc["payload"], getattr(method, "event_type", None))
            stage = "handle"
            if not records.should_skip(doc["handler"], event, snapshot):
                method.__wrapped__(service, event)
                records.mark_applied(doc["handler"], event, snapshot)
        except Exception as exc:  # noqa: BLE001 - every failure is answered with its reason
            claim.replace(dict(doc, error=traceback.format_exc(limit=5),
                               attempts=doc["attempts"] + 1, parked_at=clock.now_iso()))
            why = _why(exc)
            log.warning("%s: replay of parked event %s failed again: %s", doc["handler"],
                        parked_id, why)
            if stage == "read":
                raise RuleRefused("Parked event %s cannot be read by %s: %s" % (
                    parked_id, doc["handler"], why), {"payload": [why]}) from None
            raise Conflict("Parked event %s failed again in %s: %s; it stays parked." % (
                parked_id, doc["handler"], why), {"handler": [why]}) from None
        claim.remove()
    return {"replayed": parked_id}
