"""Unit fixtures: the marketplace on an in-process mongomock database, with a small
registry projection, actors of each role, and a service worker (no broker)."""
import datetime
import io
import uuid

import mongomock
import pytest
from PIL import Image

from services.marketplace.service import MarketplaceService
from services.marketplace.store import MarketplaceRepository
from services.shared import clock

from tests.support.kit import service_worker

OFFICER = {"name": "Petugas Ani", "role": "officer", "token_id": "tok_o", "request_id": "r1"}
PUBLIC = None


def seller_actor(seller_id):
    return {"name": "Penjual", "role": "seller", "token_id": "tok_" + seller_id,
            "seller_id": seller_id, "request_id": "r2"}


class Residents:
    """Residents straight into the marketplace's registry projection."""

    def __init__(self, repo):
        self.repo = repo
        self.serial = 0

    def add(self, birth="1985-04-12", sex="F", status="active", household_id=None, **extra):
        self.serial += 1
        y, m, d = birth.split("-")
        day = int(d) + (40 if sex == "F" else 0)
        nik = "317409%02d%s%s%04d" % (day, m, y[2:], self.serial)
        person = dict({"id": "res_" + uuid.uuid4().hex[:8], "nik": nik,
                       "household_id": household_id or "hh_" + uuid.uuid4().hex[:8],
                       "full_name": "Warga %d" % self.serial, "sex": sex, "birth_date": birth,
                       "status": status, "rt": "003", "rw": "005", "version": 1}, **extra)
        self.repo.apply_resident(person)
        return person

    def deactivate(self, person, reason="moved_out"):
        person = dict(person, status="inactive", inactive_reason=reason,
                      version=person["version"] + 1)
        self.repo.apply_resident(person)
        return person


@pytest.fixture
def repo():
    db = mongomock.MongoClient(tz_aware=True)["t" + uuid.uuid4().hex[:8]]
    MarketplaceRepository.ensure_indexes(db)
    return MarketplaceRepository(db, lambda *args: None)


@pytest.fixture
def residents(repo):
    return Residents(repo)


@pytest.fixture
def service(repo):
    return service_worker(MarketplaceService, store=repo)


def seller_body(nik, **extra):
    return dict({"nik": nik, "business_name": "Keripik Bu Sari", "category": "food",
                 "phone": "081234567890", "rt": "3", "rw": "5"}, **extra)


def listing_body(**extra):
    return dict({"title": "Keripik Pisang Manis", "description": "Keripik pisang kepok, 250 g.",
                 "price_idr": 15000, "unit": "bungkus", "stock": 20, "category": "food"},
                **extra)


def order_body(quantity=1, **extra):
    return dict({"buyer_name": "Budi", "buyer_phone": "081298765432", "quantity": quantity},
                **extra)


@pytest.fixture
def verified_seller(service, residents):
    """``(seller answer, seller actor)`` of a verified seller."""
    person = residents.add()
    seller = service.register_seller(seller_body(person["nik"]), OFFICER)
    service.verify_seller(seller["id"], {}, OFFICER)
    return seller, seller_actor(seller["id"])


@pytest.fixture
def listing(service, verified_seller):
    """A listed product with stock 20: ``(listing answer, seller actor)``."""
    _, actor = verified_seller
    return service.create_listing(listing_body(), actor), actor


def image_bytes(fmt="JPEG", size=(1600, 1200), color=(180, 90, 20)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def later(hours):
    return clock.now() + datetime.timedelta(hours=hours)
