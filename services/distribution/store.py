"""Storage of the distribution service, behind ``services.shared.mongo.MongoStore``.

Collections: ``programmes`` (``_id`` = code), ``rounds``, ``allocations`` (one
document per allocation, ``_id`` deterministic per round+household(+member)),
``training_completions`` (partner programmes residents completed, from the
partners service's ``enrolment_completed``; ``_id`` = the enrolment id),
and the registry projection ``residents`` / ``households`` / ``meta``
(``services.shared.registry_projection``, which the repository inherits). Every write that
announces an event queues it in the same single-document operation
(``services.shared.outbox``) and then wakes the relay.
"""
import time

from pymongo import ASCENDING
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.shared import clock
from services.shared.errors import NotFound
from services.shared.outbox import HIDE_OUTBOX, new_document
from services.shared.registry_projection import RegistryProjection
from services.shared.registry_store import flag_missing
from services.shared.versioned import write_versioned

from services.distribution import events as ev
from services.distribution.domain import RECEIVING

OUTBOX_COLLECTIONS = ("programmes", "rounds", "allocations")
#: Fields kept off the public snapshot of an allocation (events, RPC answers).
PRIVATE = {"_outbox", "_pending", "history", "lease"}


def public(doc):
    """A stored document as a JSON-safe answer: ``_id`` -> ``id``, bookkeeping dropped."""
    if doc is None:
        return None
    out = {k: v for k, v in doc.items() if k not in PRIVATE and k != "_id"}
    return dict({"id": doc["_id"]}, **out)


class DistributionRepository(RegistryProjection):
    def __init__(self, db, notify):
        super().__init__(db)
        self.notify = notify
        self.programmes = db["programmes"]
        self.rounds = db["rounds"]
        self.allocations = db["allocations"]
        self.completions = db["training_completions"]

    @classmethod
    def ensure_indexes(cls, db):
        super().ensure_indexes(db)
        db["rounds"].create_index([("programme_code", ASCENDING), ("starts_on", ASCENDING)])
        db["rounds"].create_index("ends_on")
        al = db["allocations"]
        al.create_index([("round_id", ASCENDING), ("status", ASCENDING)])
        al.create_index("household_id")
        al.create_index("member_id")
        al.create_index("recipient_id")
        al.create_index([("year", ASCENDING), ("status", ASCENDING)])
        db["training_completions"].create_index("resident_id")

    # ------------------------------------------------------------ programmes

    def insert_programme(self, doc, correlation_id=None):
        """Insert a new programme; return its snapshot or None when the code exists."""
        snapshot = public(doc)
        try:
            self.programmes.insert_one(new_document(doc, [ev.programme_event(
                ev.PROGRAMME_PUBLISHED, snapshot, correlation_id)]))
        except DuplicateKeyError:
            return None
        self.notify()
        return snapshot

    def replace_programme(self, doc, expected_version, correlation_id=None):
        """Replace a programme if still at ``expected_version``; None when it moved on."""
        fields = {k: v for k, v in doc.items() if k not in ("_id", "version")}
        new = write_versioned(
            self.programmes, {"_id": doc["_id"], "version": expected_version}, fields,
            notify=self.notify,
            events=lambda new: [ev.programme_event(ev.PROGRAMME_REVISED, public(new),
                                                   correlation_id)])
        return public(new)

    def get_programme(self, code):
        return self.programmes.find_one({"_id": code}, HIDE_OUTBOX)

    def programme(self, code):
        """The stored programme; NotFound when no programme has that code."""
        return _found(self.get_programme(code), "No programme with code %s.", code)

    def list_programmes(self, query=None):
        return list(self.programmes.find(query or {}, HIDE_OUTBOX).sort("_id", 1))

    def programme_names(self, codes):
        """``{code: name}`` of the programmes among ``codes`` that exist, reading
        nothing else of them (a programme carries its whole rule tree)."""
        return {d["_id"]: d.get("name", d["_id"]) for d in self.programmes.find(
            {"_id": {"$in": list(codes)}}, {"name": 1})}

    def exclusion_table(self):
        """``{code: [codes it excludes]}`` over the whole catalogue."""
        return {d["_id"]: d.get("excludes", []) for d in self.programmes.find({}, {"excludes": 1})}

    # ------------------------------------------------------------ rounds

    def insert_round(self, doc, correlation_id=None):
        """Insert a round; None when its (deterministic) id exists already."""
        snapshot = public(doc)
        try:
            self.rounds.insert_one(new_document(doc, [ev.round_event(
                ev.ROUND_SCHEDULED, snapshot, correlation_id)]))
        except DuplicateKeyError:
            return None
        self.notify("rounds", [doc["_id"]])
        return snapshot

    def get_round(self, round_id):
        return self.rounds.find_one({"_id": round_id}, HIDE_OUTBOX)

    def round(self, round_id):
        """The stored round; NotFound when there is none with that id."""
        return _found(self.get_round(round_id), "No round with id %s.", round_id)

    def rounds_by_id(self, round_ids, fields):
        """``{round_id: round}`` of those that exist, each with only ``fields``
        (field names) besides ``_id``: one lookup by key for them all."""
        projection = dict.fromkeys(fields, 1)
        return {d["_id"]: d for d in self.rounds.find({"_id": {"$in": list(round_ids)}},
                                                      projection)}

    def find_rounds(self, query, skip=0, limit=50):
        cursor = self.rounds.find(query, HIDE_OUTBOX).sort([("starts_on", 1), ("_id", 1)])
        return list(cursor.skip(skip).limit(limit)), self.rounds.count_documents(query)

    def update_round(self, round_doc, fields, event_type=None, correlation_id=None):
        """Set ``fields`` on a round if its version is unchanged; the new doc or None."""
        return write_versioned(
            self.rounds, round_doc, fields, notify=self.notify,
            events=lambda new: [ev.round_event(event_type, public(new), correlation_id)]
            if event_type else [])

    def record_generation(self, round_id, fields):
        """Set a generation's counts on a round whatever its version, and bump the
        version so that a writer holding an older read (a close, a revision)
        reads again rather than announcing stale counts. No event: the counts
        are bookkeeping, not a change of the round's terms."""
        self.rounds.update_one({"_id": round_id}, {"$set": fields, "$inc": {"version": 1}})

    def lock_round(self, round_id, holder, seconds=60):
        """Take a round's short lease for work that spends its budget or quota.

        Returns False while another holder's lease runs. One conditional
        single-document update, so two officers cannot both take it; a lease
        left by a crashed worker expires after ``seconds``.
        """
        now = time.time()
        res = self.rounds.update_one(
            {"_id": round_id, "$or": [{"lease": None}, {"lease.until": {"$lt": now}}]},
            {"$set": {"lease": {"holder": holder, "until": now + seconds}}})
        return res.matched_count == 1

    def unlock_round(self, round_id, holder):
        self.rounds.update_one({"_id": round_id, "lease.holder": holder}, {"$set": {"lease": None}})

    # ------------------------------------------------------------ allocations

    def insert_allocations(self, docs, correlation_id=None):
        """Insert new allocations with their ``allocation_created`` events.

        Ids are deterministic, so a concurrent or repeated run inserts nothing
        twice: duplicates are skipped. Returns the number inserted.
        """
        if not docs:
            return 0
        batch = [new_document(d, [ev.allocation_event(ev.ALLOCATION_CREATED, public(d),
                                                      correlation_id)]) for d in docs]
        try:
            inserted = len(self.allocations.insert_many(batch, ordered=False).inserted_ids)
        except BulkWriteError as exc:
            inserted = exc.details.get("nInserted", 0)
        self.notify("allocations", [d["_id"] for d in docs])
        return inserted

    def get_allocation(self, allocation_id):
        return self.allocations.find_one({"_id": allocation_id}, HIDE_OUTBOX)

    def allocation(self, allocation_id):
        """The stored allocation; NotFound when there is none with that id."""
        return _found(self.get_allocation(allocation_id), "No allocation with id %s.",
                      allocation_id)

    def find_allocations(self, query, skip=0, limit=None, sort=(("_id", 1),), fields=None):
        cursor = self.allocations.find(query, fields or {"_outbox": 0, "_pending": 0, "history": 0})
        cursor = cursor.sort(list(sort)).skip(skip)
        if limit:
            cursor = cursor.limit(limit)
        return list(cursor)

    def flag_registry_vanished(self, resident_ids, household_ids):
        """Mark the allocations of households or residents the registry's new store
        no longer has (``registry_missing: true``), keeping them: they are a record of
        aid given or promised, not the registry's to erase (docs/reliability.md "An
        owner that lost its data"). Returns how many were flagged."""
        return sum(flag_missing(self.allocations, field, ids) for field, ids in (
            ("household_id", household_ids), ("member_id", resident_ids),
            ("recipient_id", resident_ids)))

    def allocations_of_person(self, resident_id, household_id, extra=None, fields=None):
        """The allocations a resident receives (``member_id``), is recipient of
        (``recipient_id``) or that go to their family as a whole (``household_id``
        with no ``member_id``), each matching ``extra`` too (a filter dict), ordered
        by ``_id`` as ``find_allocations`` orders them; with ``fields`` (a
        projection) each carries only those. Three lookups by indexed
        key instead of one ``$or``, which a store may answer by scanning every
        allocation; a person without a household has no family allocations."""
        extra = extra or {}
        keys = [{"member_id": resident_id}, {"recipient_id": resident_id}]
        if household_id is not None:
            keys.append({"household_id": household_id, "member_id": None})
        found = {}
        for key in keys:
            for doc in self.find_allocations(dict(extra, **key), sort=(("_id", 1),),
                                             fields=fields):
                found.setdefault(doc["_id"], doc)
        return [found[k] for k in sorted(found)]

    def count_allocations(self, query):
        return self.allocations.count_documents(query)

    def receiving(self, year):
        """``[(household_id, member_id|None, programme_code)]`` received in ``year``."""
        return [(d["household_id"], d.get("member_id"), d["programme_code"])
                for d in self.allocations.find(
                    {"year": year, "status": {"$in": list(RECEIVING)}},
                    {"household_id": 1, "member_id": 1, "programme_code": 1})]

    def change_allocation(self, current, changes, event_type, entry, extra_filter=None,
                          correlation_id=None):
        """Apply ``changes`` if the allocation is still at ``current``'s version.

        The change, a history entry and the event land in one single-document
        update (exactly once: a concurrent change makes this one match
        nothing). Returns the new public snapshot, or None when it lost the race.
        """
        now = clock.now_iso()
        entry = dict(entry, at=now, version=current["version"] + 1)
        new = write_versioned(
            self.allocations, current, dict(changes, updated_at=now), where=extra_filter,
            push={"history": entry}, notify=self.notify,
            events=lambda new: [ev.allocation_event(event_type, public(new), correlation_id)])
        return public(new)

    # ------------------------------------------------------------ partner programmes completed

    def record_completion(self, completion):
        """Keep one completed partner programme (an ``enrolment_completed`` payload);
        ``_id`` is the enrolment id, so a repeated event changes nothing."""
        doc = {k: completion.get(k) for k in COMPLETION_FIELDS}
        self.completions.update_one({"_id": completion["enrolment_id"]}, {"$set": doc},
                                    upsert=True)

    def completions_by_resident(self, resident_ids=None):
        """``{resident_id: [completion, ...]}``, of these residents only when given."""
        query = {} if resident_ids is None else {"resident_id": {"$in": list(resident_ids)}}
        out = {}
        for doc in self.completions.find(query).sort("_id", 1):
            out.setdefault(doc["resident_id"], []).append(doc)
        return out


def _found(doc, message, key):
    if doc is None:
        raise NotFound(message % key)
    return doc


#: What distribution keeps of a partner programme a resident completed.
COMPLETION_FIELDS = ("resident_id", "programme_id", "programme_kind", "programme_title",
                     "topics", "partner_id", "partner_name", "outcome", "completed_on")
