"""An owner's events in bundles, over the real RabbitMQ (services.shared.bundle):
an import's chunk reaches a follower as bundles and fills its projection; a
bundle is applied as its events would be alone (effects once, a second delivery
changes nothing); an event whose handler fails is retried alone, or parked
under its own handler, while the rest of its bundle is applied."""
import base64
import collections

import pytest
from nameko.events import event_handler
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy

from services.registry.contract import RESIDENT_DEACTIVATED
from services.registry.service import RegistryService
from services.shared.bundle import BUNDLE_AT, BUNDLE_TYPE, bundled
from services.shared.inbox import consumes
from services.shared.mongo import MongoStore
from services.shared.registry_projection import FollowsRegistry, RegistryProjection
from services.shared.rpc import rpc
from services.shared.service import Service
from tests.helpers import wait_for
from tests.support.registry import Family, RegistryData, _stamped
from tests.unit.registry import factories

pytestmark = pytest.mark.integration

ACTOR = {"token_id": "tok_bundle", "name": "Petugas Bundel", "role": "officer"}
COUPLE = (("head", "M", "1970-01-01"), ("wife", "F", "1972-02-02"))
DEACTIVATED = []  # resident ids, once per effect run
FAILING = collections.Counter()  # resident id -> failures still to raise
WIRE = collections.Counter()  # event type -> messages on the registry's exchange


class FollowerRepository(RegistryProjection):
    pass


class FollowerService(FollowsRegistry, Service):
    name = "bundle_follower"
    store = MongoStore(FollowerRepository)

    @consumes(RESIDENT_DEACTIVATED, max_attempts=2)
    def handle_resident_deactivated(self, event):
        self.apply_registry_event(event)
        if FAILING[event["aggregate_id"]] > 0:
            FAILING[event["aggregate_id"]] -= 1
            raise RuntimeError("the effect's store is away")
        DEACTIVATED.append(event["aggregate_id"])

    @rpc
    def status_of(self, resident_id):
        return (self.store.resident(resident_id) or {}).get("status")


class Wire:
    """A plain consumer of the registry's exchange: what messages it carries."""

    name = "bundle_wire"

    @event_handler("registry", BUNDLE_TYPE)
    def on_bundle(self, payload):
        WIRE[BUNDLE_TYPE] += 1
        WIRE["bundled events"] += len(payload["data"]["events"])

    @event_handler("registry", "resident_registered")
    def on_resident(self, payload):
        WIRE["resident_registered"] += 1


@pytest.fixture(autouse=True)
def fresh():
    RegistryData.reset()
    for kept in (DEACTIVATED, FAILING, WIRE):
        kept.clear()


@pytest.fixture
def follower(container_factory, service_config):
    container_factory(FollowerService, service_config).start()
    with ServiceRpcProxy("bundle_follower", service_config) as proxy:
        yield proxy


def publish_bundle(config, events):
    (bundle,) = bundled([_stamped(e) for e in events], "registry", at=1)
    event_dispatcher(config)("registry", BUNDLE_TYPE, bundle)
    return bundle


def test_an_import_reaches_a_follower_in_bundles(container_factory, service_config, follower):
    container_factory(Wire, service_config).start()
    container_factory(RegistryService, service_config).start()
    families = [factories.household() for _ in range(40)]
    content = base64.b64encode(factories.csv_text(families).encode()).decode()
    with ServiceRpcProxy("registry", service_config) as registry:
        result = registry.import_registry("forty.csv", content, ACTOR)
    assert result["created_residents"] >= BUNDLE_AT
    wait_for(lambda: follower.projection_status()["residents"] == result["created_residents"],
             timeout=30)
    assert follower.projection_status()["households"] == 40
    # the residents' events went as bundles, not one message each
    assert WIRE[BUNDLE_TYPE] >= 1 and WIRE["bundled events"] == result["created_residents"]
    assert WIRE["resident_registered"] == 0
    assert follower.list_parked_events() == []


def test_a_bundle_is_applied_as_its_events_alone_and_twice_changes_nothing(
        service_config, follower):
    family = Family(service_config, people=COUPLE)
    events = [family.registered(0), family.registered(1), family.deactivated(1, "moved_out")]
    bundle = publish_bundle(service_config, events)
    wait_for(lambda: follower.status_of(family.members[1]["id"]) == "inactive")
    assert follower.status_of(family.members[0]["id"]) == "active"
    assert DEACTIVATED == [family.members[1]["id"]]
    event_dispatcher(service_config)("registry", BUNDLE_TYPE, bundle)  # delivered again
    marker = family.deactivated(0, "moved_out")
    publish_bundle(service_config, [marker])  # behind the repeat on the same queue
    wait_for(lambda: follower.status_of(family.members[0]["id"]) == "inactive")
    assert DEACTIVATED == [family.members[1]["id"], family.members[0]["id"]]


def test_a_failing_event_is_retried_alone_and_parked_under_its_own_handler(
        service_config, follower):
    families = [Family(service_config, people=COUPLE) for _ in range(3)]
    flaky, broken, fine = (f.members[1]["id"] for f in families)
    FAILING[flaky], FAILING[broken] = 1, 10
    events = [e for f in families for e in (f.registered(0), f.registered(1))]
    events += [f.deactivated(1, "moved_out") for f in families]
    publish_bundle(service_config, events)
    wait_for(lambda: sorted(DEACTIVATED) == sorted([flaky, fine]))
    wait_for(lambda: len(follower.list_parked_events()) == 1)
    (parked,) = follower.list_parked_events()
    assert parked["handler"] == "handle_resident_deactivated"
    assert parked["payload"]["aggregate_id"] == broken and parked["attempts"] == 2
    assert follower.projection_status()["residents"] == 6
    FAILING[broken] = 0
    follower.replay_parked_event(parked["id"])
    assert sorted(DEACTIVATED) == sorted([flaky, fine, broken])
