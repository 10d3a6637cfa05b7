"""Complaint and feedback reports: plain functions over stored documents.

Periods are calendar months and years on the kelurahan's calendar (WIB); a
complaint belongs to the period it was submitted in. Time to resolve is from
submission to the latest resolution, in hours, over complaints resolved now;
percentiles use the nearest-rank method (p90 of 10 values is the 9th smallest).
"""
import csv
import io
import math
import statistics

from services.shared import clock

from services.complaints import domain, sla
from services.complaints.contract import CATEGORIES, STATUSES


def percentile(values, pct):
    """Nearest-rank percentile of a non-empty list; None for an empty one."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100.0 * len(ordered)))
    return ordered[rank - 1]


def _hours(delta):
    return round(delta.total_seconds() / 3600.0, 1)


def _month(doc):
    return clock.village_date(doc["submitted_at"]).strftime("%Y-%m")


def _months(docs, year, month):
    """``[("YYYY-MM", docs of that month)]``: the one month asked, else all twelve."""
    by_month = {}
    for doc in docs:
        by_month.setdefault(_month(doc), []).append(doc)
    wanted = ["%04d-%02d" % (year, m) for m in ([month] if month else range(1, 13))]
    return [(m, by_month.get(m, [])) for m in wanted]


def _block(docs, now):
    by_category = {c: 0 for c in CATEGORIES}
    by_status = {s: 0 for s in STATUSES}
    matrix = {c: {s: 0 for s in STATUSES} for c in CATEGORIES}
    durations, overdue_now, missed = [], 0, 0
    for doc in docs:
        by_category[doc["category"]] += 1
        by_status[doc["status"]] += 1
        matrix[doc["category"]][doc["status"]] += 1
        if doc["status"] == "resolved" and doc.get("resolved_at"):
            durations.append(_hours(sla.aware(doc["resolved_at"]) - sla.aware(doc["submitted_at"])))
        if domain.is_overdue(doc, now):
            overdue_now += 1
        if sla.ever_missed(doc.get("deadlines", []), now):
            missed += 1
    median = round(statistics.median(durations), 1) if durations else None
    return {"submitted": len(docs), "by_category": by_category, "by_status": by_status,
            "by_category_and_status": matrix, "resolved": len(durations),
            "hours_to_resolve": {"median": median, "p90": percentile(durations, 90)},
            "overdue_now": overdue_now, "missed_deadline": missed}


def complaint_report(docs, year, month, now):
    """Counts by category and status, time to resolve, overdue, for a year and its months.

    Args:
        docs (list[dict]): stored complaints submitted in ``year`` (and ``month``).
        year (int), month (int|None): the period; with ``month`` only that month.
        now (datetime): aware UTC, for "overdue now".
    Returns:
        dict: ``{"year", "month", "generated_at", "total": block, "months": [{"month":
        "YYYY-MM", **block}]}`` where a block has ``submitted``, ``by_category``,
        ``by_status``, ``by_category_and_status``, ``resolved``,
        ``hours_to_resolve {median, p90}``, ``overdue_now``, ``missed_deadline``.
    """
    return {"year": year, "month": month, "generated_at": clock.iso(now),
            "total": _block(docs, now),
            "months": [dict(_block(month_docs, now), month=m)
                       for m, month_docs in _months(docs, year, month)]}


CSV_COLUMNS = (["period", "category", "submitted"] + list(STATUSES)
               + ["overdue_now", "missed_deadline", "median_hours_to_resolve",
                  "p90_hours_to_resolve"])


def complaint_report_csv(docs, year, month, now):
    """The same report as CSV: one row per period (the year or month, then each month)
    and category, plus an ``all`` row per period. UTF-8, header row, comma-separated."""
    periods = [(str(year) if not month else "%04d-%02d" % (year, month), docs)]
    if not month:
        periods += _months(docs, year, month)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for period, period_docs in periods:
        for category in CATEGORIES + ("all",):
            chosen = period_docs if category == "all" else [
                d for d in period_docs if d["category"] == category]
            block = _block(chosen, now)
            writer.writerow([period, category, block["submitted"]]
                            + [block["by_status"][s] for s in STATUSES]
                            + [block["overdue_now"], block["missed_deadline"],
                               _blank(block["hours_to_resolve"]["median"]),
                               _blank(block["hours_to_resolve"]["p90"])])
    return out.getvalue()


def _blank(value):
    return "" if value is None else value


def feedback_summary(docs, year, needs_catalogue):
    """Feedback aggregated per programme for one year.

    Args:
        docs (list[dict]): stored feedback of ``year``.
        needs_catalogue (list[dict]): ``[{code, label}]`` from the data file.
    Returns:
        dict: ``{"year", "programmes": [{"programme_code", "responses",
        "average_rating" (2 decimals), "ratings" {"1".."5": n}, "needs" [{code,
        label, count}] most raised first, "needs_other" n, "comments" n}]}``.
    """
    labels = {n["code"]: n["label"] for n in needs_catalogue}
    groups = {}
    for doc in docs:
        groups.setdefault(doc["programme_code"], []).append(doc)
    programmes = []
    for code in sorted(groups):
        items = groups[code]
        ratings = {str(r): 0 for r in range(1, 6)}
        needs = {}
        for doc in items:
            ratings[str(doc["rating"])] += 1
            for need in doc.get("needs", []):
                needs[need] = needs.get(need, 0) + 1
        programmes.append({
            "programme_code": code, "responses": len(items),
            "average_rating": round(sum(d["rating"] for d in items) / len(items), 2),
            "ratings": ratings,
            "needs": [{"code": n, "label": labels.get(n, n), "count": c}
                      for n, c in sorted(needs.items(), key=lambda kv: (-kv[1], kv[0]))],
            "needs_other": sum(1 for d in items if d.get("needs_other")),
            "comments": sum(1 for d in items if d.get("comment")),
        })
    return {"year": year, "programmes": programmes}


def feedback_summary_csv(summary, needs_catalogue):
    """One row per programme: responses, average, count per rating and per need."""
    codes = [n["code"] for n in needs_catalogue]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["year", "programme_code", "responses", "average_rating"]
                    + ["rating_%d" % r for r in range(1, 6)]
                    + ["need_%s" % c for c in codes] + ["needs_other", "comments"])
    for p in summary["programmes"]:
        counts = {n["code"]: n["count"] for n in p["needs"]}
        writer.writerow([summary["year"], p["programme_code"], p["responses"], p["average_rating"]]
                        + [p["ratings"][str(r)] for r in range(1, 6)]
                        + [counts.get(c, 0) for c in codes] + [p["needs_other"], p["comments"]])
    return out.getvalue()
