"""The repository part of a registry projection (``RegistryProjection``) and the
epoch it follows (docs/service-kit.md "Following the registry"; docs/events.md
"Store epoch").

Every stored snapshot is stamped with the registry store epoch it came from
(``store_epoch``). The ``meta`` document remembers the epoch followed
(``epoch``), one seen but not yet rebuilt from (``next_epoch``) and those left
behind (``retired``); ``services.shared.epoch.judge`` decides what an event of
a given epoch does.
"""
from services.shared import clock
from services.shared.epoch import summarize
from services.shared.projection import EPOCH_FIELD, apply_snapshot

META_ID = "projection"
#: set on a service's own record that refers to a resident or household the
#: registry's new store no longer has (docs/reliability.md "An owner that lost its data")
MISSING_FLAG = "registry_missing"


def flag_missing(collection, field, ids):
    """Flag (``registry_missing: true``, kept) the documents of ``collection`` whose
    ``field`` is one of ``ids``; returns how many were newly flagged."""
    if not ids:
        return 0
    return collection.update_many({field: {"$in": list(ids)}, MISSING_FLAG: {"$ne": True}},
                                  {"$set": {MISSING_FLAG: True}}).modified_count


def _as_snapshot(doc):
    doc = dict(doc)
    doc["id"] = doc.pop("_id")
    doc.pop(EPOCH_FIELD, None)
    return doc


class RegistryProjection:
    """The registry's residents and households in the consuming service's database.

    Documents are the registry's snapshots (docs/events.md "registry") with
    ``_id`` = the registry id; ``version`` is the registry's, so a repeated or
    older snapshot changes nothing. Constructed as ``(db, notify)`` like every
    repository behind ``MongoStore``; ``notify`` is not used (nothing here
    announces an event).
    """

    def __init__(self, db, notify=None):
        self.db = db
        self.residents = db["residents"]
        self.households = db["households"]
        self.meta = db["meta"]

    @classmethod
    def ensure_indexes(cls, db):
        """Indexes on NIK, household and KK number, household status."""
        db["residents"].create_index("nik")
        db["residents"].create_index("household_id")
        db["households"].create_index("kk_number")
        db["households"].create_index("status")

    # ------------------------------------------------------------ writes

    def apply_resident(self, snapshot, epoch=None):
        """Store a resident snapshot (as ``ResidentSnapshot`` reads it) if newer, or
        if the stored one is of another store ``epoch``; True when applied."""
        return apply_snapshot(self.residents, snapshot["id"], snapshot.get("version", 1),
                              snapshot, epoch)

    def apply_household(self, snapshot, epoch=None):
        """Store a household snapshot (as ``HouseholdSnapshot`` reads it) like
        ``apply_resident``."""
        return apply_snapshot(self.households, snapshot["id"], snapshot.get("version", 1),
                              snapshot, epoch)

    # ------------------------------------------------------------ the epoch followed

    def epochs(self):
        """``{"epoch", "next_epoch", "retired": [...]}`` (None/empty when unknown)."""
        doc = self.meta.find_one({"_id": META_ID}) or {}
        return {"epoch": doc.get("epoch"), "next_epoch": doc.get("next_epoch"),
                "retired": list(doc.get("retired", []))}

    def adopt_epoch(self, epoch):
        """Follow ``epoch`` when no epoch is known yet (a projection older than
        epochs, or the very first event); True when it was adopted."""
        result = self.meta.update_one({"_id": META_ID, "epoch": None},
                                      {"$set": {"epoch": epoch}})
        if result.matched_count:
            return True
        if self.meta.find_one({"_id": META_ID}) is None:
            self.meta.update_one({"_id": META_ID}, {"$setOnInsert": {"epoch": epoch}},
                                 upsert=True)
            return True
        return False

    def expect_epoch(self, epoch):
        """Note a new owner store seen in an event; the rebuild that follows it
        makes it the epoch followed (``follow``)."""
        self.meta.update_one({"_id": META_ID}, {"$set": {"next_epoch": epoch}}, upsert=True)

    def follow(self, epoch):
        """After a rebuild from the export of ``epoch``: follow it, retire the old one."""
        old = self.epochs()["epoch"]
        update = {"$set": {"epoch": epoch}, "$unset": {"next_epoch": ""}}
        if old is not None and old != epoch:
            update["$addToSet"] = {"retired": old}
        self.meta.update_one({"_id": META_ID}, update, upsert=True)

    def sweep(self, epoch):
        """Drop every resident and household not stamped with ``epoch``: after a
        full pass over the export of ``epoch`` they are what the owner no longer
        has. Returns ``(resident_ids, household_ids)`` dropped."""
        gone = {EPOCH_FIELD: {"$ne": epoch}}
        residents = [d["_id"] for d in self.residents.find(gone, {"_id": 1})]
        households = [d["_id"] for d in self.households.find(gone, {"_id": 1})]
        if residents:
            self.residents.delete_many({"_id": {"$in": residents}})
        if households:
            self.households.delete_many({"_id": {"$in": households}})
        return residents, households

    def summary(self):
        """``{"households", "residents", "households_checksum", "residents_checksum"}``
        (``services.shared.epoch.summarize``), to compare with the registry's."""
        out = {}
        for kind, coll in (("households", self.households), ("residents", self.residents)):
            out[kind], out[kind + "_checksum"] = summarize(coll)
        return out

    def record_check(self, report):
        """Keep the last drift check (``epoch.compare``'s answer with ``checked_at``)."""
        self.meta.update_one({"_id": META_ID}, {"$set": {"check": report}}, upsert=True)

    def drift_status(self):
        """``{"registry_epoch_ok", "drift", "checked_at"}`` of the last drift check;
        ``registry_epoch_ok`` is judged against the epoch followed now (so a rebuild
        since the check counts) and is None, like ``checked_at``, before the first."""
        doc = self.meta.find_one({"_id": META_ID}) or {}
        check = doc.get("check")
        if not check:
            return {"registry_epoch_ok": None, "drift": {}, "checked_at": None}
        followed = doc.get("epoch")
        return {"registry_epoch_ok": followed is not None
                and followed == check.get("registry_epoch"),
                "drift": check.get("drift", {}), "checked_at": check.get("checked_at")}

    def mark_resynced(self, counts):
        """Record a rebuild from the export (its counts and when)."""
        self.meta.update_one({"_id": META_ID},
                             {"$set": dict(counts, resynced_at=clock.now_iso())}, upsert=True)

    # ------------------------------------------------------------ reads

    def projection_empty(self):
        """True when the projection holds no household and no resident."""
        return self.households.find_one({}, {"_id": 1}) is None and \
            self.residents.find_one({}, {"_id": 1}) is None

    def projection_status(self):
        """``{"households", "residents", "resynced_at"?, "epoch"?, "dropped_households"?,
        "dropped_residents"?}`` (the dropped counts of the last rebuild)."""
        doc = self.meta.find_one({"_id": META_ID}) or {}
        doc = {k: v for k, v in doc.items()
               if k in ("resynced_at", "epoch", "dropped_households", "dropped_residents")}
        doc["households"] = self.households.count_documents({})
        doc["residents"] = self.residents.count_documents({})
        return doc

    def resident(self, resident_id):
        """The stored document (``_id``) of one resident, or None."""
        return self.residents.find_one({"_id": resident_id})

    def residents_by_nik(self, nik):
        """Stored documents with this NIK (an inactive duplicate may share it)."""
        return list(self.residents.find({"nik": nik}))

    def household(self, household_id):
        """The stored document (``_id``) of one household, or None."""
        return self.households.find_one({"_id": household_id})

    def household_by_kk(self, kk_number):
        """The stored household with this KK number, or None."""
        return self.households.find_one({"kk_number": kk_number})

    def members_of(self, household_id):
        """Snapshots (``id``) of every member of a household, active or not."""
        return [_as_snapshot(d) for d in self.residents.find({"household_id": household_id})]

    def active_households(self):
        """Snapshots (``id``) of every household not inactive."""
        return [_as_snapshot(d) for d in self.households.find({"status": {"$ne": "inactive"}})]

    def active_residents_by_household(self):
        """``{household_id: [active member snapshots]}``."""
        out = {}
        for doc in self.residents.find({"status": "active"}):
            out.setdefault(doc.get("household_id"), []).append(_as_snapshot(doc))
        return out
