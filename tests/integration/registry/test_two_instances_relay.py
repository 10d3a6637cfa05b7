"""Two registry instances on one database publish every event once (issue 9).

Only the holder of the registry's relay lease publishes; the other's writes
are found by the holder's scan. A holder that dies without giving the lease
up is replaced once its lease runs out, and what it left pending goes out.
"""
import collections

import eventlet
import pytest
from nameko.events import event_handler
from nameko.testing.services import entrypoint_hook
from nameko.testing.utils import get_extension

from services.shared.lease import COLLECTION, RELAY
from services.shared.mongo import MongoStore
from services.registry.service import RegistryService

from tests.helpers import wait_for
from tests.support.kit import BrokenPublisher
from tests.unit.registry import factories

pytestmark = [pytest.mark.integration, pytest.mark.mongo]

ACTOR = {"token_id": "tok_relay", "name": "Petugas Relai", "role": "officer"}
LEASE_SECONDS = 3
RECEIVED = collections.Counter()  # event_id -> deliveries


class Counter:
    """A plain nameko consumer (no inbox): it counts every delivery, duplicates too."""

    name = "relay_counter"

    @event_handler("registry", "household_registered")
    def on_household(self, event):
        RECEIVED[event["event_id"]] += 1

    @event_handler("registry", "resident_registered")
    def on_resident(self, event):
        RECEIVED[event["event_id"]] += 1


@pytest.fixture
def registries(container_factory, service_config, service_instances):
    RECEIVED.clear()
    counter = container_factory(Counter, service_config)
    counter.start()  # its queues exist before anything is published
    return service_instances(RegistryService, 2, OUTBOX_LEASE_SECONDS=LEASE_SECONDS)


def register(container, count):
    with entrypoint_hook(container, "register_household") as entrypoint:
        return [entrypoint(factories.household(), ACTOR) for _ in range(count)]


def pending(db):
    return sum(db[name].count_documents({"_pending": {"$gt": 0}})
               for name in ("households", "residents"))


def expected_events(households):
    return len(households) + sum(len(h["member_ids"]) for h in households)


def test_a_burst_through_both_instances_is_published_once_each(registries):
    db = get_extension(registries[0], MongoStore).db
    pool = eventlet.GreenPool(4)
    batches = [pool.spawn(register, registries[i % 2], 2) for i in range(4)]
    households = [h for batch in batches for h in batch.wait()]
    assert len(households) == 8

    wait_for(lambda: pending(db) == 0, timeout=30, message="events still pending")
    wait_for(lambda: sum(RECEIVED.values()) >= expected_events(households), timeout=15)
    assert len(RECEIVED) == expected_events(households) == 32
    assert [n for n in RECEIVED.values() if n > 1] == []

    lease = db[COLLECTION].find_one({"_id": RELAY})
    relays = [get_extension(c, MongoStore).relay for c in registries]
    assert [r.lease.holder == lease["holder"] for r in relays].count(True) == 1


def test_when_the_holder_dies_the_other_takes_over_and_publishes_what_was_pending(registries):
    db = get_extension(registries[0], MongoStore).db
    relays = [get_extension(c, MongoStore).relay for c in registries]
    held = wait_for(lambda: [r for r in relays if r.lease.holds()], timeout=10)
    holder, = held
    dying = registries[relays.index(holder)]
    survivor = registries[1 - relays.index(holder)]

    # the holder writes and crashes before publishing, keeping its lease
    holder.publisher = BrokenPublisher()
    holder.lease.release = lambda: None
    left = register(dying, 1)
    assert pending(db) == 4
    dying.kill()
    assert db[COLLECTION].find_one({"_id": RELAY})["holder"] == holder.lease.holder

    written = register(survivor, 1)
    wait_for(lambda: len(RECEIVED) == expected_events(left + written),
             timeout=LEASE_SECONDS * 5, message="the survivor did not take over")
    wait_for(lambda: pending(db) == 0, timeout=10)
    assert db[COLLECTION].find_one({"_id": RELAY})["holder"] != holder.lease.holder
    assert [n for n in RECEIVED.values() if n > 1] == []
