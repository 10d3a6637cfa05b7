"""Test data for the registry: valid NIK/KK numbers and request bodies, random per call.

Random birth dates and serials keep tests that share one registry (e2e, one
platform per session) from colliding; nothing here is a real person.
"""
import datetime
import os
import random

_rng = random.SystemRandom()

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__)))))
#: OpenSID's own import template, ``FormatImporExcel.xlsm`` of OpenSID release v2410.0.0
#: (not redistributed here): set OPENSID_TEMPLATE to its path to check our code lists
#: and sample spreadsheet against it; the tests that need it are skipped otherwise.
TEMPLATE = os.environ.get("OPENSID_TEMPLATE") or "FormatImporExcel.xlsm (set OPENSID_TEMPLATE)"
SAMPLE_CSV = os.path.join(ROOT, "data", "sample", "tanjung-barat-registry.csv")

AREA = "317409"       # Kec. Jagakarsa, Jakarta Selatan (docs/domain.md)
ELSEWHERE = "327301"  # Kota Bandung: a migrant's NIK keeps where it was issued


def random_date(start_year=1950, end_year=2020):
    start = datetime.date(start_year, 1, 1).toordinal()
    end = datetime.date(end_year, 12, 28).toordinal()
    return datetime.date.fromordinal(_rng.randint(start, end))


def nik_for(birth_date, sex, area=AREA, serial=None):
    """A structurally valid NIK that encodes ``birth_date`` and ``sex``."""
    day = birth_date.day + (40 if sex == "F" else 0)
    return "%s%02d%02d%02d%04d" % (area, day, birth_date.month, birth_date.year % 100,
                                   serial or _rng.randint(1, 9999))


def kk_number(issued=None, area=AREA):
    issued = issued or random_date(2000, 2024)
    return "%s%02d%02d%02d%04d" % (area, issued.day, issued.month, issued.year % 100,
                                   _rng.randint(1, 9999))


def person(relationship="child", sex=None, birth_date=None, nik=True, **extra):
    """A ``ResidentFields`` body; ``nik=False`` leaves the NIK out (temporary number),
    a string is used as the NIK, ``True`` makes one matching birth date and sex."""
    sex = sex or _rng.choice("MF")
    birth_date = birth_date or random_date()
    body = {"full_name": "Warga Uji %06d" % _rng.randint(0, 999999), "sex": sex,
            "birth_place": "Jakarta", "birth_date": birth_date.isoformat(),
            "relationship": relationship, "religion": "islam", "education": "sma",
            "occupation_code": 88, "marital_status": "married", "disability": "none",
            "pregnant": False, "phone": "081234567890"}
    if nik:
        body["nik"] = nik if isinstance(nik, str) else nik_for(birth_date, sex)
    body.update(extra)
    return body


def household(members=None, **extra):
    """A ``HouseholdIn`` body: a head, a spouse and a child unless ``members`` given."""
    body = {"kk_number": kk_number(), "street": "Jl. Raya Tanjung Barat No. %d" % _rng.randint(1, 300),
            "rt": "%03d" % _rng.randint(1, 10), "rw": "%03d" % _rng.randint(1, 8),
            "welfare_decile": 3, "monthly_income_idr": 2500000, "house_ownership": "rent",
            "floor_type": "ceramic", "wall_type": "brick", "roof_type": "tile",
            "water_source": "piped", "electricity_va": 900, "cooking_fuel": "lpg",
            "sanitation": "private", "has_car": False,
            "members": members if members is not None else [
                person("head", "M", random_date(1960, 1990)),
                person("wife", "F", random_date(1960, 1990)),
                person("child", birth_date=random_date(2010, 2020), marital_status="single")]}
    body.update(extra)
    return body


CSV_HEADER = ("kk_number,street,rt,rw,dusun,village_code,welfare_decile,monthly_income_idr,"
              "house_ownership,floor_type,wall_type,roof_type,water_source,electricity_va,"
              "cooking_fuel,sanitation,has_car,nik,full_name,sex,birth_place,birth_date,"
              "relationship,religion,education,marital_status,disability,occupation_code,"
              "pregnant,phone")


def csv_text(families):
    """A registry CSV (docs/registry-data.md) of ``household()`` bodies."""
    columns = CSV_HEADER.split(",")
    lines = [CSV_HEADER]
    for family in families:
        for member in family["members"]:
            row = dict(family, **member)
            lines.append(",".join("" if row.get(c) is None else
                                  str(row[c]).lower() if isinstance(row.get(c), bool) else
                                  str(row[c]) for c in columns))
    return "\n".join(lines) + "\n"
