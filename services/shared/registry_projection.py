"""A service's own copy of the registry: residents and households, fed by the
registry's events, rebuilt from its export when empty or when the registry's
store is new, and compared with it now and then (docs/contract.md "Events";
docs/service-kit.md "Following the registry"; docs/events.md "Store epoch").

Four parts, used together by every service that needs residents (distribution,
partners, marketplace, monitoring):

- ``RegistryProjection`` (``registry_store``): the repository part, over the
  ``residents`` and ``households`` collections (``_id`` = the registry's ids)
  and a ``meta`` document of the consuming service's own database. A
  service's repository inherits it, so its own queries read the projection.
- ``RegistryCatchUp`` (``registry_catchup``): a dependency provider that
  rebuilds the projection from ``registry.export_households`` and
  ``registry.export_residents`` (once after start when empty; again when a new
  registry store shows), retrying with backoff until the registry answers,
  and runs the drift check. ``apply_snapshot`` keeps whichever version is
  newer, so events that arrive meanwhile may come in any order.
- ``epoch.judge``: what an event of a given registry store epoch does.
- ``FollowsRegistry``: a mixin for a ``Service`` that declares the catch-up, the
  snapshot handlers of the five registry events, the handler of the registry's
  bundles (an import's events in one message, ``services.shared.bundle``), the drift timer
  (``REGISTRY_DRIFT_SECONDS``), its ``ping`` (with the last drift check) and the
  RPCs ``projection_status`` / ``rebuild_projection``. A service that must *do*
  something on an event (close allocations, withdraw enrolments) overrides that
  event's handler with one of its own (``@consumes(EVENT)``, with effects) that
  calls ``self.apply_registry_event(event)`` first.
"""
import logging

from marshmallow import fields

from services.shared.bundle import bundles, dispatch
from services.shared.contract import Answer, dump
from services.shared.epoch import judge
from services.shared.fields import Instant
from services.shared.inbox import consumes
from services.shared.registry_catchup import RegistryCatchUp, rebuild  # noqa: F401 - the kit's API
from services.shared.registry_store import META_ID, RegistryProjection  # noqa: F401 - the kit's API
from services.shared.rpc import rpc
from services.shared.service import every

from services.registry.contract import (HOUSEHOLD_REGISTERED, HOUSEHOLD_UPDATED,
                                        RESIDENT_DEACTIVATED, RESIDENT_REGISTERED,
                                        RESIDENT_UPDATED)

log = logging.getLogger(__name__)


class ProjectionStatusOut(Answer):
    """``projection_status``: what the projection holds and whether it is rebuilt."""

    households = fields.Integer()
    residents = fields.Integer()
    resynced_at = Instant(metadata={"optional": "after a resync from the registry's export"})
    state = fields.String(metadata={"description": "idle, resyncing or current"})
    epoch = fields.String(metadata={"optional": "once known",
                                    "description": "the registry store epoch followed"})
    dropped_households = fields.Integer(metadata={"optional": "after a resync",
                                                  "description": "dropped by the last one"})
    dropped_residents = fields.Integer(metadata={"optional": "after a resync",
                                                 "description": "dropped by the last one"})
    registry_epoch_ok = fields.Boolean(allow_none=True, metadata={
        "description": "the last drift check found the epoch followed; null before it"})
    drift = fields.Dict(metadata={"description": "kind -> {ours, theirs, checksum_ok}"})
    checked_at = Instant(allow_none=True, metadata={"description": "the last drift check"})


class RebuildOut(Answer):
    """``rebuild_projection``: items read from the registry's export, and what the
    registry's store no longer has (dropped from the projection; the service's own
    records that referred to them, flagged, by kind)."""

    households = fields.Integer()
    residents = fields.Integer()
    dropped_households = fields.Integer()
    dropped_residents = fields.Integer()
    flagged = fields.Dict(keys=fields.String(), values=fields.Integer())


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
        """Copy the snapshot a registry event carries (``resident`` or ``household``).

        Judged by its ``store_epoch`` (``epoch.judge``): an event of a store left
        behind changes nothing (returns False); one of a new store is applied
        and starts a rebuild from the export, which drops what that store lacks.
        Returns True when the snapshot was applied."""
        epoch = event.get("store_epoch")
        epochs = self.store.epochs()
        verdict = judge(epoch, epochs["epoch"], epochs["next_epoch"], epochs["retired"])
        if verdict == "stale":
            log.info("registry event %s of store %s left behind: ignored",
                     event.get("event_id"), epoch)
            return False
        if verdict == "adopt":
            self.store.adopt_epoch(epoch)
        elif verdict == "new":
            log.warning("registry event of store %s, following %s: the registry's store is "
                        "new, rebuilding", epoch, epochs["next_epoch"] or epochs["epoch"])
            self.store.expect_epoch(epoch)
            self.registry_catch_up.request_rebuild()
        data = event["data"]
        if "resident" in data:
            return self.store.apply_resident(data["resident"], epoch)
        return self.store.apply_household(data["household"], epoch)

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

    @bundles("registry")
    def handle_registry_bundle(self, payload):
        """An import's events in one message (``services.shared.bundle``): each goes to
        this service's handler of its type, as if it had come alone."""
        return dispatch(self, payload)

    @every("registry_drift_seconds")
    def check_registry_drift(self):
        """Compare counts and checksums with the registry's (``RegistryCatchUp.check_drift``)."""
        try:
            return self.registry_catch_up.check_drift()
        except Exception as exc:  # noqa: BLE001 - the registry is down: the next check tells
            log.warning("registry drift check failed: %r", exc)
            return None

    @rpc
    def ping(self):
        """The kit's ping, with ``registry``: the last drift check
        (``{"registry_epoch_ok", "drift", "checked_at"}``) for the gateway's /health."""
        return dict(self.ping_answer(), registry=self.store.drift_status())

    @rpc
    def projection_status(self):
        """The registry projection: counts, last resync, epoch, ``state`` and the last
        drift check (``ProjectionStatusOut``)."""
        return dump(ProjectionStatusOut, dict(self.store.projection_status(),
                                              state=self.registry_catch_up.state,
                                              **self.store.drift_status()))

    @rpc
    def rebuild_projection(self):
        """Re-read the registry's export now and drop what its store no longer has
        (``RebuildOut``); raises the registry's error or services.shared.rpc.Timeout
        when it fails."""
        return dump(RebuildOut, self.registry_catch_up.rebuild_now())
