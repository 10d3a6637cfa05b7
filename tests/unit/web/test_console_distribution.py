"""Console distribution pages: programmes, scheduling a round, a round with its waiting
list and why, generating as a job, the handover desk, one allocation, eligibility."""
import datetime

import pytest

from tests.helpers import wait_for
from tests.unit.web import console_data as data
from tests.unit.web.conftest import ROUND, csrf_of, login
from web.pages import handover


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


@pytest.fixture
def desk(officer, gateway, monkeypatch):
    """The desk with Siti's pending allocation found, on 20 August 2026 in the village."""
    monkeypatch.setattr(handover, "today", lambda: datetime.date(2026, 8, 20))
    gateway.route("GET", "residents", data.page_of([data.person()]))
    gateway.route("GET", "families/%s/programmes" % data.KK, {"programmes": [
        {"programme_code": "SEMBAKO", "allocations": [data.allocation()]}]})
    gateway.route("POST", "allocations/al_1/disburse", data.allocation(status="disbursed"))
    gateway.route("GET", "allocations/al_1", data.allocation(status="disbursed"))
    return officer.get("/konsol/tahap/rnd_1/serah-terima?q=budi").get_data(as_text=True)


def _hand_over(officer, html, on="", time=""):
    return officer.post("/konsol/tahap/rnd_1/serah-terima/al_1", data={
        "csrf_token": csrf_of(html), "q": "budi", "action": "disburse",
        "received_by_nik": data.WIFE, "channel": "cash", "evidence_ref": "BAST-9",
        "handed_over_on": on, "handed_over_time": time})


@pytest.mark.parametrize("on, time, sent", [
    ("2026-08-18", "09:30", "2026-08-18T09:30:00+07:00"),  # as the BAST says
    ("2026-08-18", "", "2026-08-18T12:00:00+07:00"),  # the day only: midday in the village
    ("2026-08-20", "07.15", "2026-08-20T07:15:00+07:00"),  # earlier today, typed
    ("2026-08-20", "", None),  # today without a time: handed over now
    ("", "", None),  # at the desk, now
])
def test_a_handover_from_its_paper_record_is_sent_with_when_it_happened(desk, officer,
                                                                        gateway, on, time,
                                                                        sent):
    assert "Tanggal serah terima (boleh dikosongkan)" in desk
    assert "dicatat belakangan dari berita acara (BAST)" in desk
    assert 'aria-describedby="alloc-al_1-handed_over-hint"' in desk
    page = _hand_over(officer, desk, on, time)
    assert page.status_code == 303 and "dicatat=al_1" in page.headers["Location"]
    body = gateway.last("POST", "allocations/al_1/disburse")[2]
    assert body.get("handed_over_at") == sent
    assert ("handed_over_at" in body) == (sent is not None)


@pytest.mark.parametrize("on, time", [("2026-02-30", ""), ("18/08/2026", "09:30"),
                                      ("2026-08-18", "9.30 pagi"), ("", "09:30")])
def test_a_wrong_handover_date_is_refused_on_its_field_and_nothing_is_sent(desk, officer,
                                                                           gateway, on, time):
    page = _hand_over(officer, desk, on, time)
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert not [c for c in gateway.calls if c[0] == "POST" and c[1].startswith("allocations")]
    assert 'id="alloc-al_1-handed_over_on-error"' in html
    assert "Tanggal serah terima: isi tanggal yang benar" in html
    assert 'href="#alloc-al_1-handed_over_on"' in html  # the summary links to the field
    assert 'name="handed_over_on" value="%s"' % on in html  # what was typed is kept
    assert 'name="handed_over_time" value="%s"' % time in html
    assert 'aria-describedby="alloc-al_1-handed_over-hint alloc-al_1-handed_over_on-error"' \
        in html


def test_the_apis_refusal_of_the_handover_date_shows_on_its_field(desk, officer, gateway):
    gateway.route("POST", "allocations/al_1/disburse", {
        "status": 422, "detail": "Round rnd_1 starts on 2026-01-05; aid is handed over from "
        "that day.", "errors": {"handed_over_at": [
            "must not be before the round's first day, 2026-01-05 (WIB)"]}}, status=422)
    page = _hand_over(officer, desk, "2026-01-02", "10:00")
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert gateway.last("POST", "allocations/al_1/disburse")[2]["handed_over_at"] == (
        "2026-01-02T10:00:00+07:00")
    assert ('<p class="field-error" id="alloc-al_1-handed_over_on-error">Tanggal serah '
            "terima: tidak boleh sebelum hari pertama tahap ini, 2026-01-05 (WIB)") in html
    assert 'name="handed_over_on" value="2026-01-02"' in html
    assert 'name="handed_over_time" value="10:00"' in html


def test_a_handover_entered_later_says_when_it_happened_and_when_it_was_entered(officer,
                                                                                gateway):
    later = {"received_by_nik": data.WIFE, "received_by_name": "Siti Aminah",
             "representative": False, "channel": "cash", "evidence_ref": "BAST-9",
             "disbursed_at": "2026-08-18T05:00:00.000Z",
             "recorded_at": "2026-08-20T03:15:00.000Z"}
    gateway.route("GET", "allocations/al_1", data.allocation(status="disbursed",
                                                             disbursement=later))
    html = officer.get("/konsol/alokasi/al_1").get_data(as_text=True)
    assert "18 Agustus 2026 12.00 WIB (dicatat 20 Agustus 2026 10.15 WIB)" in html
    # at the desk: the same words for a second look at the family
    gateway.route("GET", "residents", data.page_of([data.person()]))
    gateway.route("GET", "families/%s/programmes" % data.KK, {"programmes": [
        {"programme_code": "SEMBAKO", "allocations": [data.allocation(
            status="disbursed", disbursement=later)]}]})
    html = officer.get("/konsol/tahap/rnd_1/serah-terima?q=budi").get_data(as_text=True)
    assert ("Sudah diterima 18 Agustus 2026 12.00 WIB oleh Siti Aminah. "
            "Dicatat 20 Agustus 2026 10.15 WIB.") in html
    html = officer.get("/konsol/tahap/rnd_1/serah-terima?dicatat=al_1").get_data(as_text=True)
    assert "diterima oleh Siti Aminah. Serah terima 18 Agustus 2026 12.00 WIB." in html
    # recorded as it happened (a minute's difference is the desk's own): one time only
    gateway.route("GET", "allocations/al_1", data.allocation(status="disbursed", disbursement=dict(
        later, disbursed_at="2026-08-20T03:14:00.000Z")))
    html = officer.get("/konsol/alokasi/al_1").get_data(as_text=True)
    assert "20 Agustus 2026 10.14 WIB · Siti Aminah" in html and "dicatat" not in html


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

