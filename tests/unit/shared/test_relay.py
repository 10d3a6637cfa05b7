"""The relay's bookkeeping, without a broker: what is published is removed, nothing else."""
import mongomock
import pytest

from services.shared.envelope import make_envelope
from services.shared.outbox import OUTBOX, PENDING, new_document, with_events
from services.shared.lease import Lease
from services.shared.relay import LeaseLost, OutboxRelay, PublishFailed


class FakeContainer:
    service_name = "t"
    config = {"AMQP_URI": "amqp://unused"}


class RecordingPublisher:
    def __init__(self, during=None, fail=False):
        self.published, self.during, self.fail = [], during, fail

    def publish(self, events):
        if self.during:
            self.during()
            self.during = None
        if self.fail:
            raise PublishFailed("down")
        self.published.extend(events)

    def close(self):
        pass


def event(agg, version):
    return make_envelope("thing_changed", "t", agg, version, {"v": version})


@pytest.fixture
def coll():
    return mongomock.MongoClient().db.things


def relay_for(coll, publisher, batch_size=500):
    return OutboxRelay(FakeContainer(), coll.database, ["things"], batch_size=batch_size,
                       publisher=publisher)


def test_flush_publishes_in_order_and_empties_outboxes(coll):
    coll.insert_one(new_document({"_id": "a"}, [event("a", 1), event("a", 2)]))
    coll.insert_one(new_document({"_id": "b"}, [event("b", 1)]))
    coll.insert_one({"_id": "c"})
    pub = RecordingPublisher()
    assert relay_for(coll, pub, batch_size=2).flush() == 3
    assert [(e["aggregate_id"], e["aggregate_version"]) for e in pub.published] == [
        ("a", 1), ("a", 2), ("b", 1)]
    assert coll.count_documents({PENDING: {"$gt": 0}}) == 0
    assert relay_for(coll, RecordingPublisher()).flush() == 0


def test_event_queued_while_publishing_is_kept_for_the_next_flush(coll):
    coll.insert_one(new_document({"_id": "a"}, [event("a", 1)]))
    late = event("a", 2)
    pub = RecordingPublisher(during=lambda: coll.update_one({"_id": "a"}, with_events({}, [late])))
    relay = relay_for(coll, pub)
    relay.flush()
    doc = coll.find_one({"_id": "a"})
    assert [e["event_id"] for e in doc[OUTBOX]] == [late["event_id"]] and doc[PENDING] == 1
    relay.flush()
    assert [e["aggregate_version"] for e in pub.published] == [1, 2]
    assert coll.find_one({"_id": "a"})[PENDING] == 0


def test_failed_publish_keeps_everything_pending(coll):
    coll.insert_one(new_document({"_id": "a"}, [event("a", 1)]))
    with pytest.raises(PublishFailed):
        relay_for(coll, RecordingPublisher(fail=True)).flush()
    assert coll.find_one({"_id": "a"})[PENDING] == 1


def test_only_the_lease_holder_publishes_and_a_lost_lease_stops_a_flush(coll):
    coll.insert_one(new_document({"_id": "a"}, [event("a", 1)]))
    leases = [Lease(coll.database, seconds=30, holder=h) for h in ("first", "second")]
    pubs = [RecordingPublisher(), RecordingPublisher()]
    relays = [OutboxRelay(FakeContainer(), coll.database, ["things"], publisher=p, lease=lease)
              for p, lease in zip(pubs, leases, strict=True)]
    assert [r._lease_held() for r in relays] == [True, False]
    assert relays[0].flush() == 1 and pubs[0].published[0]["aggregate_id"] == "a"

    coll.insert_one(new_document({"_id": "b"}, [event("b", 1)]))
    with pytest.raises(LeaseLost):
        relays[1].flush()
    assert pubs[1].published == [] and coll.count_documents({PENDING: {"$gt": 0}}) == 1
