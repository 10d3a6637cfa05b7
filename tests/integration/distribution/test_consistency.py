"""The distribution service over the real RabbitMQ: it follows the registry's events,
publishes its own through the outbox, and catches up after a restart or from empty."""
import json
import os

import pytest
from nameko.testing.services import entrypoint_waiter
from nameko.testing.utils import get_extension

from services.distribution.service import DistributionService
from services.shared.mongo import MongoStore
from tests.helpers import wait_for
from tests.integration.distribution.conftest import (OFFICER, RECEIVED, Family, FakeRegistry,
                                                     Listener, RegistryData, publish)

pytestmark = pytest.mark.integration

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
ELDERLY_COUPLE = (("head", "M", "1950-01-01"), ("wife", "F", "1952-02-02"))
SEMBAKO_FAMILY = (("head", "M", "1980-01-01"), ("wife", "F", "1982-02-02"),
                  ("child", "M", "2015-03-03"))


def programme(code):
    with open(os.path.join(ROOT, "data", "programmes", code.lower() + ".json"), encoding="utf-8") as f:
        return json.load(f)


def sembako_round(dist):
    """Publish SEMBAKO and schedule its first round; returns the round."""
    dist.publish_programme(programme("SEMBAKO"), OFFICER)
    return dist.schedule_round("SEMBAKO", {"name": "Tahap 1", "starts_on": "2026-01-05",
                                           "ends_on": "2026-01-31", "location": "Balai RW 02"},
                               OFFICER)


def one_sembako_allocation(config, dist):
    """A poor family registered by events and its one SEMBAKO allocation:
    ``(family, round, allocation)``."""
    fam = Family(config, decile=1, people=SEMBAKO_FAMILY)
    fam.publish_registered()
    wait_for(lambda: dist.projection_status()["residents"] == 3)
    rnd = sembako_round(dist)
    dist.generate_allocations(rnd["id"], OFFICER)
    [alloc] = dist.list_allocations(rnd["id"])["items"]
    return fam, rnd, alloc


def start(container_factory, config, *classes):
    containers = [container_factory(cls, config) for cls in classes]
    for c in containers:
        c.start()
    return containers


def test_deactivation_cancels_pending_allocations_and_announces_it(
        container_factory, service_config, rpc_proxy):
    start(container_factory, service_config, Listener, DistributionService)
    dist = rpc_proxy()
    fam = Family(service_config, decile=2, people=ELDERLY_COUPLE)
    fam.publish_registered()
    wait_for(lambda: dist.projection_status()["residents"] == 2)
    dist.publish_programme(programme("KLJ"), OFFICER)
    rnd = dist.schedule_round("KLJ", {"name": "Triwulan I", "starts_on": "2026-01-05",
                                      "ends_on": "2026-03-31", "location": "Balai RW 02"}, OFFICER)
    assert dist.generate_allocations(rnd["id"], OFFICER)["created"] == 2
    wait_for(lambda: sum(e["type"] == "allocation_created" for e in RECEIVED) == 2)

    publish(service_config, fam.deactivated(0, "deceased"))
    head = fam.members[0]["id"]

    def cancelled():
        items = dist.list_allocations(rnd["id"], "cancelled")["items"]
        return items and items[0]["member_id"] == head and items[0]
    alloc = wait_for(cancelled)
    assert alloc["status_reason"] == "member_deceased"
    assert dist.list_allocations(rnd["id"], "pending")["total"] == 1
    event = wait_for(lambda: next((e for e in RECEIVED if e["type"] == "allocation_cancelled"), None))
    assert event["source"] == "distribution" and event["aggregate_id"] == alloc["id"]
    assert event["data"]["allocation"]["status"] == "cancelled"
    assert event["aggregate_version"] == 2


def test_duplicates_and_reordering_are_harmless(container_factory, service_config, rpc_proxy):
    (_, service) = start(container_factory, service_config, Listener, DistributionService)
    dist = rpc_proxy()
    fam, rnd, alloc = one_sembako_allocation(service_config, dist)
    assert alloc["recipient_id"] == fam.members[1]["id"]

    older = dict(fam.members[1])  # version 1, still active
    moved = fam.deactivated(1, "moved_out")
    stale = {"event_id": "stale-1", "type": "resident_updated", "schema_version": 1,
             "occurred_at": "2026-01-01T00:00:00.000Z", "source": "registry",
             "aggregate_id": older["id"], "aggregate_version": 1, "correlation_id": "x",
             "data": {"resident": older, "changed": ["full_name"], "reason": "typo"}}
    for env, handler in ((moved, "handle_resident_deactivated"),
                         (moved, "handle_resident_deactivated"),
                         (stale, "handle_resident_updated")):
        with entrypoint_waiter(service, handler):
            publish(service_config, env)

    [after] = dist.list_allocations(rnd["id"])["items"]
    assert after["status"] == "pending" and after["recipient_id"] == fam.members[0]["id"]
    assert after["version"] == 2  # changed once, not twice
    store = get_extension(service, MongoStore)
    assert store.db["residents"].find_one({"_id": older["id"]})["status"] == "inactive"
    assert dist.list_parked_events() == []


def test_an_empty_service_rebuilds_from_the_export_and_a_restart_catches_up(
        container_factory, service_config, rpc_proxy):
    families = [Family(service_config, decile=d, people=SEMBAKO_FAMILY) for d in (1, 2, 3)]
    for fam in families:
        fam.export()
    start(container_factory, service_config, FakeRegistry)
    (first,) = start(container_factory, service_config, DistributionService)
    dist = rpc_proxy()
    wait_for(lambda: dist.projection_status().get("resynced_at"), timeout=20)
    assert dist.projection_status()["households"] == 3
    assert dist.projection_status()["residents"] == 9
    rnd = sembako_round(dist)
    assert dist.generate_allocations(rnd["id"], OFFICER)["created"] == 3

    first.stop()  # down for maintenance; the registry keeps publishing
    late = Family(service_config, decile=1, people=SEMBAKO_FAMILY)
    late.publish_registered()
    publish(service_config, families[0].deactivated(0))
    publish(service_config, families[0].deactivated(1))
    calls = RegistryData.export_calls

    start(container_factory, service_config, DistributionService)  # same store
    wait_for(lambda: dist.projection_status()["households"] == 4, timeout=20)

    def first_family():
        by_household = {a["household_id"]: a for a in dist.list_allocations(rnd["id"])["items"]}
        return by_household[families[0].hid]
    wait_for(lambda: first_family()["status"] == "cancelled")
    assert first_family()["status_reason"] == "no_eligible_recipient"  # only a child is left
    assert RegistryData.export_calls == calls  # the store was not empty: no resync needed
    assert dist.generate_allocations(rnd["id"], OFFICER)["created"] == 1  # the late family


def test_resync_retries_until_the_registry_answers(container_factory, service_config, rpc_proxy):
    fam = Family(service_config, decile=1, people=SEMBAKO_FAMILY)
    fam.export()
    start(container_factory, service_config, DistributionService)
    dist = rpc_proxy()
    assert dist.projection_status()["households"] == 0  # registry not there yet
    start(container_factory, service_config, FakeRegistry)
    # "current" once the whole export is read (households first, then residents)
    wait_for(lambda: dist.projection_status()["state"] == "current", timeout=30)
    status = dist.projection_status()
    assert (status["households"], status["residents"]) == (1, 3)


def test_two_simultaneous_disbursements_one_wins_one_conflicts(
        container_factory, service_config, rpc_proxy):
    from services.shared.errors import Conflict
    start(container_factory, service_config, DistributionService)
    dist = rpc_proxy()
    _, _, alloc = one_sembako_allocation(service_config, dist)
    body = {"received_by_nik": alloc["recipient_nik"], "channel": "cash", "evidence_ref": "B-1"}
    replies = [dist.disburse.call_async(alloc["id"], dict(body, evidence_ref=ref), OFFICER)
               for ref in ("B-1", "B-2")]
    outcomes = []
    for reply in replies:
        try:
            outcomes.append(reply.result()["disbursement"]["evidence_ref"])
        except Conflict:
            outcomes.append("conflict")
    assert sorted(outcomes)[1] == "conflict" and sorted(outcomes)[0] in ("B-1", "B-2")
    final = dist.get_allocation(alloc["id"])
    assert final["disbursement"]["evidence_ref"] in ("B-1", "B-2")
    assert [h["action"] for h in final["history"]].count("disbursed") == 1
