"""Partners and their programmes as plain functions: who may see what, what a
programme may hold, and whether a resident meets its rules. No nameko, no pymongo.

Eligibility is the distribution rule engine (``services.shared.rules``) over one
person: ``member.*`` is the resident, ``household.*`` their family (issue 11:
youth aged 15-30, pregnant women, children under 5, deciles 1-4, not already in
an overlapping programme).
"""
import datetime
import uuid

from services.shared import rules
from services.shared.caller import actor_record, role_of
from services.shared.errors import Forbidden, InvalidInput, NotFound, RuleRefused

from services.partners import health
from services.partners.contract import HEALTH_KINDS

OFFICER_ROLES = ("officer", "admin")
#: Verification changes an admin may make, from -> to (issue 11).
VERIFICATION_MOVES = {"pending": ("verified", "suspended"), "verified": ("suspended",),
                      "suspended": ("verified",)}


def new_id(prefix):
    """A fresh opaque id: ``<prefix>_`` and 16 hex digits."""
    return "%s_%s" % (prefix, uuid.uuid4().hex[:16])


def is_officer(actor):
    """True for officers and admins (they reach every partner's records)."""
    return role_of(actor) in OFFICER_ROLES


def require_officer(actor, what="do this"):
    """Raise Forbidden unless ``actor`` is an officer or admin."""
    if not is_officer(actor):
        raise Forbidden("Only officers and admins may %s." % what)


def require_admin(actor, what="do this"):
    """Raise Forbidden unless ``actor`` is an admin."""
    if role_of(actor) != "admin":
        raise Forbidden("Only admins may %s." % what)


def scope_partner(actor):
    """The partner a partner token is scoped to; None for officers. Forbidden for
    any other role (the public, a seller)."""
    if is_officer(actor):
        return None
    if role_of(actor) == "partner" and (actor or {}).get("partner_id"):
        return actor["partner_id"]
    raise Forbidden("Only officers, admins and partner tokens may do this.")


def visible(actor, partner_id, what, ident):
    """Raise NotFound (never 403: ids cannot be probed) unless ``actor`` may reach
    records of ``partner_id``."""
    scoped = scope_partner(actor)
    if scoped is not None and scoped != partner_id:
        raise NotFound("No %s with id %s." % (what, ident))


def new_partner(data, actor, now):
    """A new partner document (``pending``) from a loaded ``PartnerIn``; ``now`` an ISO instant."""
    return dict(data, _id=new_id("ptn"), verification="pending", verification_note=None,
                created_at=now, created_by=actor_record(actor), verified_at=None,
                verified_by=None, commitments={}, deliveries=[], version=1)


def verification_change(partner, to, note, actor, now):
    """The fields of a verification move; RuleRefused when it is not allowed."""
    if to not in VERIFICATION_MOVES.get(partner["verification"], ()):
        raise RuleRefused("A %s partner cannot become %s." % (partner["verification"], to),
                          {"verification": ["is %s" % partner["verification"]]})
    changes = {"verification": to, "verification_note": note}
    if to == "verified":
        changes.update(verified_at=now, verified_by=actor_record(actor))
    return changes


def _dates(data):
    return {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in data.items()}


#: Who a health programme is for when its criteria are not given: never everyone,
#: or every adult would get a child's immunisation schedule.
DEFAULT_CRITERIA = {
    "immunisation": {"attr": "member.age_months", "op": "lt", "value": 60,
                     "label": "Anak di bawah 5 tahun"},
    "antenatal_care": {"attr": "member.pregnant", "op": "eq", "value": True,
                       "label": "Ibu hamil"}}


def check_programme(data):
    """The rules and schedule of a loaded ``PartnerProgrammeIn`` (criteria filled in
    when not given, ``DEFAULT_CRITERIA``); returns the schedule to keep (health
    kinds: the given one, else the national default). Raises InvalidInput naming
    each path (``criteria.all.1.op``, ``schedule.items.3.age``)."""
    if data.get("criteria") is None:
        data["criteria"] = dict(DEFAULT_CRITERIA.get(data["kind"], {"all": []}))
    errors = rules.validate_rule(data["criteria"], "criteria", member_scope=True)
    schedule = None
    if data["kind"] in HEALTH_KINDS:
        schedule = data.get("schedule") or health.default_schedule(data["kind"])
        rules.errors_merge(errors, health.validate_schedule(data["kind"], schedule))
    elif data.get("schedule") is not None:
        errors.setdefault("schedule", []).append("only immunisation and antenatal_care "
                                                 "programmes have a schedule")
    if errors:
        raise InvalidInput("The programme's rules are invalid.", errors)
    return schedule


#: a scheduling that has not failed (yet): what a new request and a success write
NO_SCHEDULING_FAILURE = {"schedule_error": None, "schedule_attempts": 0,
                         "schedule_retry_at": None}


def scheduling_request(now):
    """The fields that ask for a health programme's schedules to be made in the
    background (``schedules.schedule_due``): a fresh token per request, so a
    request made while a run goes on is not cleared by that run; a new request
    is tried at once, whatever an earlier one's failures."""
    return {"schedule_due": uuid.uuid4().hex, "schedule_requested_at": now,
            **NO_SCHEDULING_FAILURE}


def scheduling_marks(kind, now):
    """``scheduling_request`` for a health programme, ``{}`` for other kinds: written
    in the same write as the publication or change that calls for it."""
    return scheduling_request(now) if kind in HEALTH_KINDS else {}


def new_programme(partner, data, actor, now):
    """A new programme document (empty roster) of ``partner`` from a loaded ``PartnerProgrammeIn``;
    raises InvalidInput (``check_programme``)."""
    schedule = check_programme(data)
    doc = _dates({k: v for k, v in data.items() if k != "schedule"})
    doc.update(_id=new_id("pp"), partner_id=partner["_id"], partner_name=partner["name"],
               partner_kind=partner["kind"], enrolments=[], accepted=0, waitlisted=0,
               created_at=now, created_by=actor_record(actor), updated_at=now, version=1,
               **scheduling_marks(data["kind"], now))
    if schedule is not None:
        doc["schedule"] = schedule
    return doc


def programme_changes(programme, data):
    """Plain fields of a ``PartnerProgrammePatch`` (capacity is the roster's business)."""
    changes = _dates({k: v for k, v in data.items() if k != "capacity" and v is not None})
    if changes.get("ends_on") and changes["ends_on"] < programme["starts_on"]:
        raise InvalidInput("Invalid dates.", {"ends_on": ["must not be before starts_on"]})
    return changes


def reference_date(programme, today):
    """The day ages are counted at: the programme's first day, or today once it runs."""
    return max(today, programme["starts_on"])


def overlaps(a, b):
    """Two programmes whose date ranges share a day."""
    return a["starts_on"] <= b["ends_on"] and b["starts_on"] <= a["ends_on"]


def person_context(resident, household, members, reference, completions=(), overlapping=0,
                   receiving=None):
    """A ``rules.Context`` for one person's enrolment in a partner programme.

    Args:
        resident, household (dict): projection snapshots (``id``).
        members (list[dict]): the household's member snapshots.
        reference (str|date): the day ages are counted at.
        completions: partner programmes the resident completed (training attributes).
        overlapping (int): the resident's open enrolments in other programmes
            whose dates overlap this one (``member.overlapping_enrolments``).
        receiving (dict): ``{"household": [codes], resident_id: [codes]}`` of aid received.
    """
    reference = rules.parse_date(reference)
    receiving = receiving or {}
    views = [rules.member_view(m, reference, receiving.get(m["id"], ()))
             for m in members if m.get("status", "active") == "active" and m["id"] != resident["id"]]
    me = rules.member_view(resident, reference, receiving.get(resident["id"], ()), completions)
    me["overlapping_enrolments"] = overlapping
    hh = dict(household or {"id": resident.get("household_id")},
              programmes=sorted(receiving.get("household", ())))
    return rules.Context(hh, [me] + views, me)


def explain(programme, ctx):
    """``(eligible, failed)``: failed leaves as ``{criterion, path, value}`` (the
    value seen), in the rule's order; only the leaves that made the rule fail."""
    explained = rules.explain(programme["criteria"], ctx)
    eligible = bool(explained[0]["passed"])
    if eligible:
        return True, []
    wrong = [e for e in explained if e["passed"] is False]
    # the deepest failures say why: a failed "all" is explained by its failed parts
    failed = [{"criterion": e["criterion"], "path": e["path"], "value": e["value"]}
              for e in wrong if not any(o["path"].startswith(e["path"] + ".") for o in wrong)]
    return False, failed


def refusal(failed, actor):
    """RuleRefused naming each failed criterion; the value seen for officers only
    (a partner sees a resident's name, RT/RW and masked NIK, nothing else)."""
    officer = is_officer(actor)
    errors = {f["path"]: ["%s (nilai: %s)" % (f["criterion"], _show(f["value"])) if officer
                          else f["criterion"]] for f in failed}
    return RuleRefused("The resident does not meet this programme's criteria.", errors)


def _show(value):
    if isinstance(value, list):
        return "[%s]" % ", ".join(str(v) for v in value)
    return "tidak diketahui" if value is None else str(value)


def person_fields(resident, household):
    """What an enrolment keeps of the person at enrolment (reports, the partner's list)."""
    return {"resident_id": resident["id"], "household_id": resident.get("household_id"),
            "nik": resident.get("nik"), "kk_number": resident.get("kk_number"),
            "full_name": resident.get("full_name"), "sex": resident.get("sex"),
            "birth_date": resident.get("birth_date"), "rt": resident.get("rt"),
            "rw": resident.get("rw"),
            "welfare_decile": (household or {}).get("welfare_decile")}
