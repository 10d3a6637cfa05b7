"""A registry import in pieces of whole families, with progress and the per-row errors
numbered as in the officer's file; the code lists the console offers are the services'."""
import csv
import io

import openpyxl
import pytest

from tests.helpers import wait_for
from tests.unit.web.conftest import csrf_of, login
from web import imports
from web.jobs import Job

HEADER = ["kk_number", "street", "rt", "rw", "nik", "full_name", "sex", "birth_place",
          "birth_date", "relationship"]


def _csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _row(kk, name):
    return [kk, "Jl. A", "001", "002", "", name, "F", "Jakarta", "1990-01-01", "head"]


def test_a_csv_is_split_into_whole_families_in_the_files_order():
    kks = ["31740901011000%02d" % i for i in range(5)]
    rows = [_row(kks[0], "A1"), _row(kks[1], "B1"), _row(kks[0], "A2"), _row(kks[2], "C1"),
            _row(kks[3], "D1"), _row(kks[4], "E1"), _row(kks[3], "D2")]
    content = _csv(rows[:3]) + b"\r\n" + _csv(rows[3:]).split(b"\r\n", 1)[1]
    pieces = imports.split("warga.csv", content, per_piece=2)
    assert [p.families for p in pieces] == [2, 2, 1]
    first = list(csv.reader(io.StringIO(pieces[0].body.decode("utf-8"))))
    assert first[0] == HEADER and [r[5] for r in first[1:]] == ["A1", "A2", "B1"]
    # the blank line is skipped as the registry skips it: D2 is the file's 7th record
    assert pieces[0].rows == [2, 4, 3] and pieces[1].rows == [5, 6, 8]
    assert pieces[1].renumbered({"row": 4, "field": "nik", "rule": "same person as row 2"}) == {
        "row": 8, "field": "nik", "rule": "same person as row 5"}


def test_an_opensid_sheet_is_split_and_keeps_its_sheet_and_header(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data Penduduk"
    sheet.append(["alamat", "rw", "rt", "nama", "no_kk", "nik"])
    sheet.append(["Jl. A", "002", "001", "Ani", "3174090101100001", "0"])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["Jl. B", "002", "001", "Budi", "3174090101100002", "0"])
    sheet.append(["###", None, None, None, None, None])
    sheet.append(["Jl. C", "002", "001", "Sesudah", "3174090101100003", "0"])
    out = io.BytesIO()
    book.save(out)
    pieces = imports.split("opensid.xlsx", out.getvalue(), per_piece=1)
    assert [p.rows for p in pieces] == [[2], [4]]
    again = openpyxl.load_workbook(io.BytesIO(pieces[1].body), read_only=True)
    assert again.sheetnames == ["Data Penduduk"]
    assert [list(r) for r in again["Data Penduduk"].iter_rows(values_only=True)][1][3] == "Budi"


def test_a_big_file_goes_in_a_bounded_number_of_pieces(monkeypatch):
    monkeypatch.setattr(imports, "MOST_PIECES", 3)
    rows = [_row("31740901011%05d" % i, "W%d" % i) for i in range(10)]
    pieces = imports.split("w.csv", _csv(rows), per_piece=2)
    assert [p.families for p in pieces] == [4, 4, 2]


def test_what_cannot_be_split_is_sent_whole():
    [piece] = imports.split("x.csv", b"nama,umur\nAni,3\n")
    assert piece.body == b"nama,umur\nAni,3\n" and piece.families is None
    [piece] = imports.split("x.xlsx", b"PK\x03\x04 broken")
    assert piece.content_type == imports.XLSX_TYPE


def test_the_pieces_answers_add_up_with_the_files_row_numbers():
    class Api:
        def __init__(self):
            self.sent = []

        def post(self, path, data=None, params=None, headers=None, timeout=None):
            self.sent.append(data)
            errors = [{"row": 3, "field": "sex", "rule": "Must be one of: M, F."}] if len(
                self.sent) == 2 else []
            return {"format": "csv", "rows": 2, "created_households": 1,
                    "created_residents": 2, "updated_households": 0, "already_present": 0,
                    "errors": errors}
    kks = ["31740901011000%02d" % i for i in range(2)]
    rows = [_row(kks[0], "A1"), _row(kks[1], "B1"), _row(kks[0], "A2"), _row(kks[1], "B2")]
    pieces = imports.split("w.csv", _csv(rows), per_piece=1)
    job = Job("acc_1", "import", "w.csv")
    total = imports.run(Api(), "w.csv", pieces, job, 5)
    assert (job.done, job.total, job.percent) == (2, 2, 100)
    assert total["rows"] == 4 and total["created_residents"] == 4
    assert total["errors"] == [{"row": 5, "field": "sex", "rule": "Must be one of: M, F."}]


def test_the_import_page_runs_the_job_and_shows_the_refused_rows(browser, gateway,
                                                                 monkeypatch):
    monkeypatch.setattr(imports, "FAMILIES_PER_PIECE", 1)
    login(browser, gateway)
    answers = iter([
        {"format": "csv", "rows": 1, "created_households": 1, "created_residents": 1,
         "updated_households": 0, "already_present": 0, "errors": []},
        {"format": "csv", "rows": 1, "created_households": 0, "created_residents": 0,
         "updated_households": 0, "already_present": 0, "errors": [
             {"row": 2, "field": "nik", "rule": "NIK must be exactly 16 digits, got 5"}]}])
    gateway.route("POST", "imports/registry", lambda body, headers: next(answers))
    form = browser.get("/konsol/warga/impor").get_data(as_text=True)
    kks = ["3174090101100001", "3174090101100002"]
    content = _csv([_row(kks[0], "Ani"), _row(kks[1], "Budi")])
    page = browser.post("/konsol/warga/impor", content_type="multipart/form-data", data={
        "csrf_token": csrf_of(form), "file": (io.BytesIO(content), "warga.csv")})
    assert page.status_code == 303
    job_page = page.headers["Location"]
    wait_for(lambda: "Selesai" in browser.get(job_page).get_data(as_text=True), timeout=10,
             message="the import job never finished")
    html = browser.get(job_page).get_data(as_text=True)
    assert "2 baris dibaca, 1 baris ditolak" in html
    # Budi is row 2 of the second piece and row 3 of the officer's file
    assert ('<td>3</td><td>NIK <span class="mono small">(nik)</span></td>'
            '<td>harus 16 angka</td>') in html
    assert len([c for c in gateway.calls if c[1] == "imports/registry"]) == 2
    csv_page = browser.get(job_page + "/kesalahan.csv")
    assert csv_page.mimetype == "text/csv"
    assert "3,nik,\"NIK must be exactly 16 digits, got 5\",harus 16 angka" in csv_page.get_data(
        as_text=True)
    method, path, body, headers = gateway.last("POST", "imports/registry")
    assert headers["Content-Type"] == "text/csv" and "X-Bansos-Client" not in headers
    assert gateway.query("POST", "imports/registry") == {"filename": "warga.csv"}


def test_another_account_cannot_see_an_import(browser, gateway, app):
    login(browser, gateway)
    job = app.jobs.start("acc_other", "import", "rahasia.csv", lambda job: {"errors": []})
    page = browser.get("/konsol/warga/impor/%s" % job.id)
    assert page.status_code == 404 and "rahasia" not in page.get_data(as_text=True)


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
