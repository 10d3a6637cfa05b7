"""A command is carried out at most once per request, and never after its deadline (issue 9, item 4).

Over the real broker with the registry: the same request id delivered twice
(a redelivery, a publish kombu retried, a client repeating its X-Request-Id)
registers one household and answers both deliveries alike; a request that
arrives after its deadline is not carried out at all.
"""
import time
import uuid

import eventlet
import pytest
from nameko.standalone.rpc import ClusterRpcProxy, ServiceRpcProxy

from services.registry.service import RegistryService
from services.shared.errors import InvalidInput
from services.shared import once
from services.shared.mongo import MongoStore, database_for
from services.shared.rpc import call, command
from services.shared.service import Service
from tests.helpers import wait_for
from tests.support.kit import NoRepository
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


RUNS = []
GATE = {}


class Counter(Service):
    """A command that holds its worker until the test lets it go, and one that fails once."""

    name = "counter"
    store = MongoStore(NoRepository)

    @command
    def add(self, amount):
        RUNS.append(amount)
        GATE["release"].wait()
        return {"total": sum(RUNS)}

    @command
    def flaky(self, amount):
        RUNS.append(amount)
        if len(RUNS) == 1:
            raise InvalidInput("amount is refused the first time", {"amount": ["try again"]})
        return {"runs": len(RUNS)}


def _context():
    return {"deadline": time.time() + 10, "request_id": "req-%s" % uuid.uuid4().hex}


def test_a_repeat_that_arrives_while_the_first_runs_gets_its_answer_without_running(
        container_factory, service_config):
    RUNS.clear()
    GATE["release"] = eventlet.event.Event()
    container_factory(Counter, service_config).start()
    with ClusterRpcProxy(service_config, context_data=_context(), timeout=10) as cluster:
        first = cluster.counter.add.call_async(5)
        wait_for(lambda: RUNS == [5], message="the first delivery did not start")
        second = cluster.counter.add.call_async(5)
        GATE["release"].send(True)
        assert first.result() == second.result() == {"total": 5}
    assert RUNS == [5]


def test_a_command_that_raised_is_not_remembered_and_runs_again(container_factory,
                                                                service_config):
    RUNS.clear()
    container_factory(Counter, service_config).start()
    with ClusterRpcProxy(service_config, context_data=_context(), timeout=10) as cluster:
        with pytest.raises(InvalidInput):
            cluster.counter.flaky(1)
        assert cluster.counter.flaky(1) == {"runs": 2}
        assert cluster.counter.flaky(1) == {"runs": 2}  # now remembered
    assert RUNS == [1, 1]


@pytest.fixture
def short_claims(monkeypatch):
    """Claims held 1 s and renewed every 0.2 s; the held command waits for ``GATE``."""
    monkeypatch.setattr(once, "CLAIM_SECONDS", 1.0)
    monkeypatch.setattr(once, "RENEW_SECONDS", 0.2)
    RUNS.clear()
    GATE["release"] = eventlet.event.Event()


def test_a_repeat_after_the_first_deliverys_process_died_runs_the_command(
        container_factory, service_config, short_claims):
    # the first instance dies mid-command; its claim must not hold the request for a day
    first_instance = container_factory(Counter, service_config)
    first_instance.start()
    context = _context()
    with ClusterRpcProxy(service_config, context_data=context, timeout=10) as cluster:
        cluster.counter.add.call_async(5)
        wait_for(lambda: RUNS == [5], message="the first delivery did not start")
        first_instance.kill()
    container_factory(Counter, service_config).start()
    context["deadline"] = time.time() + 10
    with ClusterRpcProxy(service_config, context_data=context, timeout=10) as cluster:
        repeat = cluster.counter.add.call_async(5)
        wait_for(lambda: RUNS == [5, 5], message="the repeat did not run the command")
        GATE["release"].send(True)
        assert repeat.result() == {"total": 10}


def test_a_long_command_keeps_its_claim_while_it_runs(container_factory, service_config,
                                                      short_claims):
    container = container_factory(Counter, service_config)
    container.start()
    records = once.OnceRecords(database_for(container))
    with ClusterRpcProxy(service_config, context_data=_context(), timeout=10) as cluster:
        first = cluster.counter.add.call_async(5)
        wait_for(lambda: RUNS == [5], message="the first delivery did not start")
        claim = records.coll.find_one({"state": once.RUNNING})
        second = cluster.counter.add.call_async(5)
        # renewed past three of its lifetimes while it runs, and the repeat never ran it
        wait_for(lambda: (records.find(claim["_id"])["held_until"] - claim["claimed_at"]
                          ).total_seconds() > 3 * once.CLAIM_SECONDS, timeout=10)
        GATE["release"].send(True)
        assert first.result() == second.result() == {"total": 5}
    assert RUNS == [5]
