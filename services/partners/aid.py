"""What distribution allocates, followed for the partners service's rules and reports.

Each allocation event's snapshot is kept in ``aid`` (newer versions win), so a
rule can read ``household.programmes`` / ``member.programmes`` (aid received
this year) and a partner's report can say how many of the residents it reached
receive aid. Rebuilt from ``distribution.export_allocations`` with ``resync_aid``.
"""
from services.shared.rpc import RpcProxy

from services.shared.contract import dump
from services.shared.inbox import consumes
from services.shared.projection import resync
from services.shared.rpc import call, rpc

from services.distribution.contract import ALLOCATION_EVENTS
from services.partners.contract import AidResyncOut


class FollowsAllocations:
    """Mixin of ``PartnersService``: one snapshot handler per allocation event."""

    distribution = RpcProxy("distribution")

    @rpc
    def resync_aid(self, deadline=30.0):
        """Rebuild the aid projection from ``distribution.export_allocations``:
        ``{"applied": n}`` (``AidResyncOut``). Raises the RPC's Timeout or error."""
        fetch = lambda page, per_page: call(self.distribution.export_allocations, page,  # noqa: E731
                                            per_page, deadline=deadline)
        return dump(AidResyncOut, {"applied": resync(fetch, self.store.apply_aid)})

    def _aid(self, event):
        self.store.apply_aid(dict(event["data"]["allocation"]))

    @consumes(ALLOCATION_EVENTS["allocation_created"], snapshot=True)
    def handle_allocation_created(self, event):
        self._aid(event)

    @consumes(ALLOCATION_EVENTS["allocation_promoted"], snapshot=True)
    def handle_allocation_promoted(self, event):
        self._aid(event)

    @consumes(ALLOCATION_EVENTS["allocation_updated"], snapshot=True)
    def handle_allocation_updated(self, event):
        self._aid(event)

    @consumes(ALLOCATION_EVENTS["allocation_cancelled"], snapshot=True)
    def handle_allocation_cancelled(self, event):
        self._aid(event)

    @consumes(ALLOCATION_EVENTS["allocation_not_collected"], snapshot=True)
    def handle_allocation_not_collected(self, event):
        self._aid(event)

    @consumes(ALLOCATION_EVENTS["allocation_returned"], snapshot=True)
    def handle_allocation_returned(self, event):
        self._aid(event)

    @consumes(ALLOCATION_EVENTS["aid_disbursed"], snapshot=True)
    def handle_aid_disbursed(self, event):
        self._aid(event)
