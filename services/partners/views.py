"""What each role sees of the partners service's records (dumped through the
contract's answers). Officers and admins see everything; a partner sees its
own records and, of a resident, the name, RT/RW and the NIK (masked by the
gateway) only; the public sees verified partners' programmes.
"""
from services.shared import rules

from services.partners import health, roster as rosters
from services.partners.contract import HEALTH_KINDS, SESSION_KINDS
from services.partners.domain import is_officer

OFFICER_ONLY_PARTNER = ("created_by", "verified_by")
OFFICER_ONLY_ENROLMENT = ("resident_id", "kk_number", "welfare_decile")


def _out(doc):
    out = {k: v for k, v in doc.items() if not k.startswith("_")}
    out["id"] = doc["_id"]
    return out


def partner_view(doc, actor):
    """A partner as ``actor`` sees it (who created and verified it: officers only)."""
    out = _out(doc)
    if not is_officer(actor):
        for key in OFFICER_ONLY_PARTNER:
            out.pop(key, None)
    return out


def _amounts(source):
    return {"amount_idr": source.get("amount_idr", 0),
            "in_kind_value_idr": source.get("in_kind_value_idr", 0),
            "trainer_hours": source.get("trainer_hours", 0)}


def commitment_view(partner, year):
    """One year's pledge against what was delivered."""
    pledge = (partner.get("commitments") or {}).get(str(year)) or {}
    delivered = [d for d in partner.get("deliveries", []) if d.get("year") == year]
    return {"partner_id": partner["_id"], "year": year, "pledged": _amounts(pledge),
            "in_kind": pledge.get("in_kind"), "note": pledge.get("note"),
            "delivered": {k: sum(d.get(k, 0) for d in delivered)
                          for k in ("amount_idr", "in_kind_value_idr", "trainer_hours")},
            "deliveries": sorted(delivered, key=lambda d: (d["delivered_on"], d["id"]))}


def programme_view(doc, actor, public):
    """A programme as its partner and officers see it; ``public``: the partner is verified."""
    out = _out(doc)
    out.pop("enrolments", None)
    out.update(places_left=max(doc["capacity"] - doc.get("accepted", 0), 0),
               criteria_text=rules.criteria_lines(doc["criteria"]), public=public)
    if not is_officer(actor):
        out.pop("created_by", None)
    if doc["kind"] in HEALTH_KINDS:
        out["scheduling"] = scheduling_view(doc, public)
    else:
        out.pop("schedule", None)
    return out


def scheduling_view(doc, public):
    """``SchedulingOut`` of a health programme. A programme stored before scheduling
    moved out of the request has no marks: its schedules were made when published."""
    counts = doc.get("schedule_counts") or {}
    status = "done"
    if doc.get("schedule_due"):
        status = "pending" if public else "waiting_verification"
        if doc.get("schedule_error"):
            status = "failed"
    return {"status": status, "requested_at": doc.get("schedule_requested_at"),
            "done_at": doc.get("scheduled_at"), "created": counts.get("created"),
            "changed": counts.get("changed"), "error": doc.get("schedule_error"),
            "attempts": doc.get("schedule_attempts") or 0,
            "next_attempt_at": doc.get("schedule_retry_at") if status == "failed" else None}


def public_programme_view(doc):
    """A programme as the public sees it (``PublicPartnerProgrammeOut``)."""
    return {"id": doc["_id"], "title": doc["title"], "kind": doc["kind"],
            "partner_name": doc["partner_name"], "partner_kind": doc.get("partner_kind"),
            "description": doc["description"], "location": doc["location"],
            "starts_on": doc["starts_on"], "ends_on": doc["ends_on"], "capacity": doc["capacity"],
            "places_left": max(doc["capacity"] - doc.get("accepted", 0), 0),
            "waitlisted": doc.get("waitlisted", 0),
            "criteria_text": rules.criteria_lines(doc["criteria"]),
            "topics": doc.get("topics", [])}


def enrolment_view(programme, entry, actor, positions=None, sessions=None, today=None,
                   history=False):
    """One enrolment; ``positions`` (``roster.positions``) gives a waiting person's
    place, ``sessions`` the attendance of a training or mentoring."""
    out = dict(entry, programme_id=programme["_id"], programme_title=programme["title"],
               programme_kind=programme["kind"], partner_id=programme["partner_id"])
    if entry["status"] == rosters.WAITLISTED and positions is not None:
        out["waitlist_position"] = positions.get(entry["id"])
    if programme["kind"] in SESSION_KINDS and sessions is not None:
        out["attendance"] = rosters.attendance_summary(sessions, entry["id"], today)
    if not history:
        out.pop("history", None)
    officer = is_officer(actor)
    if not officer:
        for key in OFFICER_ONLY_ENROLMENT:
            out.pop(key, None)
        out["flags"] = [{k: f[k] for k in ("criterion", "path")} for f in entry.get("flags", [])]
        if history:
            out["history"] = [{k: h.get(k) for k in ("at", "action", "status")}
                              for h in entry.get("history", [])]
    return out


def session_view(doc):
    """A session with its attendance by name and the counts (``TrainingSessionOut``)."""
    marks = doc.get("attendance") or {}
    counts = {k: 0 for k in ("attended", "excused", "absent")}
    for mark in marks.values():
        counts[mark["status"]] += 1
    out = _out(doc)
    out["attendance"] = [{"enrolment_id": eid, "full_name": m.get("full_name"),
                          "status": m["status"], "reason": m.get("reason")}
                         for eid, m in sorted(marks.items(), key=lambda i: i[1].get("full_name")
                                              or "")]
    out["counts"] = counts
    return out


def appointment_view(doc, actor, today):
    """An appointment with ``overdue`` on ``today`` (YYYY-MM-DD); the resident id for officers
    only."""
    out = _out(doc)
    out["overdue"] = health.is_overdue(doc, today)
    if not is_officer(actor):
        out.pop("resident_id", None)
    return out


def public_appointment_view(doc, today):
    """An appointment as the resident reads it (status in Bahasa)."""
    return {"programme_title": doc.get("programme_title"), "item": doc["item"],
            "due_on": doc["due_on"], "status": health.public_status(doc, today),
            "location": doc.get("location")}
