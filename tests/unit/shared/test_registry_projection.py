"""The shared registry projection: its repository, its rebuild and the mixin's handlers
(services/shared/registry_projection.py; docs/service-kit.md "Following the registry")."""
import uuid

import mongomock
import pytest

from services.shared.envelope import make_envelope
from services.shared.inbox import InboxRecords
from services.shared.mongo import MongoStore
from services.shared.registry_projection import FollowsRegistry, RegistryProjection, rebuild
from services.shared.service import Service
from tests.support.kit import MemoryLot, service_worker


class FollowerRepository(RegistryProjection):
    pass


class FollowerService(FollowsRegistry, Service):
    name = "follower"
    store = MongoStore(FollowerRepository)


@pytest.fixture
def db():
    return mongomock.MongoClient()["t" + uuid.uuid4().hex[:8]]


@pytest.fixture
def follower(db):
    RegistryProjection.ensure_indexes(db)
    return service_worker(FollowerService, store=FollowerRepository(db, None),
                          inbox=InboxRecords(db, MemoryLot()))


def resident(version=1, **fields):
    return dict({"id": "res_1", "nik": "3174094308690022", "household_id": "hh_1",
                 "full_name": "Siti", "status": "active", "version": version}, **fields)


def event(kind, version, data, event_id=None):
    envelope = make_envelope(kind, "registry", data.get("resident", data.get("household"))["id"],
                             version, data)
    if event_id:
        envelope["event_id"] = event_id
    return envelope


def test_a_newer_snapshot_wins_whatever_the_order(db):
    projection = RegistryProjection(db)
    assert projection.apply_resident(resident(2, full_name="Siti Aminah"))
    assert not projection.apply_resident(resident(1, full_name="Siti"))
    assert not projection.apply_resident(resident(2, full_name="Siti"))
    assert projection.resident("res_1")["full_name"] == "Siti Aminah"
    assert [r["_id"] for r in projection.residents_by_nik("3174094308690022")] == ["res_1"]


def test_reads_answer_snapshots_with_their_registry_ids(db):
    projection = RegistryProjection(db)
    assert projection.projection_empty()
    projection.apply_household({"id": "hh_1", "kk_number": "3174090101000001", "status": "active",
                                "version": 1})
    projection.apply_household({"id": "hh_2", "status": "inactive", "version": 1})
    projection.apply_resident(resident())
    projection.apply_resident(resident(1, id="res_2", status="inactive"))
    assert not projection.projection_empty()
    assert projection.household_by_kk("3174090101000001")["_id"] == "hh_1"
    assert [h["id"] for h in projection.active_households()] == ["hh_1"]
    assert sorted(m["id"] for m in projection.members_of("hh_1")) == ["res_1", "res_2"]
    assert [m["id"] for m in projection.active_residents_by_household()["hh_1"]] == ["res_1"]
    assert projection.projection_status() == {"households": 2, "residents": 2}


def test_rebuild_pages_through_the_export_and_records_it(db):
    class Method:
        def __init__(self, items):
            self.items = items

        def call_async(self, page, per_page):
            chunk = self.items[(page - 1) * per_page: page * per_page]
            answer = {"items": chunk, "page": page, "per_page": per_page, "total": len(self.items)}
            return type("Reply", (), {"result": lambda self: answer})()

    class Registry:
        export_households = Method([{"id": "hh_%d" % i, "version": 1} for i in range(5)])
        export_residents = Method([resident(1, id="res_%d" % i) for i in range(7)])

    projection = RegistryProjection(db)
    counts = rebuild(projection, Registry(), per_page=2)
    assert counts == {"households": 5, "residents": 7, "epoch": None, "dropped_households": 0,
                      "dropped_residents": 0, "gone": ([], [])}
    assert projection.projection_status() == {"households": 5, "residents": 7}
    assert rebuild(projection, Registry(), per_page=3) == counts  # again: nothing changes
    assert projection.resident("res_3")["full_name"] == "Siti"


def test_the_mixin_copies_each_registry_event_once(follower):
    follower.handle_resident_registered(event("resident_registered", 1, {"resident": resident()}))
    moved = event("resident_deactivated", 2, {"resident": resident(2, status="inactive"),
                                              "reason": "moved_out"})
    follower.handle_resident_deactivated(moved)
    follower.handle_resident_updated(event("resident_updated", 1, {"resident": resident(1)}))
    follower.handle_household_registered(event("household_registered", 1, {
        "household": {"id": "hh_1", "kk_number": "3174090101000001", "version": 1}}))
    assert follower.store.resident("res_1")["status"] == "inactive"  # the stale update skipped
    assert follower.store.household("hh_1")["kk_number"] == "3174090101000001"
    follower.registry_catch_up.state = "current"
    assert follower.projection_status() == {"households": 1, "residents": 1, "state": "current",
                                            "registry_epoch_ok": None, "drift": {},
                                            "checked_at": None}


def test_a_follower_whose_store_is_not_a_projection_is_refused_when_defined():
    class Elsewhere:
        def __init__(self, db, notify):
            pass

    with pytest.raises(TypeError, match="RegistryProjection"):
        class Broken(FollowsRegistry, Service):  # noqa: F841 - defining it is the test
            name = "broken"
            store = MongoStore(Elsewhere)
