"""Imports of what an outsider or OpenSID sends (issue 8, items 3, 4 and 6): bad
files are 400s naming the problem, bounded before they are read, and OpenSID's
own export imports."""
import io
import os
import struct
import zipfile

import openpyxl
import pytest

from services.shared.errors import InvalidInput
from services.registry import importer, workbook
from services.registry.imports import ImportRun

from tests.unit.registry import factories
from tests.unit.registry.conftest import ACTOR, VILLAGE

CONTOH = os.path.join(factories.FIXTURES, "contoh_penduduk.xlsx")


def run(repo, filename, content):
    fmt, rows, names = importer.read_file(filename, content)
    return ImportRun(repo, fmt, names, ACTOR, VILLAGE, "cid", filename).run(rows)


def test_opensids_own_sample_export_imports_whole(repo):
    content = open(CONTOH, "rb").read()
    result = run(repo, "contoh_penduduk.xlsx", content)
    assert (result["rows"], result["created_households"], result["created_residents"],
            result["errors"]) == (97, 37, 97, [])
    household = repo.search_households(None, "001", "001", None, 1, 50, 0)["items"][0]
    assert household["street"] is None and household["dusun"] == "Dusun Krajan"
    assert run(repo, "contoh_penduduk.xlsx", content)["already_present"] == 97


def _workbook(sheets):
    """An .xlsx with ``{title: [rows]}``."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _person_row(header, kk, level, **extra):
    import datetime
    born = datetime.date(1970 + level, level, 10)
    sex = 2 if level == 3 else 1
    values = {"dusun": "Dusun Krajan", "rw": "001", "rt": "002", "nama": "Warga %d" % level,
              "no_kk": kk, "nik": factories.nik_for(born, "F" if sex == 2 else "M"), "sex": sex,
              "tempatlahir": "Bogor", "tanggallahir": born.isoformat(), "kk_level": level}
    values.update(extra)
    return [values.get(c) for c in header]


def test_every_sheet_but_kode_data_is_read_and_errors_name_their_sheet(repo):
    header = ["nik", "nama", "no_kk", "sex", "tempatlahir", "tanggallahir", "kk_level", "rt", "rw",
              "dusun"]
    one, two = factories.kk_number(), factories.kk_number()
    content = _workbook({
        "Kode Data": [["kode", "arti"], [1, "LAKI-LAKI"]],
        "Catatan": [["Diekspor dari OpenSID"]],
        "Dusun I": [header, _person_row(header, one, 1), _person_row(header, one, 3)],
        "Dusun II": [header, _person_row(header, two, 1, sex=9)]})
    result = run(repo, "x.xlsx", content)
    assert (result["created_households"], result["created_residents"]) == (1, 2)
    assert [(e["sheet"], e["row"], e["field"]) for e in result["errors"]] == [
        ("Dusun II", 2, "sex")], result["errors"]


def test_a_workbook_without_a_nik_column_is_refused_naming_it():
    with pytest.raises(InvalidInput) as exc:
        importer.read_file("x.xlsx", _workbook({"Sheet1": [["nama", "no_kk"], ["A", "1"]]}))
    assert "missing columns: nik" in exc.value.errors["file"][0]


def _rewritten(content, replace):
    """``content`` (a zip) with members replaced by ``replace[name]`` bytes."""
    src, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
    return out.getvalue()


def _patched(content, local_offset, central_offset, value):
    """Set a 2-byte field of every local and central header of a zip."""
    data = bytearray(content)
    for signature, offset in ((b"PK\x03\x04", local_offset), (b"PK\x01\x02", central_offset)):
        start = data.find(signature)
        while start != -1:
            old = struct.unpack_from("<H", data, start + offset)[0]
            struct.pack_into("<H", data, start + offset, value(old))
            start = data.find(signature, start + 4)
    return bytes(data)


VALID = _workbook({"Sheet1": [["nik", "nama"], ["3174091708450001", "A"]]})


@pytest.mark.parametrize("content, words", [
    (_rewritten(VALID, {"[Content_Types].xml": b"<<<"}), "not well-formed XML"),
    (_rewritten(VALID, {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row>"}),
     "well-formed"),
    (_patched(VALID, 8, 10, lambda old: 99), "compression method 99"),
    (_patched(VALID, 6, 8, lambda old: old | 1), "encrypted"),
    (b"PK\x03\x04 this is not a zip at all", "not a zip"),
])
def test_a_damaged_or_unusual_workbook_is_a_400_naming_the_problem(content, words):
    with pytest.raises(InvalidInput) as exc:
        importer.read_file("x.xlsx", content)
    assert words in exc.value.errors["file"][0]


def test_a_csv_field_over_the_csv_modules_limit_is_a_400_naming_the_line():
    text = factories.CSV_HEADER + "\n" + '"' + "x" * 140000 + '"' + ",1" * 5 + "\n"
    with pytest.raises(InvalidInput) as exc:
        importer.read_file("x.csv", text.encode("utf-8"))
    assert "line" in exc.value.errors["file"][0] and "field larger" in exc.value.detail


def test_a_workbook_that_inflates_past_the_limit_is_refused_before_it_is_read():
    big = b"<worksheet>" + b" " * (workbook.MAX_INFLATED_BYTES + 1) + b"</worksheet>"
    content = _rewritten(VALID, {"xl/worksheets/sheet1.xml": big})
    assert len(content) < 1024 * 1024
    with pytest.raises(InvalidInput) as exc:
        importer.read_file("x.xlsx", content)
    assert "inflates to 64 MB" in exc.value.errors["file"][0]


def _sheet_xml(rows):
    return (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>" + b"".join(rows) + b"</sheetData></worksheet>")


def test_a_million_empty_rows_end_the_sheet_instead_of_being_read():
    rows = [b'<row r="1"><c r="A1" t="inlineStr"><is><t>nik</t></is></c></row>'] + [
        b'<row r="%d"/>' % n for n in range(2, 1_000_000)]
    content = _rewritten(VALID, {"xl/worksheets/sheet1.xml": _sheet_xml(rows)})
    assert len(content) < 3 * 1024 * 1024
    fmt, read, _ = importer.read_file("x.xlsx", content)
    assert read == []


def test_more_rows_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(workbook, "MAX_ROWS", 50)
    monkeypatch.setattr(importer, "MAX_ROWS", 50)
    header = ["nik", "nama"]
    content = _workbook({"Sheet1": [header] + [["x", "y"]] * 51})
    with pytest.raises(InvalidInput) as exc:
        importer.read_file("x.xlsx", content)
    assert "more than 50 rows" in exc.value.errors["file"][0]
    text = "\n".join([factories.CSV_HEADER] + ["," * factories.CSV_HEADER.count(",")] * 51)
    with pytest.raises(InvalidInput):
        importer.read_file("x.csv", text.encode("utf-8"))


def test_reading_a_long_file_yields_every_few_hundred_rows():
    pauses = []
    content = _workbook({"Sheet1": [["nik", "nama"]] + [["x", "y"]] * 2000})
    importer.read_file("x.xlsx", content, pause=lambda: pauses.append(1))
    assert len(pauses) >= 2000 // workbook.PAUSE_EVERY
    pauses.clear()
    text = "\n".join([factories.CSV_HEADER] + ["," * factories.CSV_HEADER.count(",")] * 2000)
    importer.read_file("x.csv", text.encode("utf-8"), pause=lambda: pauses.append(1))
    assert len(pauses) >= 2000 // workbook.PAUSE_EVERY
