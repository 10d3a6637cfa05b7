"""The owner's store epoch, and the counts and checksum a follower compares.

A store epoch is a random id created with an owner's store the first time a
service opens it and kept for the store's life (docs/events.md "Store
epoch"). A store that comes back empty (the in-memory store after a restart,
a database restored or replaced) gets a new one, so a follower can tell "the
owner lost its data" from "the owner has nothing new". The registry stamps it
on every event it publishes (``store_epoch``) and answers it with its export.

The checksum is the xor of one 64-bit hash per ``(id, version)``: order does
not matter, it is computed in one pass over ``_id`` and ``version`` only, and
two stores that hold the same ids at the same versions agree.
"""
import hashlib
import uuid

import eventlet
import eventlet.event
from pymongo.errors import DuplicateKeyError

from services.shared import clock

COLLECTION = "store_meta"
EPOCH_ID = "epoch"
#: documents read between two yields of ``summarize`` to the process's other work
SUMMARY_YIELD_EVERY = 1000


def store_epoch(db):
    """The epoch of the store ``db`` (a pymongo/mongomock database), created if absent.

    Insert-if-absent on one document, so two instances opening the same
    database at once agree on one epoch. Returns a 32-hex-digit string.
    """
    coll = db[COLLECTION]
    doc = coll.find_one({"_id": EPOCH_ID})
    if doc is None:
        try:
            coll.update_one({"_id": EPOCH_ID},
                            {"$setOnInsert": {"epoch": uuid.uuid4().hex,
                                              "created_at": clock.now_iso()}}, upsert=True)
        except DuplicateKeyError:  # another instance inserted it first: read theirs
            pass
        doc = coll.find_one({"_id": EPOCH_ID})
    return doc["epoch"]


def item_hash(item_id, version):
    """64-bit hash of one ``(id, version)`` pair (blake2b; stable across processes)."""
    digest = hashlib.blake2b(("%s:%d" % (item_id, int(version))).encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big")


def summarize(collection, query=None):
    """``(count, checksum)`` of the documents of ``collection`` matching ``query``.

    ``checksum`` is a 16-hex-digit string (xor of ``item_hash`` of ``_id``
    and ``version``; a document without a version counts as version 1).
    On the in-process store the reading is CPU work that never waits: it yields
    every ``SUMMARY_YIELD_EVERY`` documents, or at 15,000 families the registry
    answered nothing else (504s) for the seconds a drift check's summary took.
    """
    count, acc = 0, 0
    # in batches: the in-memory store then copies as it is read, between the yields
    cursor = collection.find(query or {}, {"_id": 1, "version": 1})
    for doc in cursor.batch_size(SUMMARY_YIELD_EVERY):
        count += 1
        acc ^= item_hash(doc["_id"], doc.get("version", 1))
        if count % SUMMARY_YIELD_EVERY == 0:
            eventlet.sleep(0)
    return count, "%016x" % acc


class SharedAnswer:
    """One computation per key at a time in this process; calls that arrive while it
    runs wait for it and share its answer (or its error).

    The registry's ``projection_summary`` reads every resident. Its four
    followers' drift checks run on the same interval, so they ask at the same
    moment: at 50,000 families, four summaries at once under load took more
    than the followers' 10 s deadline, every check failed, and the answers
    computed went unread. A summary begun a moment before a call arrived is as
    current as the events still in flight to the follower, which the
    comparison tolerates already.
    """

    def __init__(self):
        self._running = {}

    def get(self, key, compute):
        """``compute()``'s answer, shared with the calls for ``key`` that overlap it."""
        running = self._running.get(key)
        if running is not None:
            return running.wait()
        self._running[key] = done = eventlet.event.Event()
        try:
            answer = compute()
        except Exception as exc:
            del self._running[key]
            done.send_exception(exc)
            raise
        del self._running[key]
        done.send(answer)
        return answer


def compare(ours, theirs, followed_epoch):
    """Drift between a follower's projection and the owner's store.

    Args:
        ours (dict): the follower's ``{"households", "residents",
            "households_checksum", "residents_checksum"}``.
        theirs (dict): the owner's answer of the same shape plus ``store_epoch``.
        followed_epoch (str|None): the epoch the follower follows.
    Returns:
        dict: ``{"registry_epoch": theirs, "registry_epoch_ok": bool, "drift":
        {kind: {"ours", "theirs", "checksum_ok"}} for each kind that differs}``;
        ``drift`` empty when both agree. An unknown followed epoch (a projection older than epochs)
        is not ok: the follower cannot know that it follows this store.
    """
    drift = {}
    for kind in ("households", "residents"):
        same_sum = ours.get(kind + "_checksum") == theirs.get(kind + "_checksum")
        if ours.get(kind) != theirs.get(kind) or not same_sum:
            drift[kind] = {"ours": ours.get(kind), "theirs": theirs.get(kind),
                           "checksum_ok": same_sum}
    return {"registry_epoch": theirs.get("store_epoch"),
            "registry_epoch_ok": followed_epoch is not None
            and followed_epoch == theirs.get("store_epoch"), "drift": drift}


def judge(epoch, followed, upcoming=None, retired=()):
    """What a follower does with an event of the owner's store ``epoch``.

    Args:
        epoch (str|None): the event's ``store_epoch`` (None: an owner that
            keeps no epoch; applied as before epochs existed).
        followed (str|None): the epoch the projection follows.
        upcoming (str|None): a newer epoch already seen, its rebuild pending.
        retired: epochs followed before.
    Returns one of:
        ``"apply"``: the epoch being followed (or about to be): apply it;
        ``"adopt"``: no epoch known yet: follow this one and apply it;
        ``"stale"``: an epoch left behind (a late event of a store that is
        gone): ignore it;
        ``"new"``: an epoch never seen: the owner's store is new, rebuild.
    """
    if epoch is None:
        return "apply"
    newest = upcoming or followed
    if newest is None:
        return "adopt"
    if epoch == newest:
        return "apply"
    if epoch == followed or epoch in retired:
        return "stale"
    return "new"


class FollowedEpochs:
    """The store epoch a follower last saw from each owner (``store_meta``, one
    document ``followed_epochs``: ``{owner: epoch}``).

    ``changed(owner, epoch)`` is True when an event's epoch differs from the one
    recorded for that owner: the owner's store is new (it lost its data), and
    what the follower built from the old one may hold what the owner no longer
    has. The first epoch seen from an owner is recorded, not a change. Kept in
    the follower's store, so a restarted follower with a durable store still
    knows; an in-process cache spares a write per event.
    """

    DOC = "followed_epochs"

    def __init__(self, db):
        self.coll = db[COLLECTION]
        self._seen = {}

    def changed(self, owner, epoch):
        """Record ``epoch`` (str or None) for ``owner`` (a service name); True when it
        replaced another one. None (an owner keeping no epoch) is never a change."""
        if not epoch or self._seen.get(owner) == epoch:
            return False
        before = self.coll.find_one_and_update({"_id": self.DOC}, {"$set": {owner: epoch}},
                                               upsert=True)
        self._seen[owner] = epoch
        previous = (before or {}).get(owner)
        return previous is not None and previous != epoch
