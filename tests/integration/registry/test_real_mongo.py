"""The registry's storage on a real MongoDB server (TEST_MONGO_URI, else SecantusDB).

mongomock stands in everywhere else; this path checks what only a real server
does: the unique indexes on residents.nik and households.kk_number, and the
same protocol (claims, staged members, commit) under pymongo.
"""
import pytest
from pymongo.errors import DuplicateKeyError

from services.shared.errors import Conflict
from services.registry import commands
from services.registry.store import RegistryRepository

from tests.unit.registry import factories

pytestmark = pytest.mark.mongo
ACTOR = {"name": "Petugas Mongo"}


@pytest.fixture
def repo(real_mongo_db):
    RegistryRepository.ensure_indexes(real_mongo_db)
    return RegistryRepository(real_mongo_db, lambda *args: None, pause=lambda: None)


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


def test_unique_indexes_back_the_claims_up(repo):
    """A write that bypassed the claims (a bug, a hand edit) is still refused."""
    household = commands.register_household(repo, factories.household(), ACTOR, "3174091005", "c")
    member = repo.residents.find_one({"nik": household["members"][0]["nik"]})
    with pytest.raises(DuplicateKeyError):
        repo.residents.insert_one({"_id": "copy", "nik": member["nik"]})
    with pytest.raises(DuplicateKeyError):
        repo.households.insert_one({"_id": "copy", "kk_number": household["kk_number"]})
    assert repo.residents.count_documents({"nik": member["nik"]}) == 1
