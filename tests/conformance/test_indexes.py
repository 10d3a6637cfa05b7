"""Unique indexes and duplicate keys, as the platform relies on them.

The registry claims NIKs and KK numbers as ``_id``s (services/registry/keys.py)
and inserts claims and allocations with ``insert_many(ordered=False)``,
reading which ones were duplicates from the error's details.
"""
import pytest
from pymongo.errors import BulkWriteError, DuplicateKeyError

from tests.conformance.concurrency import concurrently

NIK = "3174091708450001"


def test_duplicate_id_is_refused_and_the_first_document_kept(db):
    db.keys.insert_one({"_id": "nik:" + NIK, "owner": "r1"})
    with pytest.raises(DuplicateKeyError) as refused:
        db.keys.insert_one({"_id": "nik:" + NIK, "owner": "r2"})
    assert refused.value.code == 11000
    assert list(db.keys.find()) == [{"_id": "nik:" + NIK, "owner": "r1"}]


def test_unique_index_on_a_scalar_refuses_a_second_insert(db):
    db.residents.create_index("nik", unique=True)
    db.residents.insert_one({"_id": "a", "nik": NIK})
    with pytest.raises(DuplicateKeyError):
        db.residents.insert_one({"_id": "b", "nik": NIK})
    assert [d["_id"] for d in db.residents.find()] == ["a"]


def test_unique_index_refuses_an_update_to_a_taken_value_and_keeps_the_document(db):
    db.tokens.create_index("hash", unique=True)
    db.tokens.insert_many([{"_id": 1, "hash": "h1"}, {"_id": 2, "hash": "h2"}])
    with pytest.raises(DuplicateKeyError):
        db.tokens.update_one({"_id": 2}, {"$set": {"hash": "h1", "name": "changed"}})
    assert db.tokens.find_one({"_id": 2}) == {"_id": 2, "hash": "h2"}


def test_unique_compound_index_refuses_only_the_same_pair(db):
    db.feedback.create_index([("year", 1), ("programme_code", 1)], unique=True)
    db.feedback.insert_many([{"year": 2026, "programme_code": "PKH"},
                             {"year": 2026, "programme_code": "BPNT"},
                             {"year": 2027, "programme_code": "PKH"}])
    with pytest.raises(DuplicateKeyError):
        db.feedback.insert_one({"year": 2026, "programme_code": "PKH"})
    assert db.feedback.count_documents({}) == 3


def test_sparse_unique_index_lets_documents_without_the_field_coexist(db):
    db.complaints.create_index("allocation_id", unique=True, sparse=True)
    db.complaints.insert_many([{"_id": 1}, {"_id": 2}, {"_id": 3, "allocation_id": "a1"}])
    with pytest.raises(DuplicateKeyError):
        db.complaints.insert_one({"_id": 4, "allocation_id": "a1"})
    assert db.complaints.count_documents({}) == 3


def test_unique_index_is_listed_as_unique(db):
    db.residents.create_index("nik", unique=True)
    db.residents.create_index("nik", unique=True)  # again: no error, one index
    uniques = [dict(i["key"]) for i in db.residents.list_indexes() if i.get("unique")]
    assert uniques == [{"nik": 1}]


def test_unordered_insert_many_stores_the_rest_and_names_each_duplicate(db):
    db.keys.insert_many([{"_id": "k1"}, {"_id": "k2"}])
    with pytest.raises(BulkWriteError) as refused:
        db.keys.insert_many([{"_id": "k3"}, {"_id": "k1"}, {"_id": "k4"}, {"_id": "k2"}],
                            ordered=False)
    details = refused.value.details
    assert details["nInserted"] == 2
    assert [(e["index"], e["code"]) for e in details["writeErrors"]] == [(1, 11000), (3, 11000)]
    assert sorted(d["_id"] for d in db.keys.find()) == ["k1", "k2", "k3", "k4"]


def test_ordered_insert_many_stops_at_the_first_duplicate(db):
    with pytest.raises(BulkWriteError) as refused:
        db.keys.insert_many([{"_id": "k1"}, {"_id": "k1"}, {"_id": "k2"}])
    assert refused.value.details["nInserted"] == 1
    assert [d["_id"] for d in db.keys.find()] == ["k1"]


def test_racing_claims_of_one_key_have_exactly_one_winner(db):
    results = concurrently(8, lambda i: db.keys.insert_one({"_id": "nik:" + NIK, "owner": i}))
    winners = [i for i, result in results if not isinstance(result, Exception)]
    losers = [r for _, r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and all(isinstance(r, DuplicateKeyError) for r in losers)
    assert db.keys.find_one()["owner"] == winners[0]


def test_unique_index_on_an_array_field_holds_on_the_server_only(db, backend):
    """Pinned difference: MongoDB indexes every element of an array, so two
    documents sharing one element collide; mongomock compares whole arrays.
    Code that needs uniqueness per element claims each element as an ``_id``
    (as registry_keys does) instead of relying on such an index."""
    db.households.create_index("member_niks", unique=True)
    db.households.insert_one({"_id": "kk1", "member_niks": [NIK, "3174094101800002"]})
    if backend == "server":
        with pytest.raises(DuplicateKeyError):
            db.households.insert_one({"_id": "kk2", "member_niks": ["3174090000000003", NIK]})
        assert db.households.count_documents({}) == 1
    else:
        db.households.insert_one({"_id": "kk2", "member_niks": ["3174090000000003", NIK]})
        assert db.households.count_documents({}) == 2
    # the same value twice inside one document is not a duplicate on either
    db.households.insert_one({"_id": "kk3", "member_niks": ["3174095555550005"] * 2})
