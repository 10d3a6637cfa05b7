"""Enrolments: enrol by NIK, withdraw, complete, a larger capacity, and what the
registry's changes do to them. Each is one roster change (``change_roster``):
read the programme, plan with ``roster``, write it back only if nobody changed
it meanwhile, else plan again from what is there now.
"""
import random

import eventlet

from services.shared import clock
from services.shared.caller import actor_record, system_actor
from services.shared.contract import load
from services.shared.errors import Conflict, InvalidInput, NotFound, RuleRefused
from services.shared.nik import mask_nik

from services.partners import commands, domain, events as ev, roster as rosters
from services.partners.contract import (SESSION_KINDS, CompleteIn, EnrolmentIn, PartnerProgrammePatch,
                                        WithdrawIn)

#: a roster write lost to a concurrent one is planned again, this many times at most
MAX_ATTEMPTS = 60


def change_roster(repo, programme_id, plan, today, cid=None):
    """Apply ``plan`` to a programme's roster with one versioned write, retried on conflict.

    Args:
        plan: ``plan(programme, roster) -> (roster, changed enrolments, extra
            fields to set, result)``; it may raise (nothing is written then).
            Each changed enrolment's event is queued in the same write.
    Returns ``(programme after, result)``. Raises Conflict when the programme
    stayed too busy to write (``MAX_ATTEMPTS`` lost races in a row).
    """
    for attempt in range(MAX_ATTEMPTS):
        doc = repo.get_programme(programme_id)
        if doc is None:
            raise NotFound("No partner programme with id %s." % programme_id)
        roster, changed, extra, result = plan(doc, doc["enrolments"])
        if not changed and not extra:
            return doc, result
        changes = dict(extra or {}, enrolments=roster, accepted=rosters.places_taken(roster),
                       waitlisted=sum(1 for e in roster if e["status"] == rosters.WAITLISTED))
        events = [ev.enrolment_event(dict(doc, **changes), roster, e, today, cid)
                  for e in changed]
        after = repo.write_programme(doc, changes, events=events)
        if after is not None:
            return after, result
        eventlet.sleep(random.uniform(0, 0.002 * (attempt + 1)))  # let the winner's readers pass
    raise Conflict("Programme %s is busy right now; try again." % programme_id)


class People:
    """What a resident's rule context needs, read once: households, their members,
    everyone's enrolments (completed trainings, overlapping programmes) and the
    aid received. ``People.of_household`` for one family (an enrolment, an
    event), ``People.everyone`` for a sweep over the whole projection."""

    def __init__(self, households, members, programmes, aid):
        self.households, self.members, self.aid = households, members, aid
        self.enrolled = {}
        for programme in programmes:
            for entry in programme["enrolments"]:
                self.enrolled.setdefault(entry["resident_id"], []).append((programme, entry))

    @classmethod
    def of_household(cls, repo, household_id, year):
        """The context data of one family (``household_id``) in ``year``."""
        household = repo.household(household_id) if household_id else None
        households = {household_id: dict(household, id=household["_id"])} if household else {}
        members = repo.members_of(household_id) if household else []
        programmes = repo.find_programmes({"enrolments.resident_id": {
            "$in": [m["id"] for m in members]}}, roster=True)[0] if members else []
        return cls(households, {household_id: members}, programmes,
                   repo.aid_received([household_id], year))

    @classmethod
    def everyone(cls, repo, year, members=None):
        """The context data of every active family of the projection in ``year``;
        ``members``: ``repo.active_residents_by_household()`` when the caller has
        read it already (a read of every resident)."""
        households = {h["id"]: h for h in repo.active_households()}
        members = repo.active_residents_by_household() if members is None else members
        programmes = repo.find_programmes({"enrolments": {"$ne": []}}, roster=True)[0]
        return cls(households, members, programmes, repo.aid_received(None, year))

    def completions(self, resident_id):
        """The partner programmes a resident completed (``rules.training_attributes``)."""
        return [{"programme_kind": p["kind"], "topics": p.get("topics", []),
                 "outcome": e["outcome"]} for p, e in self.enrolled.get(resident_id, ())
                if e["status"] == rosters.COMPLETED]

    def overlapping(self, resident_id, programme):
        """Open enrolments of the resident in other programmes sharing a day with this one."""
        return sum(1 for p, e in self.enrolled.get(resident_id, ())
                   if p["_id"] != programme["_id"] and e["status"] in rosters.OPEN
                   and domain.overlaps(p, programme))

    def context(self, programme, resident, today):
        """The rule context of ``resident`` (a snapshot with ``id``) for ``programme``."""
        hid = resident.get("household_id")
        return domain.person_context(
            resident, self.households.get(hid), self.members.get(hid, []),
            domain.reference_date(programme, today), self.completions(resident["id"]),
            self.overlapping(resident["id"], programme),
            self.aid.get(hid, {"household": set()}))


def resident_context(repo, programme, resident, today):
    """The rule context of one resident for a programme, read from the store."""
    return People.of_household(repo, resident.get("household_id"), int(today[:4])).context(
        programme, resident, today)


def active_resident(repo, nik):
    """The active projection resident with this NIK; NotFound, or RuleRefused when
    only an inactive record has it."""
    found = repo.residents_by_nik(nik)
    if not found:
        raise NotFound("No resident with NIK %s in the partners service's registry projection."
                       % mask_nik(nik), {"nik": ["not in the registry"]})  # logged: masked
    active = [r for r in found if r.get("status", "active") == "active"]
    if not active:
        reason = found[0].get("inactive_reason") or "inactive"
        raise RuleRefused("This resident is no longer active in the registry (%s)." % reason,
                          {"nik": ["resident is inactive (%s)" % reason]})
    person = dict(active[0])
    person["id"] = person.pop("_id")
    return person


def enrol(repo, programme_id, body, actor, cid):
    """Enrol a resident by NIK (``EnrolmentIn``): the officer, or the programme's partner.

    Returns ``(programme after, enrolment)``: ``accepted`` while places last,
    ``waitlisted`` when full. Raises NotFound (programme, NIK), RuleRefused (the
    partner is not verified, the resident is inactive, a criterion fails:
    ``errors`` names each with the value seen, for officers), Conflict (already
    enrolled; the same request retried answers the first enrolment instead).
    Events ``enrolment_accepted`` / ``enrolment_waitlisted``.
    """
    data = load(EnrolmentIn, body)
    doc = commands.programme(repo, programme_id, actor, roster=False)
    owner = repo.get_partner(doc["partner_id"])
    if (owner or {}).get("verification") != "verified":
        raise RuleRefused("Partner %s is not verified: its programmes take no enrolments yet."
                          % doc["partner_id"], {"partner": ["is %s" % (owner or {}).get(
                              "verification")]})
    today, now = clock.village_today().isoformat(), clock.now_iso()
    person = active_resident(repo, data["nik"])
    eligible, failed = domain.explain(doc, resident_context(repo, doc, person, today))
    if not eligible:
        raise domain.refusal(failed, actor)
    household = repo.household(person.get("household_id"))
    entry = dict(domain.person_fields(person, household), id=domain.new_id("enr"),
                 requested_at=now, request_key=(actor or {}).get("request_id"), note=data["note"])
    who = actor_record(actor)

    def plan(programme, roster):
        roster, admitted, created = rosters.admit(programme, roster, entry, today, now, who)
        return roster, [admitted] if created else [], None, admitted
    return change_roster(repo, programme_id, plan, today, cid)


def withdraw(repo, enrolment_id, body, actor, cid):
    """Withdraw an enrolment with a reason (``WithdrawIn``); its place goes to the
    first waiting person in the same write. Returns ``(programme, enrolment)``."""
    data = load(WithdrawIn, body)
    doc = _programme_of(repo, enrolment_id, actor)
    today, now, who = clock.village_today().isoformat(), clock.now_iso(), actor_record(actor)

    def plan(programme, roster):
        roster, changed = rosters.withdraw(programme, roster, enrolment_id, data["reason"],
                                           data["note"], today, now, who)
        return roster, changed, None, changed[0]
    return change_roster(repo, doc["_id"], plan, today, cid)


def complete(repo, enrolment_id, body, actor, cid):
    """Complete an accepted enrolment with an outcome (``CompleteIn``); a training or
    mentoring needs its required attendance. Event ``enrolment_completed``."""
    data = load(CompleteIn, body)
    doc = _programme_of(repo, enrolment_id, actor)
    today, now = clock.village_today().isoformat(), clock.now_iso()
    completed_on = (data["completed_on"] or clock.village_today()).isoformat()
    if completed_on > today:
        raise InvalidInput("Invalid date.", {"completed_on": ["must not be in the future"]})
    attendance = None
    if doc["kind"] in SESSION_KINDS:
        attendance = rosters.attendance_summary(repo.sessions_of(doc["_id"]), enrolment_id, today)

    def plan(programme, roster):
        roster, done = rosters.complete(programme, roster, enrolment_id, data["outcome"],
                                        completed_on, attendance, now, actor_record(actor),
                                        data["note"])
        return roster, [done], None, done
    return change_roster(repo, doc["_id"], plan, today, cid)


def update_programme(repo, programme_id, body, actor, cid):
    """Change the description, place, end date or capacity (``PartnerProgrammePatch``).
    A larger capacity admits the first waiting people in the same write; one
    below the places taken is RuleRefused. Returns ``(programme, promoted)``."""
    commands.programme(repo, programme_id, actor, roster=False)
    data = load(PartnerProgrammePatch, body, partial=True)
    if not data:
        raise InvalidInput("Nothing to change.", {"_body": ["give a field to change"]})
    today, now = clock.village_today().isoformat(), clock.now_iso()

    def plan(programme, roster):
        changes = dict(domain.programme_changes(programme, data), updated_at=now,
                       **domain.scheduling_marks(programme["kind"], now))
        promoted = []
        if data.get("capacity"):
            roster, promoted = rosters.resize(dict(programme, **changes), roster,
                                              data["capacity"], today, now, actor_record(actor))
            changes["capacity"] = data["capacity"]
        return roster, promoted, changes, promoted
    return change_roster(repo, programme_id, plan, today, cid)


def _programme_of(repo, enrolment_id, actor):
    doc = repo.programme_of_enrolment(enrolment_id)
    if doc is None:
        raise NotFound("No enrolment with id %s." % enrolment_id)
    domain.visible(actor, doc["partner_id"], "enrolment", enrolment_id)
    return doc


# ---------------------------------------------------------------- registry events


def on_resident_deactivated(repo, resident_id, correlation_id):
    """Withdraw the resident's open enrolments (``resident_inactive``), each freed
    place to the first waiting person. Idempotent. Returns how many were withdrawn."""
    today, now = clock.village_today().isoformat(), clock.now_iso()
    who = system_actor("registry event", correlation_id)
    withdrawn = 0
    for doc in repo.programmes_of_resident(resident_id):
        def plan(programme, roster):
            mine = [e for e in roster if e["resident_id"] == resident_id
                    and e["status"] in rosters.OPEN]
            changed = []
            for entry in mine:
                roster, more = rosters.withdraw(programme, roster, entry["id"],
                                                "resident_inactive", None, today, now, who)
                changed += more
            return roster, changed, None, len(mine)
        withdrawn += change_roster(repo, doc["_id"], plan, today, correlation_id)[1]
    return withdrawn


def on_resident_changed(repo, resident_id, correlation_id):
    """After a registry change of a resident or their family: refresh the person's
    fields on open enrolments (a waiting list ordered by the current decile) and
    flag the criteria they no longer meet; nobody is removed (issue 11)."""
    person = repo.resident(resident_id)
    if person is None or person.get("status", "active") != "active":
        return 0
    person = dict(person, id=person.pop("_id"))
    today, now = clock.village_today().isoformat(), clock.now_iso()
    household = repo.household(person.get("household_id"))
    fresh = domain.person_fields(person, household)
    touched = 0
    for doc in repo.programmes_of_resident(resident_id):
        if not any(e["resident_id"] == resident_id and e["status"] in rosters.OPEN
                   for e in doc["enrolments"]):
            continue
        flags = domain.explain(doc, resident_context(repo, doc, person, today))[1]

        def plan(programme, roster, flags=flags):
            roster, flagged = rosters.set_flags(roster, resident_id, flags, now)
            moved = [dict(e, **{k: fresh[k] for k in rosters.REFRESHED})
                     for e in roster if e["resident_id"] == resident_id
                     and e["status"] in rosters.OPEN
                     and any(e.get(k) != fresh[k] for k in rosters.REFRESHED)]
            roster = rosters.replace(roster, moved)
            # a refresh announces nothing: the enrolment's status did not change
            return roster, [], ({"updated_at": now} if flagged or moved else None), 0
        change_roster(repo, doc["_id"], plan, today, correlation_id)
        touched += 1
    return touched

