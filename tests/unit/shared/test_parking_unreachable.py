"""An operator's look at a parking lot whose broker does not answer is a 503 with
Retry-After (``Unavailable``), never a bare broker error that the gateway would
answer 500 (CONTRACT: a 500 is a bug)."""
import socket

import pytest

from gateway.errors import status_for
from services.shared.parking import ParkingLot
from services.shared.rpc import Unavailable


@pytest.fixture
def lot():
    # a port nothing listens on: the connection is refused at once
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return ParkingLot("nobody", "amqp://guest:guest@127.0.0.1:%d//" % port)


@pytest.mark.parametrize("ask", [
    lambda lot: lot.count(),
    lambda lot: lot.list(),
    lambda lot: lot.claim("p1").__enter__(),
])
def test_an_unreachable_broker_answers_unavailable(lot, ask):
    with pytest.raises(Unavailable) as raised:
        ask(lot)
    assert status_for(raised.value) == (503, "service-unavailable")
    assert raised.value.retry_after > 0
    assert "parked-nobody" in raised.value.detail


def test_parking_itself_still_raises_the_brokers_error(lot):
    # the retry handler requeues the event's message on any error; nothing is hidden
    with pytest.raises(Exception) as raised:
        lot.park("handle_x", {"event_id": "e1"}, "boom", 3)
    assert not isinstance(raised.value, Unavailable)
