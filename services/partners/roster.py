"""Enrolments and the waiting list of one partner programme, as plain functions.

A programme's document holds its enrolments (its roster). Every decision about
places (who is accepted, who waits, who gets a freed place) is a pure function
here from the roster as read to the roster after, applied by one versioned
write of that one document (``services.shared.versioned``): two simultaneous
requests cannot both take the last place, and a place freed by two
simultaneous withdrawals goes to two different waiting people, each exactly
once, because a write made from a roster someone else changed meanwhile
matches nothing and is planned again from the new one.

The waiting list is ordered by need (issue 11): lower welfare decile first
(unknown deciles last), then whoever waited longer (``requested_at``), then
the enrolment id, so the order is total and the same on every read.
"""
from services.shared.errors import Conflict, RuleRefused

ACCEPTED, WAITLISTED, WITHDRAWN, COMPLETED = "accepted", "waitlisted", "withdrawn", "completed"
#: statuses that hold one of the programme's places
HOLDS_PLACE = (ACCEPTED, COMPLETED)
OPEN = (ACCEPTED, WAITLISTED)
#: an enrolment in one of these means the resident is already in the programme
BLOCKING = (ACCEPTED, WAITLISTED, COMPLETED)
#: person fields an open enrolment follows when the registry changes them
REFRESHED = ("nik", "kk_number", "full_name", "rt", "rw", "welfare_decile")


def places_taken(roster):
    """How many enrolments of ``roster`` hold a place (accepted or completed)."""
    return sum(1 for e in roster if e["status"] in HOLDS_PLACE)


def waitlist_key(entry):
    """Sort key of a waiting enrolment: decile (unknown last), ``requested_at``, id."""
    decile = entry.get("welfare_decile")
    return (decile if decile is not None else 99, entry["requested_at"], entry["id"])


def waitlist(roster):
    """The waiting enrolments, first to be admitted first."""
    return sorted((e for e in roster if e["status"] == WAITLISTED), key=waitlist_key)


def positions(roster):
    """``{enrolment_id: place in the waiting list (1 = next)}``."""
    return {e["id"]: i + 1 for i, e in enumerate(waitlist(roster))}


def find(roster, enrolment_id):
    """The enrolment ``enrolment_id`` of ``roster``, or None."""
    return next((e for e in roster if e["id"] == enrolment_id), None)


def _change(entry, status, now, actor, action, **fields):
    entry = dict(entry, status=status, version=entry["version"] + 1, **fields)
    entry["history"] = list(entry.get("history", ())) + [dict(
        {"at": now, "by": actor, "action": action, "status": status},
        **{k: v for k, v in fields.items() if k in ("withdraw_reason", "outcome")})]
    return entry


def replace(roster, changed):
    """``roster`` with the enrolments of ``changed`` (same ids) put in their place."""
    by_id = {e["id"]: e for e in changed}
    return [by_id.get(e["id"], e) for e in roster]


def promote(programme, roster, today, now, actor):
    """Fill free places from the waiting list, in order; returns ``(roster, promoted)``.

    Nobody is promoted once the programme has ended (``ends_on`` before ``today``).
    """
    if programme["ends_on"] < today:
        return roster, []
    free = programme["capacity"] - places_taken(roster)
    promoted = [_change(e, ACCEPTED, now, actor, "promoted", accepted_at=now, promoted=True)
                for e in waitlist(roster)[:max(free, 0)]]
    return replace(roster, promoted), promoted


def admit(programme, roster, entry, today, now, actor):
    """Add a new enrolment: ``accepted`` while a place is free, else ``waitlisted``.

    Args:
        entry (dict): the new enrolment (``id``, ``resident_id``, person fields,
            ``requested_at``, ``request_key``) without status.
    Returns ``(roster, enrolment, created)``: ``created`` is False when the same
    request (``request_key``) already enrolled this resident (a retry answers
    what the first attempt did). Raises Conflict when the resident is already
    in the programme, RuleRefused when it has ended.
    """
    for other in roster:
        if other["resident_id"] == entry["resident_id"] and other["status"] in BLOCKING:
            if entry.get("request_key") and other.get("request_key") == entry["request_key"]:
                return roster, other, False
            raise Conflict("This resident is already enrolled in this programme (enrolment %s, "
                           "%s)." % (other["id"], other["status"]), {"nik": ["already enrolled"]})
    if programme["ends_on"] < today:
        raise RuleRefused("The programme ended on %s." % programme["ends_on"],
                          {"programme": ["ended on %s" % programme["ends_on"]]})
    full = places_taken(roster) >= programme["capacity"]
    status = WAITLISTED if full else ACCEPTED
    new = dict(entry, status=status, version=1, accepted_at=None if full else now,
               promoted=False, withdrawn_at=None, withdraw_reason=None, completed_on=None,
               outcome=None, flags=[])
    new["history"] = [{"at": now, "by": actor, "action": "enrolled", "status": status}]
    return roster + [new], new, True


def withdraw(programme, roster, enrolment_id, reason, note, today, now, actor):
    """Withdraw one open enrolment; a place it held goes to the first waiting.

    Returns ``(roster, [changed enrolments: the withdrawn one first, then any
    promoted])``. Raises RuleRefused unless it is accepted or waitlisted.
    """
    entry = find(roster, enrolment_id)
    if entry["status"] not in OPEN:
        raise RuleRefused("Enrolment %s is %s: only an accepted or waitlisted enrolment can "
                          "be withdrawn." % (enrolment_id, entry["status"]),
                          {"status": ["is %s" % entry["status"]]})
    gone = _change(entry, WITHDRAWN, now, actor, "withdrawn", withdrawn_at=now,
                   withdraw_reason=reason, withdraw_note=note)
    roster = replace(roster, [gone])
    roster, promoted = promote(programme, roster, today, now, actor)
    return roster, [gone] + promoted


def complete(programme, roster, enrolment_id, outcome, completed_on, attendance, now, actor,
             note=None):
    """Complete an accepted enrolment with an ``outcome``; returns ``(roster, entry)``.

    For a training or mentoring, ``attendance`` (``attendance_summary``) must
    reach the programme's ``required_attendance_pct`` (default 80; issue 11).
    Raises RuleRefused naming what is missing.
    """
    entry = find(roster, enrolment_id)
    if entry["status"] != ACCEPTED:
        raise RuleRefused("Enrolment %s is %s: only an accepted enrolment can be completed."
                          % (enrolment_id, entry["status"]), {"status": ["is %s" % entry["status"]]})
    if completed_on < programme["starts_on"]:
        raise RuleRefused("A programme starting on %s cannot be completed on %s."
                          % (programme["starts_on"], completed_on),
                          {"completed_on": ["before the programme starts"]})
    if attendance is not None:
        required = programme.get("required_attendance_pct", 80)
        if attendance["sessions_held"] == 0:
            raise RuleRefused("No session of this programme has been held yet.",
                              {"attendance": ["no session held"]})
        if attendance["attendance_pct"] < required:
            raise RuleRefused("Attendance is %d%% (%d of %d sessions); this programme needs %d%%."
                              % (attendance["attendance_pct"], attendance["attended"],
                                 attendance["sessions_held"], required),
                              {"attendance": ["%d%% of sessions attended, %d%% required"
                                              % (attendance["attendance_pct"], required)]})
    done = _change(entry, COMPLETED, now, actor, "completed", completed_on=completed_on,
                   outcome=outcome, completion_note=note)
    return replace(roster, [done]), done


def resize(programme, roster, capacity, today, now, actor):
    """A new capacity: never below the places taken; a larger one admits the waiting.
    Returns ``(roster, promoted)``; raises RuleRefused."""
    taken = places_taken(roster)
    if capacity < taken:
        raise RuleRefused("%d places are taken; the capacity cannot be %d." % (taken, capacity),
                          {"capacity": ["must be at least %d (places taken)" % taken]})
    return promote(dict(programme, capacity=capacity), roster, today, now, actor)


def set_flags(roster, resident_id, flags, now):
    """Record which criteria a registry change broke for the resident's open
    enrolments (an empty list clears them); the enrolment stays (issue 11).
    Returns ``(roster, changed)``; nothing changes when the flags are the same."""
    changed = [dict(e, flags=flags, flagged_at=now if flags else None)
               for e in roster if e["resident_id"] == resident_id and e["status"] in OPEN
               and e.get("flags", []) != flags]
    return replace(roster, changed), changed


def attendance_summary(sessions, enrolment_id, today):
    """``{sessions_held, attended, excused, attendance_pct}`` of one enrolment over
    the sessions held by ``today`` (YYYY-MM-DD). Excused counts as not attended
    (it is recorded with its reason); a session with no mark is an absence."""
    held = [s for s in sessions if s["held_on"] <= today]
    marks = [(s.get("attendance") or {}).get(enrolment_id, {}).get("status") for s in held]
    attended = marks.count("attended")
    pct = attended * 100 // len(held) if held else 0
    return {"sessions_held": len(held), "attended": attended, "excused": marks.count("excused"),
            "attendance_pct": pct}
