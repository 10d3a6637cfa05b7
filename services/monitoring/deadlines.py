"""Complaint resolution against its deadline (issue 14 "Reports"; docs/monitoring.md
"Complaints against their deadlines"), from monitoring's projection of the
complaints' events.

The projection keeps, per complaint, only its state as the events carry it
(category, status, instants and deadlines): the events hold no reporter, and
nothing here links a complaint to a person, a family or an allocation, so no
figure an officer reads can depend on who reported, even a hidden reporter.

The deadline judged is the complaint's last ``resolution`` deadline (a reopened
complaint gets a new one, docs/complaints.md "Deadlines"); it is met when the
complaint is resolved or rejected (``met_at``).
"""
import math
import statistics
from collections import defaultdict

from services.shared import clock

#: the fields of the complaint snapshot the projection keeps as they are
KEPT = ("category", "status", "submitted_at", "resolved_at", "version")


def complaint_state(event):
    """The projection document of a complaint event, or None for other events:
    ``{"_id": complaint id, category, status, submitted_at, resolved_at, due_at,
    met_at, version}``, ``due_at``/``met_at`` those of its last ``resolution``
    deadline (None when the snapshot has none; instants UTC as the event carries
    them)."""
    if event.get("source") != "complaints" or "complaint" not in (event.get("data") or {}):
        return None
    complaint = event["data"]["complaint"]
    doc = {k: complaint.get(k) for k in KEPT}
    found = [d for d in complaint.get("deadlines") or [] if d.get("name") == "resolution"]
    last = found[-1] if found else {}
    return dict(doc, _id=complaint["id"], version=doc["version"] or 1,
                due_at=last.get("due_at"), met_at=last.get("met_at"))


def _instant(value):
    return clock.parse_instant(value) if value else None


def _percentile(values, share):
    # nearest rank: the smallest value with at least ``share`` of the values at or below it
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def year_bounds(year):
    """``(start, end)`` aware UTC instants of the village (WIB) ``year``."""
    return (clock.parse_instant("%d-12-31T17:00:00Z" % (year - 1)),
            clock.parse_instant("%d-12-31T17:00:00Z" % year))


def resolution_against_deadlines(complaints, year, now=None):
    """Per category, how the complaints of ``year`` met their resolution deadline.

    Args:
        complaints: projection documents (``complaint_state``), any order.
        year: the village (WIB) year.

    Returns ``[{category, resolved, within_deadline, late, open_past_deadline,
    median_days, p90_days}]`` by category: ``resolved`` those resolved in the
    year, ``within_deadline``/``late`` of them whether ``resolved_at`` was by the
    deadline's ``due_at`` (one without a deadline counts in neither);
    ``open_past_deadline`` those submitted before the year ended and neither
    resolved nor rejected by then whose deadline had passed at the year's end,
    or by ``now`` (an aware UTC datetime; default the clock) for the year in
    progress, so a deadline still ahead is not yet missed;
    ``median_days``/``p90_days`` (nearest rank) the days from submission to
    resolution of those resolved in the year, 2 decimals, None when none was.
    """
    start, end = year_bounds(year)
    cutoff = min(end, now or clock.now())
    rows = defaultdict(lambda: {"resolved": 0, "within_deadline": 0, "late": 0,
                                "open_past_deadline": 0, "days": []})
    for c in complaints:
        submitted = _instant(c.get("submitted_at"))
        if submitted is None or submitted >= end:
            continue
        due = _instant(c.get("due_at"))
        resolved = _instant(c.get("resolved_at"))
        closed = _instant(c.get("met_at")) or resolved
        row = rows[c.get("category") or "-"]
        if resolved is not None and start <= resolved < end and c.get("status") != "rejected":
            row["resolved"] += 1
            row["days"].append(round((resolved - submitted).total_seconds() / 86400, 2))
            if due is not None:
                row["within_deadline" if resolved <= due else "late"] += 1
        elif (closed is None or closed >= cutoff) and due is not None and due < cutoff:
            row["open_past_deadline"] += 1
    out = []
    for category, r in sorted(rows.items()):
        if not (r["resolved"] or r["open_past_deadline"]):
            continue
        days = r.pop("days")
        out.append(dict(r, category=category,
                        median_days=round(statistics.median(days), 2) if days else None,
                        p90_days=_percentile(days, 0.9) if days else None))
    return out
