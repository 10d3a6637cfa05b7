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

from services.shared.registry_projection import RegistryProjection
from services.shared.versioned import write_versioned


class MonitoringRepository(RegistryProjection):
    def __init__(self, db, notify=None):
        super().__init__(db)
        self.timeline = db["timeline"]
        self.facts = db["facts"]
        self.discussions = db["discussions"]

    @classmethod
    def ensure_indexes(cls, db):
        """The projection's indexes, then the timeline's and the facts'."""
        super().ensure_indexes(db)
        db["timeline"].create_index([("resident_ids", ASCENDING), ("at", ASCENDING)])
        db["timeline"].create_index([("household_id", ASCENDING), ("at", ASCENDING)])
        db["facts"].create_index([("year", ASCENDING), ("kind", ASCENDING)])
        db["discussions"].create_index([("year", ASCENDING), ("held_on", ASCENDING)])

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
