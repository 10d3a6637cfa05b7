"""The one Mongo dependency provider every service uses.

``MONGO_URI`` set: a real MongoDB through pymongo. Unset: an in-process
``mongomock`` store (not durable), announced once at start. One client per
process and URI, so the store, the outbox relay and the inbox of a service see
the same database (which matters for mongomock, where each client is its own
world).
"""
import logging
import threading

from nameko.extensions import DependencyProvider

from services.shared.settings import settings_for

log = logging.getLogger(__name__)

_clients = {}
_lock = threading.Lock()


def get_client(uri=None):
    """Return the process-wide client for ``uri`` (``None``/empty: mongomock)."""
    key = uri or ""
    with _lock:
        client = _clients.get(key)
        if client is None:
            if uri:
                import pymongo
                client = pymongo.MongoClient(uri, tz_aware=True,
                                             serverSelectionTimeoutMS=5000)
            else:
                import mongomock
                from services.shared.mongomock_fast import install
                install()
                log.warning("MONGO_URI is unset: using an in-process mongomock "
                            "store; data is NOT durable and is lost on restart")
                client = mongomock.MongoClient(tz_aware=True)
            _clients[key] = client
        return client


def database_for(container):
    """The database a service owns: ``<MONGO_DB_PREFIX or 'bansos'>_<service>``.

    Tests set ``MONGO_DB_PREFIX`` to a random value to isolate their data.
    """
    settings = settings_for(container)
    return get_client(settings.mongo_uri or None)["%s_%s" % (settings.mongo_db_prefix,
                                                             container.service_name)]


class MongoStore(DependencyProvider):
    """Hands each worker a repository built on the service's database.

    Subclass-free use: ``store = MongoStore(RegistryRepository, outbox=["residents"])``. The
    repository class is constructed as ``repository_class(db, notify)`` where
    ``notify(collection, ids)`` wakes the outbox relay after a write that
    queued events in those documents (``notify()`` alone: scan everything); it
    may define ``ensure_indexes(db)`` (a classmethod) which runs once at setup.
    With ``outbox`` (the collections whose documents carry pending events)
    the provider also runs the outbox relay (``services.shared.relay``) for them;
    its safety-net full scan runs every ``OUTBOX_FULL_SCAN_SECONDS`` (default 60).
    With ``epoch=True`` the store keeps a store epoch (``services.shared.epoch``),
    created at setup, and the relay stamps it on every event (``store_epoch``).
    On a real server (``MONGO_URI`` set) instances may share the database, so
    the relay publishes only while it holds the service's relay lease
    (``OUTBOX_LEASE_SECONDS``, default 15; ``services.shared.lease``).
    With ``bundle_at=n`` a relay publish of at least ``n`` events goes as bundles
    (``services.shared.bundle``): only for an owner whose every consumer declares
    ``@bundles`` (the registry's followers).
    """

    def __init__(self, repository_class, outbox=(), epoch=False, **relay_options):
        self.repository_class = repository_class
        self.keeps_epoch = epoch
        self.outbox_collections = tuple(outbox)
        self.relay_options = relay_options
        self.relay = None
        self.db = None

    def setup(self):
        self.db = database_for(self.container)
        ensure = getattr(self.repository_class, "ensure_indexes", None)
        if ensure:
            ensure(self.db)
        if self.keeps_epoch:
            from services.shared.epoch import store_epoch
            store_epoch(self.db)
        if self.outbox_collections:
            from services.shared.relay import OutboxRelay
            settings = settings_for(self.container)
            options = dict(self.relay_options)
            if self.keeps_epoch:
                options.setdefault("epoch", lambda: store_epoch(self.db))
            options.setdefault("full_scan_interval", settings.outbox_full_scan_seconds)
            if settings.mongo_uri and "lease" not in options:
                from services.shared.lease import Lease
                options["lease"] = Lease(self.db, seconds=settings.outbox_lease_seconds)
            self.relay = OutboxRelay(self.container, self.db, self.outbox_collections,
                                     **options)

    def start(self):
        if self.relay:
            self.relay.start()

    def stop(self):
        if self.relay:
            self.relay.stop()

    def kill(self):
        self.stop()

    def _notify(self, collection=None, ids=None):
        if self.relay:
            self.relay.kick(collection, ids)

    def get_dependency(self, worker_ctx):
        return self.repository_class(self.db, self._notify)
