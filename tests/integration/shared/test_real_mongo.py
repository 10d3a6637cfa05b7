"""What mongomock cannot prove: the same store operations on a real MongoDB.

Runs only where TEST_MONGO_URI points at a reachable MongoDB (docker compose in
deploy/ starts one: TEST_MONGO_URI=mongodb://127.0.0.1:27017); skipped elsewhere.
"""
import os
import uuid

import pytest

pymongo = pytest.importorskip("pymongo")

from pymongo.errors import DuplicateKeyError, ServerSelectionTimeoutError  # noqa: E402

from services.shared.envelope import make_envelope  # noqa: E402
from services.shared.outbox import OUTBOX, PENDING, new_document  # noqa: E402
from services.shared.projection import apply_snapshot  # noqa: E402
from services.shared.relay import OutboxRelay  # noqa: E402

pytestmark = pytest.mark.mongo

URI = os.environ.get("TEST_MONGO_URI")


@pytest.fixture
def db():
    if not URI:
        pytest.skip("TEST_MONGO_URI is not set: no real MongoDB here")
    client = pymongo.MongoClient(URI, serverSelectionTimeoutMS=2000)
    try:
        client.admin.command("ping")
    except ServerSelectionTimeoutError:
        pytest.skip("no MongoDB reachable at TEST_MONGO_URI")
    name = "test_%s" % uuid.uuid4().hex[:10]
    yield client[name]
    client.drop_database(name)


def test_unique_index_on_scalar_refuses_duplicates(db):
    db.residents.create_index("nik", unique=True)
    db.residents.insert_one({"_id": "a", "nik": "3174091708450001"})
    with pytest.raises(DuplicateKeyError):
        db.residents.insert_one({"_id": "b", "nik": "3174091708450001"})


def test_conditional_snapshot_upsert_is_atomic_and_ordered(db):
    assert apply_snapshot(db.p, "r1", 2, {"n": 2})
    assert not apply_snapshot(db.p, "r1", 1, {"n": 1})
    assert db.p.find_one({"_id": "r1"})["n"] == 2


def test_single_document_compare_and_set_wins_once(db):
    db.allocations.insert_one({"_id": "x", "status": "pending"})
    first = db.allocations.update_one({"_id": "x", "status": "pending"}, {"$set": {"status": "disbursed"}})
    second = db.allocations.update_one({"_id": "x", "status": "pending"}, {"$set": {"status": "disbursed"}})
    assert (first.modified_count, second.modified_count) == (1, 0)


def test_relay_bookkeeping_on_a_real_server(db):
    class Pub:
        published = []

        def publish(self, events):
            self.published.extend(events)

        def close(self):
            pass

    class C:
        service_name = "t"
        config = {"AMQP_URI": "amqp://unused"}

    db.things.insert_one(new_document({"_id": "a"}, [make_envelope("e", "t", "a", 1, {})]))
    relay = OutboxRelay(C(), db, ["things"], publisher=Pub())
    assert relay.flush() == 1
    assert db.things.find_one({"_id": "a"})[OUTBOX] == [] and db.things.find_one({"_id": "a"})[PENDING] == 0
