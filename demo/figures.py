"""Last step of the main job: the year's key figures, each as its owning service
answers it, and the cross-service consistency the registry's departures call for.

``run(client, out)``: ask each owner (registry, distribution, complaints,
partners, marketplace, monitoring's own discussions and scorecards) for the
year's figures; wait until monitoring's annual report, which counts the same
things from the events, agrees with every one it also holds (``monitoring_counts``), and
stop the job when it does not within ``AGREE_SECONDS``; check that no resident
who left the registry keeps an open allocation (as the individual, the
recipient or a PKH component), an open enrolment, a scheduled appointment or
an active listing; print the figures and the printable report's path. With
``--figures PATH`` (``demo.options.FIGURES``) the same figures are written as
JSON: ``{"year", "figures": {key: value}, "left_the_registry", "report"}``
(tests/e2e/test_year.py reads it and asks the owners again).
"""
import collections
import datetime
import json
import os

from demo import options
from demo.distribution import rupiah
from demo.health import every
from demo.monitoring import REPORT_DIR
from demo.partner_tools import check, read, settle

WIB = datetime.timezone(datetime.timedelta(hours=7))
AGREE_SECONDS = 120
OPEN_ALLOCATION = ("pending", "waiting")
OPEN_ENROLMENT = ("accepted", "waitlisted")
HEALTH_KINDS = ("immunisation", "antenatal_care")
#: (key, what it counts, owner) in the order printed
FIGURES = (
    ("registry.residents", "residents registered this year (the sample imported, then the "
     "births registered)", "registry"),
    ("registry.active", "residents active at year end", "registry"),
    ("registry.born", "residents born this year (by birth date: the sample's babies and the "
     "births registered)", "registry"),
    ("registry.deceased", "died", "registry"),
    ("registry.moved_out", "moved out", "registry"),
    ("distribution.rounds", "rounds of the year's quarters", "distribution"),
    ("distribution.handovers", "aid handed over (count, at year end)", "distribution"),
    ("distribution.handovers_idr", "aid handed over (rupiah, at year end)", "distribution"),
    ("distribution.by_representative", "collected by a representative", "distribution"),
    ("distribution.not_collected", "not collected", "distribution"),
    ("complaints.submitted", "complaints filed", "complaints"),
    ("complaints.resolved", "complaints resolved", "complaints"),
    ("complaints.forwarded", "complaints forwarded", "complaints"),
    ("complaints.rejected", "complaints rejected", "complaints"),
    ("partners.completed", "enrolments completed", "partners"),
    ("partners.withdrawn", "enrolments withdrawn", "partners"),
    ("partners.waitlisted", "still on a waiting list", "partners"),
    ("partners.due", "immunisations due this week (year end)", "partners"),
    ("partners.late", "immunisations late at year end", "partners"),
    ("marketplace.sellers", "sellers registered", "marketplace"),
    ("marketplace.orders_completed", "orders completed", "marketplace"),
    ("marketplace.orders_idr", "value of completed orders (rupiah)", "marketplace"),
    ("monitoring.discussions", "focus-group discussions", "monitoring"),
    ("monitoring.scorecards", "community scorecards", "monitoring"),
)


def village_year(instant):
    """The WIB year of an ISO instant (``...Z``)."""
    moment = datetime.datetime.fromisoformat(instant.replace("Z", "+00:00"))
    return moment.astimezone(WIB).year


def pages(client, path, **params):
    """Every item of a paged list."""
    page, items = 1, []
    while True:
        answer = client.get(path, params=dict(params, page=page, per_page=200))
        items += answer["items"]
        if page * 200 >= answer["total"]:
            return items
        page += 1


def total(client, path, **params):
    return read(client, path, dict(params, per_page=1))["total"]


def health_programmes(client):
    """Every partner programme with appointments (immunisation, antenatal care)."""
    return [p for p in partner_programmes(client) if p["kind"] in HEALTH_KINDS]


def partner_programmes(client):
    return [p for partner in pages(client, "partners")
            for p in pages(client, "partners/%s/programmes" % partner["id"])]


def owners(client, year):
    """``{key: value}`` of ``FIGURES`` as each owning service answers them."""
    residents = pages(client, "residents")
    left = collections.Counter(r["inactive_reason"] for r in residents
                               if r["status"] == "inactive" and village_year(r["updated_at"]) == year)
    figures = {"registry.residents": sum(village_year(r["created_at"]) == year for r in residents),
               "registry.active": sum(r["status"] == "active" for r in residents),
               "registry.born": sum(r["birth_date"].startswith(str(year)) for r in residents),
               "registry.deceased": left["deceased"], "registry.moved_out": left["moved_out"]}
    rounds = pages(client, "rounds")
    handed = client.get("reports/disbursements", params={"year": year})["totals"]
    figures.update({
        "distribution.rounds": sum(r["year"] == year for r in rounds),
        "distribution.handovers": handed["count"], "distribution.handovers_idr": handed["amount_idr"],
        "distribution.by_representative": handed["by_representative"],
        "distribution.not_collected": sum(client.get("rounds/%s/report" % r["id"])["totals"][
            "not_collected"]["count"] for r in rounds if r["year"] == year)})
    complaints = client.get("reports/complaints", params={"year": year})["total"]
    figures.update({"complaints.submitted": complaints["submitted"],
                    "complaints.resolved": complaints["resolved"],
                    "complaints.forwarded": complaints["by_status"]["forwarded"],
                    "complaints.rejected": complaints["by_status"]["rejected"]})
    programmes = partner_programmes(client)
    for status in ("completed", "withdrawn", "waitlisted"):
        figures["partners.%s" % status] = sum(total(
            client, "partner-programmes/%s/enrolments" % p["id"], status=status)
            for p in programmes)
    for key, count in (("partners.due", "due"), ("partners.late", "overdue")):
        figures[key] = sum(read(client, "partner-programmes/%s/appointments" % p["id"], {
            "view": "due_or_overdue", "per_page": 1})["counts"][count]
            for p in programmes if p["kind"] == "immunisation")
    market = client.get("reports/marketplace", params={"year": year})["totals"]
    figures.update({"marketplace.sellers": total(client, "sellers"),
                    "marketplace.orders_completed": market["orders_completed"],
                    "marketplace.orders_idr": market["revenue_idr"],
                    "monitoring.discussions": total(client, "discussions", year=year),
                    "monitoring.scorecards": total(client, "scorecards", year=year)})
    return figures


def monitoring_counts(report):
    """The figures monitoring's annual report holds too, keyed as ``FIGURES``."""
    handed = report["distribution"]["disbursements"]
    deactivations = report["registry"]["deactivations"]
    partners, market = report["partners"], report["marketplace"]
    return {"registry.residents": report["registry"]["registrations"],
            "registry.deceased": deactivations.get("deceased", 0),
            "registry.moved_out": deactivations.get("moved_out", 0),
            "distribution.handovers": sum(r["count"] for r in handed),
            "distribution.handovers_idr": sum(r["amount_idr"] for r in handed),
            "complaints.submitted": sum(c["submitted"] for c in report["complaints"]),
            "complaints.resolved": sum(c["resolved"] for c in report["complaints"]),
            "partners.completed": sum(partners["outcomes"].values()),
            "partners.withdrawn": partners["withdrawn"],
            "marketplace.sellers": market["sellers_registered"],
            "marketplace.orders_completed": market["orders_completed"],
            "marketplace.orders_idr": market["orders_value_idr"],
            "monitoring.discussions": report["discussions"]["count"],
            "monitoring.scorecards": report["scorecards"]["count"]}


def agreed(client, year):
    """``(owners' figures, monitoring's)`` once monitoring agrees on every figure it holds;
    Mismatch (naming each figure) when it still does not after ``AGREE_SECONDS``."""
    def compare():
        mine = owners(client, year)
        theirs = monitoring_counts(client.get("reports/annual/%d" % year))
        return mine, theirs, {k: (mine[k], v) for k, v in theirs.items() if mine[k] != v}
    mine, theirs, differ = settle(compare, lambda answer: not answer[2], AGREE_SECONDS)
    check(not differ, "owner vs monitoring: %s" % differ)
    return mine, theirs


def still_open(client):
    """``(residents who left the registry, [what one of them still holds open])``."""
    left = pages(client, "residents", status="inactive")
    niks = {r["nik"] for r in left}
    problems = []
    for person in left:
        nik = person["nik"]
        for programme in client.get("residents/%s/programmes" % nik)["programmes"]:
            for alloc in programme["allocations"]:
                mine = programme["as"] in ("individual", "recipient") or any(
                    c.get("member_nik") == nik for c in alloc.get("components") or [])
                if mine and alloc["status"] in OPEN_ALLOCATION:
                    problems.append("%s: allocation %s %s" % (nik, alloc["id"], alloc["status"]))
        for enrolment in read(client, "residents/%s/enrolments" % nik)["enrolments"]:
            if enrolment["status"] in OPEN_ENROLMENT:
                problems.append("%s: enrolment %s %s" % (nik, enrolment["id"], enrolment["status"]))
        for seller in client.get("sellers", params={"nik": nik})["items"]:
            active = total(client, "sellers/%s/listings" % seller["id"], status="active")
            if active:
                problems.append("%s: %d active listings of seller %s" % (nik, active, seller["id"]))
    for programme in health_programmes(client):
        for rw in sorted({r["rw"] for r in left}):     # the RWs they lived in, not the village
            for appointment in every(client, programme, "all", rw=rw):
                if appointment["nik"] in niks and appointment["status"] == "scheduled":
                    problems.append("%s: appointment %s scheduled" % (appointment["nik"],
                                                                      appointment["id"]))
    return left, problems


def consistent(client, out):
    """Wait until nobody who left holds anything open; Mismatch after ``AGREE_SECONDS``."""
    left, problems = settle(lambda: still_open(client), lambda answer: not answer[1],
                            AGREE_SECONDS)
    check(not problems, "residents who left still hold: %s" % problems[:10])
    reasons = collections.Counter(r["inactive_reason"] for r in left)
    out("%d residents left the registry (%s); none of them has an open allocation, enrolment, "
        "appointment or active listing in distribution, partners or the marketplace."
        % (len(left), ", ".join("%s %d" % kv for kv in sorted(reasons.items()))))
    return len(left)


def run(client, out):
    """The key figures; see the module docstring."""
    year = datetime.datetime.now(WIB).year
    out.section("The year %d in Tanjung Barat: key figures (each from its owning service)" % year)
    left = consistent(client, out)
    mine, theirs = agreed(client, year)
    out.table([{"figure": label, "value": rupiah(mine[key]) if key.endswith("_idr")
                else mine[key], "answered by": owner,
                "monitoring": "agrees" if key in theirs else "-"}
               for key, label, owner in FIGURES], ["figure", "value", "answered by", "monitoring"])
    report = os.path.join(REPORT_DIR, "laporan-tahunan-%d.html" % year)
    out("The annual report (printable, Bahasa Indonesia): %s" % report)
    pdf = report[:-len(".html")] + ".pdf"
    if os.path.exists(pdf):
        out("The same report as PDF: %s" % pdf)
    if options.FIGURES:
        with open(options.FIGURES, "w", encoding="utf-8") as handle:
            json.dump({"year": year, "figures": mine, "left_the_registry": left,
                       "report": report}, handle, indent=2)
