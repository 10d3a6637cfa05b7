"""A service that follows the registry, over the real RabbitMQ: events fill its
projection, an empty one is rebuilt from the registry's export, and an effect
handler that overrides a snapshot handler sees the snapshot first."""
import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from services.registry.contract import RESIDENT_DEACTIVATED
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


class FollowerRepository(RegistryProjection):
    pass


class FollowerService(FollowsRegistry, Service):
    name = "follower"
    store = MongoStore(FollowerRepository)

    @consumes(RESIDENT_DEACTIVATED)
    def handle_resident_deactivated(self, event):
        self.apply_registry_event(event)
        SEEN_INACTIVE.append(self.store.resident(event["aggregate_id"])["status"])

    @rpc
    def status_of(self, resident_id):
        return (self.store.resident(resident_id) or {}).get("status")


@pytest.fixture(autouse=True)
def fresh():
    RegistryData.reset()
    SEEN_INACTIVE.clear()


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
    assert follower.rebuild_projection() == {"households": 3, "residents": 6}
