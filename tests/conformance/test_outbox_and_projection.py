"""The platform's own write protocols on each backend.

``with_events``/``new_document`` (services/shared/outbox.py) put a change and
its events in one document write; the relay (services/shared/relay.py)
publishes and pulls them; ``apply_snapshot`` (services/shared/projection.py)
is the one conditional upsert every projection uses.
"""
import random

from services.shared.envelope import make_envelope
from services.shared.outbox import HIDE_OUTBOX, OUTBOX, PENDING, new_document, with_events
from services.shared.projection import apply_snapshot
from services.shared.relay import OutboxRelay

from tests.conformance.concurrency import concurrently


def event(aggregate_id, version, event_type="resident_updated"):
    return make_envelope(event_type, "registry", aggregate_id, version, {"v": version})


class Recorder:
    """Stands in for the confirming publisher; ``during`` runs inside a publish."""

    def __init__(self, during=None):
        self.published = []
        self.during = during

    def publish(self, events):
        self.published.extend(events)
        if self.during:
            self.during()
            self.during = None

    def close(self):
        pass


class Container:
    service_name = "registry"
    config = {"AMQP_URI": "amqp://unused"}


def relay(db, publisher):
    return OutboxRelay(Container(), db, ["residents"], publisher=publisher)


def test_with_events_lands_the_change_and_its_events_together(db):
    db.residents.insert_one(new_document({"_id": "r1", "version": 1}, [event("r1", 1)]))
    changed = db.residents.update_one(
        {"_id": "r1", "version": 1},
        with_events({"$set": {"version": 2, "status": "moved"}}, [event("r1", 2)]))
    stale = db.residents.update_one(
        {"_id": "r1", "version": 1},
        with_events({"$set": {"version": 2, "status": "dead"}}, [event("r1", 2, "x")]))
    doc = db.residents.find_one({"_id": "r1"})
    assert (changed.modified_count, stale.modified_count) == (1, 0)
    assert doc["status"] == "moved" and doc[PENDING] == 2
    assert [e["aggregate_version"] for e in doc[OUTBOX]] == [1, 2]
    assert db.residents.find_one({"_id": "r1"}, HIDE_OUTBOX) == {"_id": "r1", "version": 2,
                                                                 "status": "moved"}


def test_relay_flush_publishes_each_documents_events_in_order_and_empties_the_outboxes(db):
    db.residents.insert_many([
        new_document({"_id": "r1"}, [event("r1", 1), event("r1", 2)]),
        new_document({"_id": "r2"}, [event("r2", 1)]),
        {"_id": "r3"},
    ])
    publisher = Recorder()
    assert relay(db, publisher).flush() == 3
    by_aggregate = {}
    for published in publisher.published:
        versions = by_aggregate.setdefault(published["aggregate_id"], [])
        versions.append(published["aggregate_version"])
    assert by_aggregate == {"r1": [1, 2], "r2": [1]}
    assert db.residents.count_documents({PENDING: {"$gt": 0}}) == 0
    assert all(d.get(OUTBOX, []) == [] for d in db.residents.find())
    assert relay(db, Recorder()).flush() == 0


def test_an_event_queued_while_publishing_stays_pending(db):
    """The slow path of ``_mark_sent``: only what was published is pulled."""
    db.residents.insert_one(new_document({"_id": "r1", "version": 1}, [event("r1", 1)]))

    def change_meanwhile():
        db.residents.update_one({"_id": "r1"},
                                with_events({"$set": {"version": 2}}, [event("r1", 2)]))
    publisher = Recorder(during=change_meanwhile)
    assert relay(db, publisher).flush() == 1
    doc = db.residents.find_one({"_id": "r1"})
    assert doc[PENDING] == 1 and [e["aggregate_version"] for e in doc[OUTBOX]] == [2]
    again = Recorder()
    assert relay(db, again).flush() == 1
    assert [e["aggregate_version"] for e in again.published] == [2]


def test_relay_publishes_only_the_documents_named_by_a_write(db):
    db.residents.insert_many([new_document({"_id": "r%d" % i}, [event("r%d" % i, 1)])
                              for i in range(4)])
    publisher = Recorder()
    outbox_relay = relay(db, publisher)
    outbox_relay.kick("residents", ["r1", "r3", "gone"])
    assert outbox_relay.flush_dirty() == 2
    assert sorted(e["aggregate_id"] for e in publisher.published) == ["r1", "r3"]
    assert sorted(d["_id"] for d in db.residents.find({PENDING: {"$gt": 0}})) == ["r0", "r2"]


def test_apply_snapshot_keeps_only_newer_versions(db):
    assert apply_snapshot(db.p, "r1", 2, {"name": "two", "_id": "ignored"})
    assert not apply_snapshot(db.p, "r1", 1, {"name": "one"})
    assert not apply_snapshot(db.p, "r1", 2, {"name": "two again"})
    assert apply_snapshot(db.p, "r1", 3, {"name": "three"})
    assert apply_snapshot(db.p, "r2", 1, {"name": "other"})
    assert list(db.p.find().sort("_id")) == [{"_id": "r1", "name": "three", "version": 3},
                                             {"_id": "r2", "name": "other", "version": 1}]


def test_apply_snapshot_racing_in_any_order_ends_at_the_newest(db):
    versions = list(range(1, 13))
    random.Random(7).shuffle(versions)
    results = concurrently(len(versions), lambda i: apply_snapshot(
        db.p, "r1", versions[i], {"name": "v%d" % versions[i]}))
    assert not [r for _, r in results if isinstance(r, Exception)]
    assert db.p.find_one({"_id": "r1"}) == {"_id": "r1", "name": "v12", "version": 12}
    assert any(r for _, r in results)


def test_a_first_version_is_stored_as_the_upsert_stores_it_and_judged_when_one_is_there(db):
    # a first version is inserted when nothing is stored (projection.insert_new):
    # the same document as the conditional upsert makes
    assert apply_snapshot(db.p, "r1", 1, {"name": "one", "rw": "002"}, epoch="e1")
    db.q.update_one({"$or": [{"version": {"$lt": 1}}, {"store_epoch": {"$ne": "e1"}}],
                     "_id": "r1"}, {"$set": {"name": "one", "rw": "002", "version": 1,
                                             "store_epoch": "e1"}}, upsert=True)
    assert db.p.find_one({"_id": "r1"}) == db.q.find_one({"_id": "r1"})
    # stored: a first version again changes nothing; one of a new store replaces it,
    # keeping the service's own fields
    db.p.update_one({"_id": "r1"}, {"$set": {"flag": "own"}})
    assert not apply_snapshot(db.p, "r1", 1, {"name": "again", "rw": "002"}, epoch="e1")
    assert apply_snapshot(db.p, "r1", 1, {"name": "new store", "rw": "003"}, epoch="e2")
    assert db.p.find_one({"_id": "r1"}) == {"_id": "r1", "name": "new store", "rw": "003",
                                            "version": 1, "store_epoch": "e2", "flag": "own"}
