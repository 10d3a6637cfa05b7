"""The sample registry (data/sample/) and its generator (samplegen/).

Most checks read the committed CSV, as the registry import and a reader see
it; a fresh generation must equal it byte for byte, so it never drifts.
"""
import collections
import csv
import datetime
import io
import os
import re

import openpyxl
import pytest

from samplegen import CSV_NAME, DEFAULT_SEED, XLSX_NAME, places
from samplegen.__main__ import OPENSID_RESIDENTS, main
from samplegen.codes import EDUCATION_MIN_AGE, WORKING
from samplegen.dates import REFERENCE_DATE, age_on
from samplegen.generate import generate
from samplegen.writers import CSV_COLUMNS, OPENSID_COLUMNS, csv_text, opensid_rows
from services.registry import importer
from services.registry.contract import HouseholdFields, ResidentFields
from services.shared.nik import (FLAG_BIRTH_DATE, FLAG_SEX, nik_quality_flags, validate_kk,
                                 validate_nik)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(ROOT, "data", "sample")
TEMPLATE = os.path.join(ROOT, "..", "shared", "data", "opensid", "FormatImporExcel.xlsm")


@pytest.fixture(scope="module")
def committed_text():
    with open(os.path.join(SAMPLE, CSV_NAME), encoding="utf-8", newline="") as fh:
        return fh.read()


@pytest.fixture(scope="module")
def fresh():
    """``(main, extra)`` households of a fresh generation with the committed files' settings."""
    return generate(DEFAULT_SEED, extra_residents=OPENSID_RESIDENTS)


@pytest.fixture(scope="module")
def rows(committed_text):
    return list(csv.DictReader(io.StringIO(committed_text)))


@pytest.fixture(scope="module")
def families(rows):
    grouped = collections.OrderedDict()
    for row in rows:
        grouped.setdefault(row["kk_number"], []).append(row)
    return grouped


def age(row):
    return age_on(datetime.date.fromisoformat(row["birth_date"]), REFERENCE_DATE)


def test_committed_csv_equals_a_fresh_generation(committed_text, fresh):
    assert csv_text(fresh[0]) == committed_text


def test_same_seed_same_sample_other_seed_other_sample():
    first, _ = generate(7, families=60)
    again, _ = generate(7, families=60)
    other, _ = generate(8, families=60)
    assert csv_text(first) == csv_text(again)
    assert csv_text(first) != csv_text(other)


def test_extra_opensid_families_do_not_change_the_main_sample():
    alone, _ = generate(11, families=40)
    with_extra, extra = generate(11, families=40, extra_residents=20)
    assert csv_text(alone) == csv_text(with_extra)
    assert sum(len(h["members"]) for h in extra) >= 20


def test_header_is_the_documented_import_format(committed_text):
    assert committed_text.split("\n", 1)[0].split(",") == CSV_COLUMNS
    doc = open(os.path.join(ROOT, "docs", "registry-data.md"), encoding="utf-8").read()
    table = doc[doc.index("## CSV import"):]
    for column in CSV_COLUMNS:
        assert "`%s`" % column in table, column


def test_sizes_and_spread_over_rw_and_rt(rows, families):
    assert 1400 <= len(families) <= 1600
    assert 4500 <= len(rows) <= 5500
    rts = collections.defaultdict(set)
    for row in rows:
        assert re.fullmatch(r"\d{3}", row["rt"]) and re.fullmatch(r"\d{3}", row["rw"])
        assert row["village_code"] == places.VILLAGE_CODE
        rts[row["rw"]].add(row["rt"])
    assert 10 <= len(rts) <= 12
    assert all(len(r) <= 15 for r in rts.values())
    assert sum(len(r) for r in rts.values()) >= 100


def test_readme_states_the_real_counts_and_that_sizes_are_synthetic(rows, families):
    readme = open(os.path.join(SAMPLE, "README.md"), encoding="utf-8").read()
    n_rt = len({(r["rw"], r["rt"]) for r in rows})
    n_rw = len({r["rw"] for r in rows})
    assert "{:,} families (KK), {:,} residents in {} RW and {} RT".format(
        len(families), len(rows), n_rw, n_rt) in readme
    assert "sizes are synthetic" in readme and str(DEFAULT_SEED) in readme


def test_every_nik_is_valid_unique_and_never_serial_0000(rows):
    niks = [r["nik"] for r in rows if r["nik"]]
    assert len(niks) == len(set(niks))
    for nik in niks:
        assert validate_nik(nik) == nik
        assert nik[12:] != "0000"


def test_nik_origins_mostly_jagakarsa_some_migrants_from_elsewhere(rows):
    niks = [r["nik"] for r in rows if r["nik"]]
    jagakarsa = sum(n.startswith(places.JAGAKARSA) for n in niks)
    outside = {n[:2] for n in niks if not n.startswith("31")}
    assert jagakarsa > len(niks) / 2
    assert {"32", "33", "13"} <= outside and len(outside) >= 6
    assert {n[:4] for n in niks} <= set(places.all_region_codes())


def test_nik_oddities_in_the_intended_shares(rows):
    flags = collections.Counter()
    for r in rows:
        if r["nik"]:
            for flag in nik_quality_flags(r["nik"], datetime.date.fromisoformat(r["birth_date"]),
                                          r["sex"]):
                flags[flag] += 1
    no_nik = [r for r in rows if not r["nik"]]
    assert 0.005 * len(rows) <= flags[FLAG_BIRTH_DATE] <= 0.015 * len(rows)
    assert 1 <= flags[FLAG_SEX] <= 0.003 * len(rows)
    assert 0.001 * len(rows) <= len(no_nik) <= 0.005 * len(rows)
    keys = [(r["full_name"].lower(), r["birth_date"], r["birth_place"].lower()) for r in rows]
    for r in no_nik:   # the registry dedupes temporary-number records by these
        assert keys.count((r["full_name"].lower(), r["birth_date"], r["birth_place"].lower())) == 1


def test_kk_numbers_valid_unique_and_distinct_from_niks(rows, families):
    niks = {r["nik"] for r in rows}
    for kk, members in families.items():
        assert validate_kk(kk) == [], kk
        assert kk.startswith(places.JAGAKARSA) and kk[12:] != "0000"
        issued = datetime.date(2000 + int(kk[10:12]), int(kk[8:10]), int(kk[6:8]))
        assert issued <= REFERENCE_DATE
        assert kk not in niks
        assert len({tuple(m[c] for c in CSV_COLUMNS[:17]) for m in members}) == 1


def test_family_relationships_and_ages_fit(families):
    for kk, members in families.items():
        by = collections.defaultdict(list)
        for m in members:
            by[m["relationship"]].append(m)
        assert len(by["head"]) == 1, kk
        head = by["head"][0]
        spouses = by["wife"] + by["husband"]
        assert len(spouses) <= 1, kk
        assert age(head) >= 17
        for s in spouses:
            assert s["marital_status"] == "married" == head["marital_status"]
            assert age(s) >= 19 and s["sex"] != head["sex"]
        elders = [head] + spouses
        for child in by["child"]:
            assert all(age(e) - age(child) >= 15 for e in elders), kk
        for grandchild in by["grandchild"]:
            assert age(head) - age(grandchild) >= 34, kk
        if by["child_in_law"] or by["grandchild"]:
            assert any(c["marital_status"] == "married" for c in by["child"]), kk
        for p in by["parent"]:
            assert age(p) - age(head) >= 18, kk
        for p in by["parent_in_law"]:
            assert spouses and age(p) - age(spouses[0]) >= 18, kk
        for m in members:
            if age(m) < 17:
                assert m["marital_status"] == "single", kk


def test_personal_attributes_fit_age_and_sex(rows):
    for r in rows:
        a = age(r)
        assert datetime.date.fromisoformat(r["birth_date"]) <= REFERENCE_DATE
        assert a >= EDUCATION_MIN_AGE[r["education"]], r
        if a < 7:
            assert r["education"] == "none"
        occupation = int(r["occupation_code"])
        assert 1 <= occupation <= 89
        if a < 15:
            assert occupation not in WORKING, r
        if occupation == 3:
            assert 5 <= a <= 30, r
        if occupation == 4:
            assert a >= 50, r
        if r["pregnant"] == "true":
            assert r["sex"] == "F" and r["marital_status"] == "married" and 18 <= a <= 45, r
        if r["phone"]:
            assert a >= 17 and re.fullmatch(r"08\d{9,11}", r["phone"]), r


def test_population_shares(rows, families):
    n = len(rows)
    religion = collections.Counter(r["religion"] for r in rows)
    assert 0.80 <= religion["islam"] / n <= 0.90
    assert religion["protestant"] > religion["catholic"] > religion["hindu"]
    assert 0.01 <= sum(r["disability"] != "none" for r in rows) / n <= 0.03
    married_women = [r for r in rows if r["sex"] == "F" and r["marital_status"] == "married"
                     and 18 <= age(r) <= 45]
    assert 0.015 <= sum(r["pregnant"] == "true" for r in married_women) / len(married_women) <= 0.05
    heads = [m[0] for m in families.values()]
    deciles = [int(h["welfare_decile"]) for h in heads if h["welfare_decile"]]
    assert 0.25 <= sum(d <= 4 for d in deciles) / len(heads) <= 0.35
    cars = [int(h["welfare_decile"]) for h in heads
            if h["has_car"] == "true" and h["welfare_decile"]]
    assert sum(d >= 7 for d in cars) >= 0.8 * len(cars)
    for d in range(1, 11):
        incomes = [int(h["monthly_income_idr"]) for h in heads if h["welfare_decile"] == str(d)]
        assert incomes, d
    poorest = [int(h["monthly_income_idr"]) for h in heads if h["welfare_decile"] == "1"]
    richest = [int(h["monthly_income_idr"]) for h in heads if h["welfare_decile"] == "10"]
    assert max(poorest) < min(richest)


def test_programmes_have_candidates_in_deciles_1_to_4(families):
    poor = [m for ms in families.values() if ms[0]["welfare_decile"] in ("1", "2", "3", "4")
            for m in ms]
    assert sum(r["pregnant"] == "true" for r in poor) >= 3               # PKH
    assert sum(age(r) <= 6 for r in poor) >= 30                           # PKH, KAJ
    for low, high in ((7, 12), (13, 15), (16, 18)):                      # KJP Plus, PIP
        assert sum(low <= age(r) <= high and r["occupation_code"] == "3" for r in poor) >= 20
    assert sum(age(r) >= 60 for r in poor) >= 30                          # KLJ, PKH
    assert sum(r["disability"] != "none" for r in poor) >= 10             # KPDJ


def test_committed_opensid_sheet_has_the_template_columns_and_valid_numbers(rows, fresh):
    book = openpyxl.load_workbook(os.path.join(SAMPLE, XLSX_NAME))
    sheet = book["Data Penduduk"]
    lines = list(sheet.iter_rows(values_only=True))
    assert list(lines[0]) == OPENSID_COLUMNS and len(OPENSID_COLUMNS) == 43
    if os.path.exists(TEMPLATE):
        template = openpyxl.load_workbook(TEMPLATE, read_only=True)["Data Penduduk"]
        assert list(next(template.iter_rows(values_only=True))) == OPENSID_COLUMNS
    data = [dict(zip(OPENSID_COLUMNS, line, strict=False)) for line in lines[1:]
            if line[1] != "###"]
    assert lines[-1][1] == "###"
    assert 18 <= len(data) <= 30
    for row in data:
        validate_nik(row["nik"])
        assert validate_kk(row["no_kk"]) == []
        assert row["sex"] in (1, 2) and 1 <= row["kk_level"] <= 11
        assert 1 <= row["pekerjaan_id"] <= 89 and 1 <= row["pendidikan_kk_id"] <= 10
    csv_niks = {r["nik"] for r in rows}
    assert not csv_niks & {row["nik"] for row in data}
    assert [list(line) for line in lines[1:-1]] == list(opensid_rows(fresh[1], REFERENCE_DATE))


def test_command_line_writes_both_files(tmp_path, capsys):
    assert main(["--seed", "5", "--families", "30", "--out", str(tmp_path)]) == 0
    text = (tmp_path / CSV_NAME).read_text(encoding="utf-8")
    assert text.count("\n") > 30 and (tmp_path / XLSX_NAME).stat().st_size > 0
    assert "30 families" in capsys.readouterr().out


@pytest.mark.parametrize("name", [CSV_NAME, XLSX_NAME])
def test_every_row_passes_the_registry_import_rules(name):
    household_fields, person_fields = HouseholdFields(), ResidentFields()
    with open(os.path.join(SAMPLE, name), "rb") as fh:
        fmt, rows, _ = importer.read_file(name, fh.read())
    assert fmt == ("csv" if name == CSV_NAME else "opensid")
    for number, fields in rows:
        assert not fields.get("_errors"), (number, fields)
        person_fields.load({k: v for k, v in fields.items() if k in person_fields.fields})
        household_fields.load({k: v for k, v in fields.items() if k in household_fields.fields})
