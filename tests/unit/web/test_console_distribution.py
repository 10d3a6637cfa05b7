"""Console distribution pages: programmes, scheduling a round, a round with its waiting
list and why, generating as a job, the handover desk, one allocation, eligibility."""
import pytest

from tests.helpers import wait_for
from tests.unit.web import console_data as data
from tests.unit.web.conftest import ROUND, csrf_of, login


@pytest.fixture
def officer(browser, gateway):
    login(browser, gateway)
    gateway.route("GET", "rounds/rnd_1", data.ROUND)
    gateway.route("GET", "rounds/rnd_1/report", data.REPORT)
    gateway.route("GET", "rounds/rnd_1/allocations", data.page_of([data.allocation()]))
    gateway.route("GET", "households/hh_1", data.HOUSEHOLD)
    return browser


def test_programmes_list_with_their_next_round(officer):
    html = officer.get("/konsol/program").get_data(as_text=True)
    assert "Program Sembako (BPNT)" in html and "Tahap 4/2026" in html


def test_scheduling_a_round_reads_rupiah_and_refuses_bad_dates(officer, gateway):
    form = officer.get("/konsol/program/SEMBAKO").get_data(as_text=True)
    assert "Desil kesejahteraan DTSEN 1-5" in form
    page = officer.post("/konsol/program/SEMBAKO", data={
        "csrf_token": csrf_of(form), "name": "Tahap 1/2027", "starts_on": "2027-01-29",
        "ends_on": "2027-01-04", "location": "Balai RW 03", "budget_idr": "Rp1.500.000"})
    assert page.status_code == 400
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai." in page.get_data(as_text=True)
    gateway.route("POST", "programmes/SEMBAKO/rounds", dict(ROUND, id="rnd_9"), status=201)
    page = officer.post("/konsol/program/SEMBAKO", data={
        "csrf_token": csrf_of(form), "name": "Tahap 1/2027", "starts_on": "2027-01-04",
        "ends_on": "2027-01-29", "location": "Balai RW 03", "budget_idr": "Rp1.500.000",
        "quota": ""})
    assert page.status_code == 303 and "/konsol/tahap/rnd_9" in page.headers["Location"]
    assert gateway.last("POST", "programmes/SEMBAKO/rounds")[2] == {
        "name": "Tahap 1/2027", "starts_on": "2027-01-04", "ends_on": "2027-01-29",
        "location": "Balai RW 03", "budget_idr": 1500000}


def test_a_round_says_who_waits_why_and_in_which_order(officer, gateway):
    html = officer.get("/konsol/tahap/rnd_1").get_data(as_text=True)
    assert "anggaran tahap ini (Rp1.200.000) sudah terpakai Rp1.200.000" in html
    assert "sudah menerima KLJ tahun ini" in html
    gateway.route("GET", "rounds/rnd_1/allocations", dict(data.page_of([
        data.allocation("al_c", "waiting", decile=1, income=500000, name="Keluarga C"),
        data.allocation("al_a", "waiting", decile=1, name="Keluarga A")], total=52), page=2))
    html = officer.get("/konsol/tahap/rnd_1?status=waiting&page=2").get_data(as_text=True)
    # the service orders the waiting list as it serves it; the page numbers the places
    assert gateway.query("GET", "rounds/rnd_1/allocations") == {
        "status": "waiting", "order": "priority", "page": 2, "per_page": 50}
    assert "<td>51</td>" in html and "<td>52</td>" in html
    assert html.index("Keluarga C") < html.index("Keluarga A")


def test_generating_runs_as_a_job_the_round_page_follows(officer, gateway):
    gateway.route("POST", "rounds/rnd_1/allocations", {
        "round_id": "rnd_1", "eligible": 5, "created": 3, "waiting": 2,
        "already_allocated": 0, "refused": {"no_eligible_recipient": 1}})
    html = officer.get("/konsol/tahap/rnd_1").get_data(as_text=True)
    page = officer.post("/konsol/tahap/rnd_1/alokasi", data={"csrf_token": csrf_of(html)})
    assert page.status_code == 303 and "buat=" in page.headers["Location"]
    location = page.headers["Location"]
    wait_for(lambda: "3 penerima baru" in officer.get(location).get_data(as_text=True),
             timeout=10, message="the generation job never finished")
    html = officer.get(location).get_data(as_text=True)
    assert "2 masuk daftar tunggu" in html and "tidak ada anggota dewasa" in html
    assert 'data-poll' not in html


def test_the_desk_finds_a_family_and_records_a_handover_by_a_representative(officer,
                                                                             gateway):
    gateway.route("GET", "residents", data.page_of([data.person()]))
    gateway.route("GET", "families/%s/programmes" % data.KK, {"programmes": [
        {"programme_code": "SEMBAKO", "allocations": [data.allocation()]}]})
    html = officer.get("/konsol/tahap/rnd_1/serah-terima?q=budi").get_data(as_text=True)
    assert "Siti Aminah" in html and "Catat serah terima" in html
    assert 'value="%s" checked' % data.WIFE in html  # the recipient is chosen first
    gateway.route("POST", "allocations/al_1/disburse", data.allocation(status="disbursed"))
    gateway.route("GET", "allocations/al_1", data.allocation(status="disbursed", disbursement={
        "received_by_nik": data.NIK, "received_by_name": "Budi Santoso", "representative": True,
        "channel": "cash", "evidence_ref": "BAST-7", "disbursed_at": "2026-08-17T07:30:00Z"}))
    page = officer.post("/konsol/tahap/rnd_1/serah-terima/al_1", data={
        "csrf_token": csrf_of(html), "q": "budi", "action": "disburse",
        "received_by_nik": data.NIK, "channel": "cash", "evidence_ref": "BAST-7"})
    assert page.status_code == 303 and "dicatat=al_1" in page.headers["Location"]
    assert gateway.last("POST", "allocations/al_1/disburse")[2] == {
        "received_by_nik": data.NIK, "channel": "cash", "evidence_ref": "BAST-7", "note": ""}
    html = officer.get(page.headers["Location"]).get_data(as_text=True)
    assert "diterima oleh Budi Santoso (diwakili anggota keluarga)." in html
    assert 'name="q" value=""' in html  # ready for the next person in the queue


def test_the_desk_says_a_second_handover_was_already_recorded(officer, gateway):
    gateway.route("GET", "residents", data.page_of([data.person()]))
    gateway.route("GET", "families/%s/programmes" % data.KK, {"programmes": [
        {"programme_code": "SEMBAKO", "allocations": [data.allocation()]}]})
    gateway.route("POST", "allocations/al_1/disburse", {
        "status": 409, "detail": "Allocation al_1 was already disbursed."}, status=409)
    html = officer.get("/konsol/tahap/rnd_1/serah-terima?q=budi").get_data(as_text=True)
    page = officer.post("/konsol/tahap/rnd_1/serah-terima/al_1", data={
        "csrf_token": csrf_of(html), "q": "budi", "action": "disburse",
        "received_by_nik": data.WIFE, "channel": "cash", "evidence_ref": "BAST-8"})
    assert page.status_code == 409
    assert "sudah tercatat diterima sebelumnya" in page.get_data(as_text=True)


def test_not_collected_needs_a_reason(officer, gateway):
    gateway.route("GET", "residents", data.page_of([]))
    html = officer.get("/konsol/tahap/rnd_1/serah-terima").get_data(as_text=True)
    page = officer.post("/konsol/tahap/rnd_1/serah-terima/al_1", data={
        "csrf_token": csrf_of(html), "action": "not_collected", "reason": ""})
    assert page.status_code == 400 and "Pilih alasan." in page.get_data(as_text=True)
    gateway.route("POST", "allocations/al_1/not-collected", data.allocation(
        status="not_collected", status_reason="moved"))
    gateway.route("GET", "allocations/al_1", data.allocation(status="not_collected",
                                                             status_reason="moved"))
    page = officer.post("/konsol/tahap/rnd_1/serah-terima/al_1", data={
        "csrf_token": csrf_of(html), "action": "not_collected", "reason": "moved"})
    assert page.status_code == 303
    assert gateway.last("POST", "allocations/al_1/not-collected")[2] == {"reason": "moved",
                                                                          "note": ""}


def test_an_allocation_page_reassigns_a_closed_slot(officer, gateway):
    gateway.route("GET", "allocations/al_1", data.allocation(
        status="not_collected", status_reason="moved", history=[
            {"at": "2026-01-04T01:00:00.000Z", "action": "created", "by": {"name": "Sistem"},
             "status": "pending"}]))
    html = officer.get("/konsol/alokasi/al_1").get_data(as_text=True)
    assert "Alihkan" in html and "Pindah" in html
    gateway.route("POST", "allocations/al_1/reassign", {"from": data.allocation(),
                                                        "to": data.allocation("al_2")})
    page = officer.post("/konsol/alokasi/al_1", data={"csrf_token": csrf_of(html),
                                                      "action": "reassign"})
    assert page.status_code == 303 and "/konsol/alokasi/al_2" in page.headers["Location"]


def test_eligibility_is_explained_criterion_by_criterion(officer, gateway):
    gateway.route("GET", r"residents/%s" % data.NIK, data.person())
    gateway.route("GET", "eligibility", {
        "nik": data.NIK, "programme_code": "SEMBAKO", "reference_date": "2026-08-17",
        "eligible": False, "amount_idr": 0, "components": [], "criteria": [
            {"criterion": "Penduduk berstatus aktif", "path": "resident.status",
             "value": "active", "passed": True},
            {"criterion": "all of (...)", "path": "criteria", "value": None, "passed": False},
            {"criterion": "Desil kesejahteraan DTSEN 1-5", "path": "criteria.all.0",
             "value": 7, "passed": False},
            {"criterion": "member.age gte 60", "path": "criteria.all.1", "value": 45,
             "passed": False}]})
    html = officer.get("/konsol/kelayakan?nik=%s&program=SEMBAKO" % data.NIK).get_data(
        as_text=True)
    assert "Tidak memenuhi syarat" in html and "17 Agustus 2026" in html
    assert "✗ tidak terpenuhi" in html and "aktif" in html
    # the rule engine's own wording (English, for a node without a label) is retold
    assert "Umur paling sedikit 60" in html and "member.age" not in html
    assert "Semua syarat program terpenuhi" in html and "all of" not in html
    assert gateway.last("GET", "eligibility")[3]["Authorization"] == "Bearer bs_session"

