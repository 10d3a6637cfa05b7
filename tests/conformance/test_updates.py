"""Single-document updates: conditional, counting, arrays, upserts.

Every state change of the platform is one such write (CONTRACT.md: no
multi-document transactions), so these are the guarantees it stands on.
"""
import datetime

import pytest
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from tests.conformance.concurrency import concurrently

UTC = datetime.timezone.utc


def test_conditional_update_one_changes_the_document_once(db):
    db.allocations.insert_one({"_id": "a1", "status": "pending"})
    first = db.allocations.update_one({"_id": "a1", "status": "pending"},
                                      {"$set": {"status": "disbursed"}})
    second = db.allocations.update_one({"_id": "a1", "status": "pending"},
                                       {"$set": {"status": "disbursed"}})
    assert (first.matched_count, first.modified_count) == (1, 1)
    assert (second.matched_count, second.modified_count) == (0, 0)


def test_racing_conditional_updates_have_exactly_one_winner(db):
    db.allocations.insert_one({"_id": "a1", "status": "pending"})
    results = concurrently(8, lambda i: db.allocations.update_one(
        {"_id": "a1", "status": "pending"},
        {"$set": {"status": "disbursed", "by": i}}).modified_count)
    assert sorted(r for _, r in results) == [0] * 7 + [1]
    winner = [i for i, r in results if r == 1][0]
    assert db.allocations.find_one({"_id": "a1"})["by"] == winner


def test_setting_the_stored_value_matches_but_modifies_nothing(db):
    db.rounds.insert_one({"_id": "r1", "status": "open"})
    result = db.rounds.update_one({"_id": "r1"}, {"$set": {"status": "open"}})
    assert (result.matched_count, result.modified_count) == (1, 0)


def test_find_one_and_update_inc_answers_before_or_after(db):
    db.counters.insert_one({"_id": "temporary:3174091005", "value": 4})
    before = db.counters.find_one_and_update({"_id": "temporary:3174091005"},
                                             {"$inc": {"value": 3}})
    after = db.counters.find_one_and_update({"_id": "temporary:3174091005"}, {"$inc": {"value": 3}},
                                            return_document=ReturnDocument.AFTER)
    assert (before["value"], after["value"]) == (4, 10)
    assert isinstance(after["value"], int)


def test_find_one_and_update_upsert_creates_the_counter_at_the_increment(db):
    doc = db.counters.find_one_and_update({"_id": "failures:h:e1"}, {"$inc": {"attempts": 1}},
                                          upsert=True, return_document=ReturnDocument.AFTER)
    assert doc == {"_id": "failures:h:e1", "attempts": 1}
    assert db.counters.find_one_and_update({"_id": "missing"}, {"$inc": {"n": 1}}) is None


def test_racing_increments_reserve_disjoint_ranges(db):
    """allocate_temporary: each caller gets the counter after its own $inc."""
    db.counters.insert_one({"_id": "temporary:3174091005", "value": 0})
    results = concurrently(10, lambda i: db.counters.find_one_and_update(
        {"_id": "temporary:3174091005"}, {"$inc": {"value": 5}},
        return_document=ReturnDocument.AFTER)["value"])
    assert sorted(r for _, r in results) == list(range(5, 55, 5))


def test_racing_lease_claims_have_one_holder(db):
    """The round lease (distribution/store.py): taken when free or expired."""
    db.rounds.insert_one({"_id": "r1", "lease": None})
    now = 1000.0
    results = concurrently(6, lambda i: db.rounds.update_one(
        {"_id": "r1", "$or": [{"lease": None}, {"lease.until": {"$lt": now}}]},
        {"$set": {"lease": {"holder": "h%d" % i, "until": now + 60}}}).matched_count)
    assert sorted(r for _, r in results) == [0] * 5 + [1]
    expired = db.rounds.update_one(
        {"_id": "r1", "$or": [{"lease": None}, {"lease.until": {"$lt": now + 61}}]},
        {"$set": {"lease": {"holder": "late", "until": now + 120}}})
    assert expired.matched_count == 1
    assert db.rounds.find_one({"_id": "r1"})["lease"]["holder"] == "late"


def test_push_each_with_negative_slice_keeps_the_newest(db):
    db.inbox.insert_one({"_id": "k", "applied": ["e1", "e2"]})
    db.inbox.update_one({"_id": "k"}, {"$push": {"applied": {"$each": ["e3", "e4"], "$slice": -3}}})
    assert db.inbox.find_one({"_id": "k"})["applied"] == ["e2", "e3", "e4"]


def test_push_each_creates_the_array_and_appends_in_order(db):
    db.docs.insert_one({"_id": 1})
    db.docs.update_one({"_id": 1}, {"$push": {"history": {"$each": [{"n": 1}, {"n": 2}]}}})
    db.docs.update_one({"_id": 1}, {"$push": {"history": {"n": 3}}})
    assert [h["n"] for h in db.docs.find_one({"_id": 1})["history"]] == [1, 2, 3]


def test_pull_removes_the_matching_subdocuments_only(db):
    db.docs.insert_one({"_id": 1, "_outbox": [{"event_id": "a"}, {"event_id": "b"},
                                             {"event_id": "c"}], "_pending": 3})
    result = db.docs.update_one({"_id": 1, "_outbox.event_id": "a"},
                                {"$pull": {"_outbox": {"event_id": {"$in": ["a", "c"]}}},
                                 "$inc": {"_pending": -2}})
    assert result.modified_count == 1
    assert db.docs.find_one({"_id": 1}) == {"_id": 1, "_outbox": [{"event_id": "b"}],
                                            "_pending": 1}
    again = db.docs.update_one({"_id": 1, "_outbox.event_id": "a"},
                               {"$pull": {"_outbox": {"event_id": {"$in": ["a", "c"]}}},
                                "$inc": {"_pending": -2}})
    assert again.matched_count == 0


def test_pull_by_value(db):
    db.households.insert_one({"_id": 1, "member_ids": ["r1", "r2", "r1", "r3"]})
    db.households.update_one({"_id": 1}, {"$pull": {"member_ids": "r1"}})
    assert db.households.find_one({"_id": 1})["member_ids"] == ["r2", "r3"]


def test_max_keeps_the_highest_and_sets_a_missing_field(db):
    db.inbox.insert_one({"_id": "k"})
    db.inbox.update_one({"_id": "k"}, {"$max": {"version": 3}})
    db.inbox.update_one({"_id": "k"}, {"$max": {"version": 2}})
    assert db.inbox.find_one({"_id": "k"})["version"] == 3
    late = datetime.datetime(2026, 3, 1, tzinfo=UTC)
    db.inbox.update_one({"_id": "k"}, {"$max": {"at": late}})
    db.inbox.update_one({"_id": "k"}, {"$max": {"at": late - datetime.timedelta(days=1)}})
    assert db.inbox.find_one({"_id": "k"})["at"] == late


def test_inbox_mark_applied_upsert_with_max_and_sliced_push(db):
    update = lambda version, event: db.inbox.update_one(  # noqa: E731
        {"_id": "registry:r1"},
        {"$max": {"version": version},
         "$push": {"applied": {"$each": [event], "$slice": -2}}}, upsert=True)
    first = update(2, "h:e2")
    update(1, "h:e1")
    update(3, "h:e3")
    assert first.upserted_id == "registry:r1"
    assert db.inbox.find_one() == {"_id": "registry:r1", "version": 3, "applied": ["h:e1", "h:e3"]}


def test_upsert_that_matches_nothing_but_the_id_raises_duplicate_key(db):
    """apply_snapshot relies on it: an older version of a stored id is refused."""
    db.p.insert_one({"_id": "r1", "version": 5})
    with pytest.raises(DuplicateKeyError):
        db.p.update_one({"_id": "r1", "version": {"$lt": 3}}, {"$set": {"version": 3}}, upsert=True)
    assert db.p.find_one({"_id": "r1"}) == {"_id": "r1", "version": 5}


def test_upsert_inserts_the_equality_fields_and_set_on_insert_once(db):
    for name in ("first", "second"):
        db.meta.update_one({"_id": "projection", "kind": "meta"},
                           {"$set": {"last": name}, "$setOnInsert": {"created": name}}, upsert=True)
    assert db.meta.find_one() == {"_id": "projection", "kind": "meta", "last": "second",
                                  "created": "first"}


def test_racing_upserts_on_one_id_leave_one_document(db):
    """Each caller either upserts, updates, or is refused with DuplicateKeyError
    (MongoDB may retry such an upsert itself); never two documents."""
    results = concurrently(8, lambda i: db.meta.update_one(
        {"_id": "projection"}, {"$set": {"by": i}}, upsert=True))
    errors = [r for _, r in results if isinstance(r, Exception)]
    assert all(isinstance(e, DuplicateKeyError) for e in errors)
    assert db.meta.count_documents({}) == 1
    assert sum(1 for _, r in results if not isinstance(r, Exception) and r.upserted_id) == 1


def test_unset_and_dotted_set(db):
    db.rounds.insert_one({"_id": "r1", "lease": {"holder": "h", "until": 5}, "note": "x"})
    db.rounds.update_one({"_id": "r1"}, {"$unset": {"note": ""}, "$set": {"lease.until": 9}})
    assert db.rounds.find_one({"_id": "r1"}) == {"_id": "r1", "lease": {"holder": "h", "until": 9}}


def test_update_many_counts_what_it_matched(db):
    db.docs.insert_many([{"_id": i, "_pending": 1 if i < 3 else 2} for i in range(5)])
    result = db.docs.update_many({"_id": {"$in": [0, 1, 3, 9]}, "_pending": 1},
                                 {"$set": {"_pending": 0}})
    assert (result.matched_count, result.modified_count) == (2, 2)


def test_find_one_and_replace_only_when_the_holder_is_unchanged(db):
    db.keys.insert_one({"_id": "nik:1", "owner": "old", "at": 1.0})
    taken = db.keys.find_one_and_replace({"_id": "nik:1", "owner": "old", "at": 1.0},
                                         {"owner": "new", "at": 2.0})
    missed = db.keys.find_one_and_replace({"_id": "nik:1", "owner": "old", "at": 1.0},
                                          {"owner": "third", "at": 3.0})
    assert taken["owner"] == "old" and missed is None
    assert db.keys.find_one() == {"_id": "nik:1", "owner": "new", "at": 2.0}
