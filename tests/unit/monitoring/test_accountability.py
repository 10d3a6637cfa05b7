"""The annual report's coverage (eligible against reached), complaints against their
resolution deadline, and partners' pledges against deliveries (issue 14 "Reports";
docs/monitoring.md): the plain functions, then the same through the service's
inbox, its CSV and printable page, and the rebuild's events."""
import csv
import datetime
import io

import pytest

from services.complaints.contract.events import (COMPLAINT_RESOLVED,
                                                 COMPLAINT_STATUS_CHANGED, COMPLAINT_SUBMITTED)
from services.distribution.contract.events import ALLOCATION_EVENTS
from services.monitoring import contributions, coverage, deadlines, domain, rebuild, reports
from services.partners.contract.events import COMMITMENT_SET, DELIVERY_RECORDED
from tests.unit.monitoring.test_monitoring import OFFICER, allocation, deliver, service  # noqa: F401


def _alloc_event(kind, at="2026-03-01T03:00:00Z", event_id=None, **fields):
    al = allocation(**fields)
    return {"event_id": event_id or "%s:%s" % (kind, al["id"]), "source": "distribution",
            "type": kind, "occurred_at": at, "data": {"allocation": al}}


def _facts(*events, rw="003"):
    return [domain.fact(e, {"rw": rw}) for e in events]


# ------------------------------------------------------------ coverage


def test_coverage_counts_families_once_and_the_waiting_as_eligible():
    facts = (
        _facts(_alloc_event("allocation_created", id="al_1", household_id="hh_1"),
               _alloc_event("aid_disbursed", id="al_1", household_id="hh_1"),
               # the same family in the second round of the year: still one family
               _alloc_event("allocation_created", id="al_2", household_id="hh_1",
                            round_id="rd_2"),
               # waiting beyond the quota: eligible, not reached
               _alloc_event("allocation_created", id="al_3", household_id="hh_2",
                            status="waiting"))
        + _facts(_alloc_event("allocation_created", id="al_4", household_id="hh_3"),
                 _alloc_event("aid_disbursed", id="al_4", household_id="hh_3"), rw="005")
        # another year's round is not this year's coverage
        + _facts(_alloc_event("allocation_created", id="al_5", household_id="hh_4", year=2025)))

    [pkh] = coverage.coverage(facts, 2026)

    assert (pkh["programme_code"], pkh["unit"], pkh["eligible"], pkh["reached"],
            pkh["reached_pct"]) == ("PKH", "household", 3, 2, 66.7)
    assert pkh["by_rw"] == [
        {"rw": "003", "eligible": 2, "reached": 1, "reached_pct": 50.0},
        {"rw": "005", "eligible": 1, "reached": 1, "reached_pct": 100.0}]
    assert coverage.coverage(facts, 2025)[0]["eligible"] == 1


def test_an_individual_programme_counts_persons_not_their_families():
    pupils = [_alloc_event("allocation_created", id="al_%d" % n, programme_code="PIP",
                           household_id="hh_1", member_id="res_%d" % n) for n in (1, 2)]
    handed = _alloc_event("aid_disbursed", id="al_1", programme_code="PIP",
                          household_id="hh_1", member_id="res_1")

    [pip] = coverage.coverage(_facts(*pupils, handed), 2026)

    assert (pip["unit"], pip["eligible"], pip["reached"], pip["reached_pct"]) == (
        "person", 2, 1, 50.0)


def test_a_round_handed_over_in_the_next_january_counts_in_its_own_year():
    created = _alloc_event("allocation_created", at="2026-12-20T03:00:00Z")
    late = _alloc_event("aid_disbursed", at="2027-01-04T03:00:00Z")

    facts = _facts(created, late)

    assert facts[1]["year"] == 2027 and facts[1]["round_year"] == 2026
    assert coverage.coverage(facts, 2026)[0]["reached"] == 1
    assert coverage.coverage(facts, 2027) == []


# ------------------------------------------------------------ complaints


def _complaint(cid, category, submitted, due, resolved=None, met=None, status=None, **extra):
    snapshot = dict({
        "id": cid, "category": category, "status": status or ("resolved" if resolved
                                                              else "in_progress"),
        "submitted_at": submitted, "resolved_at": resolved, "version": 3,
        "deadlines": [{"name": "triage", "due_at": submitted, "met_at": submitted},
                      {"name": "resolution", "due_at": due, "met_at": met or resolved}]},
        **extra)
    return deadlines.complaint_state({"source": "complaints", "type": "complaint_resolved",
                                      "data": {"complaint": snapshot}})


def test_complaints_are_judged_against_their_resolution_deadline():
    kept = [
        _complaint("c1", "schedule", "2026-03-01T02:00:00Z", "2026-03-08T02:00:00Z",
                   resolved="2026-03-03T02:00:00Z"),                       # 2 days, in time
        _complaint("c2", "schedule", "2026-03-01T02:00:00Z", "2026-03-08T02:00:00Z",
                   resolved="2026-03-11T02:00:00Z"),                       # 10 days, late
        _complaint("c3", "schedule", "2026-04-01T02:00:00Z", "2026-04-08T02:00:00Z",
                   resolved="2026-04-05T02:00:00Z"),                       # 4 days, in time
        # open at the year's end, its deadline passed: resolved only in January
        _complaint("c4", "schedule", "2026-12-10T02:00:00Z", "2026-12-17T02:00:00Z",
                   resolved="2027-01-05T02:00:00Z"),
        # still open, deadline not yet passed at the year's end
        _complaint("c5", "schedule", "2026-12-30T02:00:00Z", "2027-01-06T02:00:00Z"),
        # rejected in time: closed, neither resolved nor open
        _complaint("c6", "schedule", "2026-05-01T02:00:00Z", "2026-05-08T02:00:00Z",
                   met="2026-05-02T02:00:00Z", status="rejected"),
        _complaint("c7", "pungli", "2026-06-01T02:00:00Z", "2026-06-04T02:00:00Z"),
    ]

    after_the_year = datetime.datetime(2027, 2, 1, tzinfo=datetime.timezone.utc)
    rows = {r["category"]: r for r in deadlines.resolution_against_deadlines(
        kept, 2026, now=after_the_year)}

    assert rows["schedule"] == {"category": "schedule", "resolved": 3, "within_deadline": 2,
                                "late": 1, "open_past_deadline": 1, "median_days": 4.0,
                                "p90_days": 10.0}
    assert rows["pungli"]["open_past_deadline"] == 1 and rows["pungli"]["median_days"] is None
    # in the year in progress a deadline still ahead is not missed yet
    mid_june = datetime.datetime(2026, 6, 3, tzinfo=datetime.timezone.utc)
    so_far = {r["category"]: r for r in deadlines.resolution_against_deadlines(
        kept, 2026, now=mid_june)}
    assert so_far["schedule"]["open_past_deadline"] == 0
    assert "pungli" not in so_far  # its deadline, 4 June, is still ahead
    next_year = {r["category"]: r for r in deadlines.resolution_against_deadlines(
        kept, 2027, now=after_the_year)}
    assert (next_year["schedule"]["resolved"], next_year["schedule"]["late"]) == (1, 1)


def test_a_reopened_complaint_is_judged_by_its_new_deadline():
    reopened = deadlines.complaint_state({"source": "complaints", "data": {"complaint": {
        "id": "c1", "category": "schedule", "status": "resolved", "version": 6,
        "submitted_at": "2026-03-01T02:00:00Z", "resolved_at": "2026-03-20T02:00:00Z",
        "deadlines": [
            {"name": "resolution", "due_at": "2026-03-08T02:00:00Z",
             "met_at": "2026-03-05T02:00:00Z"},
            {"name": "triage", "due_at": "2026-03-02T02:00:00Z", "met_at": None},
            {"name": "resolution", "due_at": "2026-03-22T02:00:00Z",
             "met_at": "2026-03-20T02:00:00Z"}]}}})

    [row] = deadlines.resolution_against_deadlines([reopened], 2026)

    assert (row["within_deadline"], row["late"], row["median_days"]) == (1, 0, 19.0)


def test_the_complaint_projection_keeps_no_link_to_a_person_or_an_allocation():
    kept = _complaint("c1", "misconduct", "2026-03-01T02:00:00Z", "2026-03-04T02:00:00Z",
                      allocation_id="al_1", programme_code="PKH", assigned_to="petugas",
                      forwarded_to="Inspektorat")

    assert set(kept) == {"_id", "category", "status", "submitted_at", "resolved_at",
                         "due_at", "met_at", "version"}
    assert (kept["due_at"], kept["met_at"]) == ("2026-03-04T02:00:00Z", None)


# ------------------------------------------------------------ contributions


def _partner_event(kind, data, at="2026-02-01T03:00:00Z", event_id=None):
    return {"event_id": event_id or kind + str(id(data)), "source": "partners", "type": kind,
            "occurred_at": at, "data": data}


def _pledge(amount, set_at, year=2026, partner_id="ptn_1", **extra):
    return contributions.pledge(_partner_event("commitment_set", dict(
        partner_id=partner_id, partner_name="PT Sumber Rejeki", year=year, amount_idr=amount,
        in_kind_value_idr=0, trainer_hours=40, set_at=set_at, **extra)))


def _delivery(did, amount=0, hours=0, year=2026, partner_id="ptn_1", in_kind=0):
    return contributions.delivery(_partner_event("delivery_recorded", {
        "partner_id": partner_id, "partner_name": "PT Sumber Rejeki", "delivery_id": did,
        "year": year, "delivered_on": "%d-03-01" % year, "amount_idr": amount,
        "in_kind_value_idr": in_kind, "trainer_hours": hours,
        "recorded_at": "%d-03-01T03:00:00Z" % year}))


def test_pledged_against_delivered_per_partner():
    pledges = [_pledge(100_000_000, "2026-01-10T03:00:00Z")]
    deliveries = [_delivery("dlv_1", amount=40_000_000, hours=10),
                  _delivery("dlv_2", in_kind=5_000_000, hours=20),
                  _delivery("dlv_3", amount=1, year=2025),
                  _delivery("dlv_4", amount=2_000_000, partner_id="ptn_2")]

    rows = contributions.pledged_vs_delivered(pledges, deliveries, 2026)

    mine = [r for r in rows if r["partner_id"] == "ptn_1"][0]
    assert mine["pledged"] == {"amount_idr": 100_000_000, "in_kind_value_idr": 0,
                               "trainer_hours": 40}
    assert mine["delivered"] == {"amount_idr": 40_000_000, "in_kind_value_idr": 5_000_000,
                                 "trainer_hours": 30}
    assert mine["delivered_pct"] == {"amount_idr": 40.0, "in_kind_value_idr": None,
                                     "trainer_hours": 75.0}
    assert mine["deliveries"] == 2
    unpledged = [r for r in rows if r["partner_id"] == "ptn_2"][0]
    assert unpledged["pledged"]["amount_idr"] == 0 and unpledged["delivered_pct"][
        "amount_idr"] is None


# ------------------------------------------------------------ through the service


def _year_of(worker):
    return worker.annual_counters(2026, OFFICER)


def test_the_service_reports_all_three_from_its_events(service):  # noqa: F811
    created = ALLOCATION_EVENTS["allocation_created"]
    deliver(service, created, {"allocation": allocation()}, aggregate="al_1")
    deliver(service, created, {"allocation": allocation(id="al_2", household_id="hh_2",
                                                        status="waiting")}, aggregate="al_2")
    handed = deliver(service, ALLOCATION_EVENTS["aid_disbursed"], {"allocation": allocation(
        status="disbursed", version=2)}, at="2026-03-05T03:00:00Z", aggregate="al_1", version=2)
    service.on_distribution_aid_disbursed(handed)                     # redelivered

    snapshot = {"id": "cmp_1", "category": "schedule", "status": "received",
                "submitted_at": "2026-03-01T02:00:00.000Z", "resolved_at": None,
                "allocation_id": "al_1", "version": 1,
                "deadlines": [{"name": "resolution", "due_at": "2026-03-08T02:00:00.000Z",
                               "met_at": None}]}
    deliver(service, COMPLAINT_SUBMITTED, {"complaint": snapshot}, aggregate="cmp_1")
    resolved = dict(snapshot, status="resolved", resolved_at="2026-03-04T02:00:00.000Z",
                    version=3, deadlines=[dict(snapshot["deadlines"][0],
                                               met_at="2026-03-04T02:00:00.000Z")])
    deliver(service, COMPLAINT_RESOLVED, {"complaint": resolved,
                                          "resolved_at": resolved["resolved_at"]},
            aggregate="cmp_1", version=3)
    # an older version arriving late changes nothing
    deliver(service, COMPLAINT_STATUS_CHANGED, {
        "complaint": dict(snapshot, status="verified", version=2), "from": "received",
        "to": "verified", "at": "2026-03-02T02:00:00.000Z"}, aggregate="cmp_1", version=2)

    pledge = {"partner_id": "ptn_1", "partner_name": "PT Sumber Rejeki", "year": 2026,
              "amount_idr": 50_000_000, "in_kind_value_idr": 0, "trainer_hours": 20,
              "set_at": "2026-01-10T03:00:00.000Z"}
    deliver(service, COMMITMENT_SET, pledge, aggregate="ptn_1", version=2)
    deliver(service, COMMITMENT_SET, dict(pledge, amount_idr=60_000_000,
                                          set_at="2026-02-10T03:00:00.000Z"),
            aggregate="ptn_1", version=3)
    delivery = deliver(service, DELIVERY_RECORDED, {
        "partner_id": "ptn_1", "partner_name": "PT Sumber Rejeki", "delivery_id": "dlv_1",
        "year": 2026, "delivered_on": "2026-03-01", "amount_idr": 15_000_000,
        "in_kind_value_idr": 0, "trainer_hours": 5, "recorded_at": "2026-03-01T03:00:00.000Z"},
        aggregate="ptn_1", version=4)
    service.on_partners_delivery_recorded(delivery)                    # redelivered

    year = _year_of(service)

    [pkh] = year["coverage"]
    assert (pkh["eligible"], pkh["reached"], pkh["reached_pct"]) == (2, 1, 50.0)
    assert year["complaint_deadlines"] == [{
        "category": "schedule", "resolved": 1, "within_deadline": 1, "late": 0,
        "open_past_deadline": 0, "median_days": 3.0, "p90_days": 3.0}]
    [ptn] = year["contributions"]
    assert (ptn["pledged"]["amount_idr"], ptn["delivered"]["amount_idr"],
            ptn["delivered"]["trainer_hours"], ptn["deliveries"]) == (60_000_000, 15_000_000,
                                                                     5, 1)

    table = list(csv.reader(io.StringIO(reports.csv_report(year))))
    assert ["coverage_reached_pct", "PKH", "", "50.0", ""] in table
    assert ["complaints_within_deadline", "schedule", "", "1", ""] in table
    assert ["contribution_delivered", "ptn_1/amount_idr", "", "", "15000000"] in table
    assert ["contribution_pledged", "ptn_1/trainer_hours", "", "20", ""] in table
    page = reports.html_report(dict(year, registry={"registrations": 3, "deactivations": {
        "deceased": 1, "moved_out": 2}}), "Kelurahan Tanjung Barat")
    assert "Kelurahan Tanjung Barat: angka dari seluruh layanan" in page and "Desa" not in page
    assert "Nonaktif: meninggal" in page and "Nonaktif: pindah" in page
    assert "deceased" not in page and "moved_out" not in page
    assert "Cakupan bantuan" in page and "50,0%" in page
    assert "Penyelesaian pengaduan terhadap tenggat" in page
    assert "Rp60.000.000" in page and "Rp15.000.000" in page


def test_a_rebuild_from_the_partners_export_gives_back_the_same_contributions():
    item = {"partner_id": "ptn_1", "partner_name": "PT A", "commitments": [
        {"partner_id": "ptn_1", "partner_name": "PT A", "year": 2026, "amount_idr": 9,
         "in_kind_value_idr": 0, "trainer_hours": 1, "set_at": "2026-01-01T03:00:00.000Z"}],
        "deliveries": [{"partner_id": "ptn_1", "partner_name": "PT A", "delivery_id": "dlv_1",
                        "year": 2026, "delivered_on": "2026-02-01", "amount_idr": 4,
                        "in_kind_value_idr": 0, "trainer_hours": 1,
                        "recorded_at": "2026-02-01T03:00:00.000Z"}]}

    events = rebuild.contribution_events(item)

    assert [(e["type"], e["occurred_at"]) for e in events] == [
        ("commitment_set", "2026-01-01T03:00:00.000Z"),
        ("delivery_recorded", "2026-02-01T03:00:00.000Z")]
    assert events == rebuild.contribution_events(item)  # the same ids a second time
    [row] = contributions.pledged_vs_delivered([contributions.pledge(events[0])],
                                               [contributions.delivery(events[1])], 2026)
    assert (row["pledged"]["amount_idr"], row["delivered"]["amount_idr"]) == (9, 4)


@pytest.mark.parametrize("values,p90", [([1.0], 1.0), ([3.0, 1.0, 2.0], 3.0),
                                        ([float(n) for n in range(1, 11)], 9.0)])
def test_p90_is_the_nearest_rank(values, p90):
    assert deadlines._percentile(values, 0.9) == p90


@pytest.mark.parametrize("reason, said", [
    ("refused", "Bantuan SEMBAKO tidak diambil (menolak)"),
    ("member_deceased", "Bantuan SEMBAKO tidak diambil (penerima meninggal)"),
    ("a_new_code", "Bantuan SEMBAKO tidak diambil (a_new_code)"),
])
def test_a_timeline_says_why_aid_was_not_collected_in_bahasa_indonesia(reason, said):
    from services.monitoring.domain import timeline_entry
    entry = timeline_entry({"event_id": "e1", "occurred_at": "2026-06-01T02:00:00.000Z",
                            "source": "distribution", "type": "allocation_not_collected",
                            "data": {"allocation": {"programme_code": "SEMBAKO",
                                                    "status_reason": reason,
                                                    "household_id": "hh_1",
                                                    "recipient_id": "res_1"}}})
    assert entry["summary"] == said


def test_the_printable_report_writes_counts_as_the_console_does():
    from services.monitoring import reports
    html = reports._table(["Keterangan", "Jumlah"], [["Warga terdaftar", 5102], ["RW", "003"]])
    assert "<td>5.102</td>" in html and "<td>003</td>" in html
