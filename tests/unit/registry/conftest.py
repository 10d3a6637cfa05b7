"""Fixtures for registry unit tests: a repository on a fresh in-process store."""
import mongomock
import pytest

from services.registry.store import RegistryRepository

VILLAGE = "3174091005"
ACTOR = {"token_id": "tok_test", "name": "Petugas Uji", "role": "officer"}


class Notifications:
    """Counts relay wake-ups (a write that queued events calls notify)."""

    def __init__(self):
        self.count = 0

    def __call__(self, collection=None, ids=None):
        self.count += 1


@pytest.fixture
def db():
    database = mongomock.MongoClient(tz_aware=True)["registry_test"]
    RegistryRepository.ensure_indexes(database)
    return database


@pytest.fixture
def notified():
    return Notifications()


@pytest.fixture
def repo(db, notified):
    return RegistryRepository(db, notified, pause=lambda: None)
