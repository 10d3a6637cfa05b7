"""A service's own copy of the registry: residents and households, fed by the
registry's events and rebuilt from its export when empty (docs/contract.md
"Events"; docs/service-kit.md "Following the registry").

Three parts, used together by every service that needs residents (distribution,
partners, marketplace):

- ``RegistryProjection``: the repository part, over the ``residents`` and
  ``households`` collections (``_id`` = the registry's ids) and a ``meta``
  document of the consuming service's own database. A service's repository
  inherits it, so its own queries read the projection directly.
- ``RegistryCatchUp``: a dependency provider that, once after start, rebuilds an
  empty projection from ``registry.export_households`` and
  ``registry.export_residents``, retrying with backoff until the registry
  answers. Events that arrive meanwhile are applied too; ``apply_snapshot``
  keeps whichever version is newer, so the order does not matter.
- ``FollowsRegistry``: a mixin for a ``Service`` that declares the catch-up, the
  snapshot handlers of the five registry events and the RPCs
  ``projection_status`` / ``rebuild_projection``. A service that must *do*
  something on an event (close allocations, withdraw enrolments) overrides that
  event's handler with one of its own (``@consumes(EVENT)``, with effects) that
  calls ``self.apply_registry_event(event)`` first.
"""
import logging

import eventlet
from marshmallow import ValidationError, fields
from nameko.extensions import DependencyProvider
from nameko.standalone.rpc import ClusterRpcProxy

from services.shared import clock
from services.shared.contract import Answer, dump, read
from services.shared.fields import Instant
from services.shared.inbox import consumes
from services.shared.mongo import database_for
from services.shared.projection import apply_snapshot, resync
from services.shared.rpc import call, rpc

from services.registry.contract import (HOUSEHOLD_REGISTERED, HOUSEHOLD_UPDATED,
                                        RESIDENT_DEACTIVATED, RESIDENT_REGISTERED,
                                        RESIDENT_UPDATED, HouseholdSnapshot, ResidentSnapshot)

log = logging.getLogger(__name__)

META_ID = "projection"


class ProjectionStatusOut(Answer):
    """``projection_status``: what the projection holds and whether it is rebuilt."""

    households = fields.Integer()
    residents = fields.Integer()
    resynced_at = Instant(metadata={"optional": "after a resync from the registry's export"})
    state = fields.String(metadata={"description": "idle, resyncing or current"})


class RebuildOut(Answer):
    """``rebuild_projection``: items read from the registry's export."""

    households = fields.Integer()
    residents = fields.Integer()


def _as_snapshot(doc):
    doc = dict(doc)
    doc["id"] = doc.pop("_id")
    return doc


class RegistryProjection:
    """The registry's residents and households in the consuming service's database.

    Documents are the registry's snapshots (docs/events.md "registry") with
    ``_id`` = the registry id; ``version`` is the registry's, so a repeated or
    older snapshot changes nothing. Constructed as ``(db, notify)`` like every
    repository behind ``MongoStore``; ``notify`` is not used (nothing here
    announces an event).
    """

    def __init__(self, db, notify=None):
        self.db = db
        self.residents = db["residents"]
        self.households = db["households"]
        self.meta = db["meta"]

    @classmethod
    def ensure_indexes(cls, db):
        """Indexes on NIK, household and KK number, household status."""
        db["residents"].create_index("nik")
        db["residents"].create_index("household_id")
        db["households"].create_index("kk_number")
        db["households"].create_index("status")

    # ------------------------------------------------------------ writes

    def apply_resident(self, snapshot):
        """Store a resident snapshot (as ``ResidentSnapshot`` reads it) if newer;
        True when applied."""
        return apply_snapshot(self.residents, snapshot["id"], snapshot.get("version", 1), snapshot)

    def apply_household(self, snapshot):
        """Store a household snapshot (as ``HouseholdSnapshot`` reads it) if newer."""
        return apply_snapshot(self.households, snapshot["id"], snapshot.get("version", 1),
                              snapshot)

    def mark_resynced(self, counts):
        """Record a rebuild from the export (its counts and when)."""
        self.meta.update_one({"_id": META_ID},
                             {"$set": dict(counts, resynced_at=clock.now_iso())}, upsert=True)

    # ------------------------------------------------------------ reads

    def projection_empty(self):
        """True when the projection holds no household and no resident."""
        return self.households.find_one({}, {"_id": 1}) is None and \
            self.residents.find_one({}, {"_id": 1}) is None

    def projection_status(self):
        """``{"households", "residents", "resynced_at"?}``."""
        doc = self.meta.find_one({"_id": META_ID}) or {}
        doc.pop("_id", None)
        doc["households"] = self.households.count_documents({})
        doc["residents"] = self.residents.count_documents({})
        return doc

    def resident(self, resident_id):
        """The stored document (``_id``) of one resident, or None."""
        return self.residents.find_one({"_id": resident_id})

    def residents_by_nik(self, nik):
        """Stored documents with this NIK (an inactive duplicate may share it)."""
        return list(self.residents.find({"nik": nik}))

    def household(self, household_id):
        """The stored document (``_id``) of one household, or None."""
        return self.households.find_one({"_id": household_id})

    def household_by_kk(self, kk_number):
        """The stored household with this KK number, or None."""
        return self.households.find_one({"kk_number": kk_number})

    def members_of(self, household_id):
        """Snapshots (``id``) of every member of a household, active or not."""
        return [_as_snapshot(d) for d in self.residents.find({"household_id": household_id})]

    def active_households(self):
        """Snapshots (``id``) of every household not inactive."""
        return [_as_snapshot(d) for d in self.households.find({"status": {"$ne": "inactive"}})]

    def active_residents_by_household(self):
        """``{household_id: [active member snapshots]}``."""
        out = {}
        for doc in self.residents.find({"status": "active"}):
            out.setdefault(doc.get("household_id"), []).append(_as_snapshot(doc))
        return out


def _read(schema, snapshot, what):
    try:
        return read(schema, snapshot)
    except ValidationError as exc:
        raise ValueError("%s snapshot unreadable: %s" % (what, exc.messages)) from None


def rebuild(projection, registry, deadline=10.0, per_page=500):
    """Page through the registry's export into ``projection`` (idempotent).

    Args:
        projection (RegistryProjection): where to write.
        registry: an RPC proxy to the ``registry`` service.
        deadline (float): seconds each page may take.
    Returns ``{"households": n, "residents": n}`` (items applied or already current).
    Raises services.shared.rpc.Timeout or a remote error when the registry fails.
    """
    households = resync(
        lambda page, size: call(registry.export_households, page, size, deadline=deadline),
        lambda item: projection.apply_household(_read(HouseholdSnapshot, item, "household")),
        per_page)
    residents = resync(
        lambda page, size: call(registry.export_residents, page, size, deadline=deadline),
        lambda item: projection.apply_resident(_read(ResidentSnapshot, item, "resident")),
        per_page)
    return {"households": households, "residents": residents}


class RegistryCatchUp(DependencyProvider):
    """Rebuilds an empty projection from the registry's export after start.

    Injected into workers as itself: ``state`` (``idle``, ``resyncing``,
    ``current``) and ``rebuild_now()``.
    """

    def __init__(self, retry=1.0, max_retry=30.0, deadline=10.0, per_page=500):
        self.retry, self.max_retry = retry, max_retry
        self.deadline, self.per_page = deadline, per_page
        self.db = None
        self._gt = None
        self.state = "idle"

    def setup(self):
        self.db = database_for(self.container)
        RegistryProjection.ensure_indexes(self.db)

    def start(self):
        self._gt = self.container.spawn_managed_thread(self._run)

    def stop(self):
        if self._gt is not None:
            self._gt.kill()
            self._gt = None

    def kill(self):
        self.stop()

    def projection(self):
        """A ``RegistryProjection`` on the service's database."""
        return RegistryProjection(self.db)

    def _run(self):
        projection = self.projection()
        if not projection.projection_empty():
            self.state = "current"
            return
        delay = self.retry
        self.state = "resyncing"
        while True:
            try:
                counts = self.rebuild_now(projection)
                log.info("projection rebuilt from the registry's export: %s", counts)
                return
            except Exception as exc:  # noqa: BLE001 - registry not up yet: retry
                log.warning("projection resync failed (%r); retrying in %.1fs", exc, delay)
                eventlet.sleep(delay)
                delay = min(delay * 2, self.max_retry)

    def rebuild_now(self, projection=None):
        """Rebuild now (blocking); returns the counts. Raises when the registry fails."""
        projection = projection or self.projection()
        with ClusterRpcProxy(self.container.config) as cluster:
            counts = rebuild(projection, cluster.registry, self.deadline, self.per_page)
        projection.mark_resynced(counts)
        self.state = "current"
        return counts

    def get_dependency(self, worker_ctx):
        return self


class FollowsRegistry:
    """Mixin for a ``Service`` that keeps a registry projection in its own store.

        class PartnersService(FollowsRegistry, Service):
            name = "partners"
            store = MongoStore(PartnersRepository, outbox=[...])  # a RegistryProjection

    The store's repository must inherit ``RegistryProjection`` (refused when
    the class is defined otherwise). The snapshot handlers below only copy the
    snapshot (an older version is skipped). To act on an event, override its
    handler under the same name with ``@consumes(EVENT)`` (with effects) and
    call ``self.apply_registry_event(event)`` before the effects.
    """

    registry_catch_up = RegistryCatchUp()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        repository = getattr(cls.store, "repository_class", None)
        if not (isinstance(repository, type) and issubclass(repository, RegistryProjection)):
            raise TypeError("%s follows the registry: its store's repository must inherit "
                            "services.shared.registry_projection.RegistryProjection"
                            % cls.__name__)

    def apply_registry_event(self, event):
        """Copy the snapshot a registry event carries (``resident`` or ``household``)."""
        data = event["data"]
        if "resident" in data:
            return self.store.apply_resident(data["resident"])
        return self.store.apply_household(data["household"])

    @consumes(HOUSEHOLD_REGISTERED, snapshot=True)
    def handle_household_registered(self, event):
        self.apply_registry_event(event)

    @consumes(HOUSEHOLD_UPDATED, snapshot=True)
    def handle_household_updated(self, event):
        self.apply_registry_event(event)

    @consumes(RESIDENT_REGISTERED, snapshot=True)
    def handle_resident_registered(self, event):
        self.apply_registry_event(event)

    @consumes(RESIDENT_UPDATED, snapshot=True)
    def handle_resident_updated(self, event):
        self.apply_registry_event(event)

    @consumes(RESIDENT_DEACTIVATED, snapshot=True)
    def handle_resident_deactivated(self, event):
        self.apply_registry_event(event)

    @rpc
    def projection_status(self):
        """The registry projection: counts, last resync, ``state`` (``ProjectionStatusOut``)."""
        return dump(ProjectionStatusOut, dict(self.store.projection_status(),
                                              state=self.registry_catch_up.state))

    @rpc
    def rebuild_projection(self):
        """Re-read the registry's export now (``RebuildOut``); raises the registry's
        error or services.shared.rpc.Timeout when it fails."""
        return dump(RebuildOut, self.registry_catch_up.rebuild_now())
