"""Projections of another service's aggregates, kept by events and rebuildable.

docs/contract.md: a service that needs another's data keeps its own projection, fed
by events and rebuildable from the owner's export. ``apply_snapshot`` is the
one write every projection uses: a single conditional upsert (an insert for a
first version not yet stored, ``insert_new``), so a repeated or older snapshot
changes nothing (atomic on one document, on MongoDB and mongomock alike).
"""
import logging

from pymongo.errors import DuplicateKeyError

log = logging.getLogger(__name__)


EPOCH_FIELD = "store_epoch"


def apply_snapshot(collection, aggregate_id, version, fields, epoch=None):
    """Store ``fields`` for ``aggregate_id`` if ``version`` is newer than stored.

    With ``epoch`` (the owner's store epoch, ``services.shared.epoch``) the
    document is stamped with it, and a stored document of another epoch is
    replaced whatever its version: a new store counts versions from 1 again.
    Returns True when applied, False when the stored version is equal or newer.
    """
    doc = dict(fields)
    doc["version"] = int(version)
    doc.pop("_id", None)
    newer = {"version": {"$lt": int(version)}}
    if epoch is not None:
        doc[EPOCH_FIELD] = epoch
        newer = {"$or": [newer, {EPOCH_FIELD: {"$ne": epoch}}]}
    if int(version) == 1 and insert_new(collection, dict({"_id": aggregate_id}, **doc)):
        return True
    try:
        collection.update_one(dict(newer, _id=aggregate_id), {"$set": doc}, upsert=True)
    except DuplicateKeyError:
        return False
    return True


def insert_new(collection, doc):
    """Insert ``doc`` unless its ``_id`` is stored; True when inserted.

    A first version (a registration) usually finds nothing stored: inserting it
    is the document the upsert would make (its filter gives only ``_id``), for
    a fraction of the cost of an upsert's ``$set`` in the in-memory store, where
    each field goes through the generic update path. A stored one is left to
    the upsert, which judges versions and epochs."""
    try:
        collection.insert_one(doc)
    except DuplicateKeyError:
        return False
    return True


def resync(fetch_page, apply_item, per_page=500):
    """Rebuild a projection from an owner's export.

    Args:
        fetch_page (callable): ``fetch_page(page, per_page)`` returning the
            CONTRACT list shape ``{"items": [...], "total": n}``.
        apply_item (callable): applies one exported item (idempotently).
    Returns:
        int: items applied.
    """
    page, seen = 1, 0
    while True:
        answer = fetch_page(page, per_page)
        for item in answer["items"]:
            apply_item(item)
            seen += 1
        if not answer["items"] or page * per_page >= answer["total"]:
            break
        page += 1
    log.info("resync: %d items applied", seen)
    return seen
