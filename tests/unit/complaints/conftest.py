"""Service tests on an in-process mongomock store (no broker): nameko's worker_factory
with the real repository, so every RPC runs as the gateway calls it."""
import datetime
import json
import uuid

import mongomock
import pytest

from services.shared.inbox import InboxRecords
from services.shared.outbox import OUTBOX

from services.complaints.service import ComplaintsService
from services.complaints.store import ComplaintRepository
from tests.support.kit import MemoryLot, service_worker

NIK = "3174094506870003"
OTHER_NIK = "3174091203650001"
OFFICER = {"name": "Petugas Rina", "role": "officer", "token_id": "tok_officer"}
ADMIN = {"name": "Lurah", "role": "admin", "token_id": "tok_admin"}
UTC = datetime.timezone.utc


@pytest.fixture
def db():
    return mongomock.MongoClient(tz_aware=True)["t%s_complaints" % uuid.uuid4().hex[:8]]


@pytest.fixture
def repo(db):
    ComplaintRepository.ensure_indexes(db)
    return ComplaintRepository(db, lambda *args: None)


@pytest.fixture
def service(repo, db):
    return service_worker(ComplaintsService, store=repo, inbox=InboxRecords(db, MemoryLot()))


def identified(category="exclusion", **extra):
    body = {"category": category, "description": "Keluarga kami layak tapi tidak terdaftar PKH.",
            "programme_code": "PKH",
            "reporter": {"name": "Siti Aminah", "nik": NIK, "phone": "081234567890"}}
    body.update(extra)
    return body


def anonymous(category="not_received", **extra):
    body = {"category": category, "description": "Bantuan Sembako bulan ini belum sampai.",
            "anonymous": True}
    body.update(extra)
    return body


def queued_events(db, complaint_id=None):
    """Events still in the outbox (no relay runs in unit tests), in order."""
    query = {"_id": complaint_id} if complaint_id else {}
    return [e for d in db["complaints"].find(query) for e in d.get(OUTBOX, [])]


def as_text(value):
    return json.dumps(value, ensure_ascii=False)


def id_of(service, tracking_code):
    items = service.list_complaints({"tracking_code": tracking_code}, actor=OFFICER)["items"]
    return items[0]["id"]
