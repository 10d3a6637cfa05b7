"""The distribution service's projection of the registry: fed by events, rebuilt
from the registry's export (docs/contract.md "Events"; docs/events.md "registry").

``ProjectionCatchUp`` runs once in a managed thread after the service starts:
when the projection is empty (a fresh or emptied store) it pages through
``registry.export_households`` and ``registry.export_residents``, retrying with
backoff until the registry answers. Events that arrive meanwhile are applied
too; ``apply_snapshot`` keeps whichever version is newer, so the order does
not matter.
"""
import logging

import eventlet
from marshmallow import ValidationError
from nameko.extensions import DependencyProvider
from nameko.standalone.rpc import ClusterRpcProxy

from services.shared.contract import read
from services.shared.mongo import database_for
from services.shared.projection import resync
from services.shared.rpc import call

from services.registry.contract import HouseholdSnapshot, ResidentSnapshot

from services.distribution.store import DistributionRepository

log = logging.getLogger(__name__)


def _read(schema, snapshot, what):
    try:
        return read(schema, snapshot)
    except ValidationError as exc:
        raise ValueError("%s snapshot unreadable: %s" % (what, exc.messages)) from None


def apply_resident(repo, snapshot):
    """Store a registry resident snapshot (as ``ResidentSnapshot`` reads it) if newer;
    returns True when applied."""
    return repo.apply_resident(snapshot)


def apply_household(repo, snapshot):
    """Store a registry household snapshot (as ``HouseholdSnapshot`` reads it) if newer."""
    return repo.apply_household(snapshot)


def rebuild(repo, registry, deadline=10.0, per_page=500):
    """Page through the registry's export into the projection (idempotent).

    Args:
        registry: an RPC proxy to the ``registry`` service.
        deadline (float): seconds each page may take.
    Returns ``{"households": n, "residents": n}`` (items applied or already current).
    Raises services.shared.rpc.Timeout or a remote error when the registry fails.
    """
    households = resync(
        lambda page, size: call(registry.export_households, page, size, deadline=deadline),
        lambda item: apply_household(repo, _read(HouseholdSnapshot, item, "household")),
        per_page)
    residents = resync(
        lambda page, size: call(registry.export_residents, page, size, deadline=deadline),
        lambda item: apply_resident(repo, _read(ResidentSnapshot, item, "resident")),
        per_page)
    return {"households": households, "residents": residents}


class ProjectionCatchUp(DependencyProvider):
    """Rebuilds an empty projection from the registry's export after start.

    Injected into workers as itself, so an RPC can ask for a rebuild or the status.
    """

    def __init__(self, retry=1.0, max_retry=30.0, deadline=10.0, per_page=500):
        self.retry, self.max_retry = retry, max_retry
        self.deadline, self.per_page = deadline, per_page
        self.db = None
        self._gt = None
        self.state = "idle"

    def setup(self):
        self.db = database_for(self.container)

    def start(self):
        self._gt = self.container.spawn_managed_thread(self._run)

    def stop(self):
        if self._gt is not None:
            self._gt.kill()
            self._gt = None

    def kill(self):
        self.stop()

    def repository(self):
        return DistributionRepository(self.db, lambda *args: None)

    def _run(self):
        repo = self.repository()
        if not repo.projection_empty():
            self.state = "current"
            return
        delay = self.retry
        self.state = "resyncing"
        while True:
            try:
                counts = self.rebuild_now(repo)
                log.info("projection rebuilt from the registry's export: %s", counts)
                return
            except Exception as exc:  # noqa: BLE001 - registry not up yet: retry
                log.warning("projection resync failed (%r); retrying in %.1fs", exc, delay)
                eventlet.sleep(delay)
                delay = min(delay * 2, self.max_retry)

    def rebuild_now(self, repo=None):
        """Rebuild now (blocking); returns the counts. Raises when the registry fails."""
        repo = repo or self.repository()
        with ClusterRpcProxy(self.container.config) as cluster:
            counts = rebuild(repo, cluster.registry, self.deadline, self.per_page)
        repo.mark_resynced(counts)
        self.state = "current"
        return counts

    def get_dependency(self, worker_ctx):
        return self
