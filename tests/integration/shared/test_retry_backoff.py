"""A failed event waits for its retry in the broker, not in a worker (issue 9, item 7).

Over the real broker with the delays set to a second (``EVENT_RETRY_DELAYS``)
and one worker: a normal event sent while a failed one waits is handled first;
a handler that keeps failing parks the event after the set attempts; a retry
that comes back after a newer event still meets the inbox's rules.
"""
import kombu
import pytest
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_waiter

from services.shared.envelope import make_envelope
from services.shared.inbox import consumes
from services.shared.mongo import MongoStore
from services.shared.retry import delay_queue_name
from services.shared.service import Service
from tests.helpers import wait_for
from tests.support.kit import NoRepository

pytestmark = pytest.mark.integration

#: aggregate id -> failures still to raise before its handler succeeds
FAIL = {}
CALLS = []    # (handler, aggregate_id, version) of every attempt
APPLIED = []  # (handler, aggregate_id, version) of every success


class Retrier(Service):
    name = "retrier"
    store = MongoStore(NoRepository)

    @consumes("producer", "thing_happened")
    def act_on_thing(self, event):
        self._attempt("act", event)

    @consumes("producer", "thing_copied", snapshot=True)
    def copy_thing(self, event):
        self._attempt("copy", event)

    def _attempt(self, handler, event):
        key = (handler, event["aggregate_id"], event["aggregate_version"])
        CALLS.append(key)
        if FAIL.get(event["aggregate_id"], 0) > 0:
            FAIL[event["aggregate_id"]] -= 1
            raise RuntimeError("the store is away for %s" % event["aggregate_id"])
        APPLIED.append(key)


@pytest.fixture
def config(service_config):
    FAIL.clear()
    CALLS.clear()
    APPLIED.clear()
    # one worker: a retry waiting inside it would hold back every other event
    return dict(service_config, EVENT_RETRY_DELAYS="1,1", max_workers=1)


def send(config, name, aggregate_id, version=1):
    envelope = make_envelope(name, "producer", aggregate_id, version, {"n": version})
    event_dispatcher(config)("producer", name, envelope)
    return envelope


def waiting_in_delay_queues(config):
    with kombu.Connection(config["AMQP_URI"]) as conn:
        _, count, _ = conn.channel().queue_declare(delay_queue_name("retrier", 1), passive=True)
        return count


def test_a_failed_event_waits_in_the_broker_while_the_next_is_handled(container_factory,
                                                                       config):
    container_factory(Retrier, config).start()
    FAIL["a"] = 2
    send(config, "thing_happened", "a")
    wait_for(lambda: CALLS == [("act", "a", 1)])
    wait_for(lambda: waiting_in_delay_queues(config) == 1)
    send(config, "thing_happened", "b")  # the only worker is free: "a" waits in the broker

    wait_for(lambda: len(APPLIED) == 2)
    assert APPLIED == [("act", "b", 1), ("act", "a", 1)]
    assert CALLS.count(("act", "a", 1)) == 3  # failed twice, then handled once
    assert waiting_in_delay_queues(config) == 0
    with ServiceRpcProxy("retrier", config) as proxy:
        assert proxy.list_parked_events() == []


def test_an_event_that_always_fails_is_parked_after_the_set_attempts(container_factory,
                                                                      config):
    # the queues are declared at every start: a second start finds them as they are
    first = container_factory(Retrier, config)
    first.start()
    first.stop()
    container_factory(Retrier, config).start()
    FAIL["p"] = 99
    envelope = send(config, "thing_happened", "p")
    with ServiceRpcProxy("retrier", config) as proxy:
        [parked] = wait_for(proxy.list_parked_events, timeout=15)
        assert parked["attempts"] == 3 and parked["handler"] == "act_on_thing"
        assert parked["payload"]["event_id"] == envelope["event_id"]
        assert "RuntimeError: the store is away for p" in parked["error"]
    assert CALLS == [("act", "p", 1)] * 3 and APPLIED == []
    assert waiting_in_delay_queues(config) == 0  # nothing more is coming


def _handled_without_error(event_id):
    def done(worker_ctx, result, exc_info):
        return exc_info is None and worker_ctx.args[0]["event_id"] == event_id
    return done


def test_a_retried_snapshot_older_than_the_one_applied_meanwhile_is_skipped(container_factory,
                                                                            config):
    container = container_factory(Retrier, config)
    container.start()
    FAIL["s"] = 1
    v1 = send(config, "thing_copied", "s", 1)
    wait_for(lambda: CALLS == [("copy", "s", 1)])
    with entrypoint_waiter(container, "copy_thing", callback=_handled_without_error(
            v1["event_id"]), timeout=10):
        send(config, "thing_copied", "s", 2)
    assert APPLIED == [("copy", "s", 2)]  # the retried v1 came back and changed nothing
    assert CALLS == [("copy", "s", 1), ("copy", "s", 2)]


def test_a_retried_event_with_effects_is_applied_once_after_a_newer_one(container_factory,
                                                                       config):
    container = container_factory(Retrier, config)
    container.start()
    FAIL["e"] = 1
    e1 = send(config, "thing_happened", "e", 1)
    wait_for(lambda: CALLS == [("act", "e", 1)])
    with entrypoint_waiter(container, "act_on_thing", callback=_handled_without_error(
            e1["event_id"]), timeout=10):
        send(config, "thing_happened", "e", 2)
    assert APPLIED == [("act", "e", 2), ("act", "e", 1)]  # its effects still made
    with entrypoint_waiter(container, "act_on_thing"):
        event_dispatcher(config)("producer", "thing_happened", e1)  # delivered once more
    assert APPLIED == [("act", "e", 2), ("act", "e", 1)]
