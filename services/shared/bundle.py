"""Many events of one owner in one message (docs/events.md "Bundles").

An import of 50,000 families announces about 220,000 registrations. Sent as one
message each, the broker's work and nameko's per message were about half of the
CPU the import cost across the platform (bench/RESULTS.md, "Import events in
bundles"). So a relay that publishes at least ``bundle_at`` events at once
(``MongoStore(..., bundle_at=BUNDLE_AT)``: the registry's) sends them as one
envelope of type ``events_bundled`` whose ``data.events`` holds them as they
would have gone alone, each with its own ``event_id``, ``aggregate_version``
and ``store_epoch``, in the order they were written.

A consumer declares ``@bundles(source)`` once (``FollowsRegistry`` does):
``dispatch`` hands each event of a bundle to the service's own ``consumes``
handlers of its type, as if it had come alone: the same reading, the same
inbox, the same skips and effects. An event whose handler fails gets a copy
of its own in that handler's retry path (``services.shared.retry``), as a
first failure there, while the bundle's other events are applied; a bundle
delivered twice changes nothing, each event being skipped by the inbox.
"""
import functools
import logging
import sys

import eventlet

from services.shared.envelope import load_envelope, make_envelope
from services.shared.retry import RetryingEventHandler

log = logging.getLogger(__name__)

BUNDLE_TYPE = "events_bundled"
#: a publish of at least this many events goes as one bundle: an import's chunk
#: (hundreds), never a request's few (a family and its members)
BUNDLE_AT = 100
#: at most this many events in one bundle (a bundle of 500 residents is about 0.7 MB)
BUNDLE_MAX = 500
#: events a consumer handles between two yields, so its RPCs are answered meanwhile
YIELD_EVERY = 20


def bundled(events, source, at=BUNDLE_AT, most=BUNDLE_MAX):
    """What a relay publishes for ``events``: themselves when fewer than ``at``
    (or ``at`` is None), else envelopes of type ``events_bundled`` of at most
    ``most`` each (``{"events": [envelope, ...]}``, ``aggregate_id`` "bundle")."""
    if at is None or len(events) < at:
        return events
    return [make_envelope(BUNDLE_TYPE, source, "bundle", 1,
                          {"events": list(events[i:i + most])},
                          correlation_id=events[i].get("correlation_id"))
            for i in range(0, len(events), most)]


@functools.lru_cache(maxsize=None)
def _handlers(cls):
    """``{(source, type): [method name]}`` of ``cls``'s ``consumes`` handlers."""
    found = {}
    for name in dir(cls):
        key = getattr(getattr(cls, name, None), "consumes_event", None)
        if key:
            found.setdefault(tuple(key), []).append(name)
    return found


def dispatch(service, payload):
    """Hand each event of a bundle to ``service``'s handlers of its type.

    Args:
        payload (dict): the bundle's envelope as it arrived.
    Returns:
        list: ``[(method name, event, exc_info)]`` of the events whose handler
        raised (the caller gives each its own retry); empty when all went well.
    Raises marshmallow.ValidationError (not an envelope) or ValueError (no list
    of events): the bundle itself is then retried or parked.
    """
    events = load_envelope(payload)["data"].get("events")
    if not isinstance(events, list):
        raise ValueError("a bundle's data.events must be a list of event envelopes")
    handlers = _handlers(type(service))
    failed = []
    for count, event in enumerate(events, start=1):
        names = handlers.get((event.get("source"), event.get("type"))) \
            if isinstance(event, dict) else None
        if not names:
            log.warning("bundle %s: no handler here for an event of type %r",
                        payload.get("event_id"), isinstance(event, dict) and event.get("type"))
        for name in names or ():
            try:
                getattr(service, name)(event)
            except Exception:  # noqa: BLE001 - this event alone is retried
                failed.append((name, event, sys.exc_info()))
        if count % YIELD_EVERY == 0:
            eventlet.sleep(0)
    return failed


class BundleHandler(RetryingEventHandler):
    """The entrypoint of ``@bundles``: a bundle's failed events each go to the retry
    path of the handler that failed them; the bundle itself is then acked."""

    def _handled(self, body, message, worker_ctx, result=None, exc_info=None):
        if exc_info is None and result:
            try:
                for name, event, failure in result:
                    self._entrypoint_of(name).retry_alone(event, failure)
            except Exception as exc:  # noqa: BLE001 - nothing lost: the bundle comes again
                log.warning("%s: could not schedule the retry of a bundled event (%s: %s); "
                            "the bundle is requeued", self.method_name, type(exc).__name__, exc)
                self.queue_consumer.requeue_message(message)
                return result, exc_info
        return super()._handled(body, message, worker_ctx, result, exc_info)

    def _entrypoint_of(self, method_name):
        for entrypoint in self.container.entrypoints:
            if isinstance(entrypoint, RetryingEventHandler) and \
                    entrypoint.method_name == method_name:
                return entrypoint
        raise LookupError("no event handler %s in %s" % (method_name,
                                                         self.container.service_name))


def bundles(source):
    """Declare the method that receives ``source``'s bundles; it returns
    ``dispatch(self, payload)``. A parked bundle replayed
    (``services.shared.inbox.replay``) fails again while an event of it fails."""
    def decorator(fn):
        def replayed(service, event):
            failed = fn(service, event)
            if failed:
                raise failed[0][2][1]
        fn.__wrapped__ = replayed
        return BundleHandler.decorator(source, BUNDLE_TYPE)(fn)
    return decorator
