"""Uniqueness of NIKs, KK numbers and no-NIK persons, claimed before any write.

A claim is a document in ``registry_keys`` whose ``_id`` is the key
(``nik:<nik>``, ``kk:<kk>``, ``person:<name|birth date|birth place>``) and
whose ``owner`` is the resident or household that holds it. ``_id`` is the
one unique index that MongoDB and mongomock both enforce in constant time;
mongomock checks any other unique index by scanning the whole collection on
every write (6 ms per write at 5,000 residents, measured), which would make
an import quadratic. A real MongoDB additionally gets unique indexes on
``residents.nik`` and ``households.kk_number`` (``store.ensure_indexes``).

Claims come first, so a refused request has written nothing but claims it
releases again. A claim whose owner never got written (a crash in between)
is recognised as stale once its owner is missing and it is older than
``GRACE_SECONDS``, and is then taken over.
"""
import time

from pymongo.errors import BulkWriteError, DuplicateKeyError

GRACE_SECONDS = 120
DUPLICATE_KEY = 11000
CHUNK = 1000


def nik_key(nik):
    return "nik:" + nik


def kk_key(kk_number):
    return "kk:" + kk_number


def person_key(temp_key):
    return "person:" + temp_key


class KeyGuard:
    """Claims and releases keys for one database."""

    def __init__(self, db):
        self.db = db
        self.keys = db["registry_keys"]

    def claim(self, claims, batch):
        """Claim ``[(key, owner_id), ...]`` for ``batch`` (an operation id).

        Returns ``{key: existing_owner_id}`` for keys held by a live record;
        every other key is now held by ``batch``.
        """
        now = time.time()
        docs = [{"_id": key, "owner": owner, "batch": batch, "at": now} for key, owner in claims]
        failed = []
        for start in range(0, len(docs), CHUNK):
            chunk = docs[start:start + CHUNK]
            try:
                self.keys.insert_many(chunk, ordered=False)
            except BulkWriteError as exc:
                for error in exc.details["writeErrors"]:
                    if error["code"] != DUPLICATE_KEY:
                        raise
                    failed.append(chunk[error["index"]])
        if not failed:
            return {}
        held = {d["_id"]: d for d in self.keys.find({"_id": {"$in": [f["_id"] for f in failed]}})}
        live = self._live(held.values())
        conflicts = {}
        for wanted in failed:
            current = held.get(wanted["_id"])
            if current is None:
                # released meanwhile: try once more
                try:
                    self.keys.insert_one(wanted)
                    continue
                except DuplicateKeyError:
                    current = self.keys.find_one({"_id": wanted["_id"]}) or wanted
            if current["_id"] in live or now - current.get("at", now) < GRACE_SECONDS:
                conflicts[wanted["_id"]] = current["owner"]
                continue
            taken = self.keys.find_one_and_replace(
                {"_id": current["_id"], "owner": current["owner"], "at": current["at"]}, wanted)
            if taken is None:
                conflicts[wanted["_id"]] = current["owner"]
        return conflicts

    def release(self, batch, owners=None):
        """Drop the claims of ``batch`` (all of them, or only those of ``owners``)."""
        query = {"batch": batch}
        if owners is not None:
            query["owner"] = {"$in": list(owners)}
        self.keys.delete_many(query)

    def release_owned(self, owner, keys):
        """Drop ``keys`` held by ``owner`` (after a NIK or KK changed, or a staged record died)."""
        self.keys.delete_many({"_id": {"$in": list(keys)}, "owner": owner})

    def _live(self, held):
        """The subset of held keys whose owner exists and still carries the value."""
        residents, households = {}, {}
        for doc in held:
            (households if doc["_id"].startswith("kk:") else residents)[doc["owner"]] = doc
        found = {}
        for coll, owners in (("residents", residents), ("households", households)):
            if owners:
                for d in self.db[coll].find({"_id": {"$in": list(owners)}},
                                            {"nik": 1, "kk_number": 1, "temp_key": 1}):
                    found[d["_id"]] = d
        live = set()
        for doc in held:
            owner = found.get(doc["owner"])
            if owner is None:
                continue
            kind, _, value = doc["_id"].partition(":")
            field = {"nik": "nik", "kk": "kk_number", "person": "temp_key"}[kind]
            if owner.get(field) == value:
                live.add(doc["_id"])
        return live
