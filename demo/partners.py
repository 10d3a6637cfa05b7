"""Partners step of the main job: a company's CSR training, through the gateway.

``run(client, out)``: register a CSR partner and have the admin verify it, set
its pledge for the year and record a delivery, publish an entrepreneurship
training for youth of deciles 1-4 with 12 places, enrol up to 20 young residents of
the sample registry (12 accepted, the rest on a waiting list ordered by need),
show a refusal naming the criteria, two withdrawals whose places go to the
first two waiting, sessions with attendance, completions (one refused for low
attendance), and the business-capital candidate a completed training creates
in distribution (its eligibility before and after, and its UMKM allocation).
Then the partner's own token: masked NIKs, another partner's ids answer 404,
and the partner's year report. Each figure is checked against the service's
own answers (``check``). Running it again reuses what exists.
"""
import datetime

from demo.partner_tools import (check, days, find_partner, find_programme, partner_token, poll,
                                sample_residents)
from gateway.client import ApiError

CSR = {"name": "PT Sumber Rejeki Nusantara (TJSL)", "kind": "company",
       "contact_name": "Rina Kartika", "contact_phone": "081298765432",
       "address": "Jl. Raya Tanjung Barat No. 88, Jakarta Selatan"}
CAPACITY, ENROLLED = 12, 20
YOUTH = {"all": [
    {"attr": "member.age", "op": "between", "value": [15, 30], "label": "Usia 15-30 tahun"},
    {"attr": "household.welfare_decile", "op": "between", "value": [1, 4],
     "label": "Keluarga desil kesejahteraan 1-4"},
    {"attr": "member.overlapping_enrolments", "op": "eq", "value": 0,
     "label": "Tidak sedang mengikuti program lain pada waktu yang sama"}]}


def trainees(families):
    """Young people (15-30) of deciles 1-4 whose family trades in nothing: a completed
    training is what would make that family a business-capital candidate."""
    out = []
    for members in families.values():
        trading = any(m["occupation_code"] in ("84", "88") and 18 <= m["age"] <= 64
                      for m in members)
        if trading or members[0]["welfare_decile"] not in ("1", "2", "3", "4"):
            continue
        out += [m for m in members if 15 <= m["age"] <= 30 and m["nik"]][:1]
    return out


def setup(client, out, today):
    out.section("Partners: a company's CSR (TJSL) programme")
    partner = find_partner(client, CSR["name"]) or client.post("partners", CSR)
    if partner["verification"] != "verified":
        partner = client.post("partners/%s/verify" % partner["id"], {"note": "Akta dan NIB diperiksa"})
    year = today.year
    client.request("PUT", "partners/%s/commitments/%d" % (partner["id"], year), json={
        "amount_idr": 150_000_000, "in_kind": "Peralatan dapur usaha", "in_kind_value_idr":
        20_000_000, "trainer_hours": 120, "note": "Rencana kerja TJSL %d" % year})
    pledge = client.get("partners/%s/commitments/%d" % (partner["id"], year))
    if not pledge["deliveries"]:
        pledge = client.post("partners/%s/deliveries" % partner["id"], {
            "delivered_on": days(today, 20), "amount_idr": 60_000_000, "trainer_hours": 40,
            "note": "Termin 1"})
    out("%s: %s, pledged for %d Rp%s + in kind Rp%s + %d trainer-hours; delivered so far Rp%s "
        "and %d trainer-hours." % (partner["name"], partner["verification"], year,
                                   _rp(pledge["pledged"]["amount_idr"]),
                                   _rp(pledge["pledged"]["in_kind_value_idr"]),
                                   pledge["pledged"]["trainer_hours"],
                                   _rp(pledge["delivered"]["amount_idr"]),
                                   pledge["delivered"]["trainer_hours"]))
    course = find_programme(client, partner, "Pelatihan Wirausaha Kuliner Rumahan") or client.post(
        "partners/%s/programmes" % partner["id"], {
            "title": "Pelatihan Wirausaha Kuliner Rumahan", "kind": "training",
            "description": "Lima sesi: memasak untuk dijual, menghitung harga, pembukuan "
                           "sederhana, izin PIRT dan halal, berjualan lewat WhatsApp.",
            "location": "Balai Warga RW 05", "starts_on": days(today, 28),
            "ends_on": days(today, -30), "capacity": CAPACITY, "criteria": YOUTH,
            "topics": ["entrepreneurship", "culinary"], "required_attendance_pct": 80,
            "contribution": {"amount_idr": 25_000_000, "in_kind": "Bahan praktik",
                             "in_kind_value_idr": 5_000_000, "trainer_hours": 15}})
    listed = client.with_token(None).get("partner-programmes", params={"per_page": 200})
    mine = next(p for p in listed["items"] if p["id"] == course["id"])
    out("Public list: %d partner programme(s) on offer; this one, %s, %s to %s at %s, for: %s." % (
        listed["total"], mine["title"], mine["starts_on"], mine["ends_on"], mine["location"],
        "; ".join(mine["criteria_text"])))
    return partner, course


def enrol_all(client, out, course, people, older):
    out.section("Enrol %d young residents into %d places" % (len(people), CAPACITY))
    for person in people:
        try:
            client.post("partner-programmes/%s/enrolments" % course["id"], {"nik": person["nik"]})
        except ApiError as exc:
            if exc.status not in (409, 422):  # already enrolled (a rerun), or left the registry
                raise
    try:
        client.post("partner-programmes/%s/enrolments" % course["id"], {"nik": older["nik"]})
    except ApiError as exc:
        out("%s (%s years old) is refused with %d: %s" % (older["full_name"], older["age"],
                                                          exc.status, exc.errors))
    page = client.get("partner-programmes/%s/enrolments" % course["id"], params={"per_page": 200})
    counts = _count(page["items"])
    programme = client.get("partner-programmes/%s" % course["id"])
    check(counts.get("accepted", 0) + counts.get("completed", 0) == programme["accepted"],
          "accepted enrolments %s vs the programme's %s" % (counts, programme["accepted"]))
    out("Accepted %d, waiting %d. %s" % (programme["accepted"], programme["waitlisted"],
                                         page["waitlist_order"]))
    waiting = [e for e in page["items"] if e["status"] == "waitlisted"]
    out.table(waiting, ["waitlist_position", "full_name", "rw", "welfare_decile", "requested_at"])
    return page["items"]


def withdraw_two(client, out, course, enrolments):
    waiting = [e for e in enrolments if e["status"] == "waitlisted"][:2]
    leaving = [e for e in enrolments if e["status"] == "accepted"][-2:]
    if len(waiting) < 2:
        return
    out.section("Two trainees withdraw: their places go to the first two waiting")
    for enrolment in leaving:
        client.post("enrolments/%s/withdraw" % enrolment["id"], {
            "reason": "resident_request", "note": "Mendapat pekerjaan"})
    for enrolment in waiting:
        now = client.get("enrolments/%s" % enrolment["id"])
        check(now["status"] == "accepted" and now["promoted"], "%s promoted" % now["full_name"])
        out("%s (waiting #%d, decile %s) is now accepted." % (
            now["full_name"], enrolment["waitlist_position"], enrolment["welfare_decile"]))


def sessions_and_completion(client, out, course, today, keep=None):
    out.section("Five sessions with attendance, then completion (80% attendance needed)")
    held = client.get("partner-programmes/%s/sessions" % course["id"])["items"]
    accepted = [e for e in client.get("partner-programmes/%s/enrolments" % course["id"], params={
        "status": "accepted", "per_page": 200})["items"]]
    # two who miss two of five sessions (never the one whose family we follow)
    absent = {e["id"] for e in [e for e in accepted if e["id"] != keep][-2:]}
    topics = ("Memasak untuk dijual", "Menghitung harga", "Pembukuan sederhana",
              "Izin PIRT dan halal", "Berjualan lewat WhatsApp")
    for i, topic in enumerate(topics[len(held):], start=len(held)):
        session = client.post("partner-programmes/%s/sessions" % course["id"], {
            "held_on": days(today, 28 - 7 * i), "starts_at": "09:00", "ends_at": "12:00",
            "location": "Balai Warga RW 05", "facilitator": "Chef Ani Rahmawati", "topic": topic})
        client.post("sessions/%s/attendance" % session["id"], {"entries": [
            {"enrolment_id": e["id"], "status": "excused" if e["id"] in absent and i < 2
             else "attended", "reason": "sakit" if e["id"] in absent and i < 2 else None}
            for e in accepted]})
    completed, refused = [], []
    for n, enrolment in enumerate(accepted):
        outcome = "business_started" if n < 3 else "certificate"
        try:
            completed.append(client.post("enrolments/%s/complete" % enrolment["id"],
                                         {"outcome": outcome}))
        except ApiError as exc:
            if exc.status != 422:
                raise
            refused.append((enrolment, exc))
    out("%d trainees completed (3 of them started a business)." % len(completed))
    for enrolment, exc in refused:
        out("%s could not complete: %s" % (enrolment["full_name"], exc.detail))
    return completed


def not_yet_candidate(client, course):
    """An accepted trainee whose family is not (yet) a UMKM_DESA candidate, with the
    training criterion as distribution explains it; None when there is none."""
    accepted = client.get("partner-programmes/%s/enrolments" % course["id"], params={
        "status": "accepted", "per_page": 200})["items"]
    for enrolment in accepted:
        answer = client.get("eligibility", params={"nik": enrolment["nik"],
                                                   "programme": "UMKM_DESA"})
        if not answer["eligible"]:
            return enrolment, _trained(answer)
    return None


def business_capital(client, out, before, completed):
    out.section("A completed training makes a business-capital candidate (distribution)")
    done = next((d for d in completed if before and d["id"] == before[0]["id"]), None)
    if done is None:
        out("(no trainee's family was left to become a candidate: a rerun)")
        return
    nik = done["nik"]
    out("Before: %s's family was not eligible for UMKM_DESA; \"%s\" = %s." % (
        done["full_name"], before[1]["criterion"], before[1]["value"]))
    answer = poll(lambda: _eligible(client, nik), "distribution to learn the completion")
    trained = _trained(answer)
    out("After the training (%s): eligible %s; \"%s\" = %s." % (
        done["outcome"], answer["eligible"], trained["criterion"], trained["value"]))
    check(trained["value"] is True and answer["eligible"], "the training made a candidate")
    rounds = client.get("rounds", params={"programme": "UMKM_DESA", "per_page": 50})["items"]
    for rnd in rounds:
        made = client.post("rounds/%s/allocations" % rnd["id"])
        out("Round %s generated again: %d new pending, %d new waiting." % (
            rnd["name"], made["created"], made["waiting"]))
    family = client.get("residents/%s" % nik)["kk_number"]
    allocations = client.get("families/%s/programmes" % family)["programmes"]
    umkm = [a for p in allocations if p["programme_code"] == "UMKM_DESA"
            for a in p["allocations"]]
    check(umkm or not rounds, "the trained family has a UMKM_DESA allocation")
    for alloc in umkm:
        out("Family KK %s: UMKM_DESA allocation %s, Rp%s, %s." % (
            family, alloc["id"], _rp(alloc["amount_idr"]), alloc["status"]))


def as_the_partner(client, out, partner, course, year):
    out.section("The partner's own token")
    mine = partner_token(client, partner)
    page = mine.get("partner-programmes/%s/enrolments" % course["id"], params={"per_page": 3})
    out("It sees its enrolments with name, RT/RW and a masked NIK:")
    out.table(page["items"], ["full_name", "rt", "rw", "nik", "status"])
    report = mine.get("partners/%s/reports/%d" % (partner["id"], year))
    reached = report["reached"]
    out("Year %d: pledged Rp%s, delivered Rp%s; reached %d residents (by sex %s, by age band %s, "
        "receiving aid %s); %d sessions, attendance %s%%; outcomes %s." % (
            year, _rp(report["pledged"]["amount_idr"]), _rp(report["delivered"]["amount_idr"]),
            reached["total"], reached["by_sex"], reached["by_age_band"], reached["by_aid"],
            report["sessions_held"], report["attendance_pct"],
            {k: v for k, v in report["outcomes"].items() if v}))
    enrolled = client.get("partner-programmes/%s/enrolments" % course["id"], params={"per_page": 200})
    held = {e["nik"] for e in enrolled["items"] if e["status"] in ("accepted", "completed")}
    check(reached["total"] >= len(held), "the report reaches %d >= %d enrolled" % (
        reached["total"], len(held)))


def run(client, out):
    """The CSR part of the main job; see the module docstring."""
    today = datetime.date.today()
    families = sample_residents(client, out, today)
    partner, course = setup(client, out, today)
    people = trainees(families)[:ENROLLED]
    older = next(m for ms in families.values() for m in ms if m["age"] >= 45 and m["nik"])
    enrolments = enrol_all(client, out, course, people, older)
    withdraw_two(client, out, course, enrolments)
    before = not_yet_candidate(client, course)
    completed = sessions_and_completion(client, out, course, today,
                                        before[0]["id"] if before else None)
    business_capital(client, out, before, completed)
    as_the_partner(client, out, partner, course, today.year)


def _eligible(client, nik):
    answer = client.get("eligibility", params={"nik": nik, "programme": "UMKM_DESA"})
    return answer if answer["eligible"] else None


def _trained(answer):
    """UMKM_DESA's criterion "a member completed an entrepreneurship training"."""
    return next(c for c in answer["criteria"] if c["path"] == "criteria.all.1.any.1")


def _count(items):
    out = {}
    for item in items:
        out[item["status"]] = out.get(item["status"], 0) + 1
    return out


def _rp(amount):
    return format(amount or 0, ",").replace(",", ".")
