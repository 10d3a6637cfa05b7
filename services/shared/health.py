"""Operations RPCs every service offers: liveness and the parking lot."""

from services.shared.inbox import ParkingLot
from services.shared.rpc import rpc


class Ops(ParkingLot):
    """Mixin: ``ping`` for the gateway's ``/health``, plus ParkingLot's RPCs.

    A service that consumes no events still gets ``list_parked_events``
    (always empty) if it declares ``inbox = Inbox()``; without an inbox only
    ``ping`` is meaningful.
    """

    @rpc
    def ping(self):
        """Return ``{"service": name, "ok": True}``; proves the worker pool answers."""
        return {"service": self.name, "ok": True}
