"""Storage of the monitoring service, behind ``services.shared.mongo.MongoStore``.

Collections: ``timeline`` (one entry per event that concerns a resident or a
family, ``_id`` = the event id) and ``facts`` (one per event that counts in the
year's figures, ``_id`` = the event id), and the registry projection
(``services.shared.registry_projection``) that names residents by NIK and
places them in their family and RW. Both writes are inserts keyed by the event
id, so a redelivered or replayed event changes nothing.
"""
from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from services.shared.registry_projection import RegistryProjection


class MonitoringRepository(RegistryProjection):
    def __init__(self, db, notify=None):
        super().__init__(db)
        self.timeline = db["timeline"]
        self.facts = db["facts"]

    @classmethod
    def ensure_indexes(cls, db):
        """The projection's indexes, then the timeline's and the facts'."""
        super().ensure_indexes(db)
        db["timeline"].create_index([("resident_ids", ASCENDING), ("at", ASCENDING)])
        db["timeline"].create_index([("household_id", ASCENDING), ("at", ASCENDING)])
        db["facts"].create_index([("year", ASCENDING), ("kind", ASCENDING)])

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
