"""Monitoring's projections: timelines and the year's counters, from events
delivered through the kit's inbox on an in-process store."""
import uuid

import mongomock
import pytest

from services.complaints.contract.events import COMPLAINT_RESOLVED, COMPLAINT_SUBMITTED
from services.distribution.contract.events import ALLOCATION_EVENTS, PROGRAMME_PUBLISHED
from services.marketplace.contract.events import ORDER_COMPLETED, SELLER_REGISTERED
from services.monitoring import domain
from services.monitoring.service import MonitoringService
from services.monitoring.store import MonitoringRepository
from services.partners.contract.events import ENROLMENT_ACCEPTED, ENROLMENT_COMPLETED
from services.registry.contract import (HOUSEHOLD_REGISTERED, RESIDENT_DEACTIVATED,
                                        RESIDENT_REGISTERED, RESIDENT_UPDATED)
from services.shared.errors import Forbidden, NotFound
from services.shared.inbox import InboxRecords
from tests.support.kit import MemoryLot, service_worker

OFFICER = {"name": "petugas", "role": "officer", "token_id": "t1", "request_id": None}
NIK = "3174091203850001"


@pytest.fixture
def service():
    db = mongomock.MongoClient(tz_aware=True)["t" + uuid.uuid4().hex[:8]]
    MonitoringRepository.ensure_indexes(db)
    return service_worker(MonitoringService, store=MonitoringRepository(db),
                          inbox=InboxRecords(db, MemoryLot()))


def deliver(service, event_type, data, at="2026-03-10T03:00:00Z", aggregate="agg", version=1):
    envelope = event_type.envelope(aggregate, version, data)
    envelope["occurred_at"] = at
    getattr(service, handler_of(service, event_type))(envelope)
    return envelope


def handler_of(service, event_type):
    if event_type.source == "registry":
        return "handle_" + event_type.name
    return "on_%s_%s" % (event_type.source, event_type.name)


def allocation(**fields):
    return dict({"id": "al_1", "round_id": "rd_1", "programme_code": "PKH", "year": 2026,
                 "household_id": "hh_1", "member_id": None, "recipient_id": "res_1",
                 "amount_idr": 750000, "status": "pending", "version": 1}, **fields)


@pytest.fixture
def family(service):
    deliver(service, HOUSEHOLD_REGISTERED, {"household": {
        "id": "hh_1", "kk_number": "3174090101000001", "rw": "003", "status": "active",
        "version": 1}}, at="2026-01-05T02:00:00Z", aggregate="hh_1")
    deliver(service, RESIDENT_REGISTERED, {"resident": {
        "id": "res_1", "nik": NIK, "household_id": "hh_1", "full_name": "Siti", "rw": "003",
        "status": "active", "version": 1}}, at="2026-01-05T02:01:00Z", aggregate="res_1")


def test_a_resident_timeline_tells_the_year_in_order_in_bahasa(service, family):
    deliver(service, ALLOCATION_EVENTS["aid_disbursed"], {"allocation": allocation(
        status="disbursed")}, at="2026-04-02T03:00:00Z")
    deliver(service, ALLOCATION_EVENTS["allocation_created"], {"allocation": allocation()},
            at="2026-03-01T03:00:00Z")
    deliver(service, ENROLMENT_ACCEPTED, {
        "enrolment_id": "enr_1", "programme_id": "pp_1", "programme_kind": "training",
        "programme_title": "Pelatihan Menjahit", "partner_id": "ptn_1", "partner_name": "PT A",
        "resident_id": "res_1", "nik": NIK, "kk_number": "3174090101000001",
        "status": "accepted", "changed_on": "2026-05-01"}, at="2026-05-01T03:00:00Z")

    timeline = service.resident_timeline(NIK, OFFICER)

    assert [e["summary"] for e in timeline["entries"]] == [
        "Terdaftar sebagai warga (RW 003)",
        "Ditetapkan sebagai penerima PKH (Rp750.000)",
        "Menerima bantuan PKH (Rp750.000)",
        "Diterima di program Pelatihan Menjahit (PT A)"]
    family_view = service.household_timeline("hh_1", OFFICER)
    assert [e["type"] for e in family_view["entries"]] == [
        "household_registered", "resident_registered", "allocation_created", "aid_disbursed",
        "enrolment_accepted"]
    assert NIK not in str(family_view)


def test_a_members_own_aid_names_the_member(service, family):
    deliver(service, RESIDENT_REGISTERED, {"resident": {
        "id": "res_2", "nik": "3174091203150002", "household_id": "hh_1", "full_name": "Ani",
        "rw": "003", "status": "active", "version": 1}}, aggregate="res_2")
    deliver(service, ALLOCATION_EVENTS["allocation_created"], {"allocation": allocation(
        id="al_2", programme_code="PIP", member_id="res_2", amount_idr=450000)})

    mine = service.resident_timeline(NIK, OFFICER)["entries"]
    assert mine[-1]["summary"] == "Ditetapkan sebagai penerima PIP untuk Ani (Rp450.000)"


def test_a_family_timeline_names_whom_each_entry_concerns_in_bahasa(service, family):
    deliver(service, RESIDENT_UPDATED, {"resident": {
        "id": "res_1", "nik": NIK, "household_id": "hh_1", "full_name": "Siti", "rw": "003",
        "status": "active", "version": 2}, "changed": ["occupation_code", "phone"]},
        at="2026-02-01T02:00:00Z", aggregate="res_1", version=2)

    entries = service.household_timeline("hh_1", OFFICER)["entries"]
    assert [(e["summary"], e["names"]) for e in entries] == [
        ("Keluarga terdaftar (KK RW 003)", []),
        ("Terdaftar sebagai warga (RW 003)", ["Siti"]),
        ("Data diperbarui: pekerjaan, nomor HP", ["Siti"])]


def test_a_programme_is_named_on_the_timeline_whichever_event_came_first(service, family):
    # the allocation's event before the programme's: each type has its own queue
    deliver(service, ALLOCATION_EVENTS["allocation_created"], {"allocation": allocation(
        programme_code="KJP_PLUS", amount_idr=300000)}, at="2026-03-10T03:00:00Z")
    deliver(service, PROGRAMME_PUBLISHED, {"programme": {
        "code": "KJP_PLUS", "name": "Kartu Jakarta Pintar Plus", "kind": "education"}},
        aggregate="KJP_PLUS")
    deliver(service, ALLOCATION_EVENTS["allocation_created"], {"allocation": allocation(
        id="al_2", programme_code="NEW", amount_idr=1000)},
        at="2026-03-11T03:00:00Z")  # a programme not seen: its code

    mine = service.resident_timeline(NIK, OFFICER)["entries"]
    assert [e["summary"] for e in mine[-2:]] == [
        "Ditetapkan sebagai penerima Kartu Jakarta Pintar Plus (Rp300.000)",
        "Ditetapkan sebagai penerima NEW (Rp1.000)"]


def test_complaints_never_reach_a_timeline_even_linked_to_the_family_aid(service, family):
    deliver(service, COMPLAINT_SUBMITTED, {"complaint": {
        "id": "cmp_1", "category": "not_received", "status": "submitted",
        "allocation_id": "al_1", "programme_code": "PKH",
        "submitted_at": "2026-03-05T03:00:00Z"}})

    entries = service.resident_timeline(NIK, OFFICER)["entries"]
    assert [e["source"] for e in entries] == ["registry"]
    assert [e["source"] for e in service.household_timeline("hh_1", OFFICER)["entries"]] == [
        "registry", "registry"]
    assert service.annual_counters(2026, OFFICER)["complaints"][0]["submitted"] == 1


def test_a_redelivered_event_counts_once(service, family):
    envelope = deliver(service, ALLOCATION_EVENTS["aid_disbursed"], {"allocation": allocation(
        status="disbursed")}, at="2026-04-02T03:00:00Z")
    service.on_distribution_aid_disbursed(envelope)

    money = service.annual_counters(2026, OFFICER)["distribution"]["disbursements"]
    assert money == [{"programme_code": "PKH", "rw": "003", "month": "2026-04", "count": 1,
                      "amount_idr": 750000}]
    assert len(service.resident_timeline(NIK, OFFICER)["entries"]) == 2


def test_a_handover_entered_later_counts_when_it_happened_not_when_it_was_entered(
        service, family):
    # handed over on 10 February from the paper record, entered on 1 December
    handed = {"disbursed_at": "2026-02-10T02:30:00.000Z",
              "recorded_at": "2026-12-01T03:00:00.000Z", "channel": "cash"}
    deliver(service, ALLOCATION_EVENTS["allocation_created"], {"allocation": allocation()},
            at="2026-01-06T03:00:00Z")
    deliver(service, ALLOCATION_EVENTS["aid_disbursed"], {"allocation": allocation(
        status="disbursed", version=2, disbursement=handed)}, at="2026-12-01T03:00:00Z",
        version=2)
    deliver(service, ENROLMENT_ACCEPTED, {
        "enrolment_id": "enr_1", "programme_id": "pp_1", "programme_kind": "training",
        "programme_title": "Pelatihan Menjahit", "partner_id": "ptn_1", "partner_name": "PT A",
        "resident_id": "res_1", "nik": NIK, "kk_number": "3174090101000001",
        "status": "accepted", "changed_on": "2026-05-01"}, at="2026-05-01T03:00:00Z")

    year = service.annual_counters(2026, OFFICER)
    assert [(r["month"], r["count"]) for r in year["distribution"]["disbursements"]] == [
        ("2026-02", 1)]
    assert year["disbursed_by_month"][1] == 750000 and year["disbursed_by_month"][11] == 0
    assert year["coverage"][0]["reached"] == 1
    entries = service.resident_timeline(NIK, OFFICER)["entries"]
    # on the timeline it comes before what happened in May
    assert [e["type"] for e in entries] == ["resident_registered", "allocation_created",
                                            "aid_disbursed", "enrolment_accepted"]
    assert entries[2]["at"].startswith("2026-02-10")


def test_the_year_counts_registry_complaints_partners_and_the_market(service, family):
    deliver(service, RESIDENT_DEACTIVATED, {"resident": {
        "id": "res_1", "nik": NIK, "household_id": "hh_1", "rw": "003", "status": "inactive",
        "version": 2}, "reason": "moved_out", "note": ""}, at="2026-11-01T03:00:00Z",
        aggregate="res_1", version=2)
    complaint = {"id": "cmp_1", "category": "not_received", "status": "resolved",
                 "submitted_at": "2026-03-01T03:00:00Z"}
    deliver(service, COMPLAINT_SUBMITTED, {"complaint": complaint})
    deliver(service, COMPLAINT_RESOLVED, {"complaint": complaint,
                                          "resolved_at": "2026-03-04T15:00:00Z"})
    deliver(service, ENROLMENT_COMPLETED, {
        "enrolment_id": "enr_1", "programme_id": "pp_1", "programme_kind": "training",
        "programme_title": "Pelatihan", "partner_id": "ptn_1", "partner_name": "PT A",
        "resident_id": "res_1", "outcome": "passed", "completed_on": "2026-06-01",
        "status": "completed"})
    seller = {"id": "slr_1", "resident_id": "res_1", "business_name": "Warung Siti"}
    deliver(service, SELLER_REGISTERED, {"seller": seller})
    deliver(service, ORDER_COMPLETED, {"seller": seller, "order": {
        "id": "ord_1", "listing_title": "Keripik", "total_idr": 30000, "status": "completed"}})
    # 31 December 20:00 UTC is already 1 January in the village (WIB)
    deliver(service, RESIDENT_REGISTERED, {"resident": {
        "id": "res_2", "nik": "3174091203850002", "household_id": "hh_1", "status": "active",
        "version": 1}}, at="2026-12-31T20:00:00Z", aggregate="res_2")

    year = service.annual_counters(2026, OFFICER)

    assert year["registry"] == {"registrations": 1, "deactivations": {"moved_out": 1}}
    assert year["complaints"] == [{"category": "not_received", "submitted": 1, "resolved": 1,
                                   "mean_resolution_days": 3.5}]
    assert year["partners"]["outcomes"] == {"passed": 1}
    assert year["marketplace"]["sellers_registered"] == 1
    assert year["marketplace"]["orders_value_idr"] == 30000
    assert service.annual_counters(2027, OFFICER)["registry"]["registrations"] == 1


def test_only_officers_read_timelines_and_unknown_people_are_not_found(service, family):
    with pytest.raises(Forbidden):
        service.resident_timeline(NIK, {"role": "resident", "name": "x"})
    with pytest.raises(NotFound):
        service.resident_timeline("3174090000000000", OFFICER)
    with pytest.raises(NotFound):
        service.household_timeline("hh_none", OFFICER)


def test_rupiah_uses_the_indonesian_thousands_separator():
    assert domain.rupiah(1250000) == "Rp1.250.000"


def test_an_allocation_beyond_the_quota_reads_as_the_waiting_list(service, family):
    deliver(service, ALLOCATION_EVENTS["allocation_created"], {"allocation": allocation(
        id="al_3", programme_code="UMKM_DESA", amount_idr=2500000, status="waiting")})

    mine = service.resident_timeline(NIK, OFFICER)["entries"]
    assert mine[-1]["summary"] == "Masuk daftar tunggu UMKM_DESA (Rp2.500.000)"
