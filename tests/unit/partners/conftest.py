"""Unit fixtures: the partners service on an in-process mongomock database, with a
small registry projection written straight into its store."""
import datetime
import uuid

import mongomock
import pytest

from services.partners.service import PartnersService
from services.partners.store import PartnersRepository
from services.shared import clock
from services.shared.inbox import InboxRecords
from tests.support.kit import MemoryLot, service_worker

OFFICER = {"name": "petugas", "role": "officer", "token_id": "t1", "request_id": None}
ADMIN = {"name": "admin", "role": "admin", "token_id": "t0", "request_id": None}
TODAY = clock.village_today()


def years_ago(years, days=0):
    """A birth date ``years`` whole years (and ``days`` more) before today (WIB)."""
    born = TODAY.replace(year=TODAY.year - years) if not (TODAY.month == 2 and TODAY.day == 29) \
        else TODAY.replace(year=TODAY.year - years, day=28)
    return (born - datetime.timedelta(days=days)).isoformat()


def days_ago(days):
    return (TODAY - datetime.timedelta(days=days)).isoformat()


def partner_actor(partner_id, name="mitra"):
    return {"name": name, "role": "partner", "partner_id": partner_id, "token_id": "tp",
            "request_id": None}


class Registry:
    """Households and residents written into the service's registry projection."""

    def __init__(self, repo):
        self.repo = repo
        self.serial = 0

    def nik(self, birth, sex):
        self.serial += 1
        y, m, d = birth.split("-")
        return "317409%02d%s%s%04d" % (int(d) + (40 if sex == "F" else 0), m, y[2:], self.serial)

    def household(self, decile=3, members=(), rw="003", rt="001"):
        """``members``: ``(relationship, sex, birth_date[, {fields}])``; returns
        ``(household, [residents])`` as snapshots (``id``)."""
        hid = "hh_" + uuid.uuid4().hex[:8]
        kk = "3174090101%06d" % (self.serial + 1)
        household = {"id": hid, "kk_number": kk, "rt": rt, "rw": rw, "welfare_decile": decile,
                     "status": "active", "version": 1}
        self.repo.apply_household(household)
        people = []
        for rel, sex, birth, *extra in members:
            person = {"id": "res_" + uuid.uuid4().hex[:8], "nik": self.nik(birth, sex),
                      "kk_number": kk, "household_id": hid, "full_name": "%s %s" % (rel, sex),
                      "sex": sex, "birth_date": birth, "relationship": rel,
                      "occupation_code": 1, "pregnant": False, "status": "active", "rt": rt,
                      "rw": rw, "version": 1}
            person.update(extra[0] if extra else {})
            self.repo.apply_resident(person)
            people.append(person)
        return household, people

    def person(self, age=22, sex="M", decile=3, rw="003", **fields):
        """One resident aged ``age`` alone in a household of ``decile``."""
        return self.household(decile, [("head", sex, years_ago(age), fields)], rw=rw)[1][0]

    def change(self, person, **fields):
        changed = dict(person, version=person["version"] + 1, **fields)
        self.repo.apply_resident(changed)
        person.update(changed)
        return person


@pytest.fixture
def db():
    return mongomock.MongoClient(tz_aware=True)["t" + uuid.uuid4().hex[:8]]


@pytest.fixture
def repo(db):
    PartnersRepository.ensure_indexes(db)
    return PartnersRepository(db, lambda *args: None)


@pytest.fixture
def registry(repo):
    return Registry(repo)


@pytest.fixture
def service(repo, db):
    return service_worker(PartnersService, store=repo, inbox=InboxRecords(db, MemoryLot()))


@pytest.fixture
def partner(service):
    """A verified company (CSR) partner."""
    def make(kind="company", name="PT Sumber Rejeki", verify=True):
        doc = service.register_partner({"name": name, "kind": kind, "contact_name": "Bu Rina",
                                        "contact_phone": "081234567890"}, OFFICER)
        if verify:
            doc = service.verify_partner(doc["id"], {}, ADMIN)
        return doc
    return make


YOUTH = {"all": [{"attr": "member.age", "op": "between", "value": [15, 30],
                  "label": "Usia 15-30 tahun"},
                 {"attr": "household.welfare_decile", "op": "between", "value": [1, 4],
                  "label": "Desil kesejahteraan 1-4"}]}


@pytest.fixture
def training(service, partner):
    """A CSR entrepreneurship training for youth of deciles 1-4, started yesterday."""
    def make(capacity=2, owner=None, **fields):
        owner = owner or partner()
        body = {"title": "Pelatihan Wirausaha Kuliner", "kind": "training",
                "description": "Memasak dan mengelola usaha kuliner rumahan.",
                "location": "Balai RW 03", "starts_on": days_ago(1),
                "ends_on": days_ago(-60), "capacity": capacity, "criteria": YOUTH,
                "topics": ["entrepreneurship", "culinary"],
                "contribution": {"amount_idr": 25_000_000, "trainer_hours": 40}}
        body.update(fields)
        return service.create_programme(owner["id"], body, OFFICER), owner
    return make
