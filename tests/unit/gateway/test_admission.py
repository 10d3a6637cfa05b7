"""The gateway's admission gate: a request it has no room for is answered 503 at once."""
import json
import time

import eventlet
import pytest
from eventlet.event import Event
from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from gateway.admission import AdmissionGate
from services.shared.settings import SettingsError, load_settings
from tests.helpers import wait_for


class SlowApp:
    """A WSGI app that answers only when released, counting who got in."""

    def __init__(self):
        self.release = Event()
        self.entered = 0

    def __call__(self, environ, start_response):
        self.entered += 1
        if environ["PATH_INFO"] == "/boom":
            raise RuntimeError("a handler failed")
        self.release.wait()
        return Response("ok")(environ, start_response)


def hold(gate, app, n, path="/api/v1/programmes"):
    before = app.entered
    threads = [eventlet.spawn(Client(gate).get, path) for _ in range(n)]
    wait_for(lambda: app.entered == before + n)
    return threads


def test_requests_beyond_the_limit_get_503_with_retry_after_at_once():
    app = SlowApp()
    gate = AdmissionGate(app, limit=3)
    held = hold(gate, app, 3)
    assert app.entered == 3 and gate.inside == 3
    refused = Client(gate).get("/api/v1/status-check")
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "1"
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert json.loads(refused.data)["type"].endswith("overloaded")
    assert app.entered == 3 and gate.shed == 1
    app.release.send()
    assert [t.wait().status_code for t in held] == [200, 200, 200]
    assert gate.inside == 0
    assert Client(gate).get("/api/v1/programmes").status_code == 200


@pytest.mark.parametrize("path", ["/health", "/api/v1/admin/metrics"])
def test_health_and_metrics_are_let_in_when_the_gateway_is_full(path):
    app = SlowApp()
    gate = AdmissionGate(app, limit=1)
    held = hold(gate, app, 1)
    health = hold(gate, app, 1, path=path)[0]
    assert gate.shed == 0
    app.release.send()
    assert health.wait().status_code == 200 and held[0].wait().status_code == 200


def test_a_failing_request_gives_its_place_back():
    gate = AdmissionGate(SlowApp(), limit=1)
    with pytest.raises(RuntimeError):
        Client(gate).get("/boom")
    assert gate.inside == 0


@pytest.mark.parametrize("value, ok", [("20", True), ("1", True), ("0", False), ("x", False)])
def test_gateway_waiting_is_a_whole_number_of_at_least_one(value, ok):
    if ok:
        assert load_settings({"GATEWAY_WAITING": value}).gateway_waiting == int(value)
    else:
        with pytest.raises(SettingsError, match="GATEWAY_WAITING"):
            load_settings({"GATEWAY_WAITING": value})


class _Stub:
    pass


def exchange_arrived(seconds_ago):
    from werkzeug.test import EnvironBuilder

    from gateway.admission import ARRIVED_AT
    from gateway.auth import Principal
    from gateway.http import Exchange
    service = _Stub()
    service.services, service.settings = None, _Stub()
    service.settings.rpc_deadline = 10.0
    environ = EnvironBuilder(path="/api/v1/programmes").get_environ()
    environ[ARRIVED_AT] = time.time() - seconds_ago
    return Exchange(service, Request(environ), Principal(request_id="r1"))


def test_the_deadline_counts_from_the_requests_arrival(monkeypatch):
    from gateway import http
    seen = {}

    def fake_call(method, *args, deadline, request_id, **kwargs):
        seen.update(deadline=deadline, request_id=request_id)
        return "answer"
    monkeypatch.setattr(http, "call", fake_call)
    assert exchange_arrived(4).call(object()) == "answer"
    assert 5.5 < seen["deadline"] <= 6.0 and seen["request_id"] == "r1"
    seen.clear()
    with pytest.raises(http.Timeout, match="waited past its deadline"):
        exchange_arrived(11).call(object())
    assert seen == {}  # nothing was sent for a request whose time is up
