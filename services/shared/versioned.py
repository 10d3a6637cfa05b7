"""The one versioned conditional write: change a document only if nobody else did.

Every aggregate document carries an integer ``version``. A change reads the
document, works out what changes (a pure function), and writes with
``write_versioned``: one single-document ``update_one`` filtered on the
``version`` that was read (plus any ``where`` conditions), which sets the
changes and ``version + 1`` and queues the events announcing it in the same
operation (``services.shared.outbox``). Atomic on one document on MongoDB
and mongomock alike; a concurrent change makes it match nothing, and the
caller decides (read again and retry, or answer Conflict).
"""
from services.shared.outbox import with_events


def write_versioned(collection, doc, changes, *, events=None, push=None, where=None,
                    notify=None):
    """Apply ``changes`` to ``doc`` if it is still at ``doc["version"]``.

    Args:
        collection: the pymongo (or mongomock) collection holding ``doc``.
        doc (dict): the document as read (needs ``_id`` and ``version``).
        changes (dict): fields to ``$set``.
        events: a list of envelopes, or ``events(after)`` returning one, where
            ``after`` is ``doc`` with the changes and the new version.
        push (dict): a ``$push`` spec (a history entry, notes).
        where (dict): more conditions the document must meet (a status).
        notify: the store's ``notify(collection, ids)``, called after a write
            that queued events, to wake the outbox relay.
    Returns:
        dict|None: ``after``, or None when the document changed meanwhile
        (or no longer meets ``where``); nothing was written then.
    """
    after = dict(doc, **changes)
    after["version"] = doc["version"] + 1
    queued = events(after) if callable(events) else list(events or ())
    update = {"$set": dict(changes, version=after["version"])}
    if push:
        update["$push"] = dict(push)
    if queued:
        update = with_events(update, queued)
    query = dict(where or {}, _id=doc["_id"], version=doc["version"])
    if not collection.update_one(query, update).matched_count:
        return None
    if queued and notify is not None:
        notify(collection.name, [doc["_id"]])
    return after
