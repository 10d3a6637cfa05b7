"""Recording an owner's event, rebuilding from every owner's export, and doing
that by itself when an owner's store is new (docs/monitoring.md "Rebuilding
from the exports"; docs/reliability.md "Store epoch").

Every owner (registry, distribution, complaints, partners, marketplace)
stamps its store epoch on its events. When one arrives with another epoch
than monitoring last saw from that owner, the owner lost its data (the
in-memory store after a restart, a database replaced): the year's figures and
the timelines still hold what it had. ``OwnersCatchUp`` then drops
monitoring's projections and rebuilds them from every owner's export, in the
background, one at a time, retried with backoff until the owners answer.
"""
import logging

from nameko.standalone.rpc import ClusterRpcProxy

from services.shared.epoch import FollowedEpochs
from services.shared.mongo import database_for
from services.shared.registry_projection import rebuild as rebuild_registry
from services.shared.rerun import BackgroundRebuild
from services.shared.rpc import call

from services.monitoring import contributions, deadlines, domain, graduation, rebuild
from services.monitoring.store import MonitoringRepository

log = logging.getLogger(__name__)

#: seconds each page of an owner's export may take
EXPORT_DEADLINE = 30.0


def record(store, event):
    """Put ``event`` (an envelope, live or rebuilt) on the timelines and in the year's
    facts of ``store`` (a ``MonitoringRepository``), once per event id."""
    data = event["data"]
    person_id = (data.get("resident_id") or (data.get("seller") or {}).get("resident_id")
                 or (data.get("resident") or {}).get("id"))
    person = store.resident(person_id) if person_id else None
    household_id = ((data.get("allocation") or {}).get("household_id")
                    or (data.get("resident") or {}).get("household_id"))
    household = store.household(household_id) if household_id else None
    member_id = (data.get("allocation") or {}).get("member_id")
    member = store.resident(member_id) if member_id else None
    store.record(domain.timeline_entry(event, person, member), domain.fact(event, household))
    store.record_step(graduation.step(event, person))
    store.apply_complaint(deadlines.complaint_state(event))
    store.apply_pledge(contributions.pledge(event))
    store.record_delivery(contributions.delivery(event))


def rebuild_all(store, owners, deadline=EXPORT_DEADLINE):
    """Drop ``store``'s projections and rebuild them from the owners' exports.

    ``owners``: anything with RPC proxies as attributes ``registry``,
    ``distribution``, ``complaints``, ``partners``, ``marketplace`` (the
    service's dependencies, or a ``ClusterRpcProxy``). Returns ``{"items":
    {"<owner>.<export>": n}, "events": n}``. Raises the owner's error or
    services.shared.rpc.Timeout when an export fails; the projections are then
    partial until a rebuild succeeds, and every report and timeline says so
    (``rebuilding_since``).
    """
    store.drop_projections()
    rebuild_registry(store, owners.registry, deadline)
    for programme in rebuild.pages(lambda page, size: call(
            owners.distribution.list_programmes, True, page, size, deadline=deadline),
            per_page=100):
        store.apply_programme(programme["code"], programme.get("kind"), programme.get("name"))
    counts, made = {}, 0
    for owner, export, events_of in rebuild.EXPORTS:
        method = getattr(getattr(owners, owner), export)
        key = "%s.%s" % (owner, export)
        counts[key] = 0
        for item in rebuild.pages(lambda page, size, method=method: call(
                method, page, size, deadline=deadline)):
            counts[key] += 1
            for event in events_of(item):
                record(store, event)
                made += 1
    store.mark_resynced({k: counts["registry.export_" + k] for k in ("households", "residents")})
    store.rebuilt()
    return {"items": counts, "events": made}


class OwnersCatchUp(BackgroundRebuild):
    """Notices an owner's new store in its events and rebuilds monitoring from the exports.

    Injected into workers as itself: ``seen(event)`` after an event is recorded,
    ``rebuild_now()``, ``state`` (``current`` or ``rebuilding``).
    """

    what = "monitoring rebuild from the owners' exports"

    def __init__(self, retry=1.0, max_retry=30.0):
        super().__init__(retry, max_retry)
        self.db = self.epochs = None

    def setup(self):
        self.db = database_for(self.container)
        self.epochs = FollowedEpochs(self.db)

    def seen(self, event):
        """Note the owner's store epoch on ``event``; a new one starts a rebuild."""
        if self.epochs.changed(event.get("source"), event.get("store_epoch")):
            log.warning("%s's store is new (epoch %s): rebuilding monitoring from the "
                        "owners' exports", event.get("source"), event.get("store_epoch"))
            self.request_rebuild()

    def rebuild_now(self):
        """Rebuild now (blocking, one at a time); the counts of ``rebuild_all``."""
        with self.one_at_a_time, ClusterRpcProxy(self.container.config) as cluster:
            counts = rebuild_all(MonitoringRepository(self.db), cluster)
        self.state = "current"
        return counts
