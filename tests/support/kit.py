"""Unit-test helpers for services on the kit (no broker)."""
from nameko.testing.services import worker_factory

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
