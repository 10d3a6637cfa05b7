"""Reads of the registry: lookups, search, history, export, the followers' summary.

Every read skips staged residents (a registration not yet committed; see
store.py) and never returns outbox bookkeeping.
"""
import re

from services.shared.epoch import store_epoch, summarize
from services.shared.errors import NotFound
from services.shared.nik import RESIDENT_FLAGS, mask_nik
from services.shared.outbox import HIDE_OUTBOX
from services.shared.pagination import page_of

from services.registry import domain
from services.registry.keys import nik_key

STAGED, STAGED_AT = "_staged", "_staged_at"   # a new resident awaiting its commit point
SYNC_HOUSEHOLD = "_sync_household"   # a member's status changed: recompute the household's
SYNC_MEMBERS = "_sync_members"       # kk/rt/rw changed: copy them onto the members
VISIBLE = {STAGED: {"$exists": False}}
NO_HISTORY = dict(HIDE_OUTBOX, history=0)
#: A bulk lookup asks for at most this many values per ``$in`` (an indexed lookup
#: on every store; bounded so one query stays well under MongoDB's 16 MB).
IN_CHUNK = 500
#: the officer search reads at most this many words of ``q`` (more only narrow it)
MAX_QUERY_WORDS = 8


class RegistryQueries:
    def __init__(self, db):
        self.db = db
        self.residents = db["residents"]
        self.households = db["households"]

    # --- single records ------------------------------------------------------

    def _by_nik(self, nik, projection):
        """Find a resident by NIK through its uniqueness claim (an ``_id`` lookup),
        falling back to a query on ``nik``: a claim is written before its resident,
        so it is the fast path, and mongomock has no secondary indexes."""
        key = self.db["registry_keys"].find_one({"_id": nik_key(nik)}, {"owner": 1})
        if key is not None:
            doc = self.residents.find_one(dict(VISIBLE, _id=key["owner"], nik=nik), projection)
            if doc is not None:
                return doc
        return self.residents.find_one(dict(VISIBLE, nik=nik), projection)

    def resident_doc(self, nik, projection=NO_HISTORY):
        """The stored resident with this NIK (by default no history/outbox); NotFound."""
        doc = self._by_nik(nik, projection)
        if doc is None:
            raise NotFound("No resident with NIK %s." % mask_nik(nik),
                           {"nik": ["not registered"]})
        return doc

    def household_doc(self, household_id):
        doc = self.households.find_one({"_id": household_id}, NO_HISTORY)
        if doc is None:
            raise NotFound("No household with id %s." % household_id,
                           {"id": ["not registered"]})
        return doc

    def resident(self, nik):
        return domain.resident_view(self.resident_doc(nik))

    def household(self, household_id):
        """The household view with its members (active and inactive)."""
        doc = self.household_doc(household_id)
        members = list(self.residents.find(dict(VISIBLE, household_id=household_id),
                                           NO_HISTORY))
        return domain.household_view(doc, members)

    def member_summary(self, household_id):
        """``[(relationship, status)]`` of a household's members."""
        household = self.households.find_one({"_id": household_id}, {"member_ids": 1})
        ids = household.get("member_ids", []) if household else []
        return [(m["relationship"], m["status"]) for m in self.residents.find(
            dict(VISIBLE, _id={"$in": ids}, household_id=household_id),
            {"relationship": 1, "status": 1})]

    def member_statuses(self, household_id):
        """The statuses of a household's committed members."""
        return [r["status"] for r in self.residents.find(
            dict(VISIBLE, household_id=household_id), {"status": 1})]

    def history(self, nik, page, per_page, skip):
        """A resident's history, oldest first, as the CONTRACT's list shape."""
        doc = self.resident_doc(nik, {"history": 1})
        items = doc.get("history", [])
        answer = page_of(items[skip:skip + per_page], page, per_page, len(items))
        answer["resident_id"] = doc["_id"]
        return answer

    # --- lists ---------------------------------------------------------------

    def search_residents(self, q, rt, rw, status, flagged, kk_number, page, per_page, skip):
        """Residents matching every given filter, by name then id.

        ``q`` of digits is the beginning of a NIK or KK number; any other ``q``
        is words each beginning a word of the name (``domain.name_tokens``: case
        and accents aside), served by the multikey index on ``name_tokens``
        (docs/performance.md, "The officer search"). A ``q`` without a letter or
        digit matches the name as written."""
        query = dict(VISIBLE)
        if q:
            q = q.strip()
            words = domain.name_tokens(q)[:MAX_QUERY_WORDS]
            if q.isdigit():
                prefix = "^" + re.escape(q)
                query["$or"] = [{"nik": {"$regex": prefix}}, {"kk_number": {"$regex": prefix}}]
            elif words:
                # anchored regexes are index range scans on MongoDB (and in mongomock_fast)
                query["$and"] = [{domain.NAME_TOKENS: {"$regex": "^" + re.escape(word)}}
                                 for word in words]
            else:
                query["full_name"] = {"$regex": re.escape(q), "$options": "i"}
        for name, value in (("rt", rt), ("rw", rw), ("status", status),
                            ("kk_number", kk_number)):
            if value is not None:
                query[name] = value
        # a resident's flags are only ever these (domain.quality_flags): "has one of
        # them" is a look-up an index on quality_flags serves, "has any" is not
        if flagged is True:
            query["quality_flags"] = {"$in": list(RESIDENT_FLAGS)}
        elif flagged is False:
            query["quality_flags"] = {"$nin": list(RESIDENT_FLAGS)}
        total = self.residents.count_documents(query)
        docs = self.residents.find(query, NO_HISTORY).sort(
            [("full_name", 1), ("_id", 1)]).skip(skip).limit(per_page)
        return page_of([domain.resident_view(d) for d in docs], page, per_page, total)

    def search_households(self, kk_number, rt, rw, status, page, per_page, skip):
        query = {}
        for name, value in (("kk_number", kk_number), ("rt", rt), ("rw", rw),
                            ("status", status)):
            if value is not None:
                query[name] = value
        total = self.households.count_documents(query)
        docs = self.households.find(query, NO_HISTORY).sort("_id", 1).skip(skip).limit(per_page)
        return page_of([domain.household_view(d) for d in docs], page, per_page, total)

    def export(self, kind, page, per_page, skip):
        """Snapshots with versions, ordered by id (docs/events.md, "Export")."""
        coll, snap = ((self.residents, domain.resident_snapshot) if kind == "residents"
                      else (self.households, domain.household_snapshot))
        query = VISIBLE if kind == "residents" else {}
        total = coll.count_documents(query)
        docs = list(coll.find(query, NO_HISTORY).sort("_id", 1).skip(skip).limit(per_page))
        deactivated = self._deactivated_at([d["_id"] for d in docs if d.get("status") ==
                                            "inactive"]) if kind == "residents" else {}
        return dict(page_of([self._exported(snap(d), d, deactivated) for d in docs], page,
                            per_page, total), store_epoch=store_epoch(self.db))

    def summary(self):
        """Counts and checksums of what the export answers, with the store epoch."""
        out = {"store_epoch": store_epoch(self.db)}
        for kind, coll, query in (("households", self.households, {}),
                                  ("residents", self.residents, VISIBLE)):
            out[kind], out[kind + "_checksum"] = summarize(coll, query)
        return out

    @staticmethod
    def _exported(snapshot, doc, deactivated):
        # the instants of the milestones, for a consumer rebuilding what happened when
        # (monitoring, docs/monitoring.md); events carry theirs in ``occurred_at``
        snapshot["created_at"] = doc.get("created_at")
        if doc["_id"] in deactivated:
            snapshot["inactive_at"] = deactivated[doc["_id"]]
        return snapshot

    def _deactivated_at(self, ids):
        """``{resident id: instant of its latest deactivation}``."""
        out = {}
        for doc in self.residents.find({"_id": {"$in": ids}}, {"history": 1}) if ids else ():
            times = [h["at"] for h in doc.get("history", ()) if h.get("action") == "deactivated"]
            if times:
                out[doc["_id"]] = max(times)
        return out

    # --- bulk lookups for the import -----------------------------------------

    def lookup(self, kind, field, values, projection):
        """``{value: doc}`` for the documents of ``kind`` whose ``field`` is in ``values``."""
        values = set(values)
        coll = self.residents if kind == "residents" else self.households
        base = VISIBLE if kind == "residents" else {}
        fields = dict.fromkeys(projection, 1)
        fields[field] = 1
        if not values:
            return {}
        ordered, found = list(values), {}
        for start in range(0, len(ordered), IN_CHUNK):
            chunk = ordered[start:start + IN_CHUNK]
            for doc in coll.find(dict(base, **{field: {"$in": chunk}}), fields):
                found[doc[field]] = doc
        return found
