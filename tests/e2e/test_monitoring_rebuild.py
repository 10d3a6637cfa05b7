"""Monitoring dropped and rebuilt from the owners' exports reaches the same figures
(issue 14): a small year through the gateway (families registered, a move-out, a
round with a disbursement and a family waiting beyond the quota, a complaint
resolved, an entrepreneurship training completed with its partner's pledge and
deliveries, a verified seller with a completed order), the annual report (its
coverage, complaints against deadlines and partner contributions included) and the
graduation funnel read, the rebuild, and both read again: equal. Every answer is
checked against openapi.json."""
import datetime
import uuid

import pytest

from tests.e2e.test_distribution import programme_for, register, round_body
from tests.e2e.test_marketplace import listing_body, seller_body
from tests.e2e.test_partners import course, partner, youth
from tests.helpers import wait_for
from tests.support.api import ApiError
from tests.support.platform import platform_fixtures
from tests.unit.registry import factories

pytestmark = pytest.mark.e2e

# A platform of its own: the whole annual report is compared, and the other e2e
# tests' data on the shared platform holds what an export cannot give back
# (docs/monitoring.md "Rebuilding from the exports").
platform, checked, admin, public, make_client, officer = platform_fixtures("module")


def _year():
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7))).year


def _timeline(officer, household):
    """The family's entries as (type, summary), leaving out the changes a rebuild cannot
    give back (``not_rebuilt`` "timeline.updates")."""
    entries = officer.get("households/%s/timeline" % household["id"])["entries"]
    return sorted((e["type"], e["summary"]) for e in entries
                  if e["type"] not in ("household_updated", "resident_updated"))


def _figures(officer, year):
    """What must come back equal; docs/monitoring.md "Rebuilding from the exports" says
    why nothing here needs excluding: this year changes no amount, moves no family to
    another RW and closes no allocation twice."""
    return {"report": {k: v for k, v in officer.get("reports/annual/%d" % year).items()
                       if k not in ("discussions", "scorecards", "surveys")},
            "funnel": officer.get("reports/graduation")}


def _aid(officer):
    """Two families for a round with a quota of one: one handed its aid, the other
    waiting beyond the quota (eligible, not reached). Returns the first."""
    families = {h["id"]: h for h in (register(officer), register(officer))}
    code = officer.post("programmes", programme_for([h["kk_number"] for h in
                                                     families.values()]))["code"]
    rnd = officer.post("programmes/%s/rounds" % code, dict(round_body(), quota=1))
    officer.post("rounds/%s/allocations" % rnd["id"])
    allocations = officer.get("rounds/%s/allocations" % rnd["id"])["items"]
    assert sorted(a["status"] for a in allocations) == ["pending", "waiting"]
    [alloc] = [a for a in allocations if a["status"] == "pending"]
    household = families[alloc["household_id"]]
    wife = household["members"][1]
    officer.post("allocations/%s/disburse" % alloc["id"], {
        "received_by_nik": wife["nik"], "channel": "cash", "evidence_ref": "BAST-RB-1"})
    officer.post("residents/%s/deactivate" % household["members"][2]["nik"],
                 {"reason": "moved_out", "note": "pindah ke Bogor"})
    return household


def _complaint(public, officer, client_ip):
    filed = public.post("complaints", {"category": "schedule", "anonymous": True,
                                       "description": "Jadwal bentrok dengan posyandu"},
                        headers={"X-Forwarded-For": client_ip})
    [item] = officer.get("complaints", params={"tracking_code": filed["tracking_code"]})["items"]
    path = "complaints/%s/transitions" % item["id"]
    officer.post(path, {"to": "verified"})
    officer.post(path, {"to": "resolved", "note": "Jadwal dipindah ke Sabtu."})


def _training(admin, officer):
    household = officer.post("households", factories.household(welfare_decile=2,
                                                                members=[youth(2003)]))
    nik = household["members"][0]["nik"]

    def enrolled():
        try:
            return officer.post("partner-programmes/%s/enrolments" % training["id"],
                                {"nik": nik})
        except ApiError as exc:
            if exc.status == 404:  # partners has not seen the family yet
                return None
            raise
    owner = partner(admin, officer)
    training = course(officer, owner, [household["kk_number"]])
    year = _year()
    officer.raw("PUT", "partners/%s/commitments/%d" % (owner["id"], year), json={
        "amount_idr": 20_000_000, "in_kind": "Peralatan dapur", "in_kind_value_idr": 4_000_000,
        "trainer_hours": 24}).raise_for_status()
    officer.post("partners/%s/deliveries" % owner["id"], {
        "delivered_on": datetime.date.today().isoformat(), "amount_idr": 5_000_000,
        "trainer_hours": 3, "programme_id": training["id"]})
    enrolment = wait_for(enrolled, timeout=30)
    session = officer.post("partner-programmes/%s/sessions" % training["id"], {
        "held_on": datetime.date.today().isoformat(), "starts_at": "09:00", "ends_at": "12:00",
        "location": "Balai RW 03", "facilitator": "Chef Ani"})
    officer.post("sessions/%s/attendance" % session["id"], {"entries": [
        {"enrolment_id": enrolment["id"], "status": "attended"}]})
    officer.post("enrolments/%s/complete" % enrolment["id"], {"outcome": "business_started"})


def _shop(officer, public, make_client):
    seller_id = "slr_rb_" + uuid.uuid4().hex[:10]
    me = make_client("seller", seller_id=seller_id)
    wife = officer.post("households", factories.household())["members"][1]

    def registered():
        try:
            return me.post("sellers", seller_body(wife["nik"]))
        except ApiError as exc:
            if exc.status == 422 and "No resident" in exc.detail:
                return None
            raise
    seller = wait_for(registered, timeout=30)
    officer.post("sellers/%s/verify" % seller["id"])
    listing = me.post("listings", listing_body(stock=5))
    placed = public.post("listings/%s/orders" % listing["id"], {
        "buyer_name": "Rina", "buyer_phone": "081311112222", "quantity": 2},
        headers={"Idempotency-Key": "rb-" + uuid.uuid4().hex})
    me.post("orders/%s/transitions" % placed["id"], {"to": "confirmed"})
    me.post("orders/%s/transitions" % placed["id"], {"to": "completed", "payment": "cash"})


def test_the_rebuilt_figures_equal_the_ones_from_events(admin, officer, public, make_client,
                                                        client_ip):
    year = _year()
    family = _aid(officer)
    _complaint(public, officer, client_ip)
    _training(admin, officer)
    _shop(officer, public, make_client)

    def settled():
        report = officer.get("reports/annual/%d" % year)
        return (report["distribution"]["disbursements"] and report["complaints"]
                and report["complaints"][0]["resolved"] and report["partners"]["outcomes"]
                and report["marketplace"]["orders_completed"]
                and report["registry"]["deactivations"] and report["contributions"]
                and report["complaint_deadlines"]
                and report["coverage"] and report["coverage"][0]["reached"])
    wait_for(settled, timeout=60, message="monitoring never counted the year")
    before, lived = _figures(officer, year), _timeline(officer, family)

    with pytest.raises(ApiError) as refused:
        officer.post("admin/monitoring/rebuild")
    assert refused.value.status == 403
    answer = admin.post("admin/monitoring/rebuild")
    assert answer["items"]["distribution.export_allocations"] == 2
    assert answer["items"]["partners.export_contributions"] == 1
    assert answer["items"]["complaints.export_complaints"] == 1
    assert answer["events"] > 0 and "timeline.updates" in answer["not_rebuilt"]

    after = _figures(officer, year)
    assert after == before
    assert _timeline(officer, family) == lived
    code = after["report"]["distribution"]["disbursements"][0]["programme_code"]
    assert ("aid_disbursed", "Menerima bantuan %s (Rp600.000)"  # by name, as the report
            % after["report"]["programme_names"][code]) in lived
    assert before["report"]["marketplace"]["orders_value_idr"] == 24000
    assert before["funnel"]["cohorts"][0]["supported"] == 1
    [covered] = before["report"]["coverage"]
    assert (covered["unit"], covered["eligible"], covered["reached"], covered["reached_pct"]) \
        == ("household", 2, 1, 50.0)
    [schedule] = before["report"]["complaint_deadlines"]
    assert (schedule["category"], schedule["resolved"], schedule["within_deadline"],
            schedule["late"]) == ("schedule", 1, 1, 0)
    [pledge] = before["report"]["contributions"]
    assert pledge["pledged"] == {"amount_idr": 20_000_000, "in_kind_value_idr": 4_000_000,
                                 "trainer_hours": 24}
    assert pledge["delivered"] == {"amount_idr": 5_000_000, "in_kind_value_idr": 0,
                                   "trainer_hours": 3}
