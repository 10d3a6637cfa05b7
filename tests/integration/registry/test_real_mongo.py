"""The registry's storage on a real MongoDB (TEST_MONGO_URI); skipped where none is reachable.

mongomock stands in everywhere else; this path checks what only a real server
does: the unique indexes on residents.nik and households.kk_number, and the
same protocol (claims, staged members, commit) under pymongo.
"""
import os
import uuid

import pytest

from services.shared.errors import Conflict
from services.registry import commands
from services.registry.store import RegistryRepository

from tests.unit.registry import factories

pytestmark = pytest.mark.mongo
ACTOR = {"name": "Petugas Mongo"}


@pytest.fixture
def repo():
    uri = os.environ.get("TEST_MONGO_URI")
    if not uri:
        pytest.skip("TEST_MONGO_URI is not set")
    import pymongo
    client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=2000, tz_aware=True)
    try:
        client.admin.command("ping")
    except pymongo.errors.PyMongoError as exc:
        pytest.skip("no MongoDB at TEST_MONGO_URI: %s" % exc)
    name = "t%s_registry" % uuid.uuid4().hex[:10]
    db = client[name]
    RegistryRepository.ensure_indexes(db)
    yield RegistryRepository(db, lambda *args: None, pause=lambda: None)
    client.drop_database(name)
    client.close()


def test_unique_indexes_exist_and_registration_is_whole(repo):
    def uniques(collection):
        return [dict(i["key"]) for i in collection.list_indexes() if i.get("unique")]
    assert {"nik": 1} in uniques(repo.residents)
    assert {"kk_number": 1} in uniques(repo.households)
    household = commands.register_household(repo, factories.household(), ACTOR, "3174091005", "c")
    again = factories.household(kk_number=household["kk_number"])
    with pytest.raises(Conflict):
        commands.register_household(repo, again, ACTOR, "3174091005", "c")
    assert repo.residents.count_documents({}) == 3
    assert repo.resident(household["members"][0]["nik"])["household_id"] == household["id"]
