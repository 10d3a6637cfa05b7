"""The gateway's RPC call: one deadline over connect + send + wait, and a
broker that cannot be reached is a 503 at once (docs/reliability.md)."""
import json
import socket

import eventlet
import pytest
from kombu.exceptions import OperationalError
from nameko.exceptions import UnknownService

from gateway.errors import problem_from_exception
from services.shared.rpc import Timeout, Unavailable, call


class _Method:
    """Stands in for a nameko method proxy whose send behaves as ``send``."""

    service_name, method_name = "registry", "create_household"

    def __init__(self, send):
        self._send = send

    def call_async(self, *args, **kwargs):
        return self._send()


def _blocked_send():
    # kombu retrying a publish while the broker is down: the send never returns
    eventlet.Event().wait()


def test_a_send_that_never_returns_times_out_within_the_deadline():
    with eventlet.Timeout(5, AssertionError("the deadline did not cover the send")):
        with pytest.raises(Timeout, match="registry.create_household did not answer"):
            call(_Method(_blocked_send), deadline=0.05)


@pytest.mark.parametrize("error", [
    OperationalError("[Errno 111] ECONNREFUSED"),
    ConnectionRefusedError(111, "Connection refused"),
    socket.timeout("timed out"),
])
def test_an_unreachable_broker_is_unavailable_not_an_internal_error(error):
    def refused():
        raise error
    with pytest.raises(Unavailable, match="message broker is unavailable") as caught:
        call(_Method(refused), deadline=10)
    response = problem_from_exception(caught.value)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert json.loads(response.get_data())["detail"].startswith("registry.create_household")


def test_a_service_with_no_queue_is_503_with_retry_after():
    response = problem_from_exception(UnknownService("distribution"))
    assert response.status_code == 503
    assert response.headers["Retry-After"]


def test_a_reply_within_the_deadline_is_the_answer():
    class Reply:
        def result(self):
            return {"household_id": "H1"}
    assert call(_Method(Reply), deadline=1) == {"household_id": "H1"}
