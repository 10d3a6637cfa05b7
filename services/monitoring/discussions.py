"""Focus-group discussions (musyawarah, rembuk RW) as plain functions: the stored
document, a follow-up's status change, and what the year's report says of them
(issue 14 "Participatory evaluation"; docs/monitoring.md)."""
import uuid
from collections import defaultdict

from services.shared import clock
from services.shared.caller import actor_record
from services.shared.errors import NotFound


def new_discussion(data, actor):
    """The document of a discussion loaded by ``DiscussionIn`` (dates as ``YYYY-MM-DD``)."""
    return {"_id": "fgd_%s" % uuid.uuid4().hex[:16],
            "held_on": data["held_on"].isoformat(), "year": data["held_on"].year,
            "rw": data["rw"], "facilitator": data["facilitator"],
            "participants": data["participants"], "needs": data["needs"],
            "follow_ups": [dict(f, due_on=f["due_on"].isoformat(), updated_at=None,
                                updated_by=None) for f in data["follow_ups"]],
            "recorded_at": clock.now_iso(), "recorded_by": actor_record(actor), "version": 1}


def follow_up_change(doc, index, status, actor):
    """``$set`` of follow-up ``index`` (0-based) taking ``status``; NotFound for an
    index the discussion does not have."""
    if not 0 <= index < len(doc["follow_ups"]):
        raise NotFound("Discussion %s has no follow-up %d." % (doc["_id"], index))
    prefix = "follow_ups.%d." % index
    return {prefix + "status": status, prefix + "updated_at": clock.now_iso(),
            prefix + "updated_by": actor_record(actor)}


def view(doc):
    """A stored discussion as ``DiscussionOut``."""
    return dict(doc, id=doc["_id"])


def year_summary(docs):
    """What the year's discussions say: ``{count, participants: {female, male, women,
    elderly, youth, disabled}, needs: [{need, mentions, best_priority}] (most
    mentioned first), follow_ups: {status: n}}``."""
    people = defaultdict(int)
    needs = {}
    follow_ups = defaultdict(int)
    for doc in docs:
        part = doc["participants"]
        people["female"] += part["female"]
        people["male"] += part["male"]
        for group, n in part.get("groups", {}).items():
            people[group] += n
        for need in doc["needs"]:
            key = need["need"].casefold()
            row = needs.setdefault(key, {"need": need["need"], "mentions": 0,
                                         "best_priority": need["priority"]})
            row["mentions"] += 1
            row["best_priority"] = min(row["best_priority"], need["priority"])
        for f in doc["follow_ups"]:
            follow_ups[f["status"]] += 1
    ranked = sorted(needs.values(), key=lambda r: (-r["mentions"], r["best_priority"], r["need"]))
    return {"count": len(docs), "participants": dict(people), "needs": ranked,
            "follow_ups": dict(sorted(follow_ups.items()))}
