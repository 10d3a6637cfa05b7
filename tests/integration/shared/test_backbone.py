"""The event backbone over the real RabbitMQ: outbox relay, idempotent inbox, parking."""

import pytest
from nameko.rpc import rpc
from nameko.testing.services import entrypoint_waiter
from nameko.testing.utils import get_extension

from services.shared.envelope import make_envelope
from services.shared.inbox import consumes
from services.shared.service import Service
from services.shared.mongo import MongoStore
from services.shared.outbox import HIDE_OUTBOX, PENDING, new_document, with_events
from services.shared.relay import PublishFailed
from tests.helpers import wait_for
from tests.support.kit import BrokenPublisher

pytestmark = pytest.mark.integration


class ThingRepository:
    def __init__(self, db, notify):
        self.things = db["things"]
        self.notify = notify

    def create(self, thing_id, name):
        event = make_envelope("thing_created", "producer", thing_id, 1, {"name": name})
        self.things.insert_one(new_document({"_id": thing_id, "name": name, "version": 1}, [event]))
        self.notify()
        return event

    def rename(self, thing_id, name):
        doc = self.things.find_one({"_id": thing_id})
        event = make_envelope("thing_created", "producer", thing_id, doc["version"] + 1, {"name": name})
        self.things.update_one({"_id": thing_id}, with_events(
            {"$set": {"name": name}, "$inc": {"version": 1}}, [event]))
        self.notify()
        return event

    def pending(self):
        return self.things.count_documents({PENDING: {"$gt": 0}})


class Producer:
    name = "producer"
    store = MongoStore(ThingRepository, outbox=["things"])

    @rpc
    def create(self, thing_id, name):
        return self.store.create(thing_id, name)

    @rpc
    def rename(self, thing_id, name):
        return self.store.rename(thing_id, name)


SEEN = []
FAIL_UNTIL = {}


class Consumer(Service):
    name = "consumer"
    store = MongoStore(lambda db, notify: None)

    @consumes("producer", "thing_created", snapshot=True, max_attempts=3)
    def handle_thing_created(self, event):
        remaining = FAIL_UNTIL.get(event["aggregate_id"], 0)
        if remaining:
            FAIL_UNTIL[event["aggregate_id"]] = remaining - 1
            raise RuntimeError("handler failure for %s" % event["aggregate_id"])
        SEEN.append((event["aggregate_id"], event["aggregate_version"], event["data"]["name"]))


@pytest.fixture(autouse=True)
def clear():
    SEEN.clear()
    FAIL_UNTIL.clear()


def dispatch_raw(config, envelope):
    from nameko.standalone.events import event_dispatcher
    event_dispatcher(config)("producer", envelope["type"], envelope)


def test_change_reaches_consumer_through_outbox(container_factory, service_config):
    consumer = container_factory(Consumer, service_config)
    consumer.start()
    producer = container_factory(Producer, service_config)
    producer.start()
    from nameko.standalone.rpc import ServiceRpcProxy
    with ServiceRpcProxy("producer", service_config) as proxy:
        proxy.create("a1", "first")
    wait_for(lambda: SEEN == [("a1", 1, "first")])
    store = get_extension(producer, MongoStore)
    wait_for(lambda: store.db["things"].count_documents({PENDING: {"$gt": 0}}) == 0)


def test_publish_failure_keeps_event_pending_until_restart(container_factory, service_config):
    """A process that wrote the change but died before publishing loses nothing."""
    consumer = container_factory(Consumer, service_config)
    consumer.start()
    producer = container_factory(Producer, service_config)
    producer.start()
    store = get_extension(producer, MongoStore)

    store.relay.publisher = BrokenPublisher()
    from nameko.standalone.rpc import ServiceRpcProxy
    with ServiceRpcProxy("producer", service_config) as proxy:
        proxy.create("b1", "kept")
    assert store.db["things"].find_one({"_id": "b1"}, HIDE_OUTBOX)["name"] == "kept"
    with pytest.raises(PublishFailed):
        store.relay.flush()
    assert SEEN == []
    assert store.db["things"].count_documents({PENDING: {"$gt": 0}}) == 1
    producer.kill()  # the process dies with the event unpublished

    # a new process over the same store: its relay finds the pending event
    restarted = container_factory(Producer, service_config)
    restarted.start()
    wait_for(lambda: SEEN == [("b1", 1, "kept")])


def test_duplicate_and_out_of_order_events_are_harmless(container_factory, service_config):
    consumer = container_factory(Consumer, service_config)
    consumer.start()
    v1 = make_envelope("thing_created", "producer", "c1", 1, {"name": "one"})
    v2 = make_envelope("thing_created", "producer", "c1", 2, {"name": "two"})
    for env in (v2, v2, v1):
        with entrypoint_waiter(consumer, "handle_thing_created"):
            dispatch_raw(service_config, env)
    assert SEEN == [("c1", 2, "two")]


def test_poison_event_is_parked_then_replayed(container_factory, service_config):
    consumer = container_factory(Consumer, service_config)
    consumer.start()
    FAIL_UNTIL["p1"] = 10
    env = make_envelope("thing_created", "producer", "p1", 1, {"name": "poison"})
    dispatch_raw(service_config, env)
    from nameko.standalone.rpc import ServiceRpcProxy
    with ServiceRpcProxy("consumer", service_config) as proxy:
        wait_for(lambda: len(proxy.list_parked_events()) == 1)
        parked = proxy.list_parked_events()[0]
        assert parked["attempts"] == 3
        assert parked["payload"]["event_id"] == env["event_id"]
        assert "handler failure" in parked["error"]
        assert SEEN == []
        # the next event on the queue was not blocked
        with entrypoint_waiter(consumer, "handle_thing_created"):
            dispatch_raw(service_config, make_envelope("thing_created", "producer", "q1", 1, {"name": "ok"}))
        assert SEEN == [("q1", 1, "ok")]
        FAIL_UNTIL["p1"] = 0
        assert proxy.replay_parked_event(parked["id"]) == {"replayed": parked["id"]}
        assert proxy.list_parked_events() == []
    assert ("p1", 1, "poison") in SEEN


def test_relay_batches_beat_one_by_one(container_factory, service_config):
    """Smoke check that a large batch is relayed whole (figures live in bench/)."""
    consumer = container_factory(Consumer, service_config)
    consumer.start()
    producer = container_factory(Producer, service_config)
    producer.start()
    store = get_extension(producer, MongoStore)
    repo = ThingRepository(store.db, lambda *args: None)
    for i in range(300):
        repo.create("bulk%d" % i, "n%d" % i)
    store.relay.kick()
    wait_for(lambda: len(SEEN) == 300, timeout=30)
    assert sorted(s[0] for s in SEEN) == sorted("bulk%d" % i for i in range(300))
