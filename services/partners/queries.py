"""Read side: lists of partners, programmes, enrolments, sessions and appointments,
each scoped to what the caller may reach (``domain.scope_partner``)."""
import datetime

from services.shared import clock
from services.shared.errors import InvalidInput, NotFound
from services.shared.nik import mask_nik
from services.shared.pagination import page_args, page_of

from services.partners import commands, domain, enrolments, events as ev, health, roster as rosters, views
from services.partners.contract import (APPOINTMENT_VIEWS, ENROLMENT_STATUSES, PARTNER_KINDS,
                                        PROGRAMME_KINDS, VERIFICATIONS, WAITLIST_ORDER)


def _choice(filters, name, allowed):
    value = (filters or {}).get(name)
    if value in (None, ""):
        return None
    if value not in allowed:
        raise InvalidInput("Invalid filter.", {name: ["must be one of: %s" % ", ".join(allowed)]})
    return value


def list_partners(repo, filters, page, per_page, actor):
    """Partners (a partner token: only its own), by id."""
    page, per_page, skip = page_args(page, per_page)
    query = {k: v for k, v in (("kind", _choice(filters, "kind", PARTNER_KINDS)),
                               ("verification", _choice(filters, "verification", VERIFICATIONS)))
             if v}
    scoped = domain.scope_partner(actor)
    if scoped is not None:
        query["_id"] = scoped
    docs, total = repo.find_partners(query, skip, per_page)
    return page_of([views.partner_view(d, actor) for d in docs], page, per_page, total)


def list_programmes(repo, filters, page, per_page, actor):
    """Programmes for officers (all) and partners (their own)."""
    page, per_page, skip = page_args(page, per_page)
    query = {}
    kind = _choice(filters, "kind", PROGRAMME_KINDS)
    if kind:
        query["kind"] = kind
    if (filters or {}).get("partner_id"):
        query["partner_id"] = filters["partner_id"]
    scoped = domain.scope_partner(actor)
    if scoped is not None:
        if query.get("partner_id", scoped) != scoped:
            raise NotFound("No partner with id %s." % query["partner_id"])
        query["partner_id"] = scoped
    docs, total = repo.find_programmes(query, skip, per_page)
    verified = set(repo.verified_partner_ids())
    return page_of([views.programme_view(d, actor, d["partner_id"] in verified) for d in docs],
                   page, per_page, total)


def list_public(repo, filters, page, per_page, today):
    """What verified partners offer that has not ended, soonest first (public)."""
    page, per_page, skip = page_args(page, per_page)
    query = {"partner_id": {"$in": repo.verified_partner_ids()}, "ends_on": {"$gte": today}}
    kind = _choice(filters, "kind", PROGRAMME_KINDS)
    if kind:
        query["kind"] = kind
    docs, total = repo.find_programmes(query, skip, per_page)
    return page_of([views.public_programme_view(d) for d in docs], page, per_page, total)


def get_public(repo, programme_id):
    """One verified partner's programme as the public sees it; NotFound otherwise."""
    doc = repo.get_programme(programme_id, roster=False)
    if doc is None or doc["partner_id"] not in repo.verified_partner_ids():
        raise NotFound("No partner programme with id %s." % programme_id)
    return views.public_programme_view(doc)


def list_enrolments(repo, programme_id, filters, page, per_page, actor):
    """A programme's enrolments: accepted and completed first by date, then the
    waiting list in its order (``roster.waitlist_key``), then the withdrawn."""
    page, per_page, skip = page_args(page, per_page)
    doc = commands.programme(repo, programme_id, actor)
    status = _choice(filters, "status", ENROLMENT_STATUSES)
    flagged = str((filters or {}).get("flagged", "")).lower() in ("1", "true", "yes")
    rank = {rosters.ACCEPTED: 0, rosters.COMPLETED: 0, rosters.WAITLISTED: 1, rosters.WITHDRAWN: 2}
    entries = sorted(doc["enrolments"], key=lambda e: (
        rank[e["status"]], rosters.waitlist_key(e) if e["status"] == rosters.WAITLISTED
        else (0, e.get("accepted_at") or e["requested_at"], e["id"])))
    entries = [e for e in entries if (status is None or e["status"] == status)
               and (not flagged or e.get("flags"))]
    positions = rosters.positions(doc["enrolments"])
    sessions = repo.sessions_of(programme_id)
    today = clock.village_today().isoformat()
    items = [views.enrolment_view(doc, e, actor, positions, sessions, today)
             for e in entries[skip:skip + per_page]]
    return dict(page_of(items, page, per_page, len(entries)), waitlist_order=WAITLIST_ORDER)


def get_enrolment(repo, enrolment_id, actor):
    """One enrolment with its history (``EnrolmentOut``) as ``actor`` may see it; NotFound."""
    doc = repo.programme_of_enrolment(enrolment_id)
    if doc is None:
        raise NotFound("No enrolment with id %s." % enrolment_id)
    domain.visible(actor, doc["partner_id"], "enrolment", enrolment_id)
    return enrolment_answer(repo, doc, rosters.find(doc["enrolments"], enrolment_id), actor, True)


def enrolment_answer(repo, programme, entry, actor, history=False):
    """``views.enrolment_view`` with the waiting position and attendance filled in."""
    return views.enrolment_view(programme, entry, actor, rosters.positions(programme["enrolments"]),
                                repo.sessions_of(programme["_id"]),
                                clock.village_today().isoformat(), history)


def resident_enrolments(repo, nik, actor):
    """Every enrolment of a resident (officers)."""
    domain.require_officer(actor, "list a resident's enrolments")
    people = repo.residents_by_nik(nik)
    if not people:
        raise NotFound("No resident with NIK %s in the partners service's registry projection."
                       % mask_nik(nik))  # refusals are logged: never a whole NIK
    out = []
    for person in people:
        for doc in repo.programmes_of_resident(person["_id"]):
            out += [enrolment_answer(repo, doc, e, actor) for e in doc["enrolments"]
                    if e["resident_id"] == person["_id"]]
    out.sort(key=lambda e: e["requested_at"])
    return {"nik": nik, "enrolments": out}


def list_sessions(repo, programme_id, page, per_page, actor):
    """A page of a programme's sessions, oldest first, with attendance; NotFound."""
    page, per_page, skip = page_args(page, per_page)
    commands.programme(repo, programme_id, actor, roster=False)
    docs = repo.sessions_of(programme_id, skip, per_page)
    return page_of([views.session_view(d) for d in docs], page, per_page,
                   repo.count_sessions(programme_id))


def list_appointments(repo, programme_id, filters, page, per_page, actor):
    """The health cadre's list (issue 11: "who should come this week, who is late"),
    optionally of one RW. ``view``: ``due`` (due by the week's end and not yet
    late), ``overdue`` (late and still givable), ``due_or_overdue`` (default),
    ``all``. ``week_of``: any day of the week (default today, WIB). Also answers
    ``counts`` of due and overdue in that RW (or everywhere)."""
    page, per_page, skip = page_args(page, per_page)
    doc = commands.programme(repo, programme_id, actor, roster=False)
    view = _choice(filters, "view", APPOINTMENT_VIEWS) or "due_or_overdue"
    day = (filters or {}).get("week_of") or clock.village_today().isoformat()
    try:
        day = datetime.date.fromisoformat(str(day)).isoformat()
    except ValueError:
        raise InvalidInput("Invalid date.", {"week_of": ["must be YYYY-MM-DD"]}) from None
    monday, sunday = health.week_bounds(datetime.date.fromisoformat(day))
    base = {"programme_id": programme_id}
    rw = (filters or {}).get("rw") or None
    if rw:
        base["rw"] = rw.zfill(3) if rw.isdigit() else rw
    due = dict(base, status=health.SCHEDULED, due_on={"$lte": sunday.isoformat()},
               overdue_on={"$gt": day})
    late = dict(base, status=health.SCHEDULED, overdue_on={"$lte": day},
                **{"$or": [{"latest_on": None}, {"latest_on": {"$gte": day}}]})
    query = {"due": due, "overdue": late, "due_or_overdue": {"$or": [due, late]},
             "all": base}[view]
    docs, total = repo.find_appointments(query, skip, per_page)
    today = clock.village_today().isoformat()
    return dict(page_of([views.appointment_view(d, actor, today) for d in docs], page, per_page,
                        total), week_starts_on=monday.isoformat(), week_ends_on=sunday.isoformat(),
                view=view, rw=base.get("rw"), counts={"due": repo.count_appointments(due),
                                                      "overdue": repo.count_appointments(late)},
                programme_title=doc["title"])


def resident_appointments(repo, nik, actor):
    """A resident's appointments in every health programme (officers)."""
    domain.require_officer(actor, "list a resident's appointments")
    person = enrolments.active_resident(repo, nik)
    docs, _ = repo.find_appointments({"resident_id": person["id"]})
    today = clock.village_today().isoformat()
    return {"nik": nik, "full_name": person.get("full_name"),
            "appointments": [views.appointment_view(d, actor, today) for d in docs]}


#: The one answer to a check that finds nobody (as distribution's status check).
NO_MATCH = ("Data tidak ditemukan. Periksa kembali NIK dan tanggal lahir, atau hubungi "
            "posyandu atau kantor kelurahan.")


def appointment_check(repo, nik, birth_date):
    """A resident's own upcoming appointments by NIK + birth date (public): what is
    due or late, and the next not yet due; nothing about anyone else. NotFound with
    the same detail for an unknown NIK and a wrong birth date."""
    matches = [r for r in repo.residents_by_nik(nik) if r.get("birth_date") == birth_date
               and r.get("status", "active") == "active"]
    if not matches:
        raise NotFound(NO_MATCH)
    person = matches[0]
    docs, _ = repo.find_appointments({"resident_id": person["_id"],
                                      "status": {"$in": [health.SCHEDULED, health.UNRECORDED]}})
    today = clock.village_today().isoformat()
    # what to do now first: late, then due, then later ones; what is not on record last
    rank = lambda d: (d["status"] == health.UNRECORDED, not health.is_overdue(d, today),  # noqa: E731
                      d["due_on"] > today, d["due_on"], d["item"])
    return {"full_name": person.get("full_name"),
            "appointments": [views.public_appointment_view(d, today) for d in sorted(docs, key=rank)
                             if d.get("latest_on") is None or d["latest_on"] >= today]}


def export_completions(repo, page, per_page):
    """Completed enrolments as ``enrolment_completed`` payloads, by enrolment id."""
    page, per_page, skip = page_args(page, per_page, max_per_page=1000)
    items = sorted((ev.completed_data(p, e) for p in repo.find_programmes(
        {"enrolments.status": rosters.COMPLETED}, roster=True)[0] for e in p["enrolments"]
        if e["status"] == rosters.COMPLETED), key=lambda i: i["enrolment_id"])
    return page_of(items[skip:skip + per_page], page, per_page, len(items))


def export_enrolments(repo, page, per_page):
    """Every enrolment, by enrolment id, for a consumer rebuilding what happened
    (monitoring): the ``enrolment_completed`` payload's fields (``outcome`` and
    ``completed_on`` null until completed) with ``status`` and ``changes``, the
    enrolment's status changes ``[{at (UTC), status}]`` oldest first (who made them
    is left out)."""
    page, per_page, skip = page_args(page, per_page, max_per_page=1000)
    items = []
    for programme in repo.find_programmes({"enrolments.0": {"$exists": True}}, roster=True)[0]:
        for entry in programme["enrolments"]:
            item = ev.completed_data(programme, dict(entry, outcome=entry.get("outcome"),
                                                     completed_on=entry.get("completed_on")))
            changes, last = [], None
            for h in entry.get("history", ()):
                if h.get("status") and h["status"] != last:
                    changes.append({"at": h["at"], "status": h["status"]})
                    last = h["status"]
            items.append(dict(item, changes=changes))
    items.sort(key=lambda i: i["enrolment_id"])
    return page_of(items[skip:skip + per_page], page, per_page, len(items))


def export_contributions(repo, page, per_page):
    """Every partner's pledges (by year) and deliveries (by date, then id) as the
    ``commitment_set`` and ``delivery_recorded`` events carry them, by partner id,
    for a consumer rebuilding what was pledged and delivered (monitoring)."""
    page, per_page, skip = page_args(page, per_page, max_per_page=1000)
    docs, total = repo.find_partners({}, skip, per_page)
    items = [{"partner_id": p["_id"], "partner_name": p.get("name"),
              "commitments": [ev.commitment_data(p, year)
                              for year in sorted(p.get("commitments") or {})],
              "deliveries": [ev.delivery_data(p, d) for d in sorted(
                  p.get("deliveries") or [], key=lambda d: (d["delivered_on"], d["id"]))]}
             for p in docs]
    return page_of(items, page, per_page, total)
