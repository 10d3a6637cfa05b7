"""Write a change and the events that announce it in one document operation.

docs/contract.md: "a crash between the database write and the publish must not lose
the event". MongoDB guarantees atomicity for a single-document write, so each
aggregate document carries its own pending events in ``_outbox`` and a counter
``_pending`` (indexed) that the relay uses to find them. The relay
(``services.shared.relay``) publishes them and pulls them out again.
"""
OUTBOX = "_outbox"
PENDING = "_pending"

#: Projection that hides outbox bookkeeping from reads.
HIDE_OUTBOX = {OUTBOX: 0, PENDING: 0}


def new_document(doc, events):
    """Return ``doc`` with ``events`` queued; insert it with ``insert_one``."""
    doc = dict(doc)
    doc[OUTBOX] = list(events)
    doc[PENDING] = len(events)
    return doc


def with_events(update, events):
    """Return a copy of a Mongo ``update`` that also queues ``events``.

    Use it with ``update_one``/``find_one_and_update`` so the change and its
    events land together or not at all.
    """
    update = {op: dict(spec) for op, spec in update.items()}
    update.setdefault("$push", {})[OUTBOX] = {"$each": list(events)}
    update.setdefault("$inc", {})[PENDING] = len(events)
    return update


def ensure_outbox_index(collection):
    """Index the pending counter so the relay's scan stays cheap."""
    collection.create_index(PENDING, sparse=True)
