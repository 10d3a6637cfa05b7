"""Storage of the partners service, behind ``services.shared.mongo.MongoStore``.

Collections: ``partners`` (commitments and deliveries inside), ``programmes``
(each with its roster of enrolments: ``enrolments``, the one document every
decision about its places is written to), ``sessions`` (attendance inside),
``appointments`` (one per resident, programme and scheduled item; ``_id``
deterministic), ``pregnancies`` (the antenatal episodes), ``aid`` (what
distribution allocates, for reports), and the registry projection
(``services.shared.registry_projection``, which the repository inherits).
A write that announces an event queues it in the same single-document
operation (``services.shared.outbox``) and wakes the relay.
"""
from pymongo import ASCENDING
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.shared.outbox import HIDE_OUTBOX, new_document
from services.shared.projection import apply_snapshot
from services.shared.registry_projection import RegistryProjection
from services.shared.registry_store import flag_missing
from services.shared.versioned import write_versioned

from services.partners import domain

OUTBOX_COLLECTIONS = ("partners", "programmes", "appointments")
#: a programme read without its roster (lists)
NO_ROSTER = dict(HIDE_OUTBOX, enrolments=0)
#: what counts as receiving aid (distribution's allocation statuses)
RECEIVING = ("pending", "disbursed")


class PartnersRepository(RegistryProjection):
    def __init__(self, db, notify):
        super().__init__(db)
        self.notify = notify
        self.partners = db["partners"]
        self.programmes = db["programmes"]
        self.sessions = db["sessions"]
        self.appointments = db["appointments"]
        self.pregnancies = db["pregnancies"]
        self.aid = db["aid"]

    @classmethod
    def ensure_indexes(cls, db):
        """The projection's indexes, then the partners service's own."""
        super().ensure_indexes(db)
        db["partners"].create_index("verification")
        pp = db["programmes"]
        pp.create_index("partner_id")
        pp.create_index([("kind", ASCENDING), ("ends_on", ASCENDING)])
        pp.create_index("enrolments.resident_id")
        pp.create_index("enrolments.id")
        db["sessions"].create_index([("programme_id", ASCENDING), ("held_on", ASCENDING)])
        ap = db["appointments"]
        ap.create_index([("programme_id", ASCENDING), ("status", ASCENDING), ("due_on", ASCENDING)])
        ap.create_index([("resident_id", ASCENDING), ("programme_id", ASCENDING)])
        ap.create_index([("status", ASCENDING), ("overdue_announced", ASCENDING),
                         ("overdue_on", ASCENDING)])
        db["pregnancies"].create_index([("programme_id", ASCENDING), ("resident_id", ASCENDING),
                                        ("status", ASCENDING)])
        db["aid"].create_index("household_id")

    # ------------------------------------------------------------ partners

    def insert_partner(self, doc, events):
        """Insert a new partner with its events (``partner_registered``); returns it."""
        self.partners.insert_one(new_document(doc, events))
        self.notify("partners", [doc["_id"]])
        return doc

    def get_partner(self, partner_id):
        """The stored partner, or None."""
        return self.partners.find_one({"_id": partner_id}, HIDE_OUTBOX)

    def find_partners(self, query, skip, limit):
        """``(partners by id, total)`` matching ``query``."""
        docs = self.partners.find(query, HIDE_OUTBOX).sort("_id", 1).skip(skip)
        return list(docs.limit(limit) if limit else docs), self.partners.count_documents(query)

    def verified_partner_ids(self):
        """Ids of every verified partner."""
        return [d["_id"] for d in self.partners.find({"verification": "verified"}, {"_id": 1})]

    def change_partner(self, doc, changes, events=None, push=None, where=None):
        """A versioned change of a partner; the document after, or None when it moved on."""
        return write_versioned(self.partners, doc, changes, events=events, push=push,
                               where=where, notify=self.notify)

    # ------------------------------------------------------------ programmes and rosters

    def insert_programme(self, doc, events):
        """Insert a new programme with its events; returns it."""
        self.programmes.insert_one(new_document(doc, events))
        self.notify("programmes", [doc["_id"]])
        return doc

    def get_programme(self, programme_id, roster=True):
        """The stored programme (with its roster unless ``roster`` is False), or None."""
        return self.programmes.find_one({"_id": programme_id}, HIDE_OUTBOX if roster else NO_ROSTER)

    def find_programmes(self, query, skip=0, limit=0, roster=False):
        """``(programmes by start date, total)`` matching ``query``; rosters only with ``roster``."""
        cursor = self.programmes.find(query, HIDE_OUTBOX if roster else NO_ROSTER)
        cursor = cursor.sort([("starts_on", 1), ("_id", 1)]).skip(skip)
        if limit:
            cursor = cursor.limit(limit)
        return list(cursor), self.programmes.count_documents(query)

    def request_scheduling(self, programme_ids, marks):
        """Mark programmes as needing their residents' schedules made (``marks``:
        ``domain.scheduling_request``); the version is kept, since it is no change a
        reader of the programme made. Returns how many were marked."""
        return self.programmes.update_many({"_id": {"$in": list(programme_ids)}},
                                           {"$set": marks}).modified_count

    def due_programmes(self):
        """Programmes whose scheduling was requested and not yet done (no rosters)."""
        return list(self.programmes.find({"schedule_due": {"$ne": None}}, NO_ROSTER).sort(
            [("schedule_requested_at", 1), ("_id", 1)]))

    def scheduling_done(self, programme_id, token, counts, now):
        """Record a scheduling run for request ``token``. A request made while it ran
        has another token and keeps the programme due. Returns whether it was cleared."""
        return self.programmes.update_one(
            {"_id": programme_id, "schedule_due": token},
            {"$set": {"schedule_due": None, "scheduled_at": now, "schedule_counts": counts,
                      **domain.NO_SCHEDULING_FAILURE}}).modified_count == 1

    def scheduling_failed(self, programme_id, token, error, attempts, retry_at):
        """Record that making request ``token``'s schedules failed: ``error`` (one
        line), ``attempts`` so far, ``retry_at`` (an instant) before which the timer
        leaves it. A newer request (another token) is left as it is."""
        self.programmes.update_one(
            {"_id": programme_id, "schedule_due": token},
            {"$set": {"schedule_error": error, "schedule_attempts": attempts,
                      "schedule_retry_at": retry_at}})

    def programme_of_enrolment(self, enrolment_id):
        """The programme (with its roster) holding enrolment ``enrolment_id``, or None."""
        return self.programmes.find_one({"enrolments.id": enrolment_id}, HIDE_OUTBOX)

    def flag_registry_vanished(self, resident_ids):
        """Flag (keep) the appointments and pregnancies of residents the registry's new
        store no longer has, and count the enrolments that name them (left as they
        are: an enrolment lives inside its programme's document). Returns
        ``{"appointments", "pregnancies", "enrolments"}``."""
        enrolments = 0
        if resident_ids:
            wanted = set(resident_ids)
            for doc in self.programmes.find({"enrolments.resident_id": {"$in": list(wanted)}},
                                            {"enrolments.resident_id": 1}):
                enrolments += sum(1 for e in doc.get("enrolments", [])
                                  if e.get("resident_id") in wanted)
        return {"appointments": flag_missing(self.appointments, "resident_id", resident_ids),
                "pregnancies": flag_missing(self.pregnancies, "resident_id", resident_ids),
                "enrolments": enrolments}

    def programmes_of_resident(self, resident_id):
        """Programmes (with rosters) where the resident has any enrolment."""
        return list(self.programmes.find({"enrolments.resident_id": resident_id}, HIDE_OUTBOX))

    def write_programme(self, doc, changes, events=None):
        """One versioned write of a programme (its roster included): the document
        after, or None when someone changed it since ``doc`` was read."""
        return write_versioned(self.programmes, doc, changes, events=events, notify=self.notify)

    # ------------------------------------------------------------ sessions

    def insert_session(self, doc):
        """Insert a session document; returns it."""
        self.sessions.insert_one(doc)
        return doc

    def get_session(self, session_id):
        """The stored session, or None."""
        return self.sessions.find_one({"_id": session_id})

    def sessions_of(self, programme_id, skip=0, limit=0):
        """A programme's sessions by date and start time."""
        cursor = self.sessions.find({"programme_id": programme_id}).sort(
            [("held_on", 1), ("starts_at", 1), ("_id", 1)]).skip(skip)
        if limit:
            cursor = cursor.limit(limit)
        return list(cursor)

    def count_sessions(self, programme_id):
        """How many sessions a programme has."""
        return self.sessions.count_documents({"programme_id": programme_id})

    def mark_attendance(self, session_id, marks, now):
        """Set each ``{enrolment_id: mark}``; one single-document update (a mark of
        someone else recorded at the same moment is kept). Returns the session after."""
        update = {"$set": dict({"attendance.%s" % eid: mark for eid, mark in marks.items()},
                               updated_at=now), "$inc": {"version": 1}}
        self.sessions.update_one({"_id": session_id}, update)
        return self.get_session(session_id)

    # ------------------------------------------------------------ appointments

    def insert_appointments(self, docs):
        """Insert new appointments; an id that exists (a replay, a sweep at the same
        time) is skipped. Returns the number inserted."""
        if not docs:
            return 0
        try:
            return len(self.appointments.insert_many(docs, ordered=False).inserted_ids)
        except BulkWriteError as exc:
            return exc.details.get("nInserted", 0)

    def get_appointment(self, appointment_id):
        """The stored appointment, or None."""
        return self.appointments.find_one({"_id": appointment_id}, HIDE_OUTBOX)

    def appointments_of(self, programme_id, resident_id=None):
        """A programme's appointments (of one resident when given)."""
        query = {"programme_id": programme_id}
        if resident_id:
            query["resident_id"] = resident_id
        return list(self.appointments.find(query, HIDE_OUTBOX))

    def find_appointments(self, query, skip=0, limit=0):
        """``(appointments by due date, RW, name, total)`` matching ``query``."""
        cursor = self.appointments.find(query, HIDE_OUTBOX).sort(
            [("due_on", 1), ("rw", 1), ("full_name", 1), ("_id", 1)]).skip(skip)
        if limit:
            cursor = cursor.limit(limit)
        return list(cursor), self.appointments.count_documents(query)

    def count_appointments(self, query):
        """How many appointments match ``query``."""
        return self.appointments.count_documents(query)

    def change_appointment(self, doc, changes, events=None, where=None):
        """A versioned change of an appointment (``services.shared.versioned``): the document
        after, or None."""
        return write_versioned(self.appointments, doc, changes, events=events, where=where,
                               notify=self.notify)

    def to_announce(self, today, limit=500):
        """Scheduled appointments late on ``today`` and not yet announced."""
        return list(self.appointments.find(
            {"status": "scheduled", "overdue_announced": False, "overdue_on": {"$lte": today}},
            HIDE_OUTBOX).sort("_id", 1).limit(limit))

    # ------------------------------------------------------------ pregnancies

    def open_pregnancies(self, programme_id, resident_id=None):
        """Open pregnancies followed by an antenatal programme (of one resident when given)."""
        query = {"programme_id": programme_id, "status": "open"}
        if resident_id:
            query["resident_id"] = resident_id
        return list(self.pregnancies.find(query))

    def insert_pregnancy(self, doc):
        """Insert an episode (``_id`` deterministic per day known); the stored one wins."""
        try:
            self.pregnancies.insert_one(doc)
        except DuplicateKeyError:
            return self.pregnancies.find_one({"_id": doc["_id"]})
        return doc

    def update_pregnancy(self, pregnancy_id, changes):
        """Set ``changes`` on a pregnancy episode."""
        self.pregnancies.update_one({"_id": pregnancy_id}, {"$set": changes})

    # ------------------------------------------------------------ aid received (distribution)

    def apply_aid(self, allocation):
        """Keep an allocation's state from distribution (newer versions win)."""
        return apply_snapshot(self.aid, allocation["id"], allocation.get("version") or 1, {
            k: allocation.get(k) for k in ("household_id", "member_id", "recipient_id",
                                           "programme_code", "round_id", "year", "status")})

    def aid_received(self, household_ids, year):
        """``{household_id: {"household": {codes}, member_id: {codes}}}`` received in
        ``year`` (pending or disbursed); ``household_ids`` None: of every household
        (a sweep: one read of the aid, not a list of every household in the query)."""
        out = {}
        query = {"status": {"$in": list(RECEIVING)}}
        if household_ids is not None:
            query["household_id"] = {"$in": list(household_ids)}
        for doc in self.aid.find(query):
            if doc.get("year") not in (None, year):
                continue
            bucket = out.setdefault(doc["household_id"], {"household": set()})
            bucket["household"].add(doc.get("programme_code"))
            if doc.get("member_id"):
                bucket.setdefault(doc["member_id"], set()).add(doc.get("programme_code"))
        return out

    def aid_count(self):
        """How many allocations the aid projection holds."""
        return self.aid.count_documents({})
