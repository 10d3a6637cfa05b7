"""Reports per round and per programme per year, with CSV export (issue 3).

Counts and rupiah totals: ``eligible`` (every allocation made for the round,
pending or waiting at the time), ``allocated`` (given a slot within budget and
quota, now or through a reassignment), then one line per current status.
"""
import datetime

from services.shared import clock
from services.shared.csvfile import csv_text
from services.shared.errors import InvalidInput

METRICS = ("eligible", "allocated", "pending", "waiting", "disbursed", "not_collected",
           "cancelled", "returned")


def _tally(allocations):
    totals = {m: {"count": 0, "amount_idr": 0} for m in METRICS}
    representative = 0
    for alloc in allocations:
        keys = ["eligible", alloc["status"]]
        if alloc.get("allotted"):
            keys.append("allocated")
        for key in keys:
            totals[key]["count"] += 1
            totals[key]["amount_idr"] += alloc["amount_idr"]
        if alloc["status"] == "disbursed" and (alloc.get("disbursement") or {}).get("representative"):
            representative += 1
    totals["disbursed"]["by_representative"] = representative
    return totals


FIELDS = {"status": 1, "amount_idr": 1, "allotted": 1, "disbursement.representative": 1,
          "status_reason": 1, "round_id": 1}


def round_report(repo, round_id):
    """``{"round": {...}, "totals": {metric: {"count", "amount_idr"}}, "reasons":
    {status: {reason: count}}}`` for one round; NotFound."""
    rnd = repo.round(round_id)
    allocations = repo.find_allocations({"round_id": round_id}, fields=FIELDS)
    reasons = {}
    for alloc in allocations:
        if alloc.get("status_reason"):
            per = reasons.setdefault(alloc["status"], {})
            per[alloc["status_reason"]] = per.get(alloc["status_reason"], 0) + 1
    return {"round": _round_head(rnd), "totals": _tally(allocations), "reasons": reasons}


def _round_head(rnd):
    return {"id": rnd["_id"], "programme_code": rnd["programme_code"], "name": rnd["name"],
            "starts_on": rnd["starts_on"], "ends_on": rnd["ends_on"],
            "location": rnd["location"], "status": rnd["status"],
            "budget_idr": rnd.get("budget_idr"), "quota": rnd.get("quota")}


def programme_year_report(repo, code, year):
    """``{"programme_code", "year", "rounds": [{"round", "totals"}], "totals"}``:
    every round of a programme starting in ``year``. Raises NotFound, InvalidInput."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise InvalidInput("Invalid year.", {"year": ["must be a 4-digit year"]}) from None
    repo.programme(code)
    rounds, _ = repo.find_rounds({"programme_code": code, "year": year}, 0, 0)
    by_round = {rnd["_id"]: [] for rnd in rounds}
    everything = repo.find_allocations({"round_id": {"$in": list(by_round)}}, fields=FIELDS)
    for alloc in everything:
        by_round[alloc["round_id"]].append(alloc)
    out = [{"round": _round_head(rnd), "totals": _tally(by_round[rnd["_id"]])} for rnd in rounds]
    return {"programme_code": code, "year": year, "rounds": out, "totals": _tally(everything)}


def round_csv(report):
    """The round report as CSV text: ``metric,count,amount_idr`` (``csvfile``: a round
    name a spreadsheet would run as a formula is guarded)."""
    head = report["round"]
    return csv_text(["round_id", "programme_code", "round_name", "metric", "count",
                     "amount_idr"],
                    ([head["id"], head["programme_code"], head["name"], metric,
                      report["totals"][metric]["count"], report["totals"][metric]["amount_idr"]]
                     for metric in METRICS))


def programme_year_csv(report):
    """The yearly report as CSV text: one row per round and metric, then the year's totals."""
    rows = []
    for item in report["rounds"]:
        head = item["round"]
        for metric in METRICS:
            line = item["totals"][metric]
            rows.append([report["programme_code"], report["year"], head["id"], head["name"],
                         head["starts_on"], metric, line["count"], line["amount_idr"]])
    for metric in METRICS:
        line = report["totals"][metric]
        rows.append([report["programme_code"], report["year"], "", "TOTAL", "", metric,
                     line["count"], line["amount_idr"]])
    return csv_text(["programme_code", "year", "round_id", "round_name", "starts_on", "metric",
                     "count", "amount_idr"], rows)


# ------------------------------------------------------------ handovers per month

CELL = ("count", "amount_idr", "by_representative", "returned")


def _village_month(instant):
    return clock.village_date(clock.parse_instant(instant)).strftime("%Y-%m")


def _new_year_instant(year):
    """The instant the village's year starts: 1 January 00:00 WIB (17:00 UTC the day before)."""
    return clock.iso(datetime.datetime(year, 1, 1, tzinfo=clock.WIB))


def _empty_cell():
    return {k: 0 for k in CELL}


def _sum(cells):
    return {k: sum(c[k] for c in cells) for k in CELL}


def disbursement_report(repo, year):
    """Aid handed over in ``year`` per programme and month (issue 13's report).

    A handover counts in the month of its ``disbursed_at`` on the village's
    calendar (WIB, ``services.shared.clock``), whatever the round; one later
    returned still counts as handed over and also in ``returned``.

    Args:
        year (int|str): the calendar year, 2000-2100.
    Returns:
        ``{"year", "months": ["YYYY-MM" x 12], "programmes": [{"programme_code",
        "months": [{"month", "count", "amount_idr", "by_representative",
        "returned"}], "totals": {...}}], "months_total": [...], "totals": {...}}``
        (rupiah in ``amount_idr``). Raises InvalidInput for a bad year.
    """
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = None
    if year is None or not 2000 <= year <= 2100:
        raise InvalidInput("Invalid year.", {"year": ["must be a year from 2000 to 2100"]})
    # instants are stored as UTC ISO text with milliseconds, so text order is time order
    handed = repo.find_allocations(
        {"disbursement.disbursed_at": {"$gte": _new_year_instant(year),
                                       "$lt": _new_year_instant(year + 1)}},
        fields={"programme_code": 1, "amount_idr": 1, "status": 1,
                "disbursement.disbursed_at": 1, "disbursement.representative": 1})
    months = ["%04d-%02d" % (year, m) for m in range(1, 13)]
    cells = {}
    for alloc in handed:
        disbursement = alloc["disbursement"]
        key = (alloc["programme_code"], _village_month(disbursement["disbursed_at"]))
        cell = cells.setdefault(key, _empty_cell())
        cell["count"] += 1
        cell["amount_idr"] += alloc["amount_idr"]
        cell["by_representative"] += 1 if disbursement.get("representative") else 0
        cell["returned"] += 1 if alloc["status"] == "returned" else 0
    programmes = []
    for code in sorted({code for code, _ in cells}):
        row = [dict(cells.get((code, m), _empty_cell()), month=m) for m in months]
        programmes.append({"programme_code": code, "months": row, "totals": _sum(row)})
    months_total = [dict(_sum([p["months"][i] for p in programmes]), month=m)
                    for i, m in enumerate(months)]
    return {"year": year, "months": months, "programmes": programmes,
            "months_total": months_total, "totals": _sum(months_total)}


def disbursement_csv(report):
    """The handovers report as CSV text (``csvfile``): ``programme_code,month,count,
    amount_idr,by_representative,returned``, one row per programme and month, then ``all``."""
    rows = [[item["programme_code"], cell["month"]] + [cell[k] for k in CELL]
            for item in report["programmes"] for cell in item["months"]]
    rows += [["all", cell["month"]] + [cell[k] for k in CELL] for cell in report["months_total"]]
    return csv_text(["programme_code", "month"] + list(CELL), rows)
