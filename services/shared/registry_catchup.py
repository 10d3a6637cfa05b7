"""Rebuilding a registry projection from the registry's export, and the drift check
(docs/service-kit.md "Following the registry"; docs/events.md "Store epoch").

``rebuild`` pages through the export, stamps every snapshot with the store
epoch the export answers, and then drops what is not stamped with it: after a
whole pass those are residents and households the owner no longer has (its
store is new). Within one epoch the registry never deletes (it deactivates),
so a rebuild of the same epoch drops nothing.

``RegistryCatchUp`` runs rebuilds in the background (``services.shared.rerun``):
once after start when the projection is empty, and whenever an event or the
drift check shows a new owner store.
"""
import logging

from marshmallow import ValidationError
from nameko.standalone.rpc import ClusterRpcProxy

from services.shared import clock
from services.shared.contract import read
from services.shared.epoch import compare
from services.shared.mongo import database_for
from services.shared.projection import resync
from services.shared.registry_store import RegistryProjection
from services.shared.rerun import BackgroundRebuild
from services.shared.rpc import call

from services.registry.contract import HouseholdSnapshot, ResidentSnapshot

log = logging.getLogger(__name__)


class EpochChanged(Exception):
    """The registry's store changed while its export was being read."""


def _read(schema, snapshot, what):
    try:
        return read(schema, snapshot)
    except ValidationError as exc:
        raise ValueError("%s snapshot unreadable: %s" % (what, exc.messages)) from None


def rebuild(projection, registry, deadline=10.0, per_page=500):
    """Page through the registry's export into ``projection``; drop what it no longer has.

    Args:
        projection (RegistryProjection): where to write.
        registry: an RPC proxy to the ``registry`` service.
        deadline (float): seconds each page may take.
    Returns ``{"households": n, "residents": n, "dropped_households": n,
    "dropped_residents": n, "epoch": str|None}`` plus, under ``"gone"``, the
    ``(resident_ids, household_ids)`` dropped. Nothing is dropped when the
    export answers no epoch (an older registry), or when an event already
    announced a newer store than the one read (the rebuild for it follows).
    Raises services.shared.rpc.Timeout or a remote error when the registry
    fails, EpochChanged when its store changed between two pages.
    """
    seen = {}

    def pages(kind):
        method = getattr(registry, "export_" + kind)

        def fetch(page, size):
            answer = call(method, page, size, deadline=deadline)
            epoch = answer.get("store_epoch")
            if seen.setdefault("epoch", epoch) != epoch:
                raise EpochChanged("registry store changed during the export (%s -> %s)"
                                   % (seen["epoch"], epoch))
            return answer
        return fetch

    households = resync(pages("households"), lambda item: projection.apply_household(
        _read(HouseholdSnapshot, item, "household"), seen["epoch"]), per_page)
    residents = resync(pages("residents"), lambda item: projection.apply_resident(
        _read(ResidentSnapshot, item, "resident"), seen["epoch"]), per_page)
    epoch, gone = seen.get("epoch"), ([], [])
    if epoch is not None and projection.epochs()["next_epoch"] in (None, epoch):
        gone = projection.sweep(epoch)
        projection.follow(epoch)
    return {"households": households, "residents": residents, "epoch": epoch,
            "dropped_residents": len(gone[0]), "dropped_households": len(gone[1]),
            "gone": gone}


class RegistryCatchUp(BackgroundRebuild):
    """Keeps the projection current with the registry's store.

    Injected into workers as itself: ``state`` (``idle``, ``resyncing``,
    ``current``), ``rebuild_now()``, ``request_rebuild()``, ``check_drift()``.
    The service class may define ``registry_data_vanished(db, resident_ids,
    household_ids)`` (a staticmethod): it flags the service's own records that
    refer to residents or households a rebuild dropped and answers
    ``{what: count}``, which the rebuild reports under ``flagged``; and
    ``registry_resynced(db)`` (a staticmethod), called after every rebuild, for
    work that follows from the projection as a whole (partners: health schedules).
    """

    what = "projection resync from the registry's export"
    busy_state = "resyncing"

    def __init__(self, retry=1.0, max_retry=30.0, deadline=10.0, per_page=500,
                 drift_deadline=60.0):
        super().__init__(retry, max_retry)
        self.deadline, self.per_page = deadline, per_page
        # the registry reads every resident for its summary (seconds at 50,000
        # families); no one waits for a drift check, so it may wait longer than a page
        self.drift_deadline = drift_deadline
        self.db = None
        self.state = "idle"

    def setup(self):
        self.db = database_for(self.container)
        RegistryProjection.ensure_indexes(self.db)

    def start(self):
        if self.projection().projection_empty():
            self.request_rebuild()
        else:
            self.state = "current"

    def projection(self):
        """A ``RegistryProjection`` on the service's database."""
        return RegistryProjection(self.db)

    def rebuild_now(self):
        """Rebuild now (blocking; one at a time); returns the counts (``RebuildOut``).

        Raises when the registry fails."""
        projection = self.projection()
        with self.one_at_a_time, ClusterRpcProxy(self.container.config) as cluster:
            counts = rebuild(projection, cluster.registry, self.deadline, self.per_page)
        resident_ids, household_ids = counts.pop("gone")
        counts["flagged"] = {}
        if resident_ids or household_ids:
            log.warning("registry store %s does not have %d residents and %d households "
                        "of the projection: dropped", counts["epoch"], len(resident_ids),
                        len(household_ids))
            hook = getattr(self.container.service_cls, "registry_data_vanished", None)
            if hook is not None:
                counts["flagged"] = hook(self.db, resident_ids, household_ids)
        projection.mark_resynced({k: counts[k] for k in (
            "households", "residents", "dropped_households", "dropped_residents")})
        resynced = getattr(self.container.service_cls, "registry_resynced", None)
        if resynced is not None:
            resynced(self.db)
        self.state = "current"
        return counts

    def check_drift(self):
        """Compare the projection with the registry's ``projection_summary``.

        Records and returns ``epoch.compare``'s answer with ``checked_at``; logs a
        WARNING on drift; a new owner store starts a rebuild. Raises when the
        registry does not answer (nothing recorded)."""
        projection = self.projection()
        with ClusterRpcProxy(self.container.config) as cluster:
            theirs = call(cluster.registry.projection_summary, deadline=self.drift_deadline)
        epochs = projection.epochs()
        report = dict(compare(projection.summary(), theirs, epochs["epoch"]),
                      checked_at=clock.now_iso())
        projection.record_check(report)
        if not report["registry_epoch_ok"] and report["registry_epoch"] is not None:
            if self.running() and epochs["next_epoch"] == report["registry_epoch"]:
                # the rebuild to that store is running: another would only report
                # that it dropped nothing, hiding what the first one dropped
                return report
            log.warning("registry store epoch is %s, projection follows %s: rebuilding",
                        theirs.get("store_epoch"), epochs["epoch"])
            projection.expect_epoch(report["registry_epoch"])
            self.request_rebuild()
        elif report["drift"]:
            log.warning("projection drifts from the registry: %s", report["drift"])
        return report
