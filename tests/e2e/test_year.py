"""The main job's year, smaller (issue 14): ``python -m demo --families N`` on a platform
of its own lives through four quarters of rounds with births, deaths and move-outs,
complaints, partners, the market, discussions and a scorecard, and ends with the key
figures. Every figure it printed (and wrote as JSON) is asked again here of the
service that owns it, monitoring's annual report agrees where it counts the same
thing, and nobody who left the registry holds an open allocation, enrolment,
appointment or active listing. Every answer read here is checked against openapi.json.
"""
import collections
import csv
import datetime
import json
import os
import subprocess
import sys

import pytest

from demo import figures as shown
from demo.distribution import rupiah, year_of_quarters
from tests.support.platform import ROOT, platform_fixtures

pytestmark = pytest.mark.e2e

# A platform of its own: the year's figures are whole-platform counts, which the
# other e2e tests' data on the shared platform would change.
platform, checked, admin, public, make_client, officer = platform_fixtures("module")

FAMILIES = 200
WIB = datetime.timezone(datetime.timedelta(hours=7))


def _all(client, path, **params):
    page, items = 1, []
    while True:
        answer = client.get(path, dict(params, page=page, per_page=200))
        items += answer["items"]
        if page * 200 >= answer["total"]:
            return items
        page += 1


def _wib_year(instant):
    return datetime.datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(WIB).year


@pytest.fixture(scope="module")
def year(platform, tmp_path_factory):
    """``(figures JSON, printed output, rows of the smaller sample)`` of one smaller year."""
    url, token = platform
    path = tmp_path_factory.mktemp("year") / "figures.json"
    done = subprocess.run(
        [sys.executable, "-m", "demo", "--url", url, "--token", token, "--families",
         str(FAMILIES), "--figures", str(path), "--no-progress"],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    sample = os.path.join(ROOT, "var", "demo", "sample-%d-families.csv" % FAMILIES)
    with open(sample, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return json.loads(path.read_text(encoding="utf-8")), done.stdout, rows


def test_the_job_lives_through_four_quarters_with_births_deaths_and_move_outs(year, admin):
    figures, printed, rows = year
    assert len({r["kk_number"] for r in rows}) == FAMILIES
    for q in range(1, 5):
        assert "== Quarter %d " % q in printed
    assert printed.count("birth: ") == 4 and printed.count("death: ") == 4
    assert printed.count("move-out: ") == 4
    values = figures["figures"]
    # the import, and one baby a quarter: the registry grew by exactly those
    assert values["registry.residents"] == len(rows) + 4
    assert values["registry.deceased"] >= 4 and values["registry.moved_out"] >= 5
    assert values["distribution.handovers"] > 0 and values["distribution.not_collected"] > 0
    assert values["distribution.by_representative"] > 0
    assert values["monitoring.discussions"] == 2 and values["monitoring.scorecards"] == 2
    assert os.path.isfile(figures["report"])
    assert "The annual report (printable, Bahasa Indonesia): %s" % figures["report"] in printed


def test_every_printed_figure_is_what_its_owner_answers(year, admin):
    figures, printed, _ = year
    y, values = figures["year"], figures["figures"]
    residents = _all(admin, "residents")
    left = collections.Counter(r["inactive_reason"] for r in residents
                               if r["status"] == "inactive")
    rounds = [r for r in _all(admin, "rounds") if r["year"] == y]
    handed = admin.get("reports/disbursements", {"year": y})["totals"]
    complaints = admin.get("reports/complaints", {"year": y})["total"]
    programmes = [p for partner in _all(admin, "partners")
                  for p in _all(admin, "partners/%s/programmes" % partner["id"])]
    enrolments = collections.Counter(e["status"] for p in programmes
                                     for e in _all(admin, "partner-programmes/%s/enrolments"
                                                   % p["id"]))
    week = [admin.get("partner-programmes/%s/appointments" % p["id"], {
        "view": "due_or_overdue", "per_page": 1})["counts"] for p in programmes
        if p["kind"] == "immunisation"]
    market = admin.get("reports/marketplace", {"year": y})["totals"]
    owners = {
        "registry.residents": sum(_wib_year(r["created_at"]) == y for r in residents),
        "registry.active": sum(r["status"] == "active" for r in residents),
        "registry.born": sum(r["birth_date"][:4] == str(y) for r in residents),
        "registry.deceased": left["deceased"], "registry.moved_out": left["moved_out"],
        "distribution.rounds": len(rounds),
        "distribution.handovers": handed["count"],
        "distribution.handovers_idr": handed["amount_idr"],
        "distribution.by_representative": handed["by_representative"],
        "distribution.not_collected": sum(
            admin.get("rounds/%s/report" % r["id"])["totals"]["not_collected"]["count"]
            for r in rounds),
        "complaints.submitted": complaints["submitted"],
        "complaints.resolved": complaints["by_status"]["resolved"],
        "complaints.forwarded": complaints["by_status"]["forwarded"],
        "complaints.rejected": complaints["by_status"]["rejected"],
        "partners.completed": enrolments["completed"],
        "partners.withdrawn": enrolments["withdrawn"],
        "partners.waitlisted": enrolments["waitlisted"],
        "partners.due": sum(c["due"] for c in week),
        "partners.late": sum(c["overdue"] for c in week),
        "marketplace.sellers": len(_all(admin, "sellers")),
        "marketplace.orders_completed": market["orders_completed"],
        "marketplace.orders_idr": market["revenue_idr"],
        "monitoring.discussions": len(_all(admin, "discussions", year=y)),
        "monitoring.scorecards": len(_all(admin, "scorecards", year=y)),
    }
    assert values == owners
    # what was printed is what was written
    for key, label, owner in shown.FIGURES:
        value = rupiah(values[key]) if key.endswith("_idr") else str(values[key])
        line = next(li for li in printed.splitlines() if li.startswith(label + "  "))
        assert line.split()[len(label.split())] == value and owner in line

    report = admin.get("reports/annual/%d" % y)
    counted = report["distribution"]["disbursements"]
    assert (sum(r["count"] for r in counted), sum(r["amount_idr"] for r in counted)) == (
        owners["distribution.handovers"], owners["distribution.handovers_idr"])
    assert report["registry"]["registrations"] == owners["registry.residents"]
    assert report["registry"]["deactivations"] == {k: n for k, n in left.items() if n}
    assert sum(c["submitted"] for c in report["complaints"]) == owners["complaints.submitted"]
    assert sum(c["resolved"] for c in report["complaints"]) == owners["complaints.resolved"]
    assert sum(report["partners"]["outcomes"].values()) == owners["partners.completed"]
    assert report["partners"]["withdrawn"] == owners["partners.withdrawn"]
    assert (report["marketplace"]["orders_completed"], report["marketplace"]["orders_value_idr"],
            report["marketplace"]["sellers_registered"]) == (
        owners["marketplace.orders_completed"], owners["marketplace.orders_idr"],
        owners["marketplace.sellers"])
    assert report["discussions"]["count"] == 2 and report["scorecards"]["count"] == 2


def test_the_handovers_fall_in_each_quarter_lived_through_as_monitoring_counts_them(
        year, admin):
    figures, printed, _ = year
    y = figures["year"]
    today = datetime.datetime.now(WIB).date()
    report = admin.get("reports/disbursements", {"year": y})
    months = {int(c["month"][5:7]) for c in report["months_total"] if c["count"]}
    assert len(months) > 1, report["months_total"]
    lived = [q for qy, q, first, _ in year_of_quarters(today) if qy == y and first <= today]
    assert lived
    for q in lived:
        assert months & {3 * q - 2, 3 * q - 1, 3 * q}, (q, sorted(months))
    assert "By the month they were handed over" in printed
    # monitoring's "rupiah per month" dates them the same way
    annual = admin.get("reports/annual/%d" % y)
    assert annual["disbursed_by_month"] == [c["amount_idr"] for c in report["months_total"]]
    # each one happened inside its round, before it was entered, never in the future
    for rnd in [r for r in _all(admin, "rounds") if r["year"] == y][:3]:
        for alloc in admin.get("rounds/%s/allocations" % rnd["id"],
                               {"status": "disbursed", "per_page": 50})["items"]:
            handed = alloc["disbursement"]
            happened = datetime.datetime.fromisoformat(
                handed["disbursed_at"].replace("Z", "+00:00"))
            assert happened.astimezone(WIB).date().isoformat() >= rnd["starts_on"]
            assert handed["disbursed_at"] <= handed["recorded_at"]


def test_nobody_who_left_the_registry_keeps_anything_open(year, admin):
    figures, _, _ = year
    left = _all(admin, "residents", status="inactive")
    assert len(left) == figures["left_the_registry"] >= 10
    gone = {r["nik"]: r for r in left}
    held = []
    for nik, person in gone.items():
        for programme in admin.get("residents/%s/programmes" % nik)["programmes"]:
            for alloc in programme["allocations"]:
                theirs = alloc.get("member_id") == person["id"] or \
                    alloc.get("recipient_nik") == nik or any(
                        c.get("member_nik") == nik for c in alloc.get("components") or [])
                if theirs and alloc["status"] in ("pending", "waiting"):
                    held.append(("allocation", nik, alloc["id"], alloc["status"]))
        for enrolment in admin.get("residents/%s/enrolments" % nik)["enrolments"]:
            if enrolment["status"] in ("accepted", "waitlisted"):
                held.append(("enrolment", nik, enrolment["id"], enrolment["status"]))
        for seller in admin.get("sellers", {"nik": nik})["items"]:
            for listing in _all(admin, "sellers/%s/listings" % seller["id"], status="active"):
                held.append(("listing", nik, listing["id"], listing["status"]))
    programmes = [p for partner in _all(admin, "partners")
                  for p in _all(admin, "partners/%s/programmes" % partner["id"])
                  if p["kind"] in ("immunisation", "antenatal_care")]
    assert programmes
    for programme in programmes:
        for appointment in _all(admin, "partner-programmes/%s/appointments" % programme["id"],
                                view="all"):
            if appointment["nik"] in gone and appointment["status"] == "scheduled":
                held.append(("appointment", appointment["nik"], appointment["id"], "scheduled"))
    assert held == []
    # the departures did reach the services: something of theirs was closed, not just absent
    reasons = collections.Counter()
    for nik in gone:
        for programme in admin.get("residents/%s/programmes" % nik)["programmes"]:
            reasons.update(a["status_reason"] for a in programme["allocations"]
                           if a["status"] == "cancelled")
        reasons.update(e.get("withdraw_reason") for e in
                       admin.get("residents/%s/enrolments" % nik)["enrolments"]
                       if e["status"] == "withdrawn")
    assert reasons["member_deceased"] >= 4 and reasons["resident_inactive"] >= 1
