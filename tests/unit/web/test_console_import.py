"""A registry import uploaded once as the registry's job, its progress polled, the refused
rows shown; the code lists the console offers are the services'."""
import csv
import io

import pytest

from tests.unit.web.conftest import csrf_of, login

HEADER = ["kk_number", "street", "rt", "rw", "nik", "full_name", "sex", "birth_place",
          "birth_date", "relationship"]
JOBS = "imports/registry/jobs"


def _csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _row(kk, name):
    return [kk, "Jl. A", "001", "002", "", name, "F", "Jakarta", "1990-01-01", "head"]


def _job(state, processed=0, total=None, **extra):
    job = {"id": "imp_1", "state": state, "filename": "warga.csv", "size_bytes": 300,
           "parts_expected": 1, "parts_received": 1, "format": "csv", "rows_total": total,
           "rows_processed": processed, "percent": 100 if state == "done" else (
               int(100 * processed / total) if total else 0), "chunks_total": 2,
           "chunks_done": 1, "created_households": 0, "created_residents": 0,
           "updated_households": 0, "already_present": 0, "errors": [], "errors_total": 0,
           "failure": None, "started_by": {"name": "Petugas"},
           "created_at": "2026-12-02T08:00:00.000Z", "started_at": None, "finished_at": None}
    job.update(extra)
    return job


def _upload(browser, gateway, content=None, name="warga.csv"):
    login(browser, gateway)
    form = browser.get("/konsol/warga/impor").get_data(as_text=True)
    content = content or _csv([_row("3174090101100001", "Ani"), _row("3174090101100002", "Budi")])
    return browser.post("/konsol/warga/impor", content_type="multipart/form-data", data={
        "csrf_token": csrf_of(form), "file": (io.BytesIO(content), name)}), content


def test_the_whole_file_goes_up_once_and_the_page_follows_the_job(browser, gateway):
    gateway.route("POST", JOBS, _job("running"), status=202)
    gateway.route("GET", JOBS + "/imp_1", _job("running", 1, 3))
    page, content = _upload(browser, gateway)
    assert page.status_code == 303 and page.headers["Location"].endswith("/konsol/warga/impor/imp_1")
    assert gateway.bodies == [("POST", JOBS, content)]
    assert gateway.query("POST", JOBS) == {"filename": "warga.csv"}
    method, path, body, headers = gateway.last("POST", JOBS)
    assert headers["Content-Type"] == "text/csv" and "X-Bansos-Client" not in headers
    html = browser.get(page.headers["Location"]).get_data(as_text=True)
    assert "1 dari 3 baris sudah diproses" in html and 'data-poll="2000"' in html
    assert '<progress max="100" value="33"' in html


def test_a_done_job_shows_its_counts_and_refused_rows_also_as_csv(browser, gateway):
    error = {"row": 3, "field": "nik", "rule": "NIK must be exactly 16 digits, got 5"}
    gateway.route("GET", JOBS + "/imp_1", _job("done", 2, 2, created_households=1,
                                               created_residents=1, errors=[error],
                                               errors_total=1))
    login(browser, gateway)
    html = browser.get("/konsol/warga/impor/imp_1").get_data(as_text=True)
    assert "2 baris dibaca, 1 baris ditolak" in html and "data-poll" not in html
    assert ('<td>3</td><td>NIK <span class="mono small">(nik)</span></td>'
            '<td>harus 16 angka</td>') in html
    csv_page = browser.get("/konsol/warga/impor/imp_1/kesalahan.csv")
    assert csv_page.mimetype == "text/csv"
    assert "3,nik,\"NIK must be exactly 16 digits, got 5\",harus 16 angka" in csv_page.get_data(
        as_text=True)


def test_more_errors_than_the_job_keeps_are_said(browser, gateway):
    errors = [{"row": n, "field": "nik", "rule": "x"} for n in range(2, 4)]
    gateway.route("GET", JOBS + "/imp_1", _job("done", 9, 9, errors=errors, errors_total=7))
    login(browser, gateway)
    html = browser.get("/konsol/warga/impor/imp_1").get_data(as_text=True)
    assert "menyimpan 2 kesalahan pertama dari 7" in html


def test_a_failed_job_tells_why_and_what_was_done(browser, gateway):
    gateway.route("GET", JOBS + "/imp_1", _job("failed", 4, 10, failure={
        "detail": "The registry restarted while this import was running.", "errors": {}}))
    login(browser, gateway)
    html = browser.get("/konsol/warga/impor/imp_1").get_data(as_text=True)
    assert "Impor tidak selesai" in html and "4 dari 10 baris sudah diproses" in html


def test_a_second_import_while_one_runs_is_refused_with_the_registrys_words(browser, gateway):
    gateway.route("POST", JOBS, {"status": 409, "title": "Conflict", "detail":
                                 "Import job imp_0 (rw01.csv) is running; one import runs at "
                                 "a time."}, status=409)
    page, _ = _upload(browser, gateway)
    assert page.status_code == 409 and "imp_0" in page.get_data(as_text=True)


def test_an_unknown_job_is_not_found(browser, gateway):
    login(browser, gateway)
    page = browser.get("/konsol/warga/impor/imp_nope")
    assert page.status_code == 404


def test_an_upload_without_a_file_is_named(browser, gateway):
    login(browser, gateway)
    form = browser.get("/konsol/warga/impor").get_data(as_text=True)
    page = browser.post("/konsol/warga/impor", content_type="multipart/form-data",
                        data={"csrf_token": csrf_of(form)})
    assert page.status_code == 400 and "Pilih berkas" in page.get_data(as_text=True)


@pytest.mark.parametrize("field, name", [
    ("relationship", "RELATIONSHIPS"), ("religion", "RELIGIONS"), ("education", "EDUCATIONS"),
    ("marital_status", "MARITAL_STATUSES"), ("disability", "DISABILITIES"), ("sex", "SEXES"),
    ("house_ownership", "HOUSE_OWNERSHIPS"), ("water_source", "WATER_SOURCES"),
    ("cooking_fuel", "COOKING_FUELS"), ("sanitation", "SANITATIONS"),
    ("inactive_reason", "INACTIVE_REASONS"), ("occupation_code", "OCCUPATION_CODES")])
def test_the_choices_the_forms_offer_are_the_registrys_codes(field, name):
    from services.shared import codes
    from web.i18n import Messages
    offered = list(Messages("id").prefix("codes." + field))
    assert offered == [str(c) for c in getattr(codes, name)]


def test_the_reasons_and_roles_the_console_offers_are_the_services():
    from gateway.auth import ROLES
    from services.complaints.contract import CORRECTABLE
    from services.distribution import contract as schemas
    from services.shared import codes
    from web.pages import admin, complaints_console, handover, registry_edit
    assert registry_edit.INACTIVE_REASONS == codes.INACTIVE_REASONS
    assert handover.NOT_COLLECTED == schemas.NOT_COLLECTED_REASONS
    assert handover.CANCEL == schemas.CANCEL_REASONS and handover.RETURN == schemas.RETURN_REASONS
    assert handover.CHANNELS == schemas.CHANNELS
    assert complaints_console.CORRECTABLE == tuple(CORRECTABLE)
    assert set(admin.TOKEN_ROLES) == set(ROLES)
