"""A command is carried out at most once per request, and never after its deadline (issue 9, item 4).

Over the real broker with the registry: the same request id delivered twice
(a redelivery, a publish kombu retried, a client repeating its X-Request-Id)
registers one household and answers both deliveries alike; a request that
arrives after its deadline is not carried out at all.
"""
import time

import pytest
from nameko.standalone.rpc import ClusterRpcProxy, ServiceRpcProxy

from services.registry.service import RegistryService
from services.shared.rpc import call
from tests.unit.registry import factories

pytestmark = pytest.mark.integration

ACTOR = {"token_id": "tok_it", "name": "Petugas Integrasi", "role": "officer",
         "request_id": "req-once-1"}


@pytest.fixture
def registry(container_factory, service_config):
    container = container_factory(RegistryService, service_config)
    container.start()
    return container


def _households(proxy, kk_number):
    return proxy.search_households(kk_number=kk_number)["total"]


def test_the_same_request_id_twice_registers_one_household_and_answers_both_alike(
        registry, service_config):
    body = factories.household()
    with ServiceRpcProxy("registry", service_config, timeout=10) as proxy:
        first = call(proxy.register_household, body, ACTOR, deadline=10, request_id="req-once-1")
        again = call(proxy.register_household, body, ACTOR, deadline=10, request_id="req-once-1")
        assert again == first
        assert _households(proxy, body["kk_number"]) == 1
        # without the request id the same body is a second registration: refused as a duplicate
        with pytest.raises(Exception, match="Conflict|already"):
            call(proxy.register_household, body, ACTOR, deadline=10, request_id="req-once-2")


def test_a_request_past_its_deadline_is_not_carried_out(registry, service_config, caplog):
    body = factories.household()
    late = {"deadline": time.time() - 1, "request_id": "req-late"}
    with ClusterRpcProxy(service_config, context_data=late, timeout=10) as cluster:
        cluster.registry.register_household.call_async(body, ACTOR)
        with ServiceRpcProxy("registry", service_config, timeout=10) as proxy:
            # one consumer takes the queue in order: once this answers, the late
            # request ahead of it has been handled
            assert _households(proxy, body["kk_number"]) == 0
    assert "register_household: request dropped, its deadline passed" in caplog.text
