"""Console registry pages as a browser without JavaScript sees them: edit with a reason,
deactivate, a family, add a member, register a family, records to verify."""
import pytest

from tests.unit.web import console_data as data
from tests.unit.web.conftest import csrf_of, login


@pytest.fixture
def officer(browser, gateway):
    login(browser, gateway)
    gateway.route("GET", r"residents/%s" % data.NIK, data.person())
    gateway.route("GET", r"residents/%s/history" % data.NIK, data.HISTORY)
    gateway.route("GET", r"residents/%s/programmes" % data.NIK, {
        "nik": data.NIK, "programmes": [{"programme_code": "SEMBAKO", "as": "family_member",
                                         "allocations": [data.allocation()]}]})
    gateway.route("GET", r"households/hh_1", data.HOUSEHOLD)
    gateway.route("GET", r"families/%s/programmes" % data.KK, {
        "kk_number": data.KK, "programmes": [{"programme_code": "SEMBAKO",
                                              "allocations": [data.allocation()]}]})
    return browser


def test_a_resident_shows_family_aid_history_and_the_ways_to_change_it(officer):
    html = officer.get("/konsol/warga/%s" % data.NIK).get_data(as_text=True)
    assert "Budi Santoso" in html and "Buruh harian lepas" in html
    assert "Siti Aminah" in html and "Tahap 1/2026" in html and "Rp600.000" in html
    assert 'href="/konsol/warga/%s/ubah"' % data.NIK in html
    assert 'href="/konsol/keluarga/hh_1"' in html


def test_a_family_links_its_timeline_in_monitoring(officer):
    html = officer.get("/konsol/keluarga/hh_1").get_data(as_text=True)
    assert 'href="/konsol/pemantauan/keluarga/hh_1"' in html


def test_a_flagged_resident_reads_its_flags_in_words(officer, gateway):
    gateway.route("GET", r"residents/%s" % data.NIK,
                  data.person(quality_flags=["nik_birth_date_mismatch"]))
    page = officer.get("/konsol/warga/%s" % data.NIK)
    assert page.status_code == 200
    assert "Tanggal lahir tidak cocok dengan NIK" in page.get_data(as_text=True)


def test_an_edit_sends_only_what_changed_with_the_reason(officer, gateway):
    gateway.route("PATCH", r"residents/%s" % data.NIK, data.person(full_name="Budi Santosa"))
    form = officer.get("/konsol/warga/%s/ubah" % data.NIK).get_data(as_text=True)
    assert 'value="Budi Santoso"' in form and 'value="1980-01-01"' in form
    fields = dict(data.person())
    values = {k: "" if fields[k] is None else str(fields[k]) for k in (
        "nik", "full_name", "sex", "birth_place", "birth_date", "relationship", "religion",
        "education", "occupation_code", "marital_status", "disability", "phone")}
    values.update(full_name="Budi Santosa", reason="Sesuai KTP-el", version="3",
                  csrf_token=csrf_of(form))
    page = officer.post("/konsol/warga/%s/ubah" % data.NIK, data=values)
    assert page.status_code == 303 and page.headers["Location"].endswith("diubah=1")
    assert gateway.last("PATCH", "residents/%s" % data.NIK)[2] == {
        "full_name": "Budi Santosa", "reason": "Sesuai KTP-el"}


def test_an_edit_without_a_reason_or_a_change_is_refused_before_the_api(officer, gateway):
    form = officer.get("/konsol/warga/%s/ubah" % data.NIK).get_data(as_text=True)
    page = officer.post("/konsol/warga/%s/ubah" % data.NIK, data={
        "csrf_token": csrf_of(form), "full_name": "Budi Santoso", "nik": data.NIK,
        "sex": "M", "birth_place": "Jakarta", "birth_date": "1980-01-01",
        "relationship": "head", "religion": "islam", "education": "sma",
        "occupation_code": "19", "marital_status": "married", "disability": "none",
        "version": "3"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Tulis alasan perubahan." in html and "Tidak ada yang diubah." in html
    assert not [c for c in gateway.calls if c[0] == "PATCH"]


def test_an_edit_of_a_record_changed_meanwhile_is_held_back(officer, gateway):
    form = officer.get("/konsol/warga/%s/ubah" % data.NIK).get_data(as_text=True)
    page = officer.post("/konsol/warga/%s/ubah" % data.NIK, data={
        "csrf_token": csrf_of(form), "full_name": "Budi S", "reason": "x", "version": "2",
        "nik": data.NIK, "sex": "M", "birth_date": "1980-01-01", "relationship": "head"})
    assert page.status_code == 400
    assert "sudah diubah orang lain" in page.get_data(as_text=True)
    assert not [c for c in gateway.calls if c[0] == "PATCH"]


def test_the_registrys_refusal_names_the_field_in_words(officer, gateway):
    gateway.route("PATCH", r"residents/%s" % data.NIK, {"status": 400, "errors": {
        "nik": ["NIK digits 7-8 must be the birth day, 01-31 (men) or 41-71 (women)"]}},
        status=400)
    form = officer.get("/konsol/warga/%s/ubah" % data.NIK).get_data(as_text=True)
    html = officer.post("/konsol/warga/%s/ubah" % data.NIK, data={
        "csrf_token": csrf_of(form), "nik": "3174099901800001", "full_name": "Budi Santoso",
        "sex": "M", "birth_date": "1980-01-01", "relationship": "head", "reason": "KTP",
        "version": "3"}).get_data(as_text=True)
    assert "NIK: angka ke-7 dan ke-8 harus tanggal lahir" in html
    assert 'href="#nik"' in html and 'aria-invalid="true"' in html


def test_deactivation_needs_a_reason_and_sends_it(officer, gateway):
    gateway.route("POST", r"residents/%s/deactivate" % data.NIK,
                  data.person(status="inactive", inactive_reason="moved_out"))
    form = officer.get("/konsol/warga/%s/nonaktifkan" % data.NIK).get_data(as_text=True)
    page = officer.post("/konsol/warga/%s/nonaktifkan" % data.NIK,
                        data={"csrf_token": csrf_of(form)})
    assert page.status_code == 400 and "Pilih alasan." in page.get_data(as_text=True)
    page = officer.post("/konsol/warga/%s/nonaktifkan" % data.NIK, data={
        "csrf_token": csrf_of(form), "reason": "moved_out", "note": "Pindah ke Depok"})
    assert page.status_code == 303 and page.headers["Location"].endswith("nonaktif=1")
    assert gateway.last("POST", "residents/%s/deactivate" % data.NIK)[2] == {
        "reason": "moved_out", "note": "Pindah ke Depok"}


def test_a_family_page_and_its_edit_with_a_reason(officer, gateway):
    html = officer.get("/konsol/keluarga/hh_1").get_data(as_text=True)
    assert "Jl. Kecapi No. 5" in html and "Rp1.500.000" in html and "Sewa/kontrak" in html
    assert "Ani" in html and "Tahap 1/2026" in html
    gateway.route("PATCH", "households/hh_1", data.HOUSEHOLD)
    form = officer.get("/konsol/keluarga/hh_1/ubah").get_data(as_text=True)
    assert 'value="1.500.000"' not in form and 'value="1500000"' in form
    values = {"kk_number": data.KK, "street": "Jl. Kecapi No. 7", "rt": "1", "rw": "003",
              "welfare_decile": "2", "monthly_income_idr": "Rp1.750.000",
              "house_ownership": "rent", "floor_type": "semen", "water_source": "piped",
              "electricity_va": "900", "cooking_fuel": "lpg", "sanitation": "shared",
              "has_car": "0", "reason": "Pindah rumah", "version": "2",
              "csrf_token": csrf_of(form)}
    page = officer.post("/konsol/keluarga/hh_1/ubah", data=values)
    assert page.status_code == 303
    assert gateway.last("PATCH", "households/hh_1")[2] == {
        "street": "Jl. Kecapi No. 7", "monthly_income_idr": 1750000, "reason": "Pindah rumah"}


def test_adding_a_member_without_a_nik_sends_none_for_a_temporary_number(officer, gateway):
    gateway.route("POST", "households/hh_1/members", data.person("3174090000000007"),
                  status=201)
    form = officer.get("/konsol/keluarga/hh_1/anggota-baru").get_data(as_text=True)
    page = officer.post("/konsol/keluarga/hh_1/anggota-baru", data={
        "csrf_token": csrf_of(form), "nik": "", "full_name": "Bayi", "sex": "F",
        "birth_place": "Jakarta", "birth_date": "2026-05-01", "relationship": "child"})
    assert page.status_code == 303 and page.headers["Location"].endswith("anggota=1")
    body = gateway.last("POST", "households/hh_1/members")[2]
    assert body["nik"] is None and body["full_name"] == "Bayi" and body["disability"] == "none"
    assert body["pregnant"] is False


def test_registering_a_family_adds_member_rows_then_names_errors_per_member(officer,
                                                                            gateway):
    form = officer.get("/konsol/keluarga/baru").get_data(as_text=True)
    assert 'id="m0-full_name"' in form and 'id="m1-full_name"' not in form
    base = {"csrf_token": csrf_of(form), "kk_number": data.KK, "street": "Jl. Baru 1",
            "rt": "002", "rw": "004", "members": "1", "m0-full_name": "Kepala",
            "m0-nik": data.NIK, "m0-sex": "M", "m0-birth_place": "Jakarta",
            "m0-birth_date": "1980-01-01", "m0-relationship": "head"}
    page = officer.post("/konsol/keluarga/baru", data=dict(base, action="more"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="m1-full_name"' in html and 'value="Kepala"' in html
    assert not [c for c in gateway.calls if c[0] == "POST" and c[1] == "households"]
    gateway.route("POST", "households", {"status": 400, "errors": {
        "members.1.birth_date": ["Not a valid date."]}}, status=400)
    two = dict(base, members="3", action="register", **{
        "m2-full_name": "Anak", "m2-sex": "F", "m2-birth_place": "Jakarta",
        "m2-birth_date": "2010-01-01", "m2-relationship": "child"})
    html = officer.post("/konsol/keluarga/baru", data=two).get_data(as_text=True)
    # block 1 was left empty, so the API's member 1 is the form's block 2
    assert 'href="#m2-birth_date"' in html and "bukan tanggal yang benar" in html
    sent = gateway.last("POST", "households")[2]
    assert [m["full_name"] for m in sent["members"]] == ["Kepala", "Anak"]
    assert sent["rt"] == "002" and "welfare_decile" not in sent
    gateway.route("POST", "households", dict(data.HOUSEHOLD, id="hh_9"), status=201)
    page = officer.post("/konsol/keluarga/baru", data=two)
    assert page.status_code == 303 and "/konsol/keluarga/hh_9" in page.headers["Location"]


def test_records_to_verify_list_flags_and_corrections_and_decide_one(officer, gateway):
    gateway.route("GET", "residents", data.page_of([data.person(
        quality_flags=["temporary_nik"])]))
    gateway.route("GET", "corrections", data.page_of([{
        "id": "cor_1", "complaint_id": "cmp_1", "subject_nik": data.NIK,
        "fields": {"full_name": "Budi Santosa"}, "reason": "KTP", "status": "pending",
        "requested_at": "2026-08-17T07:30:00Z", "decided_at": None, "decision_note": None}]))
    html = officer.get("/konsol/warga/periksa").get_data(as_text=True)
    assert "Belum punya NIK (nomor sementara)" in html and "Budi Santosa" in html
    assert gateway.last("GET", "residents")[3]["Authorization"] == "Bearer bs_session"
    page = officer.post("/konsol/koreksi/cor_1", data={"csrf_token": csrf_of(html),
                                                       "action": "reject", "reason": ""})
    assert page.status_code == 400 and "Tulis alasan menolak." in page.get_data(as_text=True)
    gateway.route("POST", "corrections/cor_1/confirm", {"id": "cor_1"})
    page = officer.post("/konsol/koreksi/cor_1", data={"csrf_token": csrf_of(html),
                                                       "action": "confirm"})
    assert page.status_code == 303 and gateway.last("POST", "corrections/cor_1/confirm")[2] == {}
