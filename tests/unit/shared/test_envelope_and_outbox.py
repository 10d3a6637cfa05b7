import mongomock
import pytest
from marshmallow import ValidationError

from services.shared.envelope import load_envelope, make_envelope
from services.shared.errors import flatten_errors
from services.shared.outbox import HIDE_OUTBOX, OUTBOX, PENDING, new_document, with_events
from services.shared.projection import apply_snapshot, resync


def test_envelope_has_contract_fields_and_reads_tolerantly():
    env = make_envelope("resident_deactivated", "registry", "res_1", 7, {"reason": "deceased"})
    assert set(env) == {"event_id", "type", "schema_version", "occurred_at", "source",
                        "aggregate_id", "aggregate_version", "correlation_id", "data"}
    assert env["occurred_at"].endswith("Z") and env["correlation_id"] == env["event_id"]
    loaded = load_envelope(dict(env, unknown_field="ignored"))
    assert "unknown_field" not in loaded
    with pytest.raises(ValidationError):
        load_envelope({"type": "x"})


def test_change_and_event_are_one_document_write():
    coll = mongomock.MongoClient().db.things
    e1 = make_envelope("thing_created", "t", "a", 1, {})
    coll.insert_one(new_document({"_id": "a", "n": 1}, [e1]))
    e2 = make_envelope("thing_changed", "t", "a", 2, {})
    coll.update_one({"_id": "a"}, with_events({"$set": {"n": 2}}, [e2]))
    doc = coll.find_one({"_id": "a"})
    assert doc["n"] == 2 and doc[PENDING] == 2
    assert [e["event_id"] for e in doc[OUTBOX]] == [e1["event_id"], e2["event_id"]]
    assert set(coll.find_one({"_id": "a"}, HIDE_OUTBOX)) == {"_id", "n"}


def test_snapshot_applies_only_newer_versions():
    coll = mongomock.MongoClient().db.projection
    assert apply_snapshot(coll, "r1", 2, {"name": "two"})
    assert not apply_snapshot(coll, "r1", 1, {"name": "one"})
    assert not apply_snapshot(coll, "r1", 2, {"name": "again"})
    assert apply_snapshot(coll, "r1", 3, {"name": "three"})
    assert coll.find_one({"_id": "r1"}) == {"_id": "r1", "name": "three", "version": 3}


def test_resync_pages_through_export():
    items = [{"id": str(i)} for i in range(7)]
    seen = []
    n = resync(lambda page, per: {"items": items[(page - 1) * per: page * per], "total": 7},
               seen.append, per_page=3)
    assert n == 7 and seen == items


def test_flatten_errors_names_nested_fields():
    assert flatten_errors({"members": {0: {"nik": ["bad"]}}, "rt": ["x"]}) == {
        "members.0.nik": ["bad"], "rt": ["x"]}
