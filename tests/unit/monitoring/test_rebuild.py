"""The rebuild from the owners' exports (docs/monitoring.md "Rebuilding from the
exports"): the registry's export carries the instants a rebuild dates its events by,
and each exported state gives back the facts its live events made."""
import mongomock
import pytest

from services.monitoring import domain, rebuild
from services.registry.service import RegistryService
from services.registry.store import RegistryRepository
from tests.support.kit import service_worker
from tests.unit.registry import factories
from tests.unit.registry.conftest import ACTOR


@pytest.fixture
def registry():
    db = mongomock.MongoClient(tz_aware=True)["registry_test"]
    RegistryRepository.ensure_indexes(db)
    repo = RegistryRepository(db, lambda collection=None, ids=None: None, pause=lambda: None)
    return service_worker(RegistryService, store=repo)


def _counters(events, year=2026):
    return domain.annual_counters([f for f in (domain.fact(e) for e in events) if f], year)


def test_the_registry_export_dates_registrations_and_deactivations(registry):
    household = registry.register_household(factories.household(), ACTOR)
    nik = household["members"][1]["nik"]
    registry.deactivate_resident(nik, "moved_out", "ke Bogor", ACTOR)
    [moved] = [r for r in registry.export_residents()["items"] if r["nik"] == nik]
    deactivated = registry.resident_history(nik)["items"][-1]
    assert moved["inactive_at"] == deactivated["at"] and moved["created_at"]
    stayed = [r for r in registry.export_residents()["items"] if r["nik"] != nik]
    assert stayed and all("inactive_at" not in r for r in stayed)
    events = rebuild.registry_events(resident=moved)
    assert [(e["type"], e["occurred_at"]) for e in events] == [
        ("resident_registered", moved["created_at"]),
        ("resident_deactivated", deactivated["at"])]
    assert events[1]["data"]["reason"] == "moved_out"
    assert "inactive_at" not in events[1]["data"]["resident"]
    [exported] = registry.export_households()["items"]
    assert [e["type"] for e in rebuild.registry_events(household=exported)] == [
        "household_registered"]


def test_an_enrolment_gives_back_each_status_it_went_through():
    item = {"enrolment_id": "enr_1", "programme_kind": "training", "resident_id": "res_1",
            "topics": ["entrepreneurship"], "outcome": "business_started",
            "status": "completed", "changes": [
                {"at": "2026-02-01T02:00:00.000Z", "status": "waitlisted"},
                {"at": "2026-02-03T02:00:00.000Z", "status": "accepted"},
                {"at": "2026-03-10T02:00:00.000Z", "status": "completed"}]}
    events = rebuild.enrolment_events(item)
    assert [e["type"] for e in events] == ["enrolment_waitlisted", "enrolment_accepted",
                                           "enrolment_completed"]
    assert len({e["event_id"] for e in events}) == 3
    partners = _counters(events)["partners"]
    assert partners == {"enrolments_accepted": {"training": 1},
                        "outcomes": {"business_started": 1}, "withdrawn": 0, "waitlisted": 1}


def test_a_returned_allocation_was_created_disbursed_and_returned_in_its_months():
    allocation = {"id": "al_1", "programme_code": "PKH", "household_id": "hh_1",
                  "recipient_id": "res_1", "amount_idr": 750000, "status": "returned",
                  "created_at": "2026-01-31T18:00:00.000Z",      # 1 February in the village
                  "disbursement": {"disbursed_at": "2026-02-10T03:00:00.000Z"},
                  "updated_at": "2026-03-02T03:00:00.000Z"}
    events = rebuild.allocation_events(allocation)
    assert [e["type"] for e in events] == ["allocation_created", "aid_disbursed",
                                           "allocation_returned"]
    figures = _counters(events)["distribution"]
    assert [(r["month"], r["amount_idr"]) for r in figures["allocations"]] == [
        ("2026-02", 750000)]
    assert [r["month"] for r in figures["disbursements"]] == ["2026-02"]
    assert [r["month"] for r in figures["returns"]] == ["2026-03"]


def test_a_second_rebuild_makes_the_same_event_ids():
    complaint = {"id": "cmp_1", "category": "schedule", "status": "resolved",
                 "submitted_at": "2026-04-01T02:00:00.000Z",
                 "resolved_at": "2026-04-03T14:00:00.000Z"}
    first, second = rebuild.complaint_events(complaint), rebuild.complaint_events(complaint)
    assert [e["event_id"] for e in first] == [e["event_id"] for e in second]
    [row] = _counters(first)["complaints"]
    assert (row["submitted"], row["resolved"], row["mean_resolution_days"]) == (1, 1, 2.5)
