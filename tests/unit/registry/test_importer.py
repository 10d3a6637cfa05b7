"""Bulk import: the CSV of docs/registry-data.md and OpenSID's spreadsheet."""
import datetime
import io
import os

import openpyxl
import pytest

from services.shared.errors import InvalidInput
from services.registry import importer
from services.registry.imports import ImportRun

from tests.unit.registry import factories
from tests.unit.registry.conftest import ACTOR, VILLAGE

TEMPLATE = factories.TEMPLATE


def run(repo, filename, content):
    fmt, rows, names = importer.read_file(filename, content)
    return ImportRun(repo, fmt, names, ACTOR, VILLAGE, "cid", filename).run(rows)


def test_a_csv_imports_then_imports_again_as_already_present(repo, db):
    families = [factories.household() for _ in range(4)]
    text = factories.csv_text(families).encode("utf-8")
    result = run(repo, "families.csv", text)
    assert result == {"format": "csv", "rows": 12, "created_households": 4,
                      "created_residents": 12, "updated_households": 0, "already_present": 0,
                      "errors": []}
    again = run(repo, "families.csv", text)
    assert (again["created_residents"], again["already_present"], again["errors"]) == (0, 12, [])
    assert db.residents.count_documents({}) == 12 and db.households.count_documents({}) == 4
    events = [e["type"] for d in db.residents.find() for e in d["_outbox"]]
    assert events == ["resident_registered"] * 12


def test_bad_rows_come_back_with_row_field_and_rule_and_good_rows_are_stored(repo):
    good, bad = factories.household(), factories.household()
    bad["members"][1]["nik"] = "3174090000000001"       # not a date
    bad["members"][2]["relationship"] = "cousin"
    text = factories.csv_text([good, bad])
    result = run(repo, "x.csv", text.encode("utf-8"))
    assert result["created_households"] == 2 and result["created_residents"] == 4
    assert [(e["row"], e["field"]) for e in result["errors"]] == [(6, "nik"), (7, "relationship")]
    assert "birth" in result["errors"][0]["rule"]
    # the corrected rows join the family registered the first time
    fixed = factories.csv_text([dict(bad, members=[
        dict(bad["members"][1], nik=factories.nik_for(datetime.date.fromisoformat(
            bad["members"][1]["birth_date"]), bad["members"][1]["sex"])),
        dict(bad["members"][2], relationship="child")])])
    again = run(repo, "x.csv", fixed.encode("utf-8"))
    assert (again["created_households"], again["updated_households"],
            again["created_residents"], again["errors"]) == (0, 1, 2, [])


def test_a_family_whose_household_columns_are_invalid_is_not_imported(repo):
    family = factories.household(rt="ABC")
    result = run(repo, "x.csv", factories.csv_text([family]).encode("utf-8"))
    assert result["created_residents"] == 0
    assert [(e["row"], e["field"]) for e in result["errors"]] == [
        (2, "rt"), (3, "kk_number"), (4, "kk_number")]


def test_a_person_twice_in_a_file_or_in_another_family_is_an_error(repo):
    one, two = factories.household(), factories.household()
    two["members"][2] = dict(one["members"][2], relationship="child")
    result = run(repo, "x.csv", factories.csv_text([one, two]).encode("utf-8"))
    assert [(e["row"], e["field"], e["rule"]) for e in result["errors"]] == [
        (7, "nik", "same person as row 4")]
    three = factories.household()
    three["members"][1] = dict(one["members"][1], relationship="wife")
    result = run(repo, "y.csv", factories.csv_text([three]).encode("utf-8"))
    assert result["errors"][0]["row"] == 3 and "already registered in family KK" in \
        result["errors"][0]["rule"]


def test_unknown_or_missing_columns_refuse_the_file():
    with pytest.raises(InvalidInput) as exc:
        importer.read_file("x.csv", b"kk_number,birthdate\n1,2\n")
    assert "unknown columns: birthdate" in exc.value.errors["file"][1]
    assert exc.value.errors["file"][0].startswith("missing columns")
    with pytest.raises(InvalidInput):
        importer.read_file("x.pdf", b"%PDF")
    with pytest.raises(InvalidInput):
        importer.read_file("x.csv", "kk_number\n".encode("utf-16"))


def test_the_opensid_template_itself_is_read_and_its_example_row_refused(repo):
    if not os.path.exists(TEMPLATE):
        pytest.skip("OpenSID template not available")
    content = open(TEMPLATE, "rb").read()
    fmt, rows, _ = importer.read_file("FormatImporExcel.xlsm", content)
    assert fmt == "opensid" and [r for r, _ in rows] == [2]  # instructions after ### skipped
    assert rows[0][1]["sex"] == "F" and rows[0][1]["relationship"] == "head"
    result = run(repo, "FormatImporExcel.xlsm", content)
    fields = {e["field"] for e in result["errors"]}
    # its NIK 8788... has no known province; the error names OpenSID's column
    assert result["errors"][0]["row"] == 2 and "nik" in fields
    assert result["created_residents"] == 0 and result["created_households"] == 0


def opensid_workbook(rows):
    """OpenSID's own template with ``rows`` (dicts by OpenSID column) in its green area."""
    book = openpyxl.load_workbook(TEMPLATE)
    sheet = book["Data Penduduk"]
    header = [c.value for c in sheet[1]]
    for r in range(2, 13):
        for c in range(1, len(header) + 1):
            sheet.cell(r, c).value = None
    for r, row in enumerate(rows, start=2):
        for column, value in row.items():
            sheet.cell(r, header.index(column) + 1).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def opensid_person(kk, level, sex, born, **extra):
    row = {"alamat": "Jl. Kecapi No. 3", "dusun": "Dusun Krajan", "rw": "-", "rt": 2,
           "nama": "Warga %s %d" % (kk[-4:], level), "no_kk": kk,
           "nik": factories.nik_for(born, "M" if sex == 1 else "F"), "sex": sex,
           "tempatlahir": "Bogor", "tanggallahir": datetime.datetime.combine(born, datetime.time()),
           "agama_id": 1, "pendidikan_kk_id": 5, "pekerjaan_id": 19, "status_kawin": 2,
           "kk_level": level, "cacat_id": 7, "hamil": 2, "status_dasar": 1}
    row.update(extra)
    return row


def test_an_opensid_workbook_imports_with_codes_dusun_and_dash_rw(repo):
    if not os.path.exists(TEMPLATE):
        pytest.skip("OpenSID template not available")
    kk = factories.kk_number()
    rows = [opensid_person(kk, 1, 1, datetime.date(1970, 1, 5)),
            opensid_person(kk, 3, 2, datetime.date(1975, 2, 6), hamil=1),
            opensid_person(kk, 7, 2, datetime.date(1940, 3, 7), status_dasar=2),
            opensid_person(kk, 4, 1, datetime.date(2005, 4, 8), nik="0", agama_id=9)]
    result = run(repo, "desa.xlsx", opensid_workbook(rows))
    assert result["created_residents"] == 3 and result["created_households"] == 1
    assert result["errors"] == [{"row": 5, "field": "agama_id",
                                 "rule": "must be one of OpenSID's codes 1, 2, 3, 4, 5, 6, 7"}]
    household = repo.household(repo.search_households(kk, None, None, None, 1, 1, 0)
                               ["items"][0]["id"])
    assert (household["dusun"], household["rw"], household["rt"]) == ("Dusun Krajan", "-", "002")
    wife, grandmother = household["members"][1], household["members"][2]
    assert wife["pregnant"] and wife["occupation"] == "daily labourer"
    assert (grandmother["status"], grandmother["inactive_reason"]) == ("inactive", "deceased")
    rows[3]["agama_id"] = 1
    again = run(repo, "desa.xlsx", opensid_workbook(rows))
    assert (again["already_present"], again["created_residents"]) == (3, 1)
    child = [m for m in repo.household(household["id"])["members"]
             if m["relationship"] == "child"][0]
    assert child["nik_temporary"] and child["nik"].startswith("0" + VILLAGE)


def test_rows_claimed_meanwhile_by_another_request_are_reported_not_written(repo, db):
    one, two = factories.household(), factories.household()
    # another registration holds these keys right now (claimed, not yet written)
    db.registry_keys.insert_many([
        {"_id": "nik:" + one["members"][2]["nik"], "owner": "res_other", "batch": "b", "at": 9e12},
        {"_id": "kk:" + two["kk_number"], "owner": "hh_other", "batch": "b", "at": 9e12}])
    result = run(repo, "x.csv", factories.csv_text([one, two]).encode("utf-8"))
    assert (result["created_households"], result["created_residents"]) == (1, 2)
    assert [(e["row"], e["field"]) for e in result["errors"]] == [
        (4, "nik"), (5, "kk"), (6, "kk"), (7, "kk")]
    assert "res_other" in result["errors"][0]["rule"]
    assert db.residents.count_documents({}) == 2
    household = repo.household(db.households.find_one()["_id"])
    assert len(household["member_ids"]) == 2 and len(household["members"]) == 2
