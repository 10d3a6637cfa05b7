"""Partners over HTTP: a partner from registration to a completed enrolment, scoping of
partner tokens (another partner's ids answer 404, NIKs masked), the registry's
effects, and the Puskesmas' schedules. Every answer is checked against openapi.json.
Each test's programmes admit only its own families (criteria on their KK numbers),
so what other tests add never changes the counts."""
import csv
import datetime
import io
import uuid

import pytest

from tests.helpers import wait_for
from tests.support.api import ApiError
from tests.unit.registry import factories

pytestmark = pytest.mark.e2e
TODAY = datetime.date.today()


def days(ago):
    return (TODAY - datetime.timedelta(days=ago)).isoformat()


def fails(call, status):
    with pytest.raises(ApiError) as exc:
        call()
    assert exc.value.status == status, exc.value
    return exc.value.problem


def family(officer, *members, decile=2):
    """A registered household the partners service knows; returns its members (with NIKs)."""
    household = officer.post("households", factories.household(
        welfare_decile=decile, members=list(members)))
    for member in household["members"]:
        wait_for(lambda nik=member["nik"]: _known(officer, nik), timeout=30,
                 message="partners never saw %s" % member["nik"])
    return household


def _known(officer, nik):
    try:
        officer.get("residents/%s/enrolments" % nik)
    except ApiError as exc:
        assert exc.status == 404
        return False
    return True


def youth(year_of_birth=2004, sex="M"):
    return factories.person("head", sex, datetime.date(year_of_birth, 5, 17),
                            marital_status="single", occupation_code=1)


def partner(admin, officer, kind="company", verify=True):
    body = {"name": "Mitra Uji %s" % uuid.uuid4().hex[:6], "kind": kind,
            "contact_name": "Bu Rina", "contact_phone": "081234567890"}
    created = officer.post("partners", body)
    assert created["verification"] == "pending"
    return admin.post("partners/%s/verify" % created["id"], {}) if verify else created


def course(client, owner, kks, capacity=2, **extra):
    body = {"title": "Pelatihan Uji %s" % uuid.uuid4().hex[:6], "kind": "training",
            "description": "Pelatihan kewirausahaan.", "location": "Balai RW 03",
            "starts_on": days(10), "ends_on": days(-20), "capacity": capacity,
            "topics": ["entrepreneurship"], "criteria": {"all": [
                {"attr": "member.age", "op": "between", "value": [15, 30],
                 "label": "Usia 15-30 tahun"},
                {"attr": "household.kk_number", "op": "in", "value": list(kks)}]}}
    body.update(extra)
    return client.post("partners/%s/programmes" % owner["id"], body)


def test_a_partner_from_registration_to_a_completed_enrolment(admin, officer, public,
                                                              make_client):
    people = [family(officer, youth(2002 + i, "MF"[i % 2]), decile=1 + i) for i in range(3)]
    kks = [h["kk_number"] for h in people]
    pending = partner(admin, officer, verify=False)
    draft = course(officer, pending, kks)
    assert draft["public"] is False
    fails(lambda: public.get("partner-programmes/%s" % draft["id"]), 404)
    owner = admin.post("partners/%s/verify" % pending["id"], {"note": "dokumen lengkap"})
    assert owner["verification"] == "verified"
    listed = public.get("partner-programmes", {"per_page": 200})["items"]
    shown = next(p for p in listed if p["id"] == draft["id"])
    assert (shown["places_left"], shown["criteria_text"][0]) == (2, "Usia 15-30 tahun")

    mine = make_client("partner", partner_id=owner["id"])
    answers = [mine.post("partner-programmes/%s/enrolments" % draft["id"],
                         {"nik": h["members"][0]["nik"]}) for h in people]
    assert [a["status"] for a in answers] == ["accepted", "accepted", "waitlisted"]
    assert answers[0]["nik"].count("*") == 8 and "kk_number" not in answers[0]
    too_old = family(officer, youth(1970))
    refused = fails(lambda: officer.post("partner-programmes/%s/enrolments" % draft["id"],
                                         {"nik": too_old["members"][0]["nik"]}), 422)
    assert refused["errors"]["criteria.all.0"][0].startswith("Usia 15-30 tahun (nilai:")
    assert "criteria.all.1" in refused["errors"]

    mine.post("enrolments/%s/withdraw" % answers[1]["id"], {"reason": "resident_request"})
    assert mine.get("enrolments/%s" % answers[2]["id"])["status"] == "accepted"
    session = mine.post("partner-programmes/%s/sessions" % draft["id"], {
        "held_on": days(1), "starts_at": "09:00", "ends_at": "12:00", "location": "Balai RW 03",
        "facilitator": "Chef Ani"})
    mine.post("sessions/%s/attendance" % session["id"], {"entries": [
        {"enrolment_id": answers[0]["id"], "status": "attended"},
        {"enrolment_id": answers[2]["id"], "status": "excused", "reason": "sakit"}]})
    done = mine.post("enrolments/%s/complete" % answers[0]["id"], {"outcome": "certificate"})
    assert (done["status"], done["attendance"]["attendance_pct"]) == ("completed", 100)
    fails(lambda: mine.post("enrolments/%s/complete" % answers[2]["id"],
                            {"outcome": "certificate"}), 422)
    page = officer.get("partner-programmes/%s/enrolments" % draft["id"])
    assert page["total"] == 3 and page["items"][0]["nik"] == people[0]["members"][0]["nik"]

    report = mine.get("partners/%s/reports/%d" % (owner["id"], TODAY.year))
    assert report["reached"]["total"] == 2 and report["outcomes"]["certificate"] == 1
    text = mine.raw("GET", "partners/%s/reports/%d" % (owner["id"], TODAY.year),
                    params={"format": "csv"}).text
    assert ["reached", "total", "2"] in list(csv.reader(io.StringIO(text)))
    overview = officer.get("partner-reports/%d" % TODAY.year)
    assert next(r for r in overview["partners"] if r["partner_id"] == owner["id"])["reached"] == 2
    fails(lambda: mine.get("partner-reports/%d" % TODAY.year), 403)
    audit = admin.get("audit", {"subject": people[0]["members"][0]["nik"]})["items"]
    assert {"enrol", "read_enrolments"} <= {a["action"] for a in audit}


def test_a_partner_token_reaches_only_its_own_partner(admin, officer, make_client):
    people = family(officer, youth())
    ours, theirs = partner(admin, officer), partner(admin, officer, kind="ngo")
    mine = make_client("partner", partner_id=ours["id"])
    their_course = course(officer, theirs, [people["kk_number"]])
    enrolment = officer.post("partner-programmes/%s/enrolments" % their_course["id"],
                             {"nik": people["members"][0]["nik"]})
    for call in (lambda: mine.get("partners/%s" % theirs["id"]),
                 lambda: mine.get("partners/%s/programmes" % theirs["id"]),
                 lambda: mine.post("partners/%s/programmes" % theirs["id"], {}),
                 lambda: mine.get("partner-programmes/%s/enrolments" % their_course["id"]),
                 lambda: mine.post("partner-programmes/%s/enrolments" % their_course["id"],
                                   {"nik": people["members"][0]["nik"]}),
                 lambda: mine.get("enrolments/%s" % enrolment["id"]),
                 lambda: mine.post("enrolments/%s/withdraw" % enrolment["id"],
                                   {"reason": "other"}),
                 lambda: mine.get("partners/%s/reports/%d" % (theirs["id"], TODAY.year))):
        fails(call, 404)
    assert [p["id"] for p in mine.get("partners")["items"]] == [ours["id"]]
    public_view = mine.get("partner-programmes/%s" % their_course["id"])
    assert "criteria" not in public_view and public_view["places_left"] == 1
    fails(lambda: mine.get("residents/%s/enrolments" % people["members"][0]["nik"]), 403)
    fails(lambda: mine.post("partners/%s/verify" % ours["id"], {}), 403)


def test_a_deactivated_resident_is_withdrawn_and_the_place_passed_on(admin, officer):
    first, second = family(officer, youth(2001)), family(officer, youth(2003))
    owner = partner(admin, officer)
    training = course(officer, owner, [first["kk_number"], second["kk_number"]], capacity=1)
    held = officer.post("partner-programmes/%s/enrolments" % training["id"],
                        {"nik": first["members"][0]["nik"]})
    waiting = officer.post("partner-programmes/%s/enrolments" % training["id"],
                           {"nik": second["members"][0]["nik"]})
    officer.post("residents/%s/deactivate" % first["members"][0]["nik"], {"reason": "moved_out"})
    wait_for(lambda: officer.get("enrolments/%s" % waiting["id"])["status"] == "accepted",
             timeout=30)
    gone = officer.get("enrolments/%s" % held["id"])
    assert (gone["status"], gone["withdraw_reason"]) == ("withdrawn", "resident_inactive")


def test_the_puskesmas_schedules_a_newborn_and_the_cadre_records_a_dose(admin, officer,
                                                                        public, make_client,
                                                                        client_ip):
    owner = partner(admin, officer, kind="health_facility")
    rw = "%03d" % (100 + int(uuid.uuid4().int % 800))  # a posyandu area of this test only
    programme = officer.post("partners/%s/programmes" % owner["id"], {
        "title": "Imunisasi Uji", "kind": "immunisation", "description": "Imunisasi rutin.",
        "location": "Posyandu RW %s" % rw, "starts_on": days(60), "ends_on": days(-300),
        "capacity": 500, "criteria": {"all": [
            {"attr": "member.age_months", "op": "lt", "value": 60},
            {"attr": "household.rw", "op": "eq", "value": rw}]}})
    assert programme["schedule"]["items"][0]["item"] == "HB-0"
    assert programme["scheduling"]["status"] == "pending"  # made after the answer, not in it
    done = wait_for(lambda: officer.get("partner-programmes/%s" % programme["id"])[
        "scheduling"]["done_at"], timeout=30)
    assert officer.get("partner-programmes/%s" % programme["id"])["scheduling"] == {
        "status": "done", "requested_at": programme["scheduling"]["requested_at"],
        "done_at": done, "created": 0, "changed": 0,  # nobody in this RW yet
        "error": None, "attempts": 0, "next_attempt_at": None}
    mother = factories.person("head", "F", datetime.date(1996, 3, 3))
    baby = factories.person("child", "F", TODAY - datetime.timedelta(days=40),
                            marital_status="single", occupation_code=1)
    household = officer.post("households", factories.household(rw=rw, members=[mother, baby]))
    baby_nik = household["members"][1]["nik"]
    cadre = make_client("partner", partner_id=owner["id"])
    listed = wait_for(lambda: cadre.get("partner-programmes/%s/appointments" % programme["id"],
                                        {"rw": rw, "view": "all"})["items"], timeout=30)
    assert {a["nik"][-4:] for a in listed} == {baby_nik[-4:]} and len(listed) == 20
    assert "*" in listed[0]["nik"] and "resident_id" not in listed[0]
    late = cadre.get("partner-programmes/%s/appointments" % programme["id"],
                     {"rw": rw, "view": "overdue"})
    assert [a["item"] for a in late["items"]] == ["HB-0"] and late["counts"]["overdue"] == 1
    given = cadre.post("appointments/%s/record" % late["items"][0]["id"], {
        "done_on": days(0), "batch": "HB-2611"})
    assert given["status"] == "done"
    fails(lambda: cadre.post("appointments/%s/record" % given["id"], {"done_on": days(0)}), 409)
    mine = officer.get("residents/%s/appointments" % baby_nik)
    assert {a["status"] for a in mine["appointments"]} >= {"done", "scheduled"}
    checked = public.post("appointment-check", {"nik": baby_nik,
                                                "birth_date": household["members"][1][
                                                    "birth_date"]},
                          headers={"X-Forwarded-For": client_ip})
    assert checked["full_name"] == household["members"][1]["full_name"]
    assert "HB-0" not in [a["item"] for a in checked["appointments"]]  # given: nothing to do
    fails(lambda: public.post("appointment-check", {"nik": baby_nik, "birth_date": "2000-01-01"},
                              headers={"X-Forwarded-For": client_ip}), 404)


def test_the_admin_sees_the_partners_projection_and_can_sweep(admin):
    status = admin.get("admin/partners/projection")
    assert status["state"] == "current" and status["residents"] >= 0
    assert admin.post("admin/partners/schedules/sweep")["requested"] >= 0
    assert "announced" in admin.post("admin/partners/overdue-check")
