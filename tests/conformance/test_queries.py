"""Reads: the filters, orders and counts behind lists, searches and lookups."""
import datetime
import re

import pytest

UTC = datetime.timezone.utc


@pytest.fixture
def residents(db):
    db.residents.insert_many([
        {"_id": "r1", "full_name": "Siti Aminah", "rw": "002", "rt": "001", "age": 34},
        {"_id": "r2", "full_name": "Budi Santoso", "rw": "001", "rt": "003", "age": 41},
        {"_id": "r3", "full_name": "siti rahma", "rw": "002", "rt": "002", "age": None},
        {"_id": "r4", "full_name": "Agus", "rw": "001", "rt": "001"},
        {"_id": "r5", "full_name": "Dewi", "rw": "003", "rt": "001", "age": 7},
    ])
    return db.residents


def ids(cursor):
    return [d["_id"] for d in cursor]


def test_in_on_id_finds_the_listed_documents(residents):
    found = residents.find({"_id": {"$in": ["r5", "r1", "missing", "r1"]}})
    assert sorted(ids(found)) == ["r1", "r5"]


def test_in_on_id_answers_in_stored_order_not_list_order(residents):
    """Without ``sort`` the server answers in ``_id`` index order, the in-memory
    store in insertion order; both ignore the list's order, and they agree here
    only because the fixture inserts in ``_id`` order. Sort, or key the answer by
    ``_id``, wherever order matters."""
    assert ids(residents.find({"_id": {"$in": ["r5", "r1", "r3"]}})) == ["r1", "r3", "r5"]


def test_in_on_id_with_other_conditions(residents):
    assert ids(residents.find({"_id": {"$in": ["r1", "r2", "r3"]}, "rw": "002"}).sort("_id")) == \
        ["r1", "r3"]


def test_sort_on_two_keys_then_skip_and_limit(residents):
    page = residents.find({}, {"_id": 1}).sort([("rw", 1), ("rt", -1)]).skip(1).limit(3)
    assert ids(page) == ["r4", "r3", "r1"]


def test_descending_sort_puts_missing_and_null_last(residents):
    assert ids(residents.find().sort([("age", -1), ("_id", 1)])) == ["r2", "r1", "r5", "r3", "r4"]
    assert ids(residents.find().sort([("age", 1), ("_id", 1)])) == ["r3", "r4", "r5", "r1", "r2"]


def test_count_documents_with_filter_skip_and_limit(residents):
    assert residents.count_documents({}) == 5
    assert residents.count_documents({"rw": "001"}) == 2
    assert residents.count_documents({"rw": {"$in": ["001", "002"]}}, skip=1, limit=2) == 2
    assert residents.count_documents({"rw": "009"}) == 0


def test_null_matches_missing_and_null_while_exists_tells_them_apart(residents):
    assert sorted(ids(residents.find({"age": None}))) == ["r3", "r4"]
    assert ids(residents.find({"age": {"$exists": False}})) == ["r4"]
    assert sorted(ids(residents.find({"age": {"$ne": None}}))) == ["r1", "r2", "r5"]


def test_comparison_skips_null_and_missing(residents):
    assert sorted(ids(residents.find({"age": {"$gte": 18}}))) == ["r1", "r2"]
    assert ids(residents.find({"age": {"$lt": 18}})) == ["r5"]


def test_case_insensitive_regex_and_anchored_prefix(residents):
    found = residents.find({"full_name": {"$regex": re.escape("SITI"), "$options": "i"}})
    assert sorted(ids(found)) == ["r1", "r3"]
    assert ids(residents.find({"full_name": {"$regex": "^Bud"}})) == ["r2"]


def test_or_nor_and_nin(residents):
    either = residents.find({"$or": [{"rw": "003"}, {"full_name": "Agus"}]})
    assert sorted(ids(either)) == ["r4", "r5"]
    assert sorted(ids(residents.find({"$nor": [{"rw": "002"}, {"rw": "001"}]}))) == ["r5"]
    assert sorted(ids(residents.find({"rw": {"$nin": ["001", "002"]}}))) == ["r5"]


def test_elem_match_needs_one_element_meeting_every_condition(db):
    now = datetime.datetime(2026, 6, 1, tzinfo=UTC)
    earlier, later = now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
    db.complaints.insert_many([
        {"_id": "c1", "deadlines": [{"due_at": earlier, "met_at": None}]},
        {"_id": "c2", "deadlines": [{"due_at": earlier, "met_at": earlier},
                                    {"due_at": later, "met_at": None}]},
        {"_id": "c3", "deadlines": [{"due_at": later, "met_at": None}]},
    ])
    overdue = {"deadlines": {"$elemMatch": {"met_at": None, "due_at": {"$lt": now}}}}
    assert ids(db.complaints.find(overdue)) == ["c1"]
    assert sorted(ids(db.complaints.find({"$nor": [overdue]}))) == ["c2", "c3"]


def test_equality_on_an_array_field_matches_an_element(db):
    db.households.insert_many([{"_id": "h1", "member_ids": ["r1", "r2"]},
                               {"_id": "h2", "member_ids": ["r3"]}])
    assert ids(db.households.find({"member_ids": "r2"})) == ["h1"]


def test_projection_hides_the_outbox(db):
    db.docs.insert_one({"_id": 1, "name": "x", "_outbox": [{"event_id": "e"}], "_pending": 1})
    assert db.docs.find_one({"_id": 1}, {"_outbox": 0, "_pending": 0}) == {"_id": 1, "name": "x"}
    assert db.docs.find_one({"_id": 1}, {"name": 1}) == {"_id": 1, "name": "x"}


def test_datetimes_come_back_utc_aware_at_millisecond_precision(db):
    at = datetime.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
    db.audit.insert_one({"_id": 1, "at": at})
    stored = db.audit.find_one({"_id": 1})["at"]
    assert stored == at.replace(microsecond=123000) and stored.tzinfo is not None
    assert db.audit.count_documents({"at": {"$gte": at.replace(microsecond=0)}}) == 1


def test_integers_stay_integers_and_compare_with_floats(db):
    db.budgets.insert_one({"_id": "r1", "spent_idr": 300000})
    db.budgets.update_one({"_id": "r1"}, {"$inc": {"spent_idr": 600000}})
    spent = db.budgets.find_one({"_id": "r1"})["spent_idr"]
    assert spent == 900000 and isinstance(spent, int)
    assert db.budgets.count_documents({"spent_idr": 900000.0}) == 1


# --- arrays under an index (multikey), as the officer search uses them -------

WORDS = [
    {"_id": 1, "rw": "001", "name_tokens": ["siti", "aminah"]},
    {"_id": 2, "rw": "001", "name_tokens": ["sitompul", "budi"]},
    {"_id": 3, "rw": "002", "name_tokens": ["siti", "nur"]},
    {"_id": 4, "rw": "001", "name_tokens": []},
    {"_id": 5, "rw": "001"},
    {"_id": 6, "rw": "001", "name_tokens": "siti"},
    {"_id": 7, "rw": "001", "name_tokens": [["siti"]]},
    {"_id": 8, "rw": "001", "name_tokens": [{"w": "siti"}, "amin"]},
    {"_id": 9, "rw": "001", "name_tokens": [7, "aminah", True]},
]


@pytest.fixture
def words(db):
    db.residents.create_index("name_tokens")
    db.residents.create_index([("rw", 1), ("name_tokens", 1)])
    db.residents.insert_many([dict(d) for d in WORDS])
    return db.residents


def sorted_ids(cursor):
    return sorted(d["_id"] for d in cursor)


def test_an_anchored_regex_matches_an_array_by_any_element(words):
    assert sorted_ids(words.find({"name_tokens": {"$regex": "^sit"}})) == [1, 2, 3, 6]
    assert sorted_ids(words.find({"name_tokens": {"$regex": "^siti"}})) == [1, 3, 6]
    assert sorted_ids(words.find({"name_tokens": {"$regex": "^amin"}})) == [1, 8, 9]
    assert words.count_documents({"name_tokens": {"$regex": "^zz"}}) == 0


def test_every_word_of_an_and_must_begin_some_element(words):
    query = {"rw": "001", "$and": [{"name_tokens": {"$regex": "^sit"}},
                                   {"name_tokens": {"$regex": "^ami"}}]}
    assert sorted_ids(words.find(query)) == [1]
    assert words.count_documents(query) == 1
    assert sorted_ids(words.find({"$and": [{"name_tokens": {"$regex": "^siti"}},
                                    {"rw": "002"}]})) == [3]


def test_equality_and_in_match_an_array_by_any_element(words):
    assert sorted_ids(words.find({"name_tokens": "siti"})) == [1, 3, 6]
    assert sorted_ids(words.find({"name_tokens": {"$in": ["budi", "nur"]}})) == [2, 3]
    assert sorted_ids(words.find({"name_tokens": 7})) == [9]
    assert sorted_ids(words.find({"name_tokens": {"$gt": 5}})) == [9]


def test_an_element_written_away_is_no_longer_found(words):
    words.update_one({"_id": 1}, {"$set": {"name_tokens": ["ani"]}})
    words.update_one({"_id": 3}, {"$pull": {"name_tokens": "siti"}})
    words.update_one({"_id": 4}, {"$push": {"name_tokens": "sitti"}})
    words.delete_one({"_id": 6})
    assert sorted_ids(words.find({"name_tokens": {"$regex": "^sit"}})) == [2, 4]
    assert sorted_ids(words.find({"name_tokens": "siti"})) == []
    assert sorted_ids(words.find({"name_tokens": {"$regex": "^an"}})) == [1]


def test_a_page_of_an_array_search_keeps_its_sort_and_count(words):
    words.insert_many([{"_id": 100 + n, "rw": "003", "full_name": "Siti %03d" % (50 - n),
                        "name_tokens": ["siti", "%03d" % (50 - n)]} for n in range(50)])
    query = {"rw": "003", "$and": [{"name_tokens": {"$regex": "^sit"}}]}
    page = list(words.find(query).sort([("full_name", 1), ("_id", 1)]).skip(10).limit(5))
    assert [d["full_name"] for d in page] == ["Siti %03d" % n for n in range(11, 16)]
    assert words.count_documents(query) == 50


def test_a_multikey_in_finds_arrays_holding_a_value_and_never_an_empty_one(db):
    """The data-quality queue: ``{"quality_flags": {"$in": [...]}}`` on a multikey
    index matches a resident with any of the flags, not one whose list is empty or
    who has none; ``$nin`` answers the others."""
    db.residents.create_index("quality_flags")
    db.residents.insert_many([
        {"_id": "r1", "quality_flags": []},
        {"_id": "r2", "quality_flags": ["temporary_nik"]},
        {"_id": "r3", "quality_flags": ["nik_sex_mismatch", "nik_birth_date_mismatch"]},
        {"_id": "r4"},
        {"_id": "r5", "quality_flags": ["nik_birth_date_mismatch"]},
    ])
    db.residents.update_one({"_id": "r5"}, {"$set": {"quality_flags": []}})  # corrected
    flags = ["temporary_nik", "nik_birth_date_mismatch", "nik_sex_mismatch"]
    assert ids(db.residents.find({"quality_flags": {"$in": flags}}).sort("_id")) == ["r2", "r3"]
    assert db.residents.count_documents({"quality_flags": {"$in": flags}}) == 2
    assert ids(db.residents.find({"quality_flags": {"$nin": flags}}).sort("_id")) == [
        "r1", "r4", "r5"]
    assert ids(db.residents.find({"quality_flags": "nik_sex_mismatch"})) == ["r3"]


def test_a_cursor_read_in_small_batches_answers_every_match_once(db):
    """The drift check's summary reads its cursor in batches (``batch_size``): the
    server sends them one by one, the in-memory store copies them as read."""
    db.things.insert_many([{"_id": "t%03d" % i, "version": 1 + i % 3} for i in range(25)])
    cursor = db.things.find({"version": {"$gte": 2}}, {"_id": 1, "version": 1}).batch_size(4)
    found = list(cursor)
    assert [d["_id"] for d in found] == ["t%03d" % i for i in range(25) if i % 3]
    assert all(set(d) == {"_id", "version"} for d in found)
