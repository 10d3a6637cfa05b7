"""Reports per round and per programme per year, with CSV export (issue 3).

Counts and rupiah totals: ``eligible`` (every allocation made for the round,
pending or waiting at the time), ``allocated`` (given a slot within budget and
quota, now or through a reassignment), then one line per current status.
"""
import csv
import io

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
    """The round report as CSV text: ``metric,count,amount_idr``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    head = report["round"]
    writer.writerow(["round_id", "programme_code", "round_name", "metric", "count", "amount_idr"])
    for metric in METRICS:
        line = report["totals"][metric]
        writer.writerow([head["id"], head["programme_code"], head["name"], metric,
                         line["count"], line["amount_idr"]])
    return buf.getvalue()


def programme_year_csv(report):
    """The yearly report as CSV text: one row per round and metric, then the year's totals."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["programme_code", "year", "round_id", "round_name", "starts_on", "metric",
                     "count", "amount_idr"])
    for item in report["rounds"]:
        head = item["round"]
        for metric in METRICS:
            line = item["totals"][metric]
            writer.writerow([report["programme_code"], report["year"], head["id"], head["name"],
                             head["starts_on"], metric, line["count"], line["amount_idr"]])
    for metric in METRICS:
        line = report["totals"][metric]
        writer.writerow([report["programme_code"], report["year"], "", "TOTAL", "", metric,
                         line["count"], line["amount_idr"]])
    return buf.getvalue()
