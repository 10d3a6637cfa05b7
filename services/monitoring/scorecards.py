"""Community scorecards as plain functions: the stored document, the change
against the previous semester, and what the year's report says of them
(issue 14 "Participatory evaluation"; docs/monitoring.md "Scorecards").

A scorecard belongs to an RW (``rw``, or None for the whole village), a
``service`` (compared case-insensitively) and a ``semester`` ``YYYY-1``
(January-June) or ``YYYY-2``. The change is against the scorecard of the
semester immediately before, same RW and service, criterion by criterion
(case-insensitive); a criterion or semester without a predecessor has none.
"""
import uuid
from collections import defaultdict

from services.shared import clock
from services.shared.caller import actor_record


def service_key(name):
    """How two scorecards of one service are matched: trimmed, case-insensitive."""
    return " ".join(name.split()).casefold()


def previous_semester(semester):
    """``"2026-1"`` -> ``"2025-2"``, ``"2026-2"`` -> ``"2026-1"``."""
    year, half = semester.split("-")
    return "%d-2" % (int(year) - 1) if half == "1" else "%s-1" % year


def new_scorecard(data, actor):
    """The document of a scorecard loaded by ``ScorecardIn`` (dates ``YYYY-MM-DD``)."""
    return {"_id": "scd_%s" % uuid.uuid4().hex[:16], "rw": data["rw"],
            "semester": data["semester"], "year": int(data["semester"][:4]),
            "service": data["service"], "service_key": service_key(data["service"]),
            "criteria": data["criteria"],
            "action_plan": [dict(a, due_on=a["due_on"].isoformat())
                            for a in data["action_plan"]],
            "recorded_at": clock.now_iso(), "recorded_by": actor_record(actor)}


def same_card(doc):
    """The query of the one scorecard a (rw, service, semester) may have."""
    return {"rw": doc["rw"], "service_key": doc["service_key"], "semester": doc["semester"]}


def previous_query(doc):
    """The query of ``doc``'s predecessor (the semester before, same rw and service)."""
    return dict(same_card(doc), semester=previous_semester(doc["semester"]))


def view(doc, previous=None):
    """``ScorecardOut`` of ``doc``: each criterion with its ``gap`` (community minus
    provider) and, when ``previous`` scored the same criterion, the changes."""
    before = {c["criterion"].casefold(): c for c in (previous or {}).get("criteria", [])}
    criteria = []
    for c in doc["criteria"]:
        old = before.get(c["criterion"].casefold())
        criteria.append(dict(
            c, gap=c["community_score"] - c["provider_score"],
            community_change=c["community_score"] - old["community_score"] if old else None,
            provider_change=c["provider_score"] - old["provider_score"] if old else None))
    return dict(doc, id=doc["_id"], criteria=criteria,
                previous_id=previous["_id"] if previous else None)


def year_summary(views):
    """The report's ``scorecards``: ``{count, cards: [{rw, service, semester,
    criteria: [{criterion, community_score, provider_score, community_change,
    provider_change}], actions: {status: n}}]}`` of the year's scorecard views."""
    cards = []
    for v in sorted(views, key=lambda v: (v["semester"], v["service_key"], v["rw"] or "")):
        actions = defaultdict(int)
        for a in v["action_plan"]:
            actions[a["status"]] += 1
        cards.append({"rw": v["rw"], "service": v["service"], "semester": v["semester"],
                      "criteria": [{k: c[k] for k in (
                          "criterion", "community_score", "provider_score",
                          "community_change", "provider_change")} for c in v["criteria"]],
                      "actions": dict(sorted(actions.items()))})
    return {"count": len(cards), "cards": cards}
