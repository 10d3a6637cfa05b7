"""The registry over the real RabbitMQ: its events reach a consumer; export rebuilds a projection."""
import base64

import mongomock
import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.utils import get_extension

from services.registry import contract
from services.shared.inbox import consumes
from services.shared.service import Service
from services.shared.mongo import MongoStore
from services.shared.projection import apply_snapshot, resync
from services.registry.service import RegistryService

from tests.helpers import wait_for
from tests.unit.registry import factories
from tests.support.kit import NoRepository
from tests.support.kit import BrokenPublisher

pytestmark = pytest.mark.integration

ACTOR = {"token_id": "tok_it", "name": "Petugas Integrasi", "role": "officer"}
SEEN = []



class Projector(Service):
    """A consumer as other services write them: idempotent handlers per event type."""

    name = "projector"
    store = MongoStore(NoRepository)

    @consumes(contract.HOUSEHOLD_REGISTERED, snapshot=True)
    def handle_household_registered(self, event):
        SEEN.append(event)

    @consumes(contract.HOUSEHOLD_UPDATED, snapshot=True)
    def handle_household_updated(self, event):
        SEEN.append(event)

    @consumes(contract.RESIDENT_REGISTERED, snapshot=True)
    def handle_resident_registered(self, event):
        SEEN.append(event)

    @consumes(contract.RESIDENT_UPDATED, snapshot=True)
    def handle_resident_updated(self, event):
        SEEN.append(event)

    @consumes(contract.RESIDENT_DEACTIVATED, snapshot=True)
    def handle_resident_deactivated(self, event):
        SEEN.append(event)


@pytest.fixture(autouse=True)
def clear():
    SEEN.clear()


@pytest.fixture
def running(container_factory, service_config):
    """Start the consumer first (its queues must exist before anything is published)."""
    projector = container_factory(Projector, service_config)
    projector.start()
    registry = container_factory(RegistryService, service_config)
    registry.start()
    return registry


def of_type(kind):
    return [e for e in SEEN if e["type"] == kind]


def test_registration_and_deactivation_reach_a_consumer(running, service_config):
    with ServiceRpcProxy("registry", service_config) as registry:
        household = registry.register_household(factories.household(), ACTOR)
        wait_for(lambda: len(of_type("resident_registered")) == 3
                 and len(of_type("household_registered")) == 1)
        registered = of_type("household_registered")[0]
        assert registered["aggregate_id"] == household["id"] and registered["source"] == "registry"
        assert registered["data"]["household"]["member_ids"] == household["member_ids"]
        niks = {e["data"]["resident"]["nik"] for e in of_type("resident_registered")}
        assert niks == {m["nik"] for m in household["members"]}
        for member in household["members"]:
            registry.deactivate_resident(member["nik"], "moved_out", "pindah", ACTOR)
        wait_for(lambda: len(of_type("resident_deactivated")) == 3
                 and len(of_type("household_updated")) == 1)
    update = of_type("household_updated")[0]
    assert update["data"]["household"]["status"] == "inactive"
    assert update["data"]["changed"] == ["status"] and update["aggregate_version"] == 2
    assert all(e["aggregate_version"] == 2 for e in of_type("resident_deactivated"))


def test_an_import_announces_every_new_record(running, service_config):
    families = [factories.household() for _ in range(10)]
    content = base64.b64encode(factories.csv_text(families).encode()).decode()
    with ServiceRpcProxy("registry", service_config) as registry:
        result = registry.import_registry("ten.csv", content, ACTOR)
        assert (result["created_households"], result["created_residents"]) == (10, 30)
        wait_for(lambda: len(of_type("resident_registered")) == 30
                 and len(of_type("household_registered")) == 10)
        again = registry.import_registry("ten.csv", content, ACTOR)
        assert again["already_present"] == 30
        # anything the second import had queued goes out before a later registration's events
        later = registry.register_household(factories.household(), ACTOR)
        later_ids = set(later["member_ids"])
        wait_for(lambda: later_ids <= {e["aggregate_id"] for e in of_type("resident_registered")})
    assert len(of_type("resident_registered")) == 33


def test_export_pages_rebuild_a_projection(running, service_config):
    projection = mongomock.MongoClient()["rebuilt"]["residents"]
    with ServiceRpcProxy("registry", service_config) as registry:
        households = [registry.register_household(factories.household(), ACTOR) for _ in range(3)]
        nik = households[0]["members"][0]["nik"]
        registry.update_resident(nik, {"full_name": "Nama Diperbaiki"}, "koreksi", ACTOR)
        applied = resync(lambda page, per_page: registry.export_residents(page, per_page),
                         lambda item: apply_snapshot(projection, item["id"], item["version"], item),
                         per_page=4)
    assert applied == 9 and projection.count_documents({}) == 9
    corrected = projection.find_one({"nik": nik})
    assert corrected["full_name"] == "Nama Diperbaiki" and corrected["version"] == 2


def test_a_registration_whose_publish_failed_goes_out_after_a_restart(
        container_factory, service_config):
    projector = container_factory(Projector, service_config)
    projector.start()
    registry = container_factory(RegistryService, service_config)
    registry.start()
    store = get_extension(registry, MongoStore)

    store.relay.publisher = BrokenPublisher()
    with ServiceRpcProxy("registry", service_config) as proxy:
        household = proxy.register_household(factories.household(), ACTOR)
    registry.kill()  # the process dies with its events unpublished
    assert SEEN == []
    container_factory(RegistryService, service_config).start()
    wait_for(lambda: len(of_type("resident_registered")) == 3)
    assert of_type("household_registered")[0]["aggregate_id"] == household["id"]


def test_events_and_export_carry_the_store_epoch_and_a_fresh_store_has_another(
        container_factory, service_config):
    container_factory(Projector, service_config).start()
    first = container_factory(RegistryService, service_config)
    first.start()
    with ServiceRpcProxy("registry", service_config) as registry:
        registry.register_household(factories.household(), ACTOR)
        summary = registry.projection_summary()
        epoch = summary["store_epoch"]
        assert registry.export_residents(1, 10)["store_epoch"] == epoch
        assert registry.export_households(1, 10)["store_epoch"] == epoch
    assert (summary["households"], summary["residents"]) == (1, 3)
    wait_for(lambda: len(of_type("resident_registered")) == 3
             and len(of_type("household_registered")) == 1)
    assert {e["store_epoch"] for e in SEEN} == {epoch}
    first.stop()
    # the same registry restarted on an empty store (another database)
    fresh = dict(service_config, MONGO_DB_PREFIX=service_config["MONGO_DB_PREFIX"] + "_new")
    container_factory(RegistryService, fresh).start()
    with ServiceRpcProxy("registry", fresh) as registry:
        other = registry.projection_summary()
    assert other["store_epoch"] != epoch and (other["households"], other["residents"]) == (0, 0)
