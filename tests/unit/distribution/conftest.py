"""Unit fixtures: the distribution repository on an in-process mongomock database,
a small registry projection, and the seed catalogue from data/programmes/."""
import glob
import json
import os
import uuid

import mongomock
import pytest

from services.distribution import catalogue
from services.distribution.store import DistributionRepository

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OFFICER = {"name": "petugas", "role": "officer", "token_id": "t1", "request_id": "r1"}


def seed_programmes():
    """``{code: programme body}`` from data/programmes/*.json."""
    out = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "data", "programmes", "*.json"))):
        with open(path, encoding="utf-8") as handle:
            body = json.load(handle)
        out[body["code"]] = body
    return out


class Registry:
    """Builds households and residents straight into the projection."""

    def __init__(self, repo):
        self.repo = repo
        self.serial = 0

    def nik(self, birth, sex):
        self.serial += 1
        y, m, d = birth.split("-")
        day = int(d) + (40 if sex == "F" else 0)
        return "317409%02d%s%s%04d" % (day, m, y[2:], self.serial)

    def household(self, decile=3, members=(), rw="003", rt="001", **attrs):
        """``members``: (relationship, sex, birth_date, extra dict) tuples.
        Returns ``(household snapshot, [resident snapshots])``."""
        hid = "hh_" + uuid.uuid4().hex[:8]
        kk = "3174090101%06d" % (self.serial + 1)
        hh = dict({"id": hid, "kk_number": kk, "rt": rt, "rw": rw, "welfare_decile": decile,
                   "monthly_income_idr": 1_000_000 * (decile or 9), "has_car": False,
                   "status": "active", "version": 1}, **attrs)
        self.repo.apply_household(hh)
        people = []
        for rel, sex, birth, *extra in members:
            person = {"id": "res_" + uuid.uuid4().hex[:8], "nik": self.nik(birth, sex),
                      "kk_number": kk, "household_id": hid, "full_name": "%s %s" % (rel, sex),
                      "sex": sex, "birth_date": birth, "relationship": rel,
                      "occupation_code": 1, "disability": "none", "pregnant": False,
                      "status": "active", "rt": rt, "rw": rw, "version": 1}
            person.update(extra[0] if extra else {})
            self.repo.apply_resident(person)
            people.append(person)
        return hh, people

    def deactivate(self, person, reason="deceased"):
        person = dict(person, status="inactive", inactive_reason=reason,
                      version=person["version"] + 1)
        self.repo.apply_resident(person)
        return person


@pytest.fixture
def repo():
    db = mongomock.MongoClient()["t" + uuid.uuid4().hex[:8]]
    DistributionRepository.ensure_indexes(db)
    return DistributionRepository(db, lambda *args: None)


@pytest.fixture
def registry(repo):
    return Registry(repo)


@pytest.fixture(scope="session")
def seeds():
    return seed_programmes()


@pytest.fixture
def publish(repo, seeds):
    def do(*codes):
        return [catalogue.publish_programme(repo, seeds[c], OFFICER, "kelurahan") for c in codes]
    return do


@pytest.fixture
def schedule(repo):
    def do(code, name="Tahap 1", starts_on="2026-01-05", ends_on="2026-01-30", **limits):
        body = {"name": name, "starts_on": starts_on, "ends_on": ends_on,
                "location": "Balai RW 03"}
        body.update(limits)
        return catalogue.schedule_round(repo, code, body, OFFICER, "kelurahan")
    return do


#: A poor PKH family: mother (pregnant), father, a 3-year-old, an SD pupil.
PKH_FAMILY = (("head", "M", "1985-02-01"), ("wife", "F", "1988-03-04", {"pregnant": True}),
              ("child", "M", "2022-07-01"), ("child", "F", "2016-09-09", {"occupation_code": 3}))
