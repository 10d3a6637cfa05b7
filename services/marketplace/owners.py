"""Noticing that distribution or partners came back on a new store, and rebuilding
what the path out of aid keeps from them (docs/marketplace.md "Events";
docs/reliability.md "An owner that lost its data").

Distribution and partners stamp their store epoch on their events
(docs/events.md "Store epoch"). When one arrives with another epoch than the
marketplace last saw from that owner, the owner lost its data (the in-memory
store after a restart, a database replaced): a seller's profile would still
show the business capital or the training the owner no longer has. ``PathCatchUp``
(one per owner) then drops what was kept from that owner and reads it back from
its export, in the background, one at a time, retried with backoff until the
owner answers (``services.shared.rerun.BackgroundRebuild``).

Order: a handler applies its event first and then hands it to ``seen``; the
rebuild drops and only then reads the export, which already holds that event's
change (the owner wrote it before publishing), so the event that announced the
new store is part of the rebuild, never lost by the drop. Events applied while
the rebuild runs are applied by version, as the export's items are.
"""
import logging

from nameko.standalone.rpc import ClusterRpcProxy

from services.shared.epoch import FollowedEpochs
from services.shared.mongo import database_for
from services.shared.rerun import BackgroundRebuild
from services.shared.rpc import call

from services.marketplace import graduation
from services.marketplace.store import MarketplaceRepository

log = logging.getLogger(__name__)

#: seconds each page of an owner's export may take
EXPORT_DEADLINE = 30.0

#: owner -> ``rebuild(repo, owner_call)``: drops what is kept from it and reads it back
REBUILDS = {"distribution": graduation.rebuild_business_capital,
            "partners": graduation.rebuild_trainings}


def _no_notify(*_args):
    # the rebuild writes projections only: nothing for the outbox relay to publish
    return None


class PathCatchUp(BackgroundRebuild):
    """Rebuilds what the marketplace keeps from ``owner`` (``"distribution"`` or
    ``"partners"``) when that owner's events show a new store.

    Injected into workers as itself: ``seen(event)`` after an event of the owner
    is applied, ``rebuild_now()``, ``state`` (``current`` or ``rebuilding``).
    """

    def __init__(self, owner, retry=1.0, max_retry=30.0, deadline=EXPORT_DEADLINE):
        if owner not in REBUILDS:
            raise ValueError("no rebuild for owner %r" % owner)
        super().__init__(retry, max_retry)
        self.owner, self.deadline = owner, deadline
        self.what = "marketplace rebuild from %s's export" % owner
        self.db = self.epochs = None

    def setup(self):
        self.db = database_for(self.container)
        self.epochs = FollowedEpochs(self.db)

    def seen(self, event):
        """Note the owner's store epoch on ``event`` (an envelope); a new one starts a
        rebuild. The first epoch seen from the owner is recorded, not a change."""
        if self.epochs.changed(self.owner, event.get("store_epoch")):
            log.warning("%s's store is new (epoch %s, event %s): rebuilding the path out of "
                        "aid from its export", self.owner, event.get("store_epoch"),
                        event.get("event_id"))
            self.request_rebuild()

    def rebuild_now(self):
        """Rebuild now (blocking, one at a time); the counts of the owner's rebuild.
        Raises the owner's error or services.shared.rpc.Timeout."""
        with self.one_at_a_time, ClusterRpcProxy(self.container.config) as cluster:
            proxy = getattr(cluster, self.owner)
            counts = REBUILDS[self.owner](
                MarketplaceRepository(self.db, _no_notify),
                lambda method, *args: call(getattr(proxy, method), *args,
                                           deadline=self.deadline))
        self.state = "current"
        return counts
