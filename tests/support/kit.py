"""Unit-test helpers for services on the kit (no broker)."""
import contextlib
import json

from nameko.testing.services import worker_factory

from services.shared.errors import NotFound
from services.shared.parking import Claim, ParkingLot
from services.shared.service import CallerContext
from services.shared.settings import load_settings


def service_worker(service_class, config=None, origin="call-1", **dependencies):
    """``worker_factory`` with the kit's ``settings`` (from ``config``) and ``caller``
    (whose chain starts at ``origin``) filled in; other dependencies as given."""
    dependencies.setdefault("settings", load_settings(config or {}))
    dependencies.setdefault("caller", CallerContext(origin))
    return worker_factory(service_class, **dependencies)


class NoRepository:
    """The repository of a test service that stores nothing (``MongoStore(NoRepository)``)."""

    def __init__(self, db, notify):
        self.db = db


class BrokenPublisher:
    """A relay publisher that never gets an event out: a crash before the publish."""

    def publish(self, events):
        from services.shared.relay import PublishFailed
        raise PublishFailed("simulated crash before publish")

    def close(self):
        pass


class MemoryLot(ParkingLot):
    """A service's parking lot in a list, for unit tests (no broker): the
    documents and the claim behave as ``ParkingLot``'s on RabbitMQ do
    (tests/integration/shared/test_parking.py runs the real one)."""

    def __init__(self):
        self.docs = []

    def declare(self):
        return len(self.docs)

    def put(self, doc):
        self.docs.append(json.loads(json.dumps(doc, default=str)))  # as the broker keeps it

    def list(self):
        return [dict(doc) for doc in self.docs]

    @contextlib.contextmanager
    def claim(self, parked_id):
        doc = next((doc for doc in self.docs if doc["id"] == parked_id), None)
        if doc is None:
            raise NotFound("No parked event with id %s." % parked_id)

        def replace(new):
            self.docs.append(json.loads(json.dumps(new, default=str)))

        yield Claim(dict(doc), lambda: self.docs.remove(doc), replace)
