"""Health step of the main job: the Puskesmas and its posyandu, through the gateway.

``run(client, out)``: register and verify the Puskesmas as a partner, publish its
immunisation programme (the national schedule from data/health/, tracking from
four months ago) and its antenatal-care programme; every child under 5 and every
resident flagged pregnant in the registry gets a personal schedule, made in the
background once the programme is published.
Then the health cadre's list per RW (due this week, late), doses recorded by the
cadre's own token, the late ones announced (``appointment_overdue``), a pregnancy's
six visits once its start is recorded, and a parent checking a child's schedule
with NIK + birth date. Every count is checked against the service's own answers
(the children scheduled against the registry, the RWs' counts against the total).
"""
import datetime
import textwrap
import time

from demo.partner_tools import (check, days, find_partner, find_programme, partner_token,
                                poll, read, sample_residents)
from gateway.client import ApiError

PUSKESMAS = {"name": "Puskesmas Kelurahan Tanjung Barat", "kind": "health_facility",
             "contact_name": "dr. Maya Lestari", "contact_phone": "0217890123",
             "address": "Jl. Tanjung Barat Raya, Jagakarsa, Jakarta Selatan"}
RECORDED = 15
#: up to this many residents every child is checked against the registry; beyond, one RW's
WHOLE_CHECK_RESIDENTS = 20000
#: a health programme's schedules are made in the background once it is published:
#: seconds for the sample, about a minute at 15,000 families on a loaded machine
SCHEDULING_SECONDS = 900


def setup(client, out, today):
    out.section("Health: the Puskesmas and the posyandu as a partner")
    partner = find_partner(client, PUSKESMAS["name"]) or client.post("partners", PUSKESMAS)
    if partner["verification"] != "verified":
        partner = client.post("partners/%s/verify" % partner["id"], {"note": "Fasilitas kesehatan"})
    common = {"starts_on": days(today, 120), "ends_on": days(today, -245), "capacity": 2000}
    immunisation = find_programme(client, partner, "Imunisasi Rutin Lengkap Balita") or client.post(
        "partners/%s/programmes" % partner["id"], dict(common, **{
            "title": "Imunisasi Rutin Lengkap Balita", "kind": "immunisation",
            "description": "Imunisasi dasar dan lanjutan di posyandu setiap bulan.",
            "location": "Posyandu di tiap RW", "criteria": {
                "attr": "member.age_months", "op": "lt", "value": 60,
                "label": "Anak di bawah 5 tahun"}}))
    antenatal = find_programme(client, partner, "Pemeriksaan Kehamilan K6") or client.post(
        "partners/%s/programmes" % partner["id"], dict(common, **{
            "title": "Pemeriksaan Kehamilan K6", "kind": "antenatal_care",
            "description": "Enam kali pemeriksaan kehamilan, dua di antaranya dengan dokter.",
            "location": "Puskesmas Kelurahan Tanjung Barat", "criteria": {
                "attr": "member.pregnant", "op": "eq", "value": True, "label": "Ibu hamil"}}))
    immunisation, antenatal = (when_scheduled(client, out, p) for p in (immunisation, antenatal))
    schedule = immunisation["schedule"]
    out("Schedule: %s (%d items, in effect since %s; source: %s)." % (
        schedule["name"], len(schedule["items"]), schedule["effective_from"],
        textwrap.shorten(schedule["sources"][0]["text"], 120, placeholder=" ...")))
    return partner, immunisation, antenatal


def when_scheduled(client, out, programme):
    """``programme`` once the partners service has made its residents' schedules (in
    the background after publication: ``scheduling.status`` turns ``done``)."""
    began = time.monotonic()
    path = "partner-programmes/%s" % programme["id"]
    programme = poll(lambda: (lambda p: p if p["scheduling"]["status"] == "done" else None)(
        read(client, path)), "the schedules of %s" % programme["title"], SCHEDULING_SECONDS)
    out("%s: schedules made in the background in %.1f s (%d appointments)." % (
        programme["title"], time.monotonic() - began, programme["scheduling"]["created"] or 0))
    return programme


def children(client, today, rw=None):
    """How many active residents of the registry (of RW ``rw`` when given) are under 5
    on ``today`` (the sample's children and those born during the year, demo/life.py)."""
    count, page = 0, 1
    while True:
        params = {"status": "active", "per_page": 200, "page": page}
        if rw:
            params["rw"] = rw
        answer = client.get("residents", params=params)
        for person in answer["items"]:
            born = datetime.date.fromisoformat(person["birth_date"])
            count += (today.year - born.year) * 12 + today.month - born.month \
                - (today.day < born.day) < 60
        if page * 200 >= answer["total"]:
            return count
        page += 1


def appointments(client, programme, **params):
    return client.get("partner-programmes/%s/appointments" % programme["id"],
                      params=dict(params, per_page=200))


def every(client, programme, view, **params):
    """Every appointment of ``programme`` in ``view`` (``params``: ``rw``), page by page."""
    page, items = 1, []
    while True:
        answer = read(client, "partner-programmes/%s/appointments" % programme["id"],
                      dict(params, view=view, per_page=200, page=page))
        items += answer["items"]
        if page * 200 >= answer["total"]:
            return items
        page += 1


def cadre_list(client, out, programme, rws):
    everywhere = appointments(client, programme, view="due_or_overdue")
    rows = []
    for rw in rws:
        counts = appointments(client, programme, rw=rw, view="due_or_overdue")["counts"]
        rows.append({"RW": rw, "due this week": counts["due"], "late": counts["overdue"]})
    out.table(rows, ["RW", "due this week", "late"])
    for key, label in (("due", "due this week"), ("overdue", "late")):
        check(sum(r[label] for r in rows) == everywhere["counts"][key],
              "the RWs' %s add up to the programme's %s" % (label, everywhere["counts"][key]))
    return everywhere["counts"]


def run(client, out):
    """The health part of the main job; see the module docstring."""
    today = datetime.date.today()
    families = sample_residents(client, out, today)
    partner, immunisation, antenatal = setup(client, out, today)
    rws = sorted({m["rw"] for ms in families.values() for m in ms})
    # both lists are read page by page, and each page costs a sort of the whole list:
    # a large registry is checked in one RW (at 15,000 families: 10 minutes otherwise)
    where = {} if sum(len(ms) for ms in families.values()) <= WHOLE_CHECK_RESIDENTS else {
        "rw": rws[0]}
    scheduled = {a["nik"] for a in every(client, immunisation, "all", **where)
                 if a["status"] != "cancelled"}
    expected = children(client, today, where.get("rw"))
    place = "RW %s" % where["rw"] if where else "the registry"
    check(len(scheduled) == expected, "children scheduled %d vs under 5 in %s %d" % (
        len(scheduled), place, expected))
    out("%d children under 5 in %s have a personal schedule (as many as it has)." % (
        len(scheduled), place))
    out.section("The health cadre's list for the week of %s" % today)
    before = cadre_list(client, out, immunisation, rws)

    cadre = partner_token(client, partner)
    company = find_partner(client, "PT Sumber Rejeki Nusantara (TJSL)")
    if company:
        try:
            cadre.get("partners/%s" % company["id"])
        except ApiError as exc:
            out("(The Puskesmas' token asking for the company's record is answered %d, as for an "
                "id that does not exist.)" % exc.status)
    late = appointments(cadre, immunisation, rw=rws[4], view="overdue")["items"][:RECORDED]
    for appointment in late:
        cadre.post("appointments/%s/record" % appointment["id"], {
            "done_on": today.isoformat(), "place": "Posyandu RW %s" % appointment["rw"],
            "batch": "BIO-%s" % today.strftime("%y%m")})
    out.section("The cadre of RW %s records %d late doses (shown with masked NIKs)" % (
        rws[4], len(late)))
    out.table(late[:5], ["full_name", "nik", "item", "due_on", "overdue_on"])
    after = cadre_list(client, out, immunisation, rws)
    out("Late doses: %d before, %d after." % (before["overdue"], after["overdue"]))
    announced = client.post("admin/partners/overdue-check")["announced"]
    out("appointment_overdue announced now for %d late appointments (each only once; a "
        "second check announces %d)." % (announced, client.post(
            "admin/partners/overdue-check")["announced"]))

    out.section("Antenatal care: six visits from the start of the pregnancy")
    firsts = every(client, antenatal, "all")
    out("%d residents flagged pregnant have their first visit (K1) scheduled." %
        len({a["nik"] for a in firsts if a["item"] == "K1" and a["status"] != "cancelled"}))
    mother = next((a for a in firsts if a["status"] != "cancelled"), None)
    if mother:
        visits = client.post("partner-programmes/%s/pregnancies" % antenatal["id"], {
            "nik": mother["nik"], "started_on": days(today, 70)})["appointments"]
        out("%s, pregnant since %s:" % (mother["full_name"], days(today, 70)))
        out.table(visits, ["item", "due_on", "overdue_on", "status"])
        out("(Two visits share the first trimester's window and three the third's: the "
            "guideline fixes how many visits fall in each trimester, the midwife sets the "
            "day; each is late once its window closes. data/health/antenatal-schedule.json)")

    child = next(m for ms in families.values() for m in ms if m["nik"] in scheduled)
    try:
        mine = client.with_token(None).post("appointment-check", {
            "nik": child["nik"], "birth_date": child["birth_date"]})
    except ApiError as exc:
        if exc.status != 429:
            raise
        return
    out.section("A parent checks %s's schedule (public, NIK + birth date)" % child["full_name"])
    out.table(mine["appointments"][:6], ["item", "due_on", "status", "location"])
