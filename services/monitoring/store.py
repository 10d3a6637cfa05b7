"""Storage of the monitoring service, behind ``services.shared.mongo.MongoStore``.

Collections: ``timeline`` (one entry per event that concerns a resident or a
family, ``_id`` = the event id) and ``facts`` (one per event that counts in the
year's figures, ``_id`` = the event id), and the registry projection
(``services.shared.registry_projection``) that names residents by NIK and
places them in their family and RW, and ``discussions`` (the focus-group
discussions officers record). Both writes are inserts keyed by the event
id, so a redelivered or replayed event changes nothing.
"""
from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from services.shared import clock
from services.shared.projection import apply_snapshot
from services.shared.registry_projection import RegistryProjection
from services.shared.versioned import write_versioned


#: the meta document present while monitoring is rebuilt from the owners' exports
REBUILD_ID = "owners_rebuild"


class MonitoringRepository(RegistryProjection):
    def __init__(self, db, notify=None):
        super().__init__(db)
        self.timeline = db["timeline"]
        self.facts = db["facts"]
        self.discussions = db["discussions"]
        self.scorecards = db["scorecards"]
        self.surveys = db["surveys"]
        self.responses = db["responses"]
        self.steps = db["steps"]
        self.programmes = db["programmes"]
        self.complaints = db["complaints"]
        self.pledges = db["pledges"]
        self.deliveries = db["deliveries"]

    @classmethod
    def ensure_indexes(cls, db):
        """The projection's indexes, then the timeline's and the facts'."""
        super().ensure_indexes(db)
        db["timeline"].create_index([("resident_ids", ASCENDING), ("at", ASCENDING)])
        db["timeline"].create_index([("household_id", ASCENDING), ("at", ASCENDING)])
        db["facts"].create_index([("year", ASCENDING), ("kind", ASCENDING)])
        db["facts"].create_index([("round_year", ASCENDING)])
        db["complaints"].create_index([("submitted_at", ASCENDING)])
        db["deliveries"].create_index([("year", ASCENDING)])
        db["pledges"].create_index([("year", ASCENDING)])
        db["discussions"].create_index([("year", ASCENDING), ("held_on", ASCENDING)])
        db["scorecards"].create_index([("rw", ASCENDING), ("service_key", ASCENDING),
                                       ("semester", ASCENDING)], unique=True)
        db["scorecards"].create_index([("year", ASCENDING)])
        db["surveys"].create_index([("form_id", ASCENDING)])
        db["responses"].create_index([("survey_id", ASCENDING), ("submitted_at", ASCENDING)])

    @staticmethod
    def _insert_once(collection, doc):
        if doc is None:
            return
        try:
            collection.insert_one(doc)
        except DuplicateKeyError:
            pass                          # this event was recorded already

    def record(self, entry, fact):
        """Store an event's timeline ``entry`` and ``fact`` (either may be None), once."""
        self._insert_once(self.timeline, entry)
        self._insert_once(self.facts, fact)

    def resident_timeline(self, resident_id):
        """Entries naming the resident, oldest first."""
        return list(self.timeline.find({"resident_ids": resident_id}).sort(
            [("at", ASCENDING), ("_id", ASCENDING)]))

    def household_timeline(self, household_id):
        """Entries of the family and its members, oldest first."""
        return list(self.timeline.find({"household_id": household_id}).sort(
            [("at", ASCENDING), ("_id", ASCENDING)]))

    def facts_of_year(self, year):
        """Every fact of one village year."""
        return list(self.facts.find({"year": year}))

    def facts_of_rounds_elsewhere(self, year):
        """Facts of the rounds of ``year`` dated in another year (a December round
        handed over in January): those with ``round_year``."""
        return list(self.facts.find({"round_year": year}))

    # ------------------------------------------------------------ complaints, partners

    def apply_complaint(self, doc):
        """Keep a complaint's state (``deadlines.complaint_state``; None is ignored)
        unless a version as new is kept already."""
        if doc is not None:
            apply_snapshot(self.complaints, doc["_id"], doc["version"], doc)

    def complaints_of_year(self, since, until):
        """Kept complaints submitted before ``until`` and not resolved before
        ``since`` (ISO UTC strings, as the events carry instants): those a year's
        figures may count."""
        return list(self.complaints.find({"submitted_at": {"$lt": until}, "$or": [
            {"resolved_at": None}, {"resolved_at": {"$gte": since}}]}))

    def apply_pledge(self, doc):
        """Keep a partner's pledge for a year (None is ignored) unless a later one is kept."""
        if doc is None:
            return
        try:
            self.pledges.update_one({"_id": doc["_id"], "set_at": {"$lt": doc["set_at"]}},
                                    {"$set": doc}, upsert=True)
        except DuplicateKeyError:
            pass                          # this or a later pledge is kept

    def record_delivery(self, doc):
        """Keep a partner's delivery once (None is ignored)."""
        self._insert_once(self.deliveries, doc)

    def contributions_of_year(self, year):
        """``(pledges, deliveries)`` of ``year``."""
        return (list(self.pledges.find({"year": year})),
                list(self.deliveries.find({"year": year})))

    def insert_discussion(self, doc):
        """Store a new discussion; returns it."""
        self.discussions.insert_one(doc)
        return doc

    def get_discussion(self, discussion_id):
        """The stored discussion, or None."""
        return self.discussions.find_one({"_id": discussion_id})

    def change_discussion(self, doc, changes):
        """``changes`` (dotted paths allowed) applied if ``doc`` is still at its
        version; the stored document after, or None when someone changed it first."""
        if write_versioned(self.discussions, doc, changes) is None:
            return None
        return self.get_discussion(doc["_id"])

    def find_discussions(self, query, skip, limit):
        """``(discussions by held_on then id, total)`` matching ``query``."""
        docs = self.discussions.find(query).sort([("held_on", ASCENDING), ("_id", ASCENDING)])
        return list(docs.skip(skip).limit(limit)), self.discussions.count_documents(query)

    def discussions_of_year(self, year):
        """Every discussion held in ``year``."""
        return list(self.discussions.find({"year": year}))

    # ------------------------------------------------------------ scorecards

    def insert_scorecard(self, doc):
        """Store a new scorecard; False when its RW, service and semester have one."""
        try:
            self.scorecards.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    def find_scorecard(self, query):
        """The one scorecard matching ``query``, or None."""
        return self.scorecards.find_one(query)

    def find_scorecards(self, query, skip, limit):
        """``(scorecards by semester, service, RW, total)`` matching ``query``."""
        docs = self.scorecards.find(query).sort([("semester", ASCENDING),
                                                 ("service_key", ASCENDING), ("rw", ASCENDING)])
        return list(docs.skip(skip).limit(limit)), self.scorecards.count_documents(query)

    # ------------------------------------------------------------ surveys

    def insert_survey(self, doc):
        """Store a new survey; returns it."""
        self.surveys.insert_one(doc)
        return doc

    def get_survey(self, survey_id):
        """The stored survey, or None."""
        return self.surveys.find_one({"_id": survey_id})

    def survey_of_form(self, form_id):
        """The survey imported from the XLSForm ``form_id``, or None."""
        return self.surveys.find_one({"form_id": form_id})

    def find_surveys(self, query, skip, limit):
        """``(surveys newest first, total)``."""
        docs = self.surveys.find(query).sort([("recorded_at", -1), ("_id", ASCENDING)])
        return list(docs.skip(skip).limit(limit)), self.surveys.count_documents(query)

    def count_responses(self, survey_id):
        return self.responses.count_documents({"survey_id": survey_id})

    def add_responses(self, docs):
        """Insert responses; those whose id is stored already are left. Returns how
        many were new."""
        added = 0
        for doc in docs:
            try:
                self.responses.insert_one(doc)
                added += 1
            except DuplicateKeyError:
                pass                      # this submission was imported before
        return added

    def responses_of(self, survey_id, since=None, until=None):
        """A survey's responses (``submitted_at`` in ``[since, until)`` when given)."""
        query = {"survey_id": survey_id}
        if since or until:
            query["submitted_at"] = {k: v for k, v in (("$gte", since), ("$lt", until)) if v}
        return list(self.responses.find(query))

    def surveys_answered_between(self, since, until):
        """Ids of surveys with a response submitted in ``[since, until)``."""
        return sorted(self.responses.distinct(
            "survey_id", {"submitted_at": {"$gte": since, "$lt": until}}))

    # ------------------------------------------------------------ graduation

    def record_step(self, doc):
        """Store a funnel step (None is ignored), once per event id."""
        self._insert_once(self.steps, doc)

    def all_steps(self):
        return list(self.steps.find({}))

    def apply_programme(self, code, kind, name=None):
        """Keep a programme's kind and name (the latest event wins; kinds do not flip
        back). A snapshot without a name (an older distribution) keeps the name known."""
        changes = {"kind": kind}
        if name:
            changes["name"] = name
        self.programmes.update_one({"_id": code}, {"$set": changes}, upsert=True)

    #: what monitoring derives from other services' events (dropped by a rebuild);
    #: discussions, scorecards and surveys are its own records and stay
    PROJECTIONS = ("timeline", "facts", "steps", "programmes", "complaints", "pledges",
                   "deliveries", "residents", "households")

    def drop_projections(self):
        """Empty every projection (``PROJECTIONS``), for a rebuild from the exports:
        marked as rebuilding first (``rebuilding_since``), so that no figure read
        meanwhile passes for complete; ``rebuilt`` ends it."""
        self.meta.update_one({"_id": REBUILD_ID}, {"$set": {"since": clock.now_iso()}},
                             upsert=True)
        for name in self.PROJECTIONS:
            self.db[name].delete_many({})

    def rebuilt(self):
        """The rebuild from the exports is complete: figures are whole again."""
        self.meta.delete_one({"_id": REBUILD_ID})

    def rebuilding_since(self):
        """When the running (or an interrupted) rebuild began (UTC ISO), or None. A
        process that died mid-rebuild leaves it set until a rebuild completes."""
        return (self.meta.find_one({"_id": REBUILD_ID}) or {}).get("since")

    def programme_kinds(self):
        """``{programme code: kind}`` of every programme seen."""
        return {p["_id"]: p.get("kind") for p in self.programmes.find({})}

    def programme_names(self):
        """``{programme code: name}`` of every programme seen with a name."""
        return {p["_id"]: p["name"] for p in self.programmes.find({}) if p.get("name")}
