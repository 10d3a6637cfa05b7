"""The parking lot lives on the broker (issue 9, item 6): a parked event outlives the
service's restart on a fresh in-memory store, is still listed with its error, and can be
replayed; several listings leave the lot as it was, in order."""
import uuid

import kombu
import pytest
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy

from services.shared.envelope import make_envelope
from services.shared.inbox import consumes
from services.shared.mongo import MongoStore
from services.shared.parking import queue_name
from services.shared.service import Service
from tests.helpers import wait_for
from tests.support.kit import NoRepository

pytestmark = pytest.mark.integration

FAILING = {"on": True}
APPLIED = []


class Parker(Service):
    # a name of its own: its lot (parked-<name>) never holds another test's events
    name = "parker_%s" % uuid.uuid4().hex[:8]
    store = MongoStore(NoRepository)

    @consumes("somewhere", "thing_happened", max_attempts=1)
    def handle_thing_happened(self, event):
        if FAILING["on"]:
            raise LookupError("household %s has no timeline yet" % event["aggregate_id"])
        APPLIED.append(event["event_id"])


@pytest.fixture
def config(service_config):
    FAILING["on"] = True
    APPLIED.clear()
    yield service_config
    # the test's vhost goes with the test; the lot is deleted first all the same
    with kombu.Connection(service_config["AMQP_URI"]) as conn:
        conn.channel().queue_delete(queue_name(Parker.name))


def _send(config, aggregate_id):
    envelope = make_envelope("thing_happened", "somewhere", aggregate_id, 1, {"n": 1})
    event_dispatcher(config)("somewhere", "thing_happened", envelope)
    return envelope


def _listed(config):
    with ServiceRpcProxy(Parker.name, config) as proxy:
        return proxy.list_parked_events()


def test_a_parked_event_outlives_a_restart_on_a_fresh_in_memory_store(container_factory,
                                                                       config):
    first = container_factory(Parker, config)
    first.start()
    envelope = _send(config, "H-12")
    [parked] = wait_for(lambda: _listed(config), timeout=10, message="nothing was parked")
    first.stop()

    # a new process on the default store starts empty: another database, nothing in it
    restarted = dict(config, MONGO_URI="", MONGO_DB_PREFIX="t%s" % uuid.uuid4().hex[:10])
    container_factory(Parker, restarted).start()
    [still] = _listed(restarted)
    assert still == parked
    assert still["payload"]["event_id"] == envelope["event_id"] and still["attempts"] == 1
    assert "LookupError: household H-12 has no timeline yet" in still["error"]
    with ServiceRpcProxy(Parker.name, restarted) as proxy:
        assert proxy.ping()["parked"] == 1
        FAILING["on"] = False
        assert proxy.replay_parked_event(parked["id"]) == {"replayed": parked["id"]}
        assert proxy.list_parked_events() == [] and proxy.ping()["parked"] == 0
    assert APPLIED == [envelope["event_id"]]


def test_listing_removes_nothing_and_keeps_the_order(container_factory, config):
    container_factory(Parker, config).start()
    sent = [_send(config, "H-%d" % n)["event_id"] for n in range(3)]
    wait_for(lambda: len(_listed(config)) == 3, timeout=10, message="three not parked")
    lists = [_listed(config) for _ in range(3)]
    assert lists[0] == lists[1] == lists[2]
    assert sorted(entry["payload"]["event_id"] for entry in lists[0]) == sorted(sent)
    # a replay that fails again puts the event at the end with one more attempt; the
    # others keep their places
    middle = lists[0][1]
    with ServiceRpcProxy(Parker.name, config) as proxy:
        with pytest.raises(Exception, match="failed again"):
            proxy.replay_parked_event(middle["id"])
        assert proxy.ping()["parked"] == 3
    after = _listed(config)
    assert [entry["id"] for entry in after] == [lists[0][0]["id"], lists[0][2]["id"],
                                                middle["id"]]
    assert after[2]["attempts"] == 2 and after[0] == lists[0][0]
