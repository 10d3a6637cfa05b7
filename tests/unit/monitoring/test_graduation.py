"""The graduation funnel from a sequence of events: who was supported (business
capital or entrepreneurship training), became a verified seller, listed, sold, and
which families left the aid rolls because their situation improved; once per event."""
import pytest

from services.distribution.contract.events import ALLOCATION_EVENTS, PROGRAMME_PUBLISHED
from services.marketplace.contract.events import (LISTING_PUBLISHED, ORDER_COMPLETED,
                                                  SELLER_VERIFIED)
from services.partners.contract.events import ENROLMENT_COMPLETED
from services.registry.contract import RESIDENT_DEACTIVATED, RESIDENT_REGISTERED
from services.shared.errors import Forbidden, InvalidInput
from tests.unit.monitoring.test_monitoring import (OFFICER, allocation, deliver,
                                                   handler_of, service)  # noqa: F401

DISBURSED = ALLOCATION_EVENTS["aid_disbursed"]
CANCELLED = ALLOCATION_EVENTS["allocation_cancelled"]


def resident(service, rid, household_id):  # noqa: F811
    deliver(service, RESIDENT_REGISTERED, {"resident": {
        "id": rid, "nik": "31740912038500%02d" % int(rid[-1]), "household_id": household_id,
        "rw": "003", "status": "active", "version": 1}}, at="2025-01-02T02:00:00Z",
        aggregate=rid)


def training(rid, topics=("entrepreneurship",), outcome="passed"):
    return {"enrolment_id": "enr_" + rid, "programme_id": "pp_1", "programme_kind": "training",
            "programme_title": "Kewirausahaan", "partner_id": "ptn_1", "partner_name": "BLK",
            "resident_id": rid, "outcome": outcome, "topics": list(topics),
            "completed_on": "2026-05-01", "status": "completed"}


def seller(rid):
    return {"id": "slr_" + rid, "resident_id": rid, "business_name": "Usaha " + rid}


@pytest.fixture
def history(service):  # noqa: F811
    """Every event, in the order a broker may deliver them; returns the envelopes."""
    for rid, hh in (("res_1", "hh_1"), ("res_2", "hh_2"), ("res_3", "hh_3"), ("res_4", "hh_4"),
                    ("res_5", "hh_5")):
        resident(service, rid, hh)
    sent = [
        # the grant before its programme's kind is known: the funnel reads both later
        deliver(service, DISBURSED, {"allocation": allocation(
            id="al_1", programme_code="UMKM_DESA", household_id="hh_1", recipient_id="res_1",
            amount_idr=3000000, status="disbursed")}, at="2026-02-10T03:00:00Z"),
        deliver(service, PROGRAMME_PUBLISHED, {"programme": {
            "code": "UMKM_DESA", "kind": "business_capital", "version": 1}}),
        deliver(service, DISBURSED, {"allocation": allocation(
            id="al_4", programme_code="PKH", household_id="hh_4", recipient_id="res_4",
            status="disbursed")}, at="2026-02-10T03:00:00Z"),
        deliver(service, PROGRAMME_PUBLISHED, {"programme": {
            "code": "PKH", "kind": "cash_transfer", "version": 1}}),
        deliver(service, ENROLMENT_COMPLETED, training("res_2"), at="2026-05-01T03:00:00Z"),
        deliver(service, ENROLMENT_COMPLETED, training("res_3", topics=("sewing",),
                                                       outcome="business_started"),
                at="2026-12-31T18:00:00Z"),          # already 2027 in the village
        deliver(service, ENROLMENT_COMPLETED, training("res_5", topics=("sewing",)),
                at="2026-05-01T03:00:00Z"),         # not a business training
        deliver(service, SELLER_VERIFIED, {"seller": seller("res_1")}, at="2026-01-05T03:00:00Z"),
        deliver(service, LISTING_PUBLISHED, {"seller": seller("res_1"), "listing": {
            "id": "lst_1", "title": "Keripik", "price_idr": 15000}}, at="2026-03-01T03:00:00Z"),
        deliver(service, ORDER_COMPLETED, {"seller": seller("res_1"), "order": {
            "id": "ord_1", "listing_title": "Keripik", "total_idr": 30000}},
            at="2026-03-05T03:00:00Z"),
        # res_2 listed before the training only: not counted as listing after support
        deliver(service, LISTING_PUBLISHED, {"seller": seller("res_2"), "listing": {
            "id": "lst_2", "title": "Kue", "price_idr": 5000}}, at="2026-04-01T03:00:00Z"),
        deliver(service, CANCELLED, {"allocation": allocation(
            id="al_9", programme_code="PKH", household_id="hh_1", recipient_id="res_1",
            status="cancelled", status_reason="household_request")}, at="2026-10-01T03:00:00Z"),
        deliver(service, CANCELLED, {"allocation": allocation(
            id="al_8", programme_code="PKH", household_id="hh_2", recipient_id="res_2",
            status="cancelled", status_reason="household_request")}, at="2026-10-01T03:00:00Z"),
        deliver(service, RESIDENT_DEACTIVATED, {"resident": {
            "id": "res_2", "nik": "3174091203850002", "household_id": "hh_2", "rw": "003",
            "status": "inactive", "version": 2}, "reason": "deceased", "note": ""},
            at="2026-11-01T03:00:00Z", aggregate="res_2", version=2),
    ]
    return sent


def test_the_funnel_counts_each_cohort_stage_by_stage(service, history):  # noqa: F811
    cohorts = service.graduation_funnel(None, OFFICER)["cohorts"]

    assert cohorts == [
        {"cohort": 2026, "supported": 2, "verified_sellers": 1, "listed": 1, "sold": 1,
         "left_improved": 1, "left_deceased_or_moved": 1},
        {"cohort": 2027, "supported": 1, "verified_sellers": 0, "listed": 0, "sold": 0,
         "left_improved": 0, "left_deceased_or_moved": 0}]
    assert service.graduation_funnel("2027", OFFICER)["cohorts"] == cohorts[1:]
    year = service.annual_counters(2026, OFFICER)
    assert year["graduation"] == cohorts[:1]
    assert "graduation_left_improved,2026,,1," in service.annual_report(
        2026, "csv", OFFICER).splitlines()
    assert "Keluarga keluar dari bantuan karena membaik" in service.annual_report(
        2026, "html", OFFICER)


def test_a_redelivered_sequence_changes_nothing(service, history):  # noqa: F811
    before = service.graduation_funnel(None, OFFICER)
    for envelope in history:
        kind = next(t for t in (DISBURSED, CANCELLED, PROGRAMME_PUBLISHED, ENROLMENT_COMPLETED,
                                SELLER_VERIFIED, LISTING_PUBLISHED, ORDER_COMPLETED,
                                RESIDENT_DEACTIVATED) if t.name == envelope["type"])
        getattr(service, handler_of(service, kind))(envelope)
    assert service.graduation_funnel(None, OFFICER) == before


def test_only_officers_read_the_funnel_and_a_bad_cohort_is_named(service):  # noqa: F811
    with pytest.raises(Forbidden):
        service.graduation_funnel(None, {"role": "resident", "name": "x"})
    with pytest.raises(InvalidInput) as refused:
        service.graduation_funnel("kemarin", OFFICER)
    assert "cohort" in refused.value.errors
