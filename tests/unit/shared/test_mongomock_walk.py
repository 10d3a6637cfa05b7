"""A sorted page walked in index order, and counts off the indexes, answer what
plain mongomock answers (mongomock_fast items 10 and 11)."""
import datetime

import mongomock
from hypothesis import example, given, settings, strategies as st
from mongomock.filtering import filter_applies

from services.shared import mongomock_fast
from services.shared.mongomock_fast import install

DAY = datetime.datetime(2026, 1, 1)
names = st.sampled_from(["Ani", "Budi", "ani", "Citra", "Budi", "Éka", "", "Z"])
odd = st.sampled_from([None, ["Budi"], True, {"x": 1}, [], float("nan"), 3])
docs = st.fixed_dictionaries({}, optional={
    "name": st.one_of(names, names, names, names, odd),
    "n": st.one_of(st.sampled_from([0, 1, 1.0, 2.5, -3, 10]), st.sampled_from([None, "1"])),
    "when": st.sampled_from([DAY, DAY + datetime.timedelta(days=3), DAY - datetime.timedelta(1)]),
    "rw": st.sampled_from(["001", "002", "003"]),
    "staged": st.sampled_from(["job", None, ["job"]]),
})
conds = {
    "name": st.one_of(names, st.fixed_dictionaries({"$regex": st.sampled_from(["^B", "a", "^"])})),
    "rw": st.one_of(st.sampled_from(["001", "002"]), st.fixed_dictionaries(
        {"$in": st.lists(st.sampled_from(["001", "003"]), max_size=2)})),
    "staged": st.fixed_dictionaries({"$exists": st.booleans()}),
    "n": st.fixed_dictionaries({"$gt": st.sampled_from([0, 1])}),
    "_id": st.sampled_from(["a3", "a1", 2]),
}
entries = st.dictionaries(st.sampled_from(sorted(conds)), st.none(), max_size=3).flatmap(
    lambda keys: st.fixed_dictionaries({k: conds[k] for k in keys}))
filters = st.one_of(entries, entries, st.builds(lambda a, b: {"$and": [a, b]}, entries, entries))
sorts = st.lists(st.tuples(st.sampled_from(["name", "n", "when", "_id", "rw"]),
                           st.sampled_from([1, -1])), min_size=1, max_size=3,
                 unique_by=lambda s: s[0])
ids = st.sampled_from(["str", "str", "int"])
writes = st.lists(st.one_of(
    st.tuples(st.just("insert"), docs),
    st.tuples(st.just("set"), filters, st.sampled_from(["name", "n", "rw", "staged"]),
              st.one_of(names, odd)),
    st.tuples(st.just("unset"), filters, st.sampled_from(["name", "staged"])),
    st.tuples(st.just("delete"), filters),
), max_size=6)


def _collection(initial, kind):
    install()
    coll = mongomock.MongoClient().db.things
    for field in ("name", "n", "when", "staged"):
        coll.create_index(field)
    coll.create_index([("rw", 1), ("name", 1)])
    for n, doc in enumerate(initial):
        coll.insert_one(dict(doc, _id="a%d" % n if kind == "str" else n))
    return coll


def _write(coll, op, n, kind):
    if op[0] == "insert":
        coll.insert_one(dict(op[1], _id="b%d" % n if kind == "str" else 100 + n))
    elif op[0] == "set":
        coll.update_many(op[1], {"$set": {op[2]: op[3]}})
    elif op[0] == "unset":
        coll.update_one(op[1], {"$unset": {op[2]: ""}})
    else:
        coll.delete_one(op[1])


def _dataset(coll, flt, sort):
    """mongomock 4.3's answer: every match, sorted by its own passes."""
    return list(coll._get_dataset(flt, sort, None, dict))


def _same(found):
    # NaN is unequal to itself: compare its text
    return [repr(d) for d in found]


@settings(max_examples=600, deadline=None)
@example([{"rw": "001"}], "str", [("set", {}, "staged", None)], {"staged": {"$exists": False}},
         [("rw", 1)], 0, 1)  # a null written where the field was missing: present now
@given(st.lists(docs, max_size=14), ids, writes, filters, sorts, st.integers(0, 5),
       st.integers(1, 5))
def test_a_walked_page_and_a_count_answer_what_mongomock_answers(initial, kind, ops, flt, sort,
                                                                 skip, limit):
    coll = _collection(initial, kind)
    for n, op in enumerate(ops):
        _write(coll, op, n, kind)
    expected = _dataset(coll, flt, sort)
    cursor = coll.find(flt).sort(sort).skip(skip).limit(limit)
    assert _same(cursor) == _same(expected[skip:skip + limit])
    first = coll.find_one(flt, sort=sort)
    assert _same([first] if first else []) == _same(expected[:1])
    assert coll.count_documents(flt) == sum(1 for d in coll.find() if filter_applies(flt, d))


def _village(count=3000):
    install()
    coll = mongomock.MongoClient().db.residents
    coll.create_index("full_name")
    coll.create_index("staged", sparse=True)
    coll.create_index([("rw", 1), ("full_name", 1)])
    coll.insert_many([{"_id": "r%05d" % n, "full_name": "Warga %05d" % ((n * 7919) % count),
                       "rw": "%03d" % (n % 3 + 1)} for n in range(count)])
    coll.insert_one({"_id": "staged", "full_name": "Aaa", "rw": "001", "staged": "job-1"})
    return coll


def test_a_page_sorted_by_an_indexed_field_reads_only_the_documents_it_walks(monkeypatch):
    coll = _village()
    judged = []
    original = mongomock_fast.filter_applies
    monkeypatch.setattr(mongomock_fast, "filter_applies",
                        lambda f, d: judged.append(d) or original(f, d))
    visible = {"staged": {"$exists": False}, "n": {"$ne": 1}}  # "n": mongomock's filter judges
    page = list(coll.find(visible).sort([("full_name", 1), ("_id", 1)]).skip(20).limit(10))
    assert [d["full_name"] for d in page] == ["Warga %05d" % n for n in range(20, 30)]
    assert 30 <= len(judged) <= 32  # the 30 walked (and the staged one), not 3,001
    judged.clear()
    page = list(coll.find({"rw": "002", **visible}).sort("full_name", -1).limit(5))
    assert [d["rw"] for d in page] == ["002"] * 5 and len(judged) <= 16


def test_a_count_of_indexed_equalities_and_absences_reads_no_document(monkeypatch):
    coll = _village()
    monkeypatch.setattr(mongomock_fast, "filter_applies", lambda f, d: 1 / 0)
    assert coll.count_documents({"staged": {"$exists": False}}) == 3000
    assert coll.count_documents({"rw": "001", "staged": {"$exists": False}}) == 1000
    assert coll.count_documents({"$and": [{"rw": "001"}, {"full_name": "Aaa"}]}) == 1
    assert coll.count_documents({}) == 3001
    monkeypatch.undo()
    coll.update_one({"_id": "r00000"}, {"$set": {"staged": None}})  # present, though null
    assert coll.count_documents({"staged": {"$exists": False}}) == 2999


def test_a_walk_read_later_answers_the_window_copied_when_the_query_ran():
    coll = _village(200)
    cursor = coll.find({}).sort("full_name", 1).limit(3)
    first = next(cursor)
    coll.update_many({}, {"$set": {"full_name": "Zzz"}})
    assert [first["full_name"]] + [d["full_name"] for d in cursor] == ["Aaa", "Warga 00000",
                                                                       "Warga 00001"]
