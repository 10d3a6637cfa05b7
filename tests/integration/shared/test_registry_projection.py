"""A service that follows the registry, over the real RabbitMQ: events fill its
projection, an empty one is rebuilt from the registry's export, an effect
handler that overrides a snapshot handler sees the snapshot first, and a
registry back on a new store (a new store epoch) is noticed, by an event or by
the drift check, and what it no longer has is dropped."""
import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from services.registry.contract import RESIDENT_DEACTIVATED
from services.shared.envelope import make_envelope
from services.shared.inbox import consumes
from services.shared.mongo import MongoStore
from services.shared.registry_projection import FollowsRegistry, RegistryProjection
from services.shared.rpc import rpc
from services.shared.service import Service
from tests.helpers import wait_for
from tests.support.registry import Family, FakeRegistry, RegistryData, publish

pytestmark = pytest.mark.integration

COUPLE = (("head", "M", "1970-01-01"), ("wife", "F", "1972-02-02"))
SEEN_INACTIVE = []
RESYNCED = []


class FollowerRepository(RegistryProjection):
    pass


class FollowerService(FollowsRegistry, Service):
    name = "follower"
    store = MongoStore(FollowerRepository)

    @staticmethod
    def registry_resynced(db):
        RESYNCED.append(RegistryProjection(db).projection_status()["residents"])

    @consumes(RESIDENT_DEACTIVATED)
    def handle_resident_deactivated(self, event):
        self.apply_registry_event(event)
        SEEN_INACTIVE.append(self.store.resident(event["aggregate_id"])["status"])

    @rpc
    def status_of(self, resident_id):
        return (self.store.resident(resident_id) or {}).get("status")

    @rpc
    def name_of(self, resident_id):
        return (self.store.resident(resident_id) or {}).get("full_name")


@pytest.fixture(autouse=True)
def fresh():
    RegistryData.reset()
    SEEN_INACTIVE.clear()
    RESYNCED.clear()


@pytest.fixture
def follower(service_config):
    with ServiceRpcProxy("follower", service_config) as proxy:
        yield proxy


def test_events_fill_the_projection_and_an_override_has_effects(
        container_factory, service_config, follower):
    container_factory(FollowerService, service_config).start()
    family = Family(service_config, people=COUPLE)
    family.publish_registered()
    wait_for(lambda: follower.projection_status()["residents"] == 2)
    assert follower.projection_status()["households"] == 1
    publish(service_config, family.deactivated(1, "moved_out"))
    wait_for(lambda: follower.status_of(family.members[1]["id"]) == "inactive")
    assert SEEN_INACTIVE == ["inactive"]
    assert follower.list_parked_events() == []


def test_an_empty_projection_is_rebuilt_from_the_export(container_factory, service_config,
                                                        follower):
    families = [Family(service_config, people=COUPLE) for _ in range(3)]
    for family in families:
        family.export()
    container_factory(FakeRegistry, service_config).start()
    container_factory(FollowerService, service_config).start()
    wait_for(lambda: follower.projection_status()["state"] == "current", timeout=20)
    status = follower.projection_status()
    assert (status["households"], status["residents"]) == (3, 6) and status["resynced_at"]
    families[0].export()
    assert follower.rebuild_projection() == {"households": 3, "residents": 6,
                                             "dropped_households": 0, "dropped_residents": 0,
                                             "flagged": {}}
    assert RESYNCED == [6, 6]  # the service's hook, after each rebuild, on the whole projection


def follow_a_registry_of_three_families(container_factory, config, follower):
    """A follower rebuilt from a registry store of three families; the registry's container."""
    epoch = RegistryData.new_store()
    for _ in range(3):
        Family(config, people=COUPLE).export()
    registry = container_factory(FakeRegistry, config)
    registry.start()
    container_factory(FollowerService, config).start()
    wait_for(lambda: follower.projection_status()["state"] == "current", timeout=20)
    status = follower.projection_status()
    assert (status["households"], status["residents"], status["epoch"]) == (3, 6, epoch)
    return registry


def registry_back_on_a_new_store(container_factory, config, registry):
    """The registry restarted on an empty store (a new container, a new epoch)."""
    registry.stop()
    epoch = RegistryData.new_store()
    container_factory(FakeRegistry, config).start()
    return epoch


def test_an_event_of_a_new_registry_store_rebuilds_and_drops_what_it_lacks(
        container_factory, service_config, follower):
    registry = follow_a_registry_of_three_families(container_factory, service_config, follower)
    epoch = registry_back_on_a_new_store(container_factory, service_config, registry)
    family = Family(service_config, people=COUPLE)
    family.export()
    family.publish_registered()
    wait_for(lambda: follower.projection_status()["epoch"] == epoch, timeout=20)
    status = follower.projection_status()
    assert (status["households"], status["residents"]) == (1, 2)
    assert (status["dropped_households"], status["dropped_residents"]) == (3, 6)
    # as before: a duplicate or older event of the followed store changes nothing
    head = family.members[0]["id"]
    older = make_envelope("resident_updated", "registry", head, 1, {
        "resident": dict(family.members[0], full_name="Nama Lama"), "changed": ["full_name"],
        "reason": "correction"})
    publish(service_config, family.updated(0, full_name="Nama Baru"))
    wait_for(lambda: follower.name_of(head) == "Nama Baru")
    publish(service_config, older)
    publish(service_config, family.updated(1, full_name="Penanda"))
    wait_for(lambda: follower.name_of(family.members[1]["id"]) == "Penanda")
    assert follower.name_of(head) == "Nama Baru"
    assert follower.projection_status()["residents"] == 2
    assert follower.list_parked_events() == []


def test_the_drift_check_notices_a_registry_back_empty_without_any_event(
        container_factory, service_config, follower):
    config = dict(service_config, REGISTRY_DRIFT_SECONDS=0.5)
    registry = follow_a_registry_of_three_families(container_factory, config, follower)
    wait_for(lambda: follower.ping()["registry"]["registry_epoch_ok"] is True, timeout=20)
    epoch = registry_back_on_a_new_store(container_factory, config, registry)
    wait_for(lambda: follower.projection_status()["epoch"] == epoch, timeout=20)
    status = follower.projection_status()
    assert (status["households"], status["residents"]) == (0, 0)
    assert (status["dropped_households"], status["dropped_residents"]) == (3, 6)
    wait_for(lambda: follower.ping()["registry"]["checked_at"] > status["checked_at"]
             and follower.ping()["registry"]["drift"] == {}, timeout=20)
    assert follower.ping()["registry"]["registry_epoch_ok"] is True
    assert follower.rebuild_projection() == {"households": 0, "residents": 0,
                                             "dropped_households": 0, "dropped_residents": 0,
                                             "flagged": {}}
