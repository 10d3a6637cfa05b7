"""Console: partners, a programme's enrolments and waiting list, the cadre's list."""
import pytest

from services.partners import contract
from tests.unit.web.conftest import csrf_of, login
from web.pages import partners_console as pages

PARTNER = {"id": "par_1", "name": "PT Sumber Rejeki", "kind": "company",
           "contact_name": "Bu Rina", "contact_phone": "081298765432", "address": None,
           "verification": "pending", "verification_note": None, "verified_at": None}
PROGRAMME = {"id": "pp_1", "partner_id": "par_1", "partner_name": "PT Sumber Rejeki",
             "title": "Pelatihan wirausaha kuliner", "kind": "training",
             "description": "Delapan sesi.", "location": "Aula RW 05",
             "starts_on": "2026-09-01", "ends_on": "2026-09-30", "capacity": 2, "accepted": 2,
             "waitlisted": 1, "places_left": 0, "criteria_text": ["Umur 15 sampai 30 tahun"],
             "public": True}
HEALTH = dict(PROGRAMME, id="pp_2", title="Imunisasi Posyandu Melati", kind="immunisation",
              scheduling={"status": "done", "requested_at": "2026-10-01T02:00:00Z",
                          "done_at": "2026-10-01T02:01:10Z", "created": 1240, "changed": 0})


def _enrolment(eid, status, name, **extra):
    return dict({"id": eid, "programme_id": "pp_1", "status": status, "full_name": name,
                 "nik": "3174091005******", "rt": "003", "rw": "005",
                 "welfare_decile": 2}, **extra)


ENROLMENTS = {"items": [_enrolment("en_1", "accepted", "Andi"),
                        _enrolment("en_2", "accepted", "Budi", promoted=True),
                        _enrolment("en_3", "waitlisted", "Citra", waitlist_position=1)],
              "page": 1, "per_page": 200, "total": 3, "waitlist_order": contract.WAITLIST_ORDER}


@pytest.fixture
def officer(browser, gateway):
    login(browser, gateway)
    gateway.route("GET", "partners", {"items": [PARTNER], "page": 1, "per_page": 100,
                                      "total": 1})
    gateway.route("GET", "partners/par_1", PARTNER)
    gateway.route("GET", "partners/par_1/programmes", {"items": [PROGRAMME], "page": 1,
                                                       "per_page": 100, "total": 1})
    gateway.route("GET", "partner-programmes/pp_1", PROGRAMME)
    gateway.route("GET", "partner-programmes/pp_2", HEALTH)
    gateway.route("GET", "partner-programmes/pp_[12]/enrolments", ENROLMENTS)
    return browser


def test_the_lists_are_the_contracts():
    assert pages.PARTNER_KINDS == contract.PARTNER_KINDS
    assert pages.VERIFICATIONS == contract.VERIFICATIONS
    assert pages.WITHDRAW_REASONS == contract.WITHDRAW_REASONS
    assert pages.OUTCOMES == contract.OUTCOMES
    assert pages.HEALTH_KINDS == contract.HEALTH_KINDS
    assert pages.APPOINTMENT_VIEWS == contract.APPOINTMENT_VIEWS


def test_registering_a_partner_and_the_apis_field_errors(officer, gateway):
    html = officer.get("/konsol/mitra").get_data(as_text=True)
    assert "PT Sumber Rejeki" in html and "Menunggu verifikasi" in html
    gateway.route("POST", "partners", {"status": 400, "errors": {
        "contact_phone": ["must be 8 to 15 digits, optionally after a leading +"]}},
        status=400)
    data = {"csrf_token": csrf_of(html), "name": "Yayasan Peduli", "kind": "ngo",
            "contact_name": "Pak Joko", "contact_phone": "12"}
    page = officer.post("/konsol/mitra", data=data)
    assert page.status_code == 400 and 'id="contact_phone-error"' in page.get_data(as_text=True)
    gateway.route("POST", "partners", dict(PARTNER, id="par_2"), status=201)
    page = officer.post("/konsol/mitra", data=dict(data, contact_phone="0812 1111 2222"))
    assert page.status_code == 303 and "/konsol/mitra/par_2" in page.headers["Location"]
    assert gateway.last("POST", "partners")[2] == {
        "name": "Yayasan Peduli", "kind": "ngo", "contact_name": "Pak Joko",
        "contact_phone": "081211112222"}


def test_only_an_admin_verifies_or_suspends_a_partner(officer, gateway):
    html = officer.get("/konsol/mitra/par_1").get_data(as_text=True)
    assert "Verifikasi mitra" not in html and "menunggu verifikasi oleh admin" in html
    page = officer.post("/konsol/mitra/par_1/aksi", data={"csrf_token": csrf_of(html),
                                                         "action": "verify"})
    assert page.status_code == 403
    assert not [c for c in gateway.calls if c[0] == "POST" and c[1].startswith("partners/")]


def test_an_admin_verifies_and_a_suspension_needs_a_reason(browser, gateway):
    login(browser, gateway, role="admin")
    gateway.route("GET", "partners/par_1", PARTNER)
    gateway.route("GET", "partners/par_1/programmes", {"items": [], "page": 1,
                                                       "per_page": 100, "total": 0})
    gateway.route("POST", "partners/par_1/verify", dict(PARTNER, verification="verified"))
    gateway.route("POST", "partners/par_1/suspend", PARTNER)
    token = csrf_of(browser.get("/konsol/mitra/par_1").get_data(as_text=True))
    page = browser.post("/konsol/mitra/par_1/aksi", data={"csrf_token": token,
                                                         "action": "verify"})
    assert page.status_code == 303 and gateway.last("POST", "partners/par_1/verify")[2] == {}
    page = browser.post("/konsol/mitra/par_1/aksi", data={"csrf_token": token,
                                                         "action": "suspend"})
    assert page.status_code == 400 and "Tulis alasannya." in page.get_data(as_text=True)
    browser.post("/konsol/mitra/par_1/aksi", data={"csrf_token": token, "action": "suspend",
                                                  "text": "Tidak menepati janji"})
    assert gateway.last("POST", "partners/par_1/suspend")[2] == {
        "reason": "Tidak menepati janji"}


def test_a_programme_shows_participants_and_the_waiting_list_in_the_services_order(officer):
    html = officer.get("/konsol/mitra/program/pp_1").get_data(as_text=True)
    assert "2 dari 2 terisi" in html and "Naik dari daftar tunggu." in html
    assert contract.WAITLIST_ORDER in html
    assert html.index("Andi") < html.index("Citra")
    assert "Daftar kader" not in html  # a training has no cadre's list


def test_enrolling_says_accepted_or_waitlisted_or_the_failed_criteria(officer, gateway):
    token = csrf_of(officer.get("/konsol/mitra/program/pp_1").get_data(as_text=True))
    gateway.route("POST", "partner-programmes/pp_1/enrolments",
                  _enrolment("en_4", "waitlisted", "Dewi", waitlist_position=2), status=201)
    page = officer.post("/konsol/mitra/program/pp_1", data={"csrf_token": token,
                                                            "nik": "3174 0910 0590 0004"})
    assert page.status_code == 303
    assert gateway.last("POST", "partner-programmes/pp_1/enrolments")[2] == {
        "nik": "3174091005900004"}
    html = officer.get(page.headers["Location"]).get_data(as_text=True)
    assert "Dewi masuk daftar tunggu, urutan 2" in html
    gateway.route("POST", "partner-programmes/pp_1/enrolments", {
        "status": 422, "detail": "The resident does not meet this programme's criteria.",
        "errors": {"criteria.all.0": ["Umur 15 sampai 30 tahun (nilai: 45)"]}}, status=422)
    page = officer.post("/konsol/mitra/program/pp_1", data={"csrf_token": token,
                                                            "nik": "3174091005900005"})
    assert page.status_code == 422 and "Umur 15 sampai 30 tahun (nilai: 45)" in page.get_data(
        as_text=True)


def test_withdraw_and_complete_send_reason_and_outcome(officer, gateway):
    gateway.route("POST", "enrolments/en_1/withdraw", {})
    gateway.route("POST", "enrolments/en_2/complete", {})
    token = csrf_of(officer.get("/konsol/mitra/program/pp_1").get_data(as_text=True))
    page = officer.post("/konsol/mitra/peserta/en_1", data={
        "csrf_token": token, "programme_id": "pp_1", "action": "withdraw",
        "reason": "not_attending"})
    assert page.status_code == 303 and "selesai=withdrawn" in page.headers["Location"]
    assert gateway.last("POST", "enrolments/en_1/withdraw")[2] == {"reason": "not_attending"}
    officer.post("/konsol/mitra/peserta/en_2", data={
        "csrf_token": token, "programme_id": "pp_1", "action": "complete",
        "outcome": "business_started"})
    assert gateway.last("POST", "enrolments/en_2/complete")[2] == {"outcome": "business_started"}
    gateway.route("POST", "enrolments/en_2/complete", {
        "status": 422, "detail": "attended 50% of sessions, 80% required"}, status=422)
    page = officer.post("/konsol/mitra/peserta/en_2", data={
        "csrf_token": token, "programme_id": "pp_1", "action": "complete",
        "outcome": "certificate"})
    assert page.status_code == 422 and "80% required" in page.get_data(as_text=True)


def test_the_officers_note_goes_with_either_action_and_a_bad_choice_sends_nothing(officer,
                                                                                   gateway):
    # the portal's actions send no note (test_partner_portal.py): the shared code
    # keeps the difference as a parameter, pinned here and there
    gateway.route("POST", "enrolments/en_1/withdraw", {})
    gateway.route("POST", "enrolments/en_2/complete", {})
    token = csrf_of(officer.get("/konsol/mitra/program/pp_1").get_data(as_text=True))
    officer.post("/konsol/mitra/peserta/en_1", data={
        "csrf_token": token, "programme_id": "pp_1", "action": "withdraw",
        "reason": "other", "note": " pindah kota "})
    assert gateway.last("POST", "enrolments/en_1/withdraw")[2] == {
        "reason": "other", "note": "pindah kota"}
    officer.post("/konsol/mitra/peserta/en_2", data={
        "csrf_token": token, "programme_id": "pp_1", "action": "complete",
        "outcome": "employed", "completed_on": "2026-09-30", "note": "kerja di pabrik"})
    assert gateway.last("POST", "enrolments/en_2/complete")[2] == {
        "outcome": "employed", "completed_on": "2026-09-30", "note": "kerja di pabrik"}
    sent = len(gateway.calls)
    page = officer.post("/konsol/mitra/peserta/en_1", data={
        "csrf_token": token, "programme_id": "pp_1", "action": "withdraw", "reason": "bosan"})
    assert page.status_code == 400 and 'id="e-en_1-error"' in page.get_data(as_text=True)
    assert not [c for c in gateway.calls[sent:] if c[0] == "POST"]


def test_the_console_shows_no_notice_of_the_portals_own_outcomes(officer):
    html = officer.get("/konsol/mitra/program/pp_1?selesai=session").get_data(as_text=True)
    assert "Sesi sudah ditambahkan." not in html
    html = officer.get("/konsol/mitra/program/pp_1?selesai=completed").get_data(as_text=True)
    assert "Peserta dicatat selesai." in html

def test_the_cadres_list_per_rw_and_recording_a_dose(officer, gateway):
    gateway.route("GET", "partner-programmes/pp_2/appointments", {
        "items": [{"id": "ap_1", "programme_id": "pp_2", "kind": "immunisation",
                   "full_name": "Bayu", "nik": "3174091005******", "rt": "001", "rw": "005",
                   "item": "DPT-HB-Hib 1", "due_on": "2026-10-02", "overdue_on": "2026-10-09",
                   "status": "scheduled", "overdue": True}],
        "page": 1, "per_page": 200, "total": 1, "week_starts_on": "2026-10-12",
        "week_ends_on": "2026-10-18", "view": "due_or_overdue", "rw": "005",
        "programme_title": "Imunisasi Posyandu Melati", "counts": {"due": 3, "overdue": 1}})
    gateway.route("POST", "appointments/ap_1/record", {"item": "DPT-HB-Hib 1",
                                                       "full_name": "Bayu"})
    page = officer.get("/konsol/mitra/program/pp_2").get_data(as_text=True)
    assert "Daftar kader" in page and "1.240 janji temu baru" in page
    assert "terisi" not in page  # places are for enrolments, not for a schedule per child
    gateway.route("GET", "partner-programmes/pp_2", dict(HEALTH, scheduling=dict(
        HEALTH["scheduling"], status="pending")))
    assert "Sedang disusun oleh sistem" in officer.get("/konsol/mitra/program/pp_2").get_data(
        as_text=True)
    gateway.route("GET", "partner-programmes/pp_2", dict(HEALTH, scheduling=dict(
        HEALTH["scheduling"], status="failed", error="RuntimeError: store refused the write",
        attempts=2, next_attempt_at="2026-10-01T02:05:00Z")))
    assert ("Gagal disusun (RuntimeError: store refused the write); sistem mencoba lagi "
            "sendiri pada 1 Oktober 2026 09.05 WIB") in officer.get(
        "/konsol/mitra/program/pp_2").get_data(as_text=True)
    html = officer.get("/konsol/mitra/program/pp_2/jadwal?rw=5").get_data(as_text=True)
    assert gateway.query("GET", "partner-programmes/pp_2/appointments") == {
        "view": "due_or_overdue", "per_page": 200, "rw": "005"}
    assert "Bayu" in html and "Terlambat" in html and "12-18 Oktober 2026" in html
    page = officer.post("/konsol/mitra/jadwal/ap_1", data={
        "csrf_token": csrf_of(html), "programme_id": "pp_2", "rw": "5",
        "lihat": "due_or_overdue", "done_on": "2026-10-13", "batch": "B123"})
    assert page.status_code == 303 and "dicatat=" in page.headers["Location"]
    assert gateway.last("POST", "appointments/ap_1/record")[2] == {"done_on": "2026-10-13",
                                                                   "batch": "B123"}
    page = officer.post("/konsol/mitra/jadwal/ap_1", data={
        "csrf_token": csrf_of(html), "programme_id": "pp_2", "done_on": "2999-01-01"})
    assert page.status_code == 400 and "tidak lewat hari ini" in page.get_data(as_text=True)
