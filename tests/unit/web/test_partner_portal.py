"""A partner's own pages (/mitra-saya) as a browser without JavaScript sees them: what
the pages show of the API's answers and what they send with the partner's session."""
import pytest

from services.partners.contract import requests as contract
from tests.unit.web.conftest import csrf_of, login
from web.pages import partner_portal

PARTNER = {"id": "prt_1", "name": "PT Sumber Rejeki", "kind": "company",
           "contact_name": "Bu Rina", "contact_phone": "081234567890", "address": None,
           "verification": "pending", "verification_note": None, "verified_at": None}
PROGRAMME = {"id": "pp_1", "partner_id": "prt_1", "partner_name": "PT Sumber Rejeki",
             "title": "Pelatihan wirausaha kuliner", "kind": "training",
             "description": "Delapan sesi.", "location": "Aula RW 05",
             "starts_on": "2026-09-01", "ends_on": "2026-09-30", "capacity": 2, "accepted": 2,
             "waitlisted": 2, "places_left": 0, "criteria_text": ["Umur 15 sampai 30 tahun"],
             "public": False, "version": 1}
SESSION = {"id": "ses_1", "programme_id": "pp_1", "held_on": "2026-09-02", "starts_at": "09:00",
           "ends_at": "11:00", "minutes": 120, "location": "Aula RW 05",
           "facilitator": "Pak Joko", "topic": "Harga pokok",
           "attendance": [{"enrolment_id": "en_1", "full_name": "Andi", "status": "attended",
                           "reason": None}], "counts": {"attended": 1}, "version": 1}


def enrolment(enrolment_id, name, status, position=None):
    out = {"id": enrolment_id, "programme_id": "pp_1", "nik": "3174********%04d" % len(name),
           "full_name": name, "rt": "001", "rw": "005", "status": status, "version": 1}
    if position:
        out["waitlist_position"] = position
    return out


ROSTER = {"items": [enrolment("en_1", "Andi", "accepted"), enrolment("en_2", "Budi", "accepted"),
                    enrolment("en_4", "Dewi", "waitlisted", 2),
                    enrolment("en_3", "Citra", "waitlisted", 1)],
          "page": 1, "per_page": 200, "total": 4,
          "waitlist_order": "Yang mendaftar lebih dulu dilayani lebih dulu."}


def page_of(items):
    return {"items": items, "page": 1, "per_page": 100, "total": len(items)}


@pytest.fixture
def partner(browser, gateway):
    """The browser logged in as staff of the partner prt_1 (landing on /mitra-saya)."""
    gateway.route("GET", "partners/prt_1", PARTNER)
    gateway.route("GET", "partners/prt_1/programmes", page_of([PROGRAMME]))
    gateway.route("GET", r"partners/prt_1/commitments/\d{4}", {
        "partner_id": "prt_1", "year": 2026, "in_kind": "Bahan ajar", "note": None,
        "pledged": {"amount_idr": 50000000, "in_kind_value_idr": 5000000, "trainer_hours": 40},
        "delivered": {"amount_idr": 20000000, "in_kind_value_idr": 0, "trainer_hours": 6},
        "deliveries": []})
    gateway.route("GET", "partner-programmes/pp_1", PROGRAMME)
    gateway.route("GET", "partner-programmes/pp_1/enrolments", ROSTER)
    gateway.route("GET", "partner-programmes/pp_1/sessions", page_of([SESSION]))
    landed = login(browser, gateway, role="partner", next="", partner_id="prt_1")
    assert landed.status_code == 303 and landed.headers["Location"].endswith("/mitra-saya")
    return browser


def test_the_lists_of_choices_are_the_services_own():
    assert partner_portal.ATTENDANCE == contract.ATTENDANCE
    assert partner_portal.SESSION_KINDS == contract.SESSION_KINDS
    assert partner_portal.GROUPS == tuple(sorted(contract.ENROLMENT_STATUSES, key=(
        "accepted", "completed", "waitlisted", "withdrawn").index))


def test_home_shows_the_record_its_verification_programmes_and_the_pledge(partner, gateway):
    page = partner.get("/mitra-saya")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for text in ("PT Sumber Rejeki", "Menunggu", "menunggu verifikasi admin kelurahan",
                 "Pelatihan wirausaha kuliner", "2 dari 2 terisi", "Rp50.000.000",
                 "Rp20.000.000", "Bu Rina"):
        assert text in html, text
    assert gateway.last("GET", "partners/prt_1")[3]["Authorization"] == "Bearer bs_session"


def test_a_year_without_a_pledge_reads_as_such(partner, gateway):
    gateway.route("GET", r"partners/prt_1/commitments/\d{4}", {"status": 404}, status=404)
    html = partner.get("/mitra-saya").get_data(as_text=True)
    assert "Belum ada komitmen" in html


def test_a_new_programme_is_a_draft_until_it_is_published(partner, gateway):
    html = partner.get("/mitra-saya/program/baru").get_data(as_text=True)
    form = {"csrf_token": csrf_of(html), "step": "draft", "title": "Kelas menjahit",
            "kind": "training", "description": "Empat sesi.", "location": "Balai RW 02",
            "starts_on": "2026-10-01", "ends_on": "2026-10-31", "capacity": "15",
            "required_attendance_pct": "75"}
    draft = partner.post("/mitra-saya/program/baru", data=form)
    html = draft.get_data(as_text=True)
    assert draft.status_code == 200 and "Draf" in html and "Kelas menjahit" in html
    assert not [c for c in gateway.calls if c[0] == "POST" and "programmes" in c[1]]
    gateway.route("POST", "partners/prt_1/programmes", dict(PROGRAMME, id="pp_9"), status=201)
    page = partner.post("/mitra-saya/program/baru", data=dict(form, step="publish"))
    assert page.status_code == 303 and page.headers["Location"].endswith(
        "/mitra-saya/program/pp_9?selesai=published")
    assert gateway.last("POST", "partners/prt_1/programmes")[2] == {
        "title": "Kelas menjahit", "kind": "training", "description": "Empat sesi.",
        "location": "Balai RW 02", "starts_on": "2026-10-01", "ends_on": "2026-10-31",
        "capacity": 15, "required_attendance_pct": 75}


def test_a_refused_programme_puts_the_apis_words_beside_the_field(partner, gateway):
    html = partner.get("/mitra-saya/program/baru").get_data(as_text=True)
    gateway.route("POST", "partners/prt_1/programmes", {"status": 400, "errors": {
        "ends_on": ["must not be before starts_on"]}}, status=400)
    page = partner.post("/mitra-saya/program/baru", data={
        "csrf_token": csrf_of(html), "step": "publish", "title": "Kelas", "kind": "training",
        "description": "x", "location": "y", "starts_on": "2026-10-31",
        "ends_on": "2026-10-01", "capacity": "5"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and 'id="ends_on-error"' in html
    page = partner.post("/mitra-saya/program/baru", data={
        "csrf_token": csrf_of(html), "step": "draft", "title": "Kelas", "kind": "training",
        "description": "x", "location": "y", "starts_on": "2026-02-31", "ends_on": "",
        "capacity": "lima"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and 'id="starts_on-error"' in html
    assert 'id="capacity-error"' in html


def test_the_roster_masks_niks_and_keeps_the_waiting_list_in_its_order(partner, gateway):
    html = partner.get("/mitra-saya/program/pp_1").get_data(as_text=True)
    assert "3174********0004" in html and "RT 001/RW 005" in html
    waiting = html.split('id="g-waitlisted"')[1].split('id="g-completed"')[0]
    assert waiting.index("Citra") < waiting.index("Dewi") and "Urutan 1" in waiting
    assert "Yang mendaftar lebih dulu" in waiting
    assert "Harga pokok" in html and "Hadir 1" in html


def test_enrol_by_nik_sends_the_digits_and_names_the_place(partner, gateway):
    html = partner.get("/mitra-saya/program/pp_1").get_data(as_text=True)
    gateway.route("POST", "partner-programmes/pp_1/enrolments", dict(
        enrolment("en_5", "Eka", "waitlisted", 3)), status=201)
    page = partner.post("/mitra-saya/program/pp_1", data={
        "csrf_token": csrf_of(html), "nik": "3174 0910 0580 0009"})
    assert page.status_code == 303 and "selesai=waitlisted" in page.headers["Location"]
    assert "urutan=3" in page.headers["Location"]
    assert gateway.last("POST", "partner-programmes/pp_1/enrolments")[2] == {
        "nik": "3174091005800009"}
    gateway.route("POST", "partner-programmes/pp_1/enrolments", {
        "status": 422, "detail": "Not eligible: age is 45, needs 15 to 30."}, status=422)
    page = partner.post("/mitra-saya/program/pp_1", data={
        "csrf_token": csrf_of(html), "nik": "3174091005800009"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and 'id="nik-error"' in html and "age is 45" in html


def test_complete_and_withdraw_send_the_choice(partner, gateway):
    html = partner.get("/mitra-saya/program/pp_1").get_data(as_text=True)
    gateway.route("POST", "enrolments/en_1/complete", enrolment("en_1", "Andi", "completed"))
    page = partner.post("/mitra-saya/peserta/en_1", data={
        "csrf_token": csrf_of(html), "programme_id": "pp_1", "action": "complete",
        "outcome": "certificate", "completed_on": "2026-09-30"})
    assert page.status_code == 303 and "selesai=completed" in page.headers["Location"]
    assert gateway.last("POST", "enrolments/en_1/complete")[2] == {
        "outcome": "certificate", "completed_on": "2026-09-30"}
    gateway.route("POST", "enrolments/en_3/withdraw", {
        "status": 409, "detail": "The enrolment is withdrawn already."}, status=409)
    page = partner.post("/mitra-saya/peserta/en_3", data={
        "csrf_token": csrf_of(html), "programme_id": "pp_1", "action": "withdraw",
        "reason": "resident_request"})
    assert page.status_code == 409 and 'id="e-en_3-error"' in page.get_data(as_text=True)


def test_the_portal_sends_no_note_with_an_action_and_refuses_a_date_that_does_not_exist(
        partner, gateway):
    html = partner.get("/mitra-saya/program/pp_1").get_data(as_text=True)
    gateway.route("POST", "enrolments/en_3/withdraw", enrolment("en_3", "Citra", "withdrawn"))
    partner.post("/mitra-saya/peserta/en_3", data={
        "csrf_token": csrf_of(html), "programme_id": "pp_1", "action": "withdraw",
        "reason": "resident_request", "note": "pindah kota"})
    assert gateway.last("POST", "enrolments/en_3/withdraw")[2] == {"reason": "resident_request"}
    sent = len(gateway.calls)
    page = partner.post("/mitra-saya/peserta/en_1", data={
        "csrf_token": csrf_of(html), "programme_id": "pp_1", "action": "complete",
        "outcome": "certificate", "completed_on": "2026-02-30"})
    assert page.status_code == 400 and 'id="e-en_1-error"' in page.get_data(as_text=True)
    assert not [c for c in gateway.calls[sent:] if c[0] == "POST"]


@pytest.mark.parametrize("done, words", [("session", "Sesi sudah ditambahkan."),
                                         ("attendance", "Daftar hadir sudah disimpan."),
                                         ("withdrawn", "Peserta dikeluarkan")])
def test_the_programme_page_says_what_was_just_done(partner, done, words):
    html = partner.get("/mitra-saya/program/pp_1?selesai=" + done).get_data(as_text=True)
    assert words in html

def test_a_session_is_added_and_its_refusal_reads_beside_the_field(partner, gateway):
    html = partner.get("/mitra-saya/program/pp_1").get_data(as_text=True)
    form = {"csrf_token": csrf_of(html), "s-held_on": "2026-09-09", "s-starts_at": "09:00",
            "s-ends_at": "11:00", "s-location": "Aula RW 05", "s-facilitator": "Pak Joko",
            "s-topic": ""}
    gateway.route("POST", "partner-programmes/pp_1/sessions", SESSION, status=201)
    page = partner.post("/mitra-saya/program/pp_1/sesi", data=form)
    assert page.status_code == 303 and "selesai=session" in page.headers["Location"]
    assert gateway.last("POST", "partner-programmes/pp_1/sessions")[2] == {
        "held_on": "2026-09-09", "starts_at": "09:00", "ends_at": "11:00",
        "location": "Aula RW 05", "facilitator": "Pak Joko"}
    gateway.route("POST", "partner-programmes/pp_1/sessions", {"status": 400, "errors": {
        "ends_at": ["must be after starts_at"]}}, status=400)
    page = partner.post("/mitra-saya/program/pp_1/sesi", data=dict(form, **{"s-ends_at": "08:00"}))
    assert page.status_code == 400 and 'id="s-ends_at-error"' in page.get_data(as_text=True)


def test_attendance_is_recorded_for_each_enrolled_resident_in_one_call(partner, gateway):
    gateway.route("GET", "partner-programmes/pp_1/enrolments", {
        "items": ROSTER["items"][:2], "page": 1, "per_page": 200, "total": 2})
    html = partner.get("/mitra-saya/program/pp_1/sesi/ses_1").get_data(as_text=True)
    assert gateway.query("GET", "partner-programmes/pp_1/enrolments")["status"] == "accepted"
    assert 'id="status-en_1-attended" name="status-en_1" value="attended" checked' in html
    page = partner.post("/mitra-saya/program/pp_1/sesi/ses_1", data={
        "csrf_token": csrf_of(html), "status-en_1": "attended", "status-en_2": "excused",
        "reason-en_2": ""})
    assert page.status_code == 400 and 'id="reason-en_2-error"' in page.get_data(as_text=True)
    assert not [c for c in gateway.calls if c[1] == "sessions/ses_1/attendance"]
    gateway.route("POST", "sessions/ses_1/attendance", {"status": 422, "detail": (
        "The session is on 2026-09-02: attendance is marked once it is held.")}, status=422)
    page = partner.post("/mitra-saya/program/pp_1/sesi/ses_1", data={
        "csrf_token": csrf_of(html), "status-en_1": "attended"})
    assert page.status_code == 422
    assert "kehadiran baru bisa dicatat setelah sesi berlangsung" in page.get_data(as_text=True)
    gateway.route("POST", "sessions/ses_1/attendance", SESSION)
    page = partner.post("/mitra-saya/program/pp_1/sesi/ses_1", data={
        "csrf_token": csrf_of(html), "status-en_1": "attended", "status-en_2": "excused",
        "reason-en_2": "Sakit"})
    assert page.status_code == 303 and "selesai=attendance" in page.headers["Location"]
    assert gateway.last("POST", "sessions/ses_1/attendance")[2] == {"entries": [
        {"enrolment_id": "en_1", "status": "attended"},
        {"enrolment_id": "en_2", "status": "excused", "reason": "Sakit"}]}


def test_the_yearly_report_shows_pledged_delivered_and_reach(partner, gateway):
    gateway.route("GET", "partners/prt_1/reports/2025", {
        "partner_id": "prt_1", "partner_name": "PT Sumber Rejeki", "year": 2025,
        "pledged": {"amount_idr": 10000000, "in_kind_value_idr": 0, "trainer_hours": 10},
        "delivered": {"amount_idr": 7500000, "in_kind_value_idr": 0, "trainer_hours": 8},
        "reached": {"total": 37, "by_sex": {}, "by_age_band": {}, "by_rw": {}, "by_aid": {}},
        "sessions_held": 8, "session_hours": 16, "attendance_pct": 88,
        "enrolments": {"completed": 30}, "outcomes": {"certificate": 30}, "doses_given": 0,
        "visits_made": 0, "programmes": [dict(PROGRAMME, enrolments={"completed": 30},
                                              outcomes={}, sessions_held=8,
                                              doses_or_visits=0)]})
    html = partner.get("/mitra-saya/laporan?tahun=2025").get_data(as_text=True)
    for text in ("Laporan mitra 2025", "Rp10.000.000", "Rp7.500.000", "37", "88%",
                 "Pelatihan wirausaha kuliner"):
        assert text in html, text


def test_another_partners_programme_is_a_404_page(partner, gateway):
    gateway.route("GET", "partner-programmes/pp_other", {"status": 404}, status=404)
    assert partner.get("/mitra-saya/program/pp_other").status_code == 404


def test_an_officer_may_not_open_the_partner_portal(browser, gateway):
    login(browser, gateway, role="officer")
    browser.set_cookie("bt_session", "bs_session", path="/mitra-saya")
    assert browser.get("/mitra-saya").status_code == 403
    assert not [c for c in gateway.calls if c[1].startswith("partners/")]
