"""Health appointments: every eligible resident's personal schedule, kept in step
with the registry, doses and visits recorded, late ones announced.

A resident gets a schedule from each running ``immunisation`` / ``antenatal_care``
programme of a verified partner whose criteria they meet (children under 5,
residents flagged pregnant): once published (``request``, then
``schedule_due`` in the background, not inside the request), from the
registry's events (``follow_resident``: a newborn registered gets one with no
officer action; a death or move-out cancels what is still open), and again for
what no event tells: a rebuilt projection, and the days passing (a periodic
sweep, ``request_running``). Appointment ids are deterministic, so
a sweep and an event at the same moment insert each appointment once.
"""
import datetime
import logging

import eventlet

from services.shared import backoff, clock, rules
from services.shared.caller import actor_record
from services.shared.contract import load
from services.shared.errors import Conflict, InvalidInput, NotFound, RuleRefused
from services.shared.nik import mask_niks_in_text

from services.partners import commands, domain, enrolments, events as ev, health
from services.partners.contract import HEALTH_KINDS, PregnancyIn, RecordIn

PERSON = ("nik", "full_name", "rt", "rw", "household_id")
YIELD_EVERY = 200
#: seconds before a failed scheduling is tried again, doubling; the last is waited
#: again for as long as it fails (``backoff.base_delay``)
RETRY_DELAYS = (10, 20, 40, 80, 160, 320, 640, 900)

log = logging.getLogger(__name__)


def _date(text):
    return datetime.date.fromisoformat(text) if text else None


def running_programmes(repo, today):
    """Health programmes of verified partners that have not ended."""
    verified = repo.verified_partner_ids()
    return repo.find_programmes({"kind": {"$in": list(HEALTH_KINDS)}, "ends_on": {"$gte": today},
                                 "partner_id": {"$in": verified}})[0]


def _episode(repo, programme, resident, today, qualifies, episodes):
    """The open pregnancy of ``resident`` in an antenatal programme: opened the day
    the pregnancy is first seen, closed when it no longer qualifies."""
    current = episodes.get(resident["id"])
    if qualifies and current is None:
        current = repo.insert_pregnancy({
            "_id": health.pregnancy_id(programme["_id"], resident["id"], today),
            "programme_id": programme["_id"], "resident_id": resident["id"],
            "known_on": today, "started_on": None, "status": "open"})
        episodes[resident["id"]] = current
    elif not qualifies and current is not None:
        repo.update_pregnancy(current["_id"], {"status": "ended", "ended_on": today})
        return current, False
    return current, qualifies


def plan_for(programme, resident, episode, given):
    """The appointments ``resident`` should have in ``programme`` (see ``health``)."""
    tracking = _date(programme["starts_on"])
    if programme["kind"] == "immunisation":
        born = _date(resident.get("birth_date"))
        return health.immunisation_plan(programme["schedule"], born, tracking, given) if born else []
    return health.antenatal_plan(programme["schedule"], _date(episode.get("started_on")),
                                 _date(episode["known_on"]), tracking)


def follow_resident(repo, programme, resident, qualifies, existing, episodes, today, now):
    """Bring one resident's appointments in ``programme`` in line with a new plan.

    Args:
        resident (dict): projection snapshot (``id``); ``qualifies``: active and
            meeting the programme's criteria.
        existing (list): the resident's stored appointments in this programme.
        episodes (dict): open pregnancies of the programme by resident id.
    Returns ``(new appointment documents, writes made)``; the caller inserts the new ones.
    """
    episode_id = ""
    if programme["kind"] == "antenatal_care":
        episode, qualifies = _episode(repo, programme, resident, today, qualifies, episodes)
        mine = [a for a in existing if episode is None or a.get("episode") == episode["_id"]]
        episode_id = episode["_id"] if episode else ""
    else:
        episode, mine = None, existing
    given = {a["item"]: _date(a["done_on"]) for a in mine if a["status"] == health.DONE}
    planned = plan_for(programme, resident, episode, given) if qualifies else []
    new, changed, dropped = health.reconcile(planned, mine)
    person = {k: resident.get(k) for k in PERSON}
    writes = 0
    for appointment, diff in changed:
        diff = dict(diff, updated_at=now)
        if diff.get("overdue_on", appointment["overdue_on"]) > today:
            diff["overdue_announced"] = False
        writes += repo.change_appointment(appointment, diff, where={"status": {
            "$in": list(health.OPEN)}}) is not None
    reason = "resident_inactive" if resident.get("status", "active") != "active" else \
        "no_longer_eligible"
    for appointment in dropped:
        writes += repo.change_appointment(appointment, {
            "status": health.CANCELLED, "cancel_reason": reason, "cancelled_at": now},
            where={"status": {"$in": list(health.OPEN)}}) is not None
    docs = [dict(plan, **person, _id=health.appointment_id(programme["_id"], resident["id"],
                                                            plan["item"], episode_id),
                 programme_id=programme["_id"], partner_id=programme["partner_id"],
                 programme_title=programme["title"], location=programme["location"],
                 kind=programme["kind"], resident_id=resident["id"], episode=episode_id,
                 done_on=None, place=None, batch=None, note=None, cancel_reason=None,
                 overdue_announced=False, created_at=now, version=1) for plan in new]
    return docs, writes


def _qualifies(people, programme, resident, today):
    if resident.get("status", "active") != "active":
        return False
    return rules.evaluate(programme["criteria"], people.context(programme, resident, today))


def sweep_programme(repo, programme, today=None):
    """Every resident's schedule in one programme; returns ``{"created", "changed"}``."""
    today, now = today or clock.village_today().isoformat(), clock.now_iso()
    stored = {}
    for appointment in repo.appointments_of(programme["_id"]):
        stored.setdefault(appointment["resident_id"], []).append(appointment)
    episodes = {p["resident_id"]: p for p in repo.open_pregnancies(programme["_id"])}
    by_household = repo.active_residents_by_household()
    people = {r["id"]: r for members in by_household.values() for r in members}
    for resident_id in set(stored) | set(episodes):
        if resident_id not in people:  # left the registry's active list
            found = repo.resident(resident_id)
            if found is not None:
                people[resident_id] = dict(found, id=found.pop("_id"))
    everyone = enrolments.People.everyone(repo, int(today[:4]), by_household)
    created, changed, batch = 0, 0, []
    for i, resident in enumerate(people.values()):
        if i % YIELD_EVERY == 0:
            eventlet.sleep(0)
        qualifies = _qualifies(everyone, programme, resident, today)
        if not qualifies and resident["id"] not in stored and resident["id"] not in episodes:
            continue
        docs, writes = follow_resident(repo, programme, resident, qualifies,
                                       stored.get(resident["id"], []), episodes, today, now)
        batch += docs
        changed += writes
        if len(batch) >= 500:
            created += repo.insert_appointments(batch)
            batch = []
    created += repo.insert_appointments(batch)
    return {"created": created, "changed": changed}


def request(repo, programmes, now=None):
    """Ask for the health ``programmes``' schedules to be made in the background
    (``domain.scheduling_marks``; publishing and changing a programme write them
    with the change): verifying the partner, a sweep or a rebuild returns at
    once, whatever the size of the registry. Returns the ids."""
    ids = [p["_id"] for p in programmes if p["kind"] in HEALTH_KINDS]
    if ids:
        repo.request_scheduling(ids, domain.scheduling_request(now or clock.now_iso()))
    return ids


def schedule_due(repo, today=None):
    """Make the schedules of every programme whose scheduling was requested
    (``request``): the partners service's short timer. A programme of a partner
    not (yet) verified stays due until it is; one that has ended is cleared
    without scheduling. Returns ``{"programmes", "created", "changed"}``."""
    today, now = today or clock.village_today().isoformat(), clock.now_iso()
    total = {"programmes": 0, "created": 0, "changed": 0}
    due = [p for p in repo.due_programmes() if (p.get("schedule_retry_at") or "") <= now]
    if not due:
        return total
    verified = set(repo.verified_partner_ids())
    for programme in due:
        if programme["partner_id"] not in verified:
            continue
        counts = {"created": 0, "changed": 0}
        if programme["ends_on"] >= today:
            try:
                counts = sweep_programme(repo, programme, today)
            except Exception as exc:  # noqa: BLE001 - the other programmes still get theirs
                _failed(repo, programme, exc)
                continue
        repo.scheduling_done(programme["_id"], programme["schedule_due"], counts,
                             clock.now_iso())
        total["programmes"] += 1
        total["created"] += counts["created"]
        total["changed"] += counts["changed"]
    return total


def retry_delay(attempts):
    """Seconds before attempt ``attempts + 1`` of a scheduling that failed
    ``attempts`` times (1 or more): 10 s, 20 s, 40 s ... at most 15 minutes,
    never given up (a scheduling is not an event to park)."""
    return backoff.base_delay(attempts, RETRY_DELAYS, max_attempts=float("inf"))


def _failed(repo, programme, exc):
    """Record a failed scheduling on the programme (its error shown to officers,
    NIKs masked) and when it is tried again; logged once per attempt, with the
    traceback the first time."""
    attempts = (programme.get("schedule_attempts") or 0) + 1
    wait = retry_delay(attempts)
    retry_at = clock.now() + datetime.timedelta(seconds=wait)
    error = mask_niks_in_text("%s: %s" % (type(exc).__name__, exc))[:500]
    repo.scheduling_failed(programme["_id"], programme["schedule_due"], error, attempts,
                           clock.iso(retry_at))
    log.error("scheduling of programme %s failed (attempt %d; next in %d s): %s",
              programme["_id"], attempts, wait, error,
              exc_info=exc if attempts == 1 else None)


def request_running(repo, today=None):
    """``request`` for every running health programme (the periodic sweep, an
    operator's, a rebuilt projection); returns their ids."""
    return request(repo, running_programmes(repo, today or clock.village_today().isoformat()))


def on_resident(repo, resident_id):
    """A registry change of one resident: their schedules in every running health
    programme (a newborn's is created, a deceased's cancelled). Idempotent."""
    today, now = clock.village_today().isoformat(), clock.now_iso()
    programmes = running_programmes(repo, today)
    found = repo.resident(resident_id) if programmes else None
    if found is None:  # no health programme runs (a registry import before any)
        return 0
    resident = dict(found, id=found.pop("_id"))
    people = enrolments.People.of_household(repo, resident.get("household_id"), int(today[:4]))
    created = 0
    for programme in programmes:
        episodes = {p["resident_id"]: p for p in repo.open_pregnancies(programme["_id"],
                                                                       resident_id)}
        docs, _ = follow_resident(repo, programme, resident,
                                  _qualifies(people, programme, resident, today),
                                  repo.appointments_of(programme["_id"], resident_id), episodes,
                                  today, now)
        created += repo.insert_appointments(docs)
    return created


def record(repo, appointment_id, body, actor, cid):
    """Record a dose given or a visit made (``RecordIn``). A later dose that must
    wait an interval after this one is rescheduled. Conflict when already recorded.
    Events ``immunisation_recorded`` / ``antenatal_visit_recorded``."""
    data = load(RecordIn, body)
    appointment = repo.get_appointment(appointment_id)
    if appointment is None:
        raise NotFound("No appointment with id %s." % appointment_id)
    domain.visible(actor, appointment["partner_id"], "appointment", appointment_id)
    done_on = data["done_on"].isoformat()
    if done_on > clock.village_today().isoformat():
        raise InvalidInput("Invalid date.", {"done_on": ["must not be in the future"]})
    if appointment["status"] not in health.OPEN:
        raise Conflict("This appointment is %s%s." % (appointment["status"], (
            " on %s" % appointment["done_on"]) if appointment.get("done_on") else ""))
    resident = repo.resident(appointment["resident_id"]) or {}
    if resident.get("birth_date") and done_on < resident["birth_date"] and \
            appointment["kind"] == "immunisation":
        raise InvalidInput("Invalid date.", {"done_on": ["is before the child's birth date"]})
    changes = {"status": health.DONE, "done_on": done_on, "place": data["place"],
               "batch": data["batch"], "note": data["note"], "recorded_by": actor_record(actor),
               "recorded_at": clock.now_iso()}
    after = repo.change_appointment(appointment, changes, where={"status": {"$in": list(
        health.OPEN)}}, events=lambda new: [ev.recorded_event(new, cid)])
    if after is None:
        raise Conflict("This appointment was recorded by someone else meanwhile.")
    if appointment["kind"] == "immunisation":
        programme = repo.get_programme(appointment["programme_id"], roster=False)
        if programme is not None and resident:
            follow_resident(repo, programme, dict(resident, id=resident["_id"]), True,
                            repo.appointments_of(programme["_id"], resident["_id"]), {},
                            clock.village_today().isoformat(), clock.now_iso())
    return after


def set_pregnancy_start(repo, programme_id, body, actor):
    """Record when a pregnancy began (``PregnancyIn``: HPHT); the six visits follow
    from it. RuleRefused unless the resident has an open pregnancy in this programme."""
    data = load(PregnancyIn, body)
    programme = commands.programme(repo, programme_id, actor, roster=False)
    if programme["kind"] != "antenatal_care":
        raise RuleRefused("Only an antenatal_care programme follows pregnancies.",
                          {"kind": ["is %s" % programme["kind"]]})
    today = clock.village_today()
    if not today - datetime.timedelta(weeks=44) <= data["started_on"] <= today:
        raise InvalidInput("Invalid date.", {"started_on": ["must be within the last 44 weeks"]})
    resident = enrolments.active_resident(repo, data["nik"])
    episodes = {p["resident_id"]: p for p in repo.open_pregnancies(programme_id, resident["id"])}
    if resident["id"] not in episodes:
        raise RuleRefused("This resident has no pregnancy followed by this programme (the "
                          "registry must flag her pregnant).", {"nik": ["no open pregnancy"]})
    episode = dict(episodes[resident["id"]], started_on=data["started_on"].isoformat())
    repo.update_pregnancy(episode["_id"], {"started_on": episode["started_on"]})
    docs, _ = follow_resident(repo, programme, resident, True,
                              repo.appointments_of(programme_id, resident["id"]),
                              {resident["id"]: episode}, today.isoformat(), clock.now_iso())
    repo.insert_appointments(docs)
    return programme, resident, episode


def announce_overdue(repo, today=None, cid=None):
    """``appointment_overdue`` once per late appointment (never for unrecorded ones).
    Idempotent: an appointment announced is marked in the same write. Returns the count."""
    today = today or clock.village_today().isoformat()
    announced = 0
    while True:
        batch = repo.to_announce(today)
        for appointment in batch:
            if not health.is_overdue(appointment, today):
                repo.change_appointment(appointment, {"overdue_announced": True})
                continue
            announced += repo.change_appointment(
                appointment, {"overdue_announced": True, "overdue_announced_on": today},
                where={"status": health.SCHEDULED, "overdue_announced": False},
                events=lambda new: [ev.overdue_event(new, cid)]) is not None
        if len(batch) < 500:
            return announced
