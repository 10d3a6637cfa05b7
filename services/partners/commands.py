"""Partners, their pledges and deliveries, their programmes and sessions: the
commands the service's RPCs hand over to (load, decide with ``domain``, write once).

Every function takes the repository first and the caller's ``actor`` last;
``cid`` is the correlation id the events carry. A partner actor reaches only
its own partner's records (others answer NotFound).
"""
import datetime

from services.shared import clock
from services.shared.caller import actor_record
from services.shared.contract import load
from services.shared.errors import Conflict, InvalidInput, NotFound, RuleRefused

from services.partners import domain, events as ev
from services.partners.contract import (PARTNER_REGISTERED, PARTNER_SUSPENDED, PARTNER_VERIFIED,
                                        SESSION_KINDS, AttendanceIn, CommitmentIn, DeliveryIn, PartnerIn,
                                        PartnerPatch, PartnerProgrammeIn, SessionIn,
                                        SuspendIn, VerifyIn)


def partner(repo, partner_id, actor):
    """The partner ``partner_id`` as ``actor`` may reach it; NotFound otherwise."""
    domain.visible(actor, partner_id, "partner", partner_id)
    doc = repo.get_partner(partner_id)
    if doc is None:
        raise NotFound("No partner with id %s." % partner_id)
    return doc


def programme(repo, programme_id, actor, roster=True):
    """The programme ``programme_id`` (with its roster unless ``roster`` is False) as ``actor`` may
    reach it; NotFound otherwise (also for another partner's)."""
    doc = repo.get_programme(programme_id, roster)
    if doc is None:
        raise NotFound("No partner programme with id %s." % programme_id)
    domain.visible(actor, doc["partner_id"], "partner programme", programme_id)
    return doc


def _versioned(write, what):
    after = write()
    if after is None:
        raise Conflict("The %s was changed by someone else meanwhile; read it again." % what)
    return after


def register_partner(repo, body, actor, cid):
    """Register a partner (``PartnerIn``), ``pending`` until an admin verifies it.
    Officers and admins only. Event ``partner_registered``."""
    domain.require_officer(actor, "register partners")
    doc = domain.new_partner(load(PartnerIn, body), actor, clock.now_iso())
    return repo.insert_partner(doc, [ev.partner_event(PARTNER_REGISTERED, doc, cid)])


def update_partner(repo, partner_id, body, actor):
    """Change the contact fields (``PartnerPatch``, partial); the partner itself may."""
    doc = partner(repo, partner_id, actor)
    changes = load(PartnerPatch, body, partial=True)
    if not changes:
        raise InvalidInput("Nothing to change.", {"_body": ["give contact_name, contact_phone "
                                                            "or address"]})
    return _versioned(lambda: repo.change_partner(doc, dict(changes, updated_at=clock.now_iso())),
                      "partner")


def set_verification(repo, partner_id, to, body, actor, cid):
    """Verify or suspend a partner (admins only). Only a verified partner's programmes
    are public and take enrolments. Events ``partner_verified`` / ``partner_suspended``."""
    domain.require_admin(actor, "verify or suspend partners")
    data = load(VerifyIn if to == "verified" else SuspendIn, body)
    doc = partner(repo, partner_id, actor)
    changes = domain.verification_change(doc, to, data.get("note") or data.get("reason"),
                                         actor, clock.now_iso())
    kind = PARTNER_VERIFIED if to == "verified" else PARTNER_SUSPENDED
    return _versioned(lambda: repo.change_partner(
        doc, changes, events=lambda after: [ev.partner_event(kind, after, cid)],
        where={"verification": doc["verification"]}), "partner")


def year_of(year):
    """A year from a request (2000-2100); InvalidInput otherwise."""
    try:
        year = int(year)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        raise InvalidInput("Invalid year.", {"year": ["must be a year such as 2026"]}) from None
    return year


def set_commitment(repo, partner_id, year, body, actor, cid=None):
    """Set what the partner pledges for ``year`` (``CommitmentIn``: rupiah, in kind with
    its rupiah value, trainer-hours). Replaces that year's pledge. Event
    ``commitment_set``."""
    year = year_of(year)
    doc = partner(repo, partner_id, actor)
    pledge = dict(load(CommitmentIn, body), set_at=clock.now_iso(), set_by=actor_record(actor))
    commitments = dict(doc.get("commitments") or {}, **{str(year): pledge})
    return _versioned(lambda: repo.change_partner(
        doc, {"commitments": commitments},
        events=lambda after: [ev.commitment_set(after, year, cid)]), "partner"), year


def record_delivery(repo, partner_id, body, actor, cid=None):
    """Record something delivered against the pledge (``DeliveryIn``); returns
    ``(partner after, year)``. A ``programme_id`` must be one of this partner's.
    Event ``delivery_recorded``."""
    doc = partner(repo, partner_id, actor)
    data = load(DeliveryIn, body)
    if data["delivered_on"] > clock.village_today():
        raise InvalidInput("Invalid date.", {"delivered_on": ["must not be in the future"]})
    if data["programme_id"]:
        found = repo.get_programme(data["programme_id"], roster=False)
        if found is None or found["partner_id"] != partner_id:
            raise InvalidInput("Unknown programme.", {"programme_id": [
                "is not a programme of this partner"]})
    entry = dict(data, id=domain.new_id("dlv"), delivered_on=data["delivered_on"].isoformat(),
                 year=data["delivered_on"].year, recorded_at=clock.now_iso(),
                 recorded_by=actor_record(actor))
    deliveries = list(doc.get("deliveries") or []) + [entry]
    after = _versioned(lambda: repo.change_partner(
        doc, {"deliveries": deliveries},
        events=lambda after: [ev.delivery_recorded(after, entry, cid)]), "partner")
    return after, entry["year"]


def create_programme(repo, partner_id, body, actor, cid):
    """Publish a programme of a partner (``PartnerProgrammeIn``; rules validated, health kinds
    get the national schedule by default). Event ``partner_programme_published``."""
    owner = partner(repo, partner_id, actor)
    if owner["verification"] == "suspended":
        raise RuleRefused("A suspended partner cannot publish programmes.",
                          {"partner": ["is suspended"]})
    doc = domain.new_programme(owner, load(PartnerProgrammeIn, body), actor, clock.now_iso())
    return repo.insert_programme(doc, [ev.programme_published(doc, cid)])


def add_session(repo, programme_id, body, actor):
    """Schedule a session of a training or mentoring (``SessionIn``)."""
    doc = programme(repo, programme_id, actor, roster=False)
    if doc["kind"] not in SESSION_KINDS:
        raise RuleRefused("Only trainings and mentorings have sessions.", {
            "kind": ["is %s" % doc["kind"]]})
    data = load(SessionIn, body)
    held_on = data["held_on"].isoformat()
    if not doc["starts_on"] <= held_on <= doc["ends_on"]:
        raise InvalidInput("Invalid date.", {"held_on": ["must be within the programme, %s to %s"
                                                         % (doc["starts_on"], doc["ends_on"])]})
    start = datetime.datetime.strptime(data["starts_at"], "%H:%M")
    end = datetime.datetime.strptime(data["ends_at"], "%H:%M")
    session = dict(data, _id=domain.new_id("ses"), programme_id=programme_id,
                   partner_id=doc["partner_id"], held_on=held_on,
                   minutes=int((end - start).total_seconds() // 60), attendance={},
                   created_at=clock.now_iso(), created_by=actor_record(actor), version=1)
    return repo.insert_session(session), doc


def record_attendance(repo, session_id, body, actor, today):
    """Mark attendance (``AttendanceIn``) of accepted or completed enrolments at a
    session held by ``today``. InvalidInput names each bad entry."""
    session = repo.get_session(session_id)
    if session is None:
        raise NotFound("No session with id %s." % session_id)
    domain.visible(actor, session["partner_id"], "session", session_id)
    if session["held_on"] > today:
        raise RuleRefused("The session is on %s: attendance is marked once it is held."
                          % session["held_on"], {"held_on": ["is in the future"]})
    doc = programme(repo, session["programme_id"], actor)
    data = load(AttendanceIn, body)
    by_id = {e["id"]: e for e in doc["enrolments"]}
    errors, marks = {}, {}
    for i, entry in enumerate(data["entries"]):
        found = by_id.get(entry["enrolment_id"])
        if found is None or found["status"] not in ("accepted", "completed"):
            errors["entries.%d.enrolment_id" % i] = ["is not an accepted enrolment of this "
                                                     "programme"]
            continue
        marks[found["id"]] = {"status": entry["status"], "reason": entry.get("reason"),
                              "full_name": found.get("full_name")}
    if errors:
        raise InvalidInput("Some attendance entries are invalid.", errors)
    return repo.mark_attendance(session_id, marks, clock.now_iso()), doc
