"""An import sent in pieces stores what the whole file stores and refuses the same rows:
the console's pieces run through the registry's own importer (no broker), beside the
whole file on a second registry."""
import datetime
import io

import mongomock
import openpyxl

from services.registry import importer
from services.registry.imports import ImportRun
from services.registry.store import RegistryRepository
from tests.unit.registry import factories
from web import imports
from web.jobs import Job

ACTOR = {"token_id": "tok_test", "name": "Petugas Uji", "role": "officer"}


class Registry:
    """The registry's importer on its own in-memory store, spoken to like the API."""

    def __init__(self):
        db = mongomock.MongoClient(tz_aware=True)["r%d" % id(self)]
        RegistryRepository.ensure_indexes(db)
        self.repo, self.db = RegistryRepository(db, lambda *a: None, pause=lambda: None), db

    def post(self, path, data=None, params=None, headers=None, timeout=None):
        fmt, rows, names = importer.read_file(params["filename"], data)
        return ImportRun(self.repo, fmt, names, ACTOR, "3174091005", "cid",
                         params["filename"]).run(rows)

    def stored(self):
        return sorted((d["kk_number"], d["full_name"], d["status"])
                      for d in self.db.residents.find())


def both(filename, content, per_piece):
    whole, pieces = Registry(), Registry()
    expected = whole.post("imports/registry", data=content, params={"filename": filename})
    parts = imports.split(filename, content, per_piece=per_piece)
    assert len(parts) > 1
    got = imports.run(pieces, filename, parts, Job("a", "import", filename), 5)
    return expected, got, whole.stored(), pieces.stored()


def refused(result):
    return sorted((e["row"], e["field"]) for e in result["errors"])


def test_a_csv_in_pieces_is_the_whole_file():
    families = [factories.household() for _ in range(12)]
    families[3]["members"][1]["sex"] = "X"                      # one bad person
    families[5]["rt"] = "12345"                                 # a bad family
    families[7]["members"].append(dict(families[7]["members"][0]))  # twice in one family
    text = factories.csv_text(families)
    lines = text.splitlines()
    lines.insert(9, lines[2])  # a family's row again, after another family's rows
    content = ("\n".join(lines) + "\n").encode("utf-8")
    expected, got, whole, pieces = both("warga.csv", content, per_piece=5)
    assert refused(got) == refused(expected) and refused(expected)
    for key in ("rows", "created_households", "created_residents", "updated_households",
                "already_present"):
        assert got[key] == expected[key], key
    assert pieces == whole
    same_person = [e["rule"] for e in got["errors"] if "same person" in e["rule"]]
    assert same_person == [e["rule"] for e in expected["errors"] if "same person" in e["rule"]]


def test_an_opensid_sheet_in_pieces_is_the_whole_sheet():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data Penduduk"
    columns = ["alamat", "dusun", "rw", "rt", "nama", "no_kk", "nik", "sex", "tempatlahir",
               "tanggallahir", "agama_id", "kk_level", "status_dasar"]
    sheet.append(columns)
    for family in range(7):
        kk = factories.kk_number()
        for level, sex, born in ((1, 1, datetime.date(1970, 1, 5 + family)),
                                 (3, 2, datetime.date(1975, 2, 6 + family))):
            nik = factories.nik_for(born, "M" if sex == 1 else "F")
            sheet.append(["Jl. Kecapi %d" % family, "Krajan", "-", 2, "Warga %d %d" % (
                family, level), kk, nik, sex, "Bogor", datetime.datetime.combine(
                born, datetime.time()), 9 if family == 4 and level == 3 else 1, level,
                2 if family == 2 and level == 3 else 1])
    sheet.append(["###"])
    out = io.BytesIO()
    book.save(out)
    expected, got, whole, pieces = both("desa.xlsx", out.getvalue(), per_piece=3)
    assert got["format"] == expected["format"] == "opensid"
    assert refused(got) == refused(expected) == [(11, "agama_id")]
    assert (got["created_residents"], got["rows"]) == (expected["created_residents"], 14)
    assert pieces == whole and ("inactive" in {s for _, _, s in whole})
