"""An owner's store epoch and what a follower does with it (services/shared/epoch.py,
registry_store.py, registry_catchup.py; docs/events.md "Store epoch")."""
import uuid

import mongomock
import pytest

from services.shared.envelope import load_envelope, make_envelope
from services.shared.epoch import FollowedEpochs, compare, judge, store_epoch, summarize
from services.shared.inbox import InboxRecords
from services.shared.mongo import MongoStore
from services.shared.outbox import new_document
from services.shared.registry_projection import FollowsRegistry, RegistryProjection, rebuild
from services.shared.relay import OutboxRelay
from services.shared.service import Service
from tests.support.kit import MemoryLot, service_worker
from tests.unit.shared.test_relay import FakeContainer, RecordingPublisher


class FollowerRepository(RegistryProjection):
    pass


class FollowerService(FollowsRegistry, Service):
    name = "follower"
    store = MongoStore(FollowerRepository)


def fresh_db():
    return mongomock.MongoClient()["t" + uuid.uuid4().hex[:8]]


@pytest.fixture
def db():
    database = fresh_db()
    RegistryProjection.ensure_indexes(database)
    return database


@pytest.fixture
def follower(db):
    return service_worker(FollowerService, store=FollowerRepository(db, None),
                          inbox=InboxRecords(db, MemoryLot()))


def resident(rid, version=1, household="hh_1"):
    return {"id": rid, "nik": "31740943086900%02d" % (hash(rid) % 100), "household_id": household,
            "full_name": "Warga " + rid, "status": "active", "version": version}


def resident_event(snapshot, epoch):
    envelope = make_envelope("resident_updated", "registry", snapshot["id"], snapshot["version"],
                             {"resident": snapshot, "changed": [], "reason": "correction"})
    envelope["store_epoch"] = epoch
    return load_envelope(envelope)


class Export:
    """The registry's export RPCs, answering ``epoch`` with every page."""

    def __init__(self, epoch, households, residents):
        self.export_households = self.Method(epoch, households)
        self.export_residents = self.Method(epoch, residents)

    class Method:
        def __init__(self, epoch, items):
            self.epoch, self.items = epoch, items

        def call_async(self, page, per_page):
            chunk = self.items[(page - 1) * per_page: page * per_page]
            answer = {"items": chunk, "page": page, "per_page": per_page,
                      "total": len(self.items), "store_epoch": self.epoch}
            return type("Reply", (), {"result": lambda self: answer})()


def test_a_store_keeps_one_epoch_and_a_new_store_gets_another():
    db = fresh_db()
    first = store_epoch(db)
    assert store_epoch(db) == first and len(first) == 32
    assert db["store_meta"].count_documents({}) == 1
    assert store_epoch(fresh_db()) != first


@pytest.mark.parametrize("epoch, followed, upcoming, retired, verdict", [
    (None, "e1", None, [], "apply"),      # an owner without epochs: as before
    ("e1", None, None, [], "adopt"),      # a projection older than epochs
    ("e1", "e1", None, [], "apply"),
    ("e2", "e1", None, [], "new"),        # the owner's store is new: rebuild
    ("e2", "e1", "e2", [], "apply"),      # the new store, its rebuild pending
    ("e1", "e1", "e2", [], "stale"),      # a late event of the store left behind
    ("e0", "e1", None, ["e0"], "stale"),
])
def test_judging_an_events_epoch(epoch, followed, upcoming, retired, verdict):
    assert judge(epoch, followed, upcoming, retired) == verdict


def test_the_checksum_ignores_order_and_sees_a_version(db):
    a, b = db["a"], db["b"]
    a.insert_many([{"_id": "r1", "version": 1}, {"_id": "r2", "version": 3}])
    b.insert_many([{"_id": "r2", "version": 3}, {"_id": "r1", "version": 1}])
    assert summarize(a) == summarize(b)
    b.update_one({"_id": "r1"}, {"$set": {"version": 2}})
    assert summarize(a)[0] == summarize(b)[0] and summarize(a)[1] != summarize(b)[1]


def test_comparing_finds_drift_and_another_epoch():
    ours = {"households": 2, "residents": 5, "households_checksum": "a",
            "residents_checksum": "b"}
    theirs = dict(ours, store_epoch="e1")
    assert compare(ours, theirs, "e1") == {"registry_epoch": "e1", "registry_epoch_ok": True,
                                           "drift": {}}
    empty = {"households": 0, "residents": 0, "households_checksum": "0",
             "residents_checksum": "0", "store_epoch": "e2"}
    report = compare(ours, empty, "e1")
    assert report["registry_epoch_ok"] is False
    assert report["drift"]["residents"] == {"ours": 5, "theirs": 0, "checksum_ok": False}
    assert compare(ours, theirs, None)["registry_epoch_ok"] is False  # unknown: not ok


def test_the_relay_stamps_the_store_epoch_on_every_event():
    db = fresh_db()
    db["things"].insert_one(new_document({"_id": "a"}, [
        make_envelope("thing_changed", "t", "a", 1, {})]))
    publisher = RecordingPublisher()
    OutboxRelay(FakeContainer(), db, ["things"], publisher=publisher,
                epoch=lambda: store_epoch(db)).flush()
    assert [e["store_epoch"] for e in publisher.published] == [store_epoch(db)]


def test_a_rebuild_from_a_new_store_drops_what_it_no_longer_has(db):
    projection = RegistryProjection(db)
    old = Export("e1", [{"id": "hh_1", "version": 4}, {"id": "hh_2", "version": 1}],
                 [resident("res_1", 5), resident("res_2", 2), resident("res_3", 1, "hh_2")])
    counts = rebuild(projection, old)
    assert (counts["dropped_households"], counts["dropped_residents"]) == (0, 0)
    assert projection.epochs()["epoch"] == "e1"
    # the registry came back on a new store: only hh_1 and res_1 re-registered, at version 1
    new = Export("e2", [{"id": "hh_1", "version": 1}], [resident("res_1", 1)])
    counts = rebuild(projection, new)
    assert (counts["households"], counts["residents"]) == (1, 1)
    assert (counts["dropped_households"], counts["dropped_residents"]) == (1, 2)
    assert sorted(counts["gone"][0]) == ["res_2", "res_3"] and counts["gone"][1] == ["hh_2"]
    assert projection.projection_status() == {"households": 1, "residents": 1, "epoch": "e2"}
    assert projection.resident("res_1")["version"] == 1  # the new store's, though older
    assert projection.epochs() == {"epoch": "e2", "next_epoch": None, "retired": ["e1"]}
    again = rebuild(projection, new)  # the same store again: nothing is dropped
    assert (again["dropped_households"], again["dropped_residents"]) == (0, 0)


def test_an_event_of_a_new_store_starts_a_rebuild_and_a_late_old_one_changes_nothing(
        follower):
    assert follower.handle_resident_updated(resident_event(resident("res_1", 3), "e1")) is None
    assert follower.store.epochs()["epoch"] == "e1"  # adopted
    follower.registry_catch_up.request_rebuild.assert_not_called()
    follower.handle_resident_updated(resident_event(resident("res_9", 1), "e2"))
    follower.registry_catch_up.request_rebuild.assert_called_once_with()
    assert follower.store.epochs()["next_epoch"] == "e2"
    assert follower.store.resident("res_9")["store_epoch"] == "e2"
    late = resident_event(dict(resident("res_1", 4), full_name="Telat"), "e1")
    assert follower.apply_registry_event(late) is False
    assert follower.store.resident("res_1")["version"] == 3
    duplicate = resident_event(resident("res_9", 1), "e2")
    assert follower.apply_registry_event(duplicate) is False  # same version, same epoch
    assert follower.registry_catch_up.request_rebuild.call_count == 1


def test_a_follower_sees_an_owners_new_store_once_and_not_its_first_or_none():
    db = mongomock.MongoClient()["followed_%s" % uuid.uuid4().hex[:6]]
    epochs = FollowedEpochs(db)
    assert not epochs.changed("complaints", "e1")  # the first one seen is recorded
    assert not epochs.changed("complaints", "e1")
    assert not epochs.changed("complaints", None)  # an owner keeping no epoch
    assert not epochs.changed("partners", "p1")  # each owner its own
    assert epochs.changed("complaints", "e2")
    assert not epochs.changed("complaints", "e2")
    # a restarted follower on a durable store still knows which one it followed
    assert FollowedEpochs(db).changed("complaints", "e3")
    assert not FollowedEpochs(db).changed("partners", "p1")


@pytest.mark.parametrize("service", ["registry", "distribution", "complaints", "partners",
                                     "marketplace"])
def test_every_owner_stamps_its_store_epoch_on_its_events(service):
    import importlib
    from deploy.services import read_services
    module, cls = dict(read_services())[service].split(":")
    assert getattr(importlib.import_module(module), cls).store.keeps_epoch


def test_a_summary_of_a_large_collection_lets_the_process_answer_meanwhile(db):
    import eventlet
    from services.shared.epoch import SUMMARY_YIELD_EVERY
    db["big"].insert_many([{"_id": "r%05d" % n, "version": 1}
                           for n in range(5 * SUMMARY_YIELD_EVERY)])
    answered = []

    def another_request():
        while True:
            answered.append(1)
            eventlet.sleep(0)
    other = eventlet.spawn(another_request)
    try:
        count, _ = summarize(db["big"])
        assert count == 5 * SUMMARY_YIELD_EVERY
        assert len(answered) >= 5  # the other greenthread ran while the summary read
    finally:
        other.kill()
