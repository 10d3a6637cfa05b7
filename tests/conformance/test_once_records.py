"""The ``_once`` records of at-most-once commands (services.shared.once) on both stores:
one claim wins under concurrency, a result is kept as JSON text, MongoDB gets its TTL index."""
from services.shared import once
from services.shared.once import OnceRecords
from tests.conformance.concurrency import concurrently


def test_one_of_many_concurrent_claims_wins_and_the_rest_see_it(db):
    OnceRecords.ensure_indexes(db)
    answers = [answer for _, answer in
               concurrently(8, lambda i: OnceRecords(db).claim("req-1:register_household:ab"))]
    assert answers.count(None) == 1
    assert all(a["state"] == once.RUNNING for a in answers if a is not None)


def test_a_result_is_kept_then_answered_and_a_release_frees_the_key(db):
    records = OnceRecords(db)
    OnceRecords.ensure_indexes(db)
    assert records.claim("k1") is None
    records.done("k1", {"id": "H1", "a.b": [1, {"$x": 2}]})
    assert once.stored_result(records.claim("k1")) == {"id": "H1", "a.b": [1, {"$x": 2}]}
    assert records.claim("k2") is None
    records.release("k2")
    assert records.claim("k2") is None


def test_the_ttl_index_is_there_on_the_server_only(db, backend):
    OnceRecords.ensure_indexes(db)
    ttl = [i for i in db["_once"].list_indexes() if "expireAfterSeconds" in i]
    assert len(ttl) == (1 if backend == "server" else 0)
