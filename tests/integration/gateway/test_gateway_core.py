"""The gateway's own behaviour over the real broker: health, tokens, roles, errors, deadlines."""

import eventlet
import pytest
import requests
from nameko.rpc import rpc

from gateway.service import GatewayService
from tests.helpers import free_port

pytestmark = pytest.mark.integration

ADMIN = "test-admin-token-of-32-characters-or-more"


class StubRegistry:
    """Stands in for the registry: answers ping; its parked-events calls are slow."""
    name = "registry"

    @rpc
    def ping(self):
        return {"service": "registry", "ok": True}

    @rpc
    def list_parked_events(self):
        eventlet.sleep(3)
        return []

    @rpc
    def replay_parked_event(self, parked_id):
        eventlet.sleep(3)
        return {"replayed": parked_id}


def stub_for(service_name):
    """A stand-in answering ping for any service the gateway declares."""
    return type("Stub_" + service_name, (), {
        "name": service_name, "ping": rpc(lambda self: {"ok": True}),
        "list_parked_events": rpc(lambda self: [])})


def declared_services():
    return sorted(GatewayService.services.names)



@pytest.fixture
def gateway(container_factory, service_config):
    port = free_port()
    config = dict(service_config, WEB_SERVER_ADDRESS="127.0.0.1:%d" % port,
                  ADMIN_TOKEN=ADMIN, RPC_DEADLINE=1, HEALTH_DEADLINE=1)
    container = container_factory(GatewayService, config)
    container.start()
    return "http://127.0.0.1:%d" % port, config


def auth(token):
    return {"Authorization": "Bearer %s" % token}


def test_health_is_503_until_every_service_answers(gateway, container_factory):
    url, config = gateway
    services = declared_services()
    assert "registry" in services
    r = requests.get(url + "/health")
    assert r.status_code == 503
    assert r.json()["services"]["registry"].startswith("unavailable")
    others = [n for n in services if n != "registry"]
    container_factory(StubRegistry, config).start()
    for name in others[:-1]:
        container_factory(stub_for(name), config).start()
    if others:
        r = requests.get(url + "/health")
        assert r.status_code == 503 and r.json()["services"][others[-1]] != "ok"
        container_factory(stub_for(others[-1]), config).start()
    r = requests.get(url + "/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "services": {n: "ok" for n in services}}


class DriftingDistribution:
    """A follower whose last comparison found the registry's store new and counts apart."""
    name = "distribution"
    CHECK = {"registry_epoch_ok": False, "checked_at": "2026-01-05T03:00:00Z",
             "drift": {"residents": {"ours": 500, "theirs": 0, "checksum_ok": False}}}

    @rpc
    def ping(self):
        return {"service": "distribution", "ok": True, "registry": self.CHECK}


def test_health_reports_a_followers_drift_and_stays_200(gateway, container_factory):
    url, config = gateway
    container_factory(DriftingDistribution, config).start()
    for name in declared_services():
        if name != "distribution":
            container_factory(stub_for(name), config).start()
    r = requests.get(url + "/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    assert r.json()["followers"] == {"distribution": DriftingDistribution.CHECK}


def test_rpc_past_its_deadline_answers_504_problem(gateway, container_factory):
    url, config = gateway
    container_factory(StubRegistry, config).start()
    for name in declared_services():
        if name != "registry":
            container_factory(stub_for(name), config).start()
    r = requests.post(url + "/api/v1/admin/parked-events/registry/p1/replay",
                      headers=auth(ADMIN), timeout=5)
    assert r.status_code == 504
    assert r.headers["Content-Type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == 504 and "registry" in body["detail"]
    assert "Traceback" not in r.text


def test_parked_events_list_the_services_that_answer_and_name_the_others(
        gateway, container_factory):
    url, config = gateway
    container_factory(StubRegistry, config).start()  # answers past the deadline
    others = [n for n in declared_services() if n != "registry"]
    for name in others[1:]:
        container_factory(stub_for(name), config).start()
    # others[0] is not running at all
    r = requests.get(url + "/api/v1/admin/parked-events", headers=auth(ADMIN), timeout=5)
    assert r.status_code == 200
    body = r.json()
    assert body["registry"] is None and body[others[0]] is None
    assert all(body[name] == [] for name in others[1:])


def test_token_lifecycle_roles_and_hashing(gateway):
    url, _ = gateway
    r = requests.post(url + "/api/v1/tokens", json={"role": "officer", "name": "Petugas RW 05"},
                      headers=auth(ADMIN))
    assert r.status_code == 201
    officer = r.json()
    assert officer["token"].startswith("bt_") and officer["role"] == "officer"
    listed = requests.get(url + "/api/v1/tokens", headers=auth(ADMIN)).json()["items"]
    assert [t["id"] for t in listed] == [officer["id"]]
    assert "token" not in listed[0] and officer["token"] not in str(listed)
    # an officer may not manage tokens
    r = requests.post(url + "/api/v1/tokens", json={"role": "admin", "name": "x"},
                      headers=auth(officer["token"]))
    assert r.status_code == 403
    assert r.json()["title"] == "Forbidden"
    # revoke: the token stops working
    assert requests.delete(url + "/api/v1/tokens/" + officer["id"],
                           headers=auth(ADMIN)).status_code == 200
    r = requests.get(url + "/api/v1/tokens", headers=auth(officer["token"]))
    assert r.status_code == 401
    assert requests.delete(url + "/api/v1/tokens/" + officer["id"],
                           headers=auth(ADMIN)).status_code == 409
    assert requests.delete(url + "/api/v1/tokens/tok_nope", headers=auth(ADMIN)).status_code == 404


def test_bad_token_body_lists_every_field(gateway):
    url, _ = gateway
    r = requests.post(url + "/api/v1/tokens", json={"role": "partner", "extra": 1},
                      headers=auth(ADMIN))
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert set(errors) == {"name", "extra"}
    r = requests.post(url + "/api/v1/tokens", json={"role": "partner", "name": "NGO"},
                      headers=auth(ADMIN))
    assert r.status_code == 400 and "partner_id" in r.json()["errors"]
    r = requests.post(url + "/api/v1/tokens", data=b"{not json", headers=auth(ADMIN))
    assert r.status_code == 400 and "_body" in r.json()["errors"]


def test_missing_and_malformed_tokens_are_401(gateway):
    url, _ = gateway
    assert requests.get(url + "/api/v1/tokens").status_code == 401
    assert requests.get(url + "/api/v1/tokens", headers={"Authorization": "Basic abc"}).status_code == 401
    assert requests.get(url + "/api/v1/tokens", headers=auth("bt_unknown")).status_code == 401


def test_unknown_path_is_a_404_problem(gateway):
    url, _ = gateway
    r = requests.get(url + "/api/v1/nothing-here")
    assert r.status_code == 404
    assert r.headers["Content-Type"] == "application/problem+json"


def test_openapi_is_3_1_and_describes_routes(gateway):
    url, _ = gateway
    doc = requests.get(url + "/api/v1/openapi.json").json()
    assert doc["openapi"] == "3.1.0"
    assert "post" in doc["paths"]["/api/v1/tokens"]
    assert doc["paths"]["/api/v1/tokens/{token_id}"]["delete"]["security"] == [{"bearer": []}]
    assert "TokenIn" in doc["components"]["schemas"]


def test_a_second_gateway_cannot_share_the_port(gateway, container_factory):
    """Two platforms must never split one port's requests between them."""
    url, config = gateway
    second = container_factory(GatewayService, dict(config))
    with pytest.raises(OSError):
        second.start()
    assert requests.get(url + "/api/v1/tokens", headers=auth(ADMIN)).status_code == 200
