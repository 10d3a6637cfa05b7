"""Parked events say why (issue 9, item 6): a replay that fails again is answered with the
handler's reason as a problem (409), and a message that is not JSON is parked with its raw
body and the decoder's reason."""
import base64
import logging

import kombu
import pytest
import requests
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy

from gateway.service import GatewayService
from services.shared.envelope import make_envelope
from services.shared.inbox import consumes
from services.shared.mongo import MongoStore
from services.shared.service import Service
from tests.helpers import free_port, wait_for
from tests.support.kit import NoRepository

pytestmark = pytest.mark.integration

ADMIN = "test-admin-token-of-32-characters-or-more"


class Monitoring(Service):
    """Stands in for a service behind the gateway whose handler keeps failing."""

    name = "monitoring"
    store = MongoStore(NoRepository)

    @consumes("somewhere", "thing_happened", max_attempts=1)
    def handle_thing_happened(self, event):
        raise LookupError("household %s has no timeline yet" % event["aggregate_id"])


def _parked(config):
    with ServiceRpcProxy("monitoring", config) as proxy:
        return wait_for(proxy.list_parked_events, timeout=10, message="nothing was parked")


def test_a_replay_that_fails_again_answers_409_with_the_handlers_reason(container_factory,
                                                                       service_config):
    container_factory(Monitoring, service_config).start()
    port = free_port()
    gateway = dict(service_config, WEB_SERVER_ADDRESS="127.0.0.1:%d" % port, ADMIN_TOKEN=ADMIN)
    container_factory(GatewayService, gateway).start()
    envelope = make_envelope("thing_happened", "somewhere", "H-77", 1, {"n": 1})
    event_dispatcher(service_config)("somewhere", "thing_happened", envelope)
    [parked] = _parked(service_config)

    r = requests.post("http://127.0.0.1:%d/api/v1/admin/parked-events/monitoring/%s/replay"
                      % (port, parked["id"]),
                      headers={"Authorization": "Bearer %s" % ADMIN}, timeout=10)
    assert r.status_code == 409, r.text
    assert r.headers["Content-Type"] == "application/problem+json"
    body = r.json()
    assert "LookupError: household H-77 has no timeline yet" in body["detail"]
    assert body["errors"]["handler"] == ["LookupError: household H-77 has no timeline yet"]
    assert "Traceback" not in r.text
    [still] = _parked(service_config)
    assert still["id"] == parked["id"] and still["attempts"] == 2


def test_a_message_that_is_not_json_is_parked_with_its_raw_body_and_reason(
        container_factory, service_config, caplog):
    container_factory(Monitoring, service_config).start()
    body = b"\xff{not json at all"
    with kombu.Connection(service_config["AMQP_URI"]) as conn:
        conn.Producer().publish(body, exchange=kombu.Exchange("somewhere.events", type="topic",
                                                              durable=True),
                                routing_key="thing_happened", content_type="application/json",
                                content_encoding="utf-8", declare=[])
    [parked] = _parked(service_config)
    assert base64.b64decode(parked["payload"]["raw_base64"]) == body
    assert parked["payload"]["truncated"] is False
    assert parked["payload"]["content_type"] == "application/json"
    assert parked["error"].startswith("The message could not be decoded")
    assert "codec can't decode byte 0xff in position 0" in parked["error"]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR
              and r.name.startswith("services.shared")]
    assert errors == []  # parked for the operator, not an error nobody can act on


def test_a_parked_event_is_counted_in_the_services_ping_and_the_metrics(container_factory,
                                                                        service_config):
    container_factory(Monitoring, service_config).start()
    port = free_port()
    gateway = dict(service_config, WEB_SERVER_ADDRESS="127.0.0.1:%d" % port, ADMIN_TOKEN=ADMIN,
                   HEALTH_DEADLINE=1)
    container_factory(GatewayService, gateway).start()
    with ServiceRpcProxy("monitoring", service_config) as proxy:
        assert proxy.ping()["parked"] == 0
    for n in (1, 2):
        envelope = make_envelope("thing_happened", "somewhere", "H-%d" % n, 1, {"n": n})
        event_dispatcher(service_config)("somewhere", "thing_happened", envelope)
    wait_for(lambda: len(_parked(service_config)) == 2, timeout=10, message="two not parked")
    with ServiceRpcProxy("monitoring", service_config) as proxy:
        assert proxy.ping()["parked"] == 2

    r = requests.get("http://127.0.0.1:%d/api/v1/admin/metrics" % port,
                     headers={"Authorization": "Bearer %s" % ADMIN}, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain")
    lines = r.text.splitlines()
    assert 'bansos_parked_events{service="monitoring"} 2.0' in lines
    assert 'bansos_service_up{service="monitoring"} 1.0' in lines
    # the other services of the platform are not running in this test
    assert 'bansos_service_up{service="registry"} 0.0' in lines
    assert not any(line.startswith('bansos_parked_events{service="registry"}') for line in lines)
