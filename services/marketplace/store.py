"""Storage of the marketplace, behind ``services.shared.mongo.MongoStore``.

Collections: ``sellers`` (``_id`` = seller id, one per resident: unique
``resident_id``), ``listings``, ``orders``, ``photos`` (the re-encoded JPEGs),
``request_keys`` (Idempotency-Key claims); projections fed by events:
``aid`` (business capital received, from distribution), ``trainings`` (from
partners), ``programmes`` (each programme's kind, from distribution), and the
registry's ``residents``/``households`` (the shared ``RegistryProjection``).

No overselling: a listing's ``stock`` is what is still available and
``holds`` maps each open order's id to the units it reserved. Reserving is one
conditional update (``stock >= quantity``) that takes the units and writes the
hold; returning stock is one conditional update that removes the hold and
gives the units back, so it happens at most once whatever retries or
repairs run. Every write that announces an event carries it in the same
single-document operation (``services.shared.outbox``).
"""
import datetime

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.shared import clock
from services.shared.outbox import HIDE_OUTBOX, new_document
from services.shared.projection import apply_snapshot
from services.shared.registry_projection import RegistryProjection
from services.shared.versioned import write_versioned

OUTBOX_COLLECTIONS = ("sellers", "listings", "orders")
#: how long an Idempotency-Key is remembered (the order's own id, derived from
#: the key and the body, still answers a retry of the same order after it)
KEY_HOURS = 24
#: never in an answer or an event
PRIVATE = {"_outbox", "_pending", "holds", "words", "history", "hold_open", "cancelled_by"}
OPEN = ["placed", "confirmed"]
#: the meta document marking a rebuild of the path out of aid: ``{owner: since}``
PATH_REBUILD_ID = "path_rebuild"


class MarketplaceRepository(RegistryProjection):
    def __init__(self, db, notify):
        super().__init__(db)
        self.notify = notify
        self.sellers = db["sellers"]
        self.listings = db["listings"]
        self.orders = db["orders"]
        self.photos = db["photos"]
        self.request_keys = db["request_keys"]
        self.aid = db["aid"]
        self.trainings = db["trainings"]
        self.programmes = db["programmes"]

    @classmethod
    def ensure_indexes(cls, db):
        super().ensure_indexes(db)
        if not type(db).__module__.startswith("mongomock"):
            # mongomock would scan the collection on every operation for a TTL
            # index; there the sweep forgets old keys (forget_old_keys)
            db["request_keys"].create_index("expires_at", expireAfterSeconds=0)
        db["sellers"].create_index("resident_id", unique=True)
        db["sellers"].create_index([("status", ASCENDING), ("rw", ASCENDING)])
        li = db["listings"]
        li.create_index([("seller_id", ASCENDING), ("status", ASCENDING)])
        li.create_index([("status", ASCENDING), ("published_at", DESCENDING)])
        li.create_index([("status", ASCENDING), ("price_idr", ASCENDING)])
        li.create_index("words")
        od = db["orders"]
        od.create_index([("seller_id", ASCENDING), ("placed_at", DESCENDING)])
        od.create_index([("status", ASCENDING), ("expires_at", ASCENDING)])
        od.create_index([("hold_open", ASCENDING), ("status", ASCENDING)])
        od.create_index("listing_id")
        db["photos"].create_index("listing_id")
        db["aid"].create_index("household_id")
        db["trainings"].create_index("resident_id")

    # ------------------------------------------------------------ sellers

    def insert_seller(self, doc, events):
        """Insert a new seller with its events; None when the id or the resident is taken."""
        try:
            self.sellers.insert_one(new_document(doc, events))
        except DuplicateKeyError:
            return None
        self.notify("sellers", [doc["_id"]])
        return doc

    def seller(self, seller_id):
        return self.sellers.find_one({"_id": seller_id}, HIDE_OUTBOX)

    def seller_of_resident(self, resident_id):
        return self.sellers.find_one({"resident_id": resident_id}, HIDE_OUTBOX)

    def sellers_by_id(self, ids):
        """``{id: seller}`` for ``ids`` in one query."""
        return {d["_id"]: d for d in self.sellers.find({"_id": {"$in": list(set(ids))}},
                                                       HIDE_OUTBOX)}

    def find_sellers(self, query, skip=0, limit=50):
        total = self.sellers.count_documents(query)
        docs = list(self.sellers.find(query, HIDE_OUTBOX).sort([("created_at", DESCENDING),
                                                                ("_id", ASCENDING)])
                    .skip(skip).limit(limit))
        return docs, total

    def seller_ids(self, query):
        return [d["_id"] for d in self.sellers.find(query, {"_id": 1})]

    def count_sellers_by_status(self):
        out = {"pending": 0, "verified": 0, "suspended": 0}
        for doc in self.sellers.find({}, {"status": 1}):
            out[doc["status"]] = out.get(doc["status"], 0) + 1
        return out

    def change(self, collection, doc, changes, events=None, where=None, push=None):
        """``write_versioned`` on ``collection`` (``sellers``, ``listings``, ``orders``):
        the document after, or None when it changed meanwhile."""
        return write_versioned(self.db[collection], doc, changes, events=events, where=where,
                               push=push, notify=self.notify)

    # ------------------------------------------------------------ listings

    def insert_listing(self, doc, events):
        self.listings.insert_one(new_document(doc, events))
        self.notify("listings", [doc["_id"]])
        return doc

    def listing(self, listing_id):
        return self.listings.find_one({"_id": listing_id}, HIDE_OUTBOX)

    def find_listings(self, query, sort, skip=0, limit=50):
        total = self.listings.count_documents(query)
        docs = list(self.listings.find(query, HIDE_OUTBOX).sort(sort).skip(skip).limit(limit))
        return docs, total

    def listings_of(self, seller_id, statuses=None):
        query = {"seller_id": seller_id}
        if statuses is not None:
            query["status"] = {"$in": list(statuses)}
        return list(self.listings.find(query, HIDE_OUTBOX).sort("_id", 1))

    def listing_counts(self, seller_id):
        out = {}
        for doc in self.listings.find({"seller_id": seller_id}, {"status": 1}):
            out[doc["status"]] = out.get(doc["status"], 0) + 1
        return out

    def sellers_with_hidden_listings(self, excluding):
        """Ids of sellers (not in ``excluding``) with a listing suspended with its seller."""
        return {d["seller_id"] for d in self.listings.find(
            {"status": "suspended", "suspension.with_seller": True,
             "seller_id": {"$nin": list(excluding)}}, {"seller_id": 1})}

    def reserve(self, listing_id, order_id, quantity):
        """Take ``quantity`` units for ``order_id`` if an active listing has them.

        One conditional single-document update: the stock can never go below
        zero, and an order holds units at most once. True when reserved now.
        """
        after = self.listings.find_one_and_update(
            {"_id": listing_id, "status": "active", "stock": {"$gte": quantity},
             "holds.%s" % order_id: {"$exists": False}},
            {"$inc": {"stock": -quantity}, "$set": {"holds.%s" % order_id: quantity}},
            projection={"stock": 1}, return_document=ReturnDocument.AFTER)
        if after is not None and after["stock"] == 0:
            self.listings.update_one({"_id": listing_id, "status": "active", "stock": 0},
                                     {"$set": {"status": "sold_out"}})
        return after is not None

    def settle(self, listing_id, order_id, quantity, outcome):
        """End ``order_id``'s hold once: ``release`` gives the units back to the stock
        (a sold-out listing becomes active again), ``sell`` counts them sold.
        True when this call ended it (False: it had ended already)."""
        update = {"$unset": {"holds.%s" % order_id: ""}}
        update["$inc"] = {"stock": quantity} if outcome == "release" else {"sold": quantity}
        after = self.listings.find_one_and_update(
            {"_id": listing_id, "holds.%s" % order_id: {"$exists": True}}, update,
            projection={"status": 1}, return_document=ReturnDocument.AFTER)
        if after is not None and after["status"] == "sold_out" and outcome == "release":
            self.listings.update_one({"_id": listing_id, "status": "sold_out",
                                      "stock": {"$gt": 0}}, {"$set": {"status": "active"}})
        return after is not None

    def holds(self, listing_id, order_id):
        """True while ``order_id`` holds units of the listing."""
        return self.listings.find_one({"_id": listing_id, "holds.%s" % order_id:
                                       {"$exists": True}}, {"_id": 1}) is not None

    def normalise_stock_status(self):
        """Sold-out listings with stock become active and active ones without become
        sold out (what a crash between two writes may have left). Returns the count."""
        fixed = self.listings.update_many({"status": "active", "stock": 0},
                                          {"$set": {"status": "sold_out"}}).modified_count
        return fixed + self.listings.update_many({"status": "sold_out", "stock": {"$gt": 0}},
                                                 {"$set": {"status": "active"}}).modified_count

    # ------------------------------------------------------------ photos

    def insert_photo(self, doc):
        try:
            self.photos.insert_one(doc)
        except DuplicateKeyError:
            pass  # the same image for the same listing: its id derives from both
        return doc

    def photo(self, photo_id):
        return self.photos.find_one({"_id": photo_id})

    def set_thumb(self, photo_id, data):
        """Keep the thumbnail made for a photo stored before thumbnails existed."""
        self.photos.update_one({"_id": photo_id}, {"$set": {"thumb": data}})

    def delete_photo(self, photo_id):
        self.photos.delete_one({"_id": photo_id})

    # ------------------------------------------------------------ orders

    def claim_key(self, claim_id, order_id, now):
        """Remember an Idempotency-Key for ``KEY_HOURS``; returns the order id it was
        first used for. A key older than that is free again: a client reusing it
        places a new order (the IETF Idempotency-Key draft's expiry)."""
        self.request_keys.delete_one({"_id": claim_id, "expires_at": {"$lte": now}})
        try:
            self.request_keys.insert_one({"_id": claim_id, "order_id": order_id,
                                          "expires_at": now + datetime.timedelta(
                                              hours=KEY_HOURS)})
            return order_id
        except DuplicateKeyError:
            held = self.request_keys.find_one({"_id": claim_id})
            return held["order_id"] if held else order_id

    def forget_old_keys(self, now):
        """Drop Idempotency-Key claims past their time; how many. MongoDB's TTL index
        does it too; the in-memory store has none (``ensure_indexes``)."""
        return self.request_keys.delete_many({"expires_at": {"$lte": now}}).deleted_count

    def insert_order(self, doc):
        """Insert an order being placed (no event yet); False when the id exists."""
        try:
            self.orders.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    def order(self, order_id):
        return self.orders.find_one({"_id": order_id}, HIDE_OUTBOX)

    def drop_order(self, order_id, status):
        """Forget an order that never got its stock (``placing``)."""
        return self.orders.delete_one({"_id": order_id, "status": status}).deleted_count == 1

    def find_orders(self, query, skip=0, limit=50, sort=(("placed_at", DESCENDING),)):
        total = self.orders.count_documents(query)
        docs = list(self.orders.find(query, HIDE_OUTBOX).sort(list(sort) + [("_id", ASCENDING)])
                    .skip(skip).limit(limit))
        return docs, total

    def orders_where(self, query, fields=None):
        return list(self.orders.find(query, fields or HIDE_OUTBOX))

    def close_hold(self, order_id):
        self.orders.update_one({"_id": order_id}, {"$set": {"hold_open": False}})

    # ------------------------------------------------------------ projections

    def apply_aid(self, snapshot):
        return apply_snapshot(self.aid, snapshot["id"], snapshot.get("version", 1), snapshot)

    def apply_training(self, enrolment_id, version, record):
        return apply_snapshot(self.trainings, enrolment_id, version, record)

    def apply_programme(self, code, version, record):
        return apply_snapshot(self.programmes, code, version, record)

    def drop_business_capital(self):
        """Forget every business-capital record and programme kind (distribution's store
        is new; they are read back from its answers), marked as rebuilding first
        (``path_rebuilding_since``) until ``path_rebuilt("distribution")``."""
        self._rebuilding("distribution")
        self.aid.delete_many({})
        self.programmes.delete_many({})

    def drop_trainings(self):
        """Forget every training record (partners' store is new; read back from its
        export), marked as rebuilding until ``path_rebuilt("partners")``."""
        self._rebuilding("partners")
        self.trainings.delete_many({})

    def _rebuilding(self, owner):
        # $min: a rebuild retried after a failure keeps the moment the record broke
        self.meta.update_one({"_id": PATH_REBUILD_ID}, {"$min": {owner: clock.now_iso()}},
                             upsert=True)

    def path_rebuilt(self, owner):
        """What is kept from ``owner`` is whole again (its rebuild completed)."""
        self.meta.update_one({"_id": PATH_REBUILD_ID}, {"$unset": {owner: ""}})

    def path_rebuilding_since(self):
        """When the earliest running (or interrupted) rebuild of the path out of aid
        began (UTC ISO), or None: until then profiles and the report's graduation
        may miss business capital or trainings."""
        doc = self.meta.find_one({"_id": PATH_REBUILD_ID}) or {}
        marks = [value for key, value in doc.items() if key != "_id" and value]
        return min(marks) if marks else None

    def aid_of_household(self, household_ids):
        return list(self.aid.find({"household_id": {"$in": list(household_ids)}}))

    def trainings_of(self, resident_ids):
        return list(self.trainings.find({"resident_id": {"$in": list(resident_ids)}}))

    def knows_programmes(self):
        return self.programmes.find_one({}, {"_id": 1}) is not None

    def programme_kinds(self):
        """``{code: {"kind", "name"}}`` of every programme distribution announced."""
        return {d["_id"]: d for d in self.programmes.find({})}

    def residents_by_id(self, ids):
        """``{id: stored resident}`` of the registry projection, in one query."""
        return {d["_id"]: d for d in self.residents.find({"_id": {"$in": list(set(ids))}})}
