"""The service kit without a broker: settings, clock, field rules, versioned write,
event versions and upcasting, the inbox's two kinds of handlers, route tables."""
import datetime

import mongomock
import pytest
from marshmallow import fields
from nameko.containers import ServiceContainer

from gateway.http import RouteConflict, Router, RouteTable
from services.registry.contract import ResidentFields
from services.shared import clock
from services.shared.contract import EventType, Tolerant, UnreadableEvent, load
from services.shared.envelope import make_envelope
from services.shared.errors import InvalidInput
from services.shared.inbox import InboxRecords, consumes
from services.shared.mongo import MongoStore
from services.shared.service import Service
from services.shared.settings import SettingsError, load_settings
from services.shared.versioned import write_versioned
from tests.unit.registry import factories
from tests.support.kit import MemoryLot, NoRepository


# ---- settings: read once, checked at start -------------------------------------

@pytest.mark.parametrize("config, named", [
    ({"VILLAGE_CODE": "31740910"}, "VILLAGE_CODE"),
    ({"VILLAGE_CODE": "9974091005"}, "VILLAGE_CODE"),
    ({"RPC_DEADLINE": "ten"}, "RPC_DEADLINE"),
    ({"COMPLAINTS_OVERDUE_CHECK_SECONDS": "0"}, "COMPLAINTS_OVERDUE_CHECK_SECONDS"),
    ({"RATE_LIMITS": "status_check=five"}, "RATE_LIMITS"),
])
def test_a_malformed_setting_is_refused_by_name(config, named):
    with pytest.raises(SettingsError, match=named):
        load_settings(config)


def test_empty_settings_mean_the_defaults():
    settings = load_settings({"VILLAGE_CODE": "", "RPC_DEADLINE": "", "MONGO_URI": None})
    assert settings.village_code == "3174091005" and settings.deployment == "kelurahan"
    assert settings.rpc_deadline == 10.0 and settings.mongo_uri == ""
    assert load_settings({"RATE_LIMITS": "status_check=5/60"}).rate_limit_overrides == {
        "status_check": (5, 60.0)}



class Minimal(Service):
    name = "kittest_minimal"
    store = MongoStore(NoRepository)


def test_a_service_with_a_malformed_setting_stops_at_start_naming_it():
    """Not a 500 on the first request that needs it (the village code of temporary NIKs)."""
    container = ServiceContainer(Minimal, {"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/",
                                           "VILLAGE_CODE": "3174-09-10"})
    with pytest.raises(SettingsError, match="VILLAGE_CODE"):
        container.start()
    container.kill()


def test_a_service_must_declare_its_name_and_store():
    with pytest.raises(TypeError, match="store"):
        type("NoStore", (Service,), {"name": "nostore"})
    with pytest.raises(TypeError, match="name"):
        type("NoName", (Service,), {"store": MongoStore(NoRepository)})


# ---- clock ------------------------------------------------------------------------

def test_instants_have_one_precision_and_village_dates_are_wib():
    at = datetime.datetime(2026, 1, 4, 17, 30, 5, 123456, tzinfo=clock.UTC)
    assert clock.iso(at) == "2026-01-04T17:30:05.123Z"
    assert clock.iso(at.replace(tzinfo=None)) == "2026-01-04T17:30:05.123Z"
    assert clock.village_date(at) == datetime.date(2026, 1, 5)  # 00:30 WIB
    assert clock.parse_instant("2026-01-05T00:30:05+07:00") == at.replace(microsecond=0)
    assert clock.now().microsecond % 1000 == 0
    with pytest.raises(ValueError):
        clock.parse_instant("2026-01-05T00:30:05")


# ---- shared field rules -------------------------------------------------------------

@pytest.mark.parametrize("bad", ["Budi\x00", "Budi\x1b[31mSantoso", "Budi\nSantoso", "Budi\x9b"])
def test_names_and_streets_refuse_control_characters(bad):
    with pytest.raises(InvalidInput) as exc:
        load(ResidentFields, factories.person(full_name=bad, birth_place=bad))
    assert set(exc.value.errors) == {"full_name", "birth_place"}
    assert "control characters" in exc.value.errors["full_name"][0]


# ---- the versioned write ---------------------------------------------------------

def test_a_versioned_write_loses_to_a_concurrent_one_and_writes_nothing():
    coll = mongomock.MongoClient().db.things
    coll.insert_one({"_id": "t1", "name": "a", "version": 1})
    doc = coll.find_one({"_id": "t1"})
    woken = []
    first = write_versioned(coll, doc, {"name": "b"}, notify=lambda *a: woken.append(a),
                            events=lambda after: [make_envelope("renamed", "x", "t1",
                                                                after["version"], {})])
    assert first["version"] == 2 and woken == [("things", ["t1"])]
    assert write_versioned(coll, doc, {"name": "c"}) is None
    stored = coll.find_one({"_id": "t1"})
    assert stored["name"] == "b" and stored["version"] == 2 and stored["_pending"] == 1


# ---- event versions ----------------------------------------------------------------

class ThingV1(Tolerant):
    title = fields.String(required=True)


class ThingV2(Tolerant):
    name = fields.String(required=True)
    colour = fields.String(load_default="none")


THING = EventType("producer", "thing_made", {1: ThingV1, 2: ThingV2},
                  upcasters={1: lambda data: {"name": data.pop("title"), **data}})


def test_an_older_payload_is_upcast_and_a_newer_one_is_unreadable():
    v1 = make_envelope("thing_made", "producer", "t1", 1, {"title": "lamp", "extra": 1},
                       schema_version=1)
    read = THING.read(v1)
    assert read["schema_version"] == 2 and read["data"] == {"name": "lamp", "colour": "none"}
    assert v1["data"] == {"title": "lamp", "extra": 1}  # the stored event is left as it came
    assert THING.envelope("t1", 2, {"name": "lamp"})["schema_version"] == 2
    with pytest.raises(UnreadableEvent, match="schema_version 3"):
        THING.read(dict(v1, schema_version=3))
    with pytest.raises(TypeError, match="upcaster"):
        EventType("producer", "gap", {1: ThingV1, 3: ThingV2})


# ---- the inbox's two kinds of handlers ---------------------------------------------

class Consumer:
    def __init__(self):
        self.inbox = InboxRecords(mongomock.MongoClient().db, MemoryLot())
        self.seen = []

    @consumes(THING, snapshot=True)
    def copy_thing(self, event):
        self.seen.append(("copy", event["aggregate_version"], event["data"]["name"]))

    @consumes(THING)
    def act_on_thing(self, event):
        self.seen.append(("act", event["aggregate_version"], event["data"]["name"]))


def test_a_snapshot_handler_skips_older_versions_a_handler_with_effects_does_not():
    consumer = Consumer()
    v2 = THING.envelope("t1", 2, {"name": "new"})
    v1 = make_envelope("thing_made", "producer", "t1", 1, {"title": "old"}, schema_version=1)
    for handler in (Consumer.copy_thing, Consumer.act_on_thing):
        for event in (v2, v1, v2, v1):  # newer first, then each delivered again
            handler(consumer, event)
    assert consumer.seen == [("copy", 2, "new"), ("act", 2, "new"), ("act", 1, "old")]


def test_two_snapshot_handlers_record_one_first_event_under_one_key():
    # the first handler inserts the record, the second finds it there and adds to it
    records = InboxRecords(mongomock.MongoClient().db, MemoryLot())
    v1 = THING.envelope("t1", 1, {"name": "x"})
    for handler in ("copy_a", "copy_b"):
        assert not records.should_skip(handler, v1, True)
        records.mark_applied(handler, v1, True)
        assert records.should_skip(handler, v1, True)
    [doc] = records.inbox.find()
    assert doc["version"] == 1 and doc["applied"] == [
        "copy_a:%s" % v1["event_id"], "copy_b:%s" % v1["event_id"]]
    records.mark_applied("copy_a", THING.envelope("t1", 2, {"name": "y"}), True)
    assert records.inbox.find_one()["version"] == 2


def test_an_unreadable_event_is_parked_not_lost():
    consumer = Consumer()
    Consumer.act_on_thing(consumer, dict(THING.envelope("t1", 1, {"name": "x"}),
                                         schema_version=9))
    [parked] = consumer.inbox.list_parked()
    assert parked["handler"] == "act_on_thing" and "schema_version 9" in parked["error"]
    assert consumer.seen == []


# ---- route tables -------------------------------------------------------------------

def _table(path, name):
    table = RouteTable()
    table.route("GET", path)(type(lambda: None)(
        (lambda ex, **kw: None).__code__, {}, name))
    return table


def test_a_route_declared_twice_stops_the_gateway():
    with pytest.raises(RouteConflict, match="/api/v1/things"):
        Router([_table("/api/v1/things/<a>", "one"), _table("/api/v1/things/<b>", "two")])
    with pytest.raises(RouteConflict, match="same_name|clashes"):
        Router([_table("/api/v1/a", "same_name"), _table("/api/v1/b", "same_name")])
    assert len(Router([_table("/api/v1/a", "a"), _table("/api/v1/b", "b")]).specs) == 2


def test_a_patch_makes_the_schemas_own_fields_optional_never_a_nested_objects():
    """``load(..., partial=True)``: a nested value given replaces the whole value, so
    it is checked whole (a partial licence answered 500 in the marketplace before)."""
    from marshmallow import fields as mfields

    from services.shared.contract import Strict, load
    from services.shared.errors import InvalidInput

    class Licence(Strict):
        number = mfields.String(required=True)
        expires_on = mfields.Date(required=True)

    class Patch(Strict):
        name = mfields.String(required=True)
        licence = mfields.Nested(Licence)

    assert load(Patch, {}, partial=True) == {}
    with pytest.raises(InvalidInput) as refused:
        load(Patch, {"licence": {"expires_on": "2027-01-01"}}, partial=True)
    assert refused.value.errors == {"licence.number": ["Missing data for required field."]}


def test_a_ping_answers_while_the_store_does_not_and_says_parked_is_unknown():
    """The ping is the orchestrator's liveness probe: a database outage must not fail it."""
    from pymongo.errors import ServerSelectionTimeoutError

    from services.shared.mongo import MongoStore
    from services.shared.service import Service
    from tests.support.kit import NoRepository, service_worker

    class Pinged(Service):
        name = "pinged"
        store = MongoStore(NoRepository)

    class DownInbox:
        def count_parked(self):
            raise ServerSelectionTimeoutError("mongo:27017: timed out")

    class UpInbox:
        def count_parked(self):
            return 2

    assert service_worker(Pinged, inbox=DownInbox()).ping() == {
        "service": "pinged", "ok": True, "parked": None}
    assert service_worker(Pinged, inbox=UpInbox()).ping()["parked"] == 2


def test_an_undecodable_event_that_cannot_be_parked_goes_back_to_its_queue():
    """Parking publishes to the broker; when that fails the message is requeued, not
    acked: acked, an event nobody had parked yet was gone."""
    from types import SimpleNamespace

    from services.shared.messaging import DecodeSafeEventHandler, DecodeSafeQueueConsumer

    handler = DecodeSafeEventHandler("somewhere", "thing_happened")
    handler.container = SimpleNamespace(service_name="kittest_parker",
                                        config={"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/"})
    handler.method_name = "handle_thing_happened"
    consumer = DecodeSafeQueueConsumer()
    consumer._provider_of = lambda message: handler
    done = []
    message = SimpleNamespace(body=b"\xff{not json", delivery_info={}, headers={},
                              content_type="application/json",
                              channel=SimpleNamespace(connection=True),
                              ack=lambda: done.append("acked"),
                              requeue=lambda: done.append("requeued"))
    consumer.on_decode_error(message, ValueError("not JSON"))
    assert done == ["requeued"]
