"""The mongomock shortcuts answer exactly what plain mongomock answers."""
import mongomock
import pytest

from services.shared.mongomock_fast import install


@pytest.fixture
def coll():
    install()
    c = mongomock.MongoClient().db.things
    c.insert_many([{"_id": "a", "v": 1}, {"_id": "b", "v": 2}, {"_id": "c", "v": 3}, {"_id": 4, "v": 4}])
    return c


@pytest.mark.parametrize("query, ids", [
    ({"_id": "b"}, ["b"]),
    ({"_id": "zz"}, []),
    ({"_id": "b", "v": 3}, []),
    ({"_id": {"$in": ["c", "a", "zz", "a"]}}, ["a", "c"]),
    ({"_id": {"$in": ["a", "b", 4]}, "v": {"$gt": 1}}, ["b", 4]),
    ({"_id": {"$in": []}}, []),
    ({"v": {"$gte": 3}}, ["c", 4]),
])
def test_lookups(coll, query, ids):
    assert sorted(map(str, (d["_id"] for d in coll.find(query)))) == sorted(map(str, ids))


def test_updates_through_the_shortcut(coll):
    assert coll.update_many({"_id": {"$in": ["a", "b"]}, "v": 1}, {"$set": {"w": 1}}).modified_count == 1
    assert coll.find_one({"_id": "a"})["w"] == 1 and "w" not in coll.find_one({"_id": "b"})


def test_cursor_skip_limit(coll):
    assert [d["_id"] for d in coll.find({}).sort("v", 1).skip(1).limit(2)] == ["b", "c"]


# Property: an indexed collection answers and stores exactly what a scan does.
from hypothesis import example, given, settings, strategies as st  # noqa: E402
from bson import ObjectId  # noqa: E402
from mongomock.filtering import filter_applies  # noqa: E402

FIELDS = ["nik", "rw", "a.b"]
scalars = st.sampled_from(["x", "y", "1", 1, 2, True, None, 1.0, 2.5, "Xy"])
values = st.one_of(scalars, scalars, scalars, st.lists(scalars, max_size=2), st.dictionaries(
    st.sampled_from(["b", "c"]), scalars, max_size=2))
docs = st.fixed_dictionaries({}, optional={"nik": values, "rw": values, "a": values})
lookup = st.sampled_from(["x", "y", "1", 1, 2])
numbers = st.sampled_from([0, 1, 1.5, 2])
ranges = st.one_of(
    st.dictionaries(st.sampled_from(["$gt", "$gte", "$lt", "$lte"]), numbers, min_size=1, max_size=2),
    st.dictionaries(st.sampled_from(["$gt", "$lte"]), st.sampled_from(["1", "x"]), min_size=1))
regexes = st.fixed_dictionaries({"$regex": st.sampled_from(["x", "^1", "X", "y|1", ".", "^$", "^x",
                                                             "^X", "^xy", "^x.", "^"])},
                                optional={"$options": st.sampled_from(["", "i", "m"])})
conds = st.one_of(lookup, lookup, st.sampled_from([True, False]),
                  st.fixed_dictionaries({"$in": st.lists(lookup, max_size=3)}), ranges, regexes,
                  st.fixed_dictionaries({"$exists": st.booleans()}))
entries = st.one_of(st.dictionaries(st.sampled_from(FIELDS), conds, min_size=1, max_size=1),
                    st.dictionaries(st.sampled_from(FIELDS + ["_id", "a"]), conds, min_size=1,
                                    max_size=3))
# every member of an ``$and`` must match: the indexed ones narrow the candidates together
filters = st.one_of(entries, entries, st.builds(
    lambda members, rest: dict(rest, **{"$and": members}),
    st.lists(entries, min_size=1, max_size=3), st.dictionaries(st.sampled_from(FIELDS), conds,
                                                               max_size=1)))
ops = st.lists(st.one_of(
    st.tuples(st.just("insert"), docs),
    # "z" leads no index: an update writing it alone rechecks none (item 13)
    st.tuples(st.just("set"), filters, st.sampled_from(FIELDS + ["z", "a"]), values,
              st.booleans()),
    st.tuples(st.just("replace"), filters, docs, st.booleans()),
    st.tuples(st.just("delete"), filters, st.booleans()),
    st.tuples(st.just("find_one_and_update"), filters, st.sampled_from(FIELDS), values),
), max_size=12)


def _apply(coll, op, n):
    kind = op[0]
    if kind == "insert":
        coll.insert_one(dict(op[1], _id=n))
    elif kind == "set":
        _, flt, field, value, many = op
        (coll.update_many if many else coll.update_one)(flt, {"$set": {field: value}})
    elif kind == "replace":
        _, flt, doc, upsert = op
        coll.replace_one(flt, doc, upsert=upsert) if "_id" not in flt else None
    elif kind == "delete":
        _, flt, many = op
        (coll.delete_many if many else coll.delete_one)(flt)
    else:
        _, flt, field, value = op
        coll.find_one_and_update(flt, {"$set": {field: value}})


def _same(found):
    """Documents without the random ObjectIds an upsert gives them."""
    return [{k: v for k, v in d.items() if not (k == "_id" and isinstance(v, ObjectId))}
            for d in found]


@settings(max_examples=500, deadline=None)
@given(st.lists(docs, max_size=10), ops, st.lists(filters, min_size=1, max_size=4))
@example([{"nik": "x"}], [("set", {"nik": "x"}, "nik", "y", False)], [{"nik": "y"}, {"nik": "x"}])
@example([{"nik": "x"}, {"nik": "x"}], [("delete", {"nik": "x"}, False), ("insert", {"nik": "x"})],
         [{"nik": {"$in": ["x", "y"]}}])
@example([{"nik": "x"}, {"rw": True}], [("replace", {"nik": "x"}, {"nik": "x", "rw": 1}, False)],
         [{"rw": {"$gt": 0}}, {"rw": True}, {"rw": 1}])
@example([{"nik": "Xy", "rw": ["x"]}, {"nik": ["xy"]}, {"a": None}], [],
         [{"nik": {"$regex": "x", "$options": "i"}, "rw": "x"}, {"a": {"$exists": False}},
          {"nik": "x"}, {"rw": {"$regex": "^x"}, "a": {"$exists": True}}])
@example([{"rw": ["x", "xy"], "nik": "1"}, {"rw": ["y"]}, {"rw": "xy"}, {"rw": []}],
         [("set", {"rw": "x"}, "rw", ["y", 1], False)],
         [{"$and": [{"rw": {"$regex": "^x"}}, {"nik": "1"}]}, {"rw": {"$regex": "^xy"}},
          {"rw": 1}, {"$and": [{"rw": "y"}], "nik": {"$exists": False}}])
@example([{"nik": []}, {"nik": "x", "rw": []}, {"rw": ["x"]}],  # empty arrays: no index key
         [("set", {"nik": "x"}, "nik", [], False), ("set", {"rw": ["x"]}, "rw", [], True)],
         [{"nik": {"$in": ["x", 1]}}, {"nik": "x"}, {"rw": {"$gt": "a"}}, {"rw": {"$regex": "^x"}},
          {"nik": {"$exists": True}}, {"rw": []}])
@example([{"rw": [1, 2]}], [("set", {"rw": {"$gt": 1, "$lt": 1.5}}, "nik", "x", False)],
         [{"nik": "x"}, {"rw": {"$gt": 1, "$lt": 1.5}}])  # each bound met by another element
def test_indexed_answers_equal_a_scan(initial, writes, queries):
    install()
    db = mongomock.MongoClient().db
    indexed, plain = db.indexed, db.plain
    indexed.create_index("nik")
    indexed.create_index([("rw", 1), ("rt", 1)])
    for n, doc in enumerate(initial):
        for coll in (indexed, plain):
            coll.insert_one(dict(doc, _id=n))
    indexed.create_index("a.b")  # built over documents already there
    for n, op in enumerate(writes, start=100):
        outcomes = []
        for coll in (indexed, plain):
            try:
                _apply(coll, op, n)
                outcomes.append(None)
            except (mongomock.WriteError, ValueError) as err:  # mongomock's own refusals
                outcomes.append(type(err))
        assert outcomes[0] == outcomes[1]
        assert _same(indexed.find()) == _same(plain.find())
    everything = list(plain.find())
    for flt in queries:
        assert _same(indexed.find(flt)) == _same(d for d in everything if filter_applies(flt, d))
        assert indexed.count_documents(flt) == plain.count_documents(flt)


# Property: a cursor that copies only the documents its skip and limit let through
# answers exactly what mongomock's own dataset (every match copied) answers.
projections = st.sampled_from([None, {"nik": 1}, {"nik": 0}, {"rw": 1, "a": 1}, {"a": 1},
                               {"_id": 0, "nik": 1}, {"a": 0, "rw": 0}, {"_id": 1, "nik": 1},
                               {"nik": True, "_id": False},
                               {"_id": 1}, {"_id": 0}, {"_id": 0, "nik": 0},
                               {"_id": 1, "a": 0}, {"nik": False, "rw": 0}])
sorts = st.lists(st.tuples(st.sampled_from(FIELDS + ["_id"]), st.sampled_from([1, -1])),
                 max_size=2, unique_by=lambda s: s[0])


def _dataset(coll, flt, sort, projection):
    """mongomock 4.3's answer: every match copied, in order (its unpatched generator)."""
    return list(coll._get_dataset(flt, sort or None, projection and dict(projection), dict))


@settings(max_examples=400, deadline=None)
@given(st.lists(docs, max_size=12), ops, filters | st.just({}), sorts, projections,
       st.integers(0, 4), st.integers(0, 4))
def test_a_page_answers_what_every_match_copied_answers(initial, writes, flt, sort, projection,
                                                        skip, limit):
    install()
    coll = mongomock.MongoClient().db.things
    coll.create_index("nik")
    for n, doc in enumerate(initial):
        coll.insert_one(dict(doc, _id=n))
    for n, op in enumerate(writes, start=100):
        try:
            _apply(coll, op, n)
        except (mongomock.WriteError, ValueError):
            pass
    expected = _dataset(coll, flt, sort, projection)
    cursor = coll.find(flt, projection and dict(projection))
    if sort:
        cursor = cursor.sort(sort)
    page = list(cursor.skip(skip).limit(limit))
    assert _same(page) == _same(expected[skip:skip + limit] if limit else expected[skip:])
    first = coll.find_one(flt, projection and dict(projection), sort=sort or None)
    assert _same([first] if first is not None else []) == _same(expected[:1])


@pytest.fixture
def copied(monkeypatch):
    """The ``_id`` of every document mongomock copies out of the store, in order."""
    seen = []
    original = mongomock.collection.Collection._copy_only_fields

    def counting(self, doc, fields, container):
        seen.append(doc["_id"])
        return original(self, doc, fields, container)
    monkeypatch.setattr(mongomock.collection.Collection, "_copy_only_fields", counting)
    return seen


def test_a_page_copies_only_its_documents(coll, copied):
    coll.insert_many([{"_id": "n%d" % i, "v": 10 + i} for i in range(200)])
    assert [d["_id"] for d in coll.find({"v": {"$gte": 2}}).sort("v", -1).skip(1).limit(2)] \
        == ["n198", "n197"]
    assert sorted(copied) == ["n197", "n198"]
    copied.clear()
    assert coll.find_one({"v": {"$gte": 2}})["_id"] == "b"
    assert copied == ["b"]


def test_a_cursor_answers_the_store_as_it_was_when_the_query_ran(coll):
    cursor = coll.find({}).sort("v", 1).limit(3)
    assert next(cursor)["v"] == 1
    coll.update_one({"_id": "b"}, {"$set": {"v": 20}})  # in place, in mongomock
    coll.delete_one({"_id": "c"})
    assert [d["v"] for d in cursor] == [2, 3]


def test_a_cursor_with_a_batch_size_copies_each_batch_as_it_is_read(coll, copied):
    coll.insert_many([{"_id": "n%d" % i, "v": 10 + i} for i in range(6)])
    cursor = coll.find({"v": {"$gte": 10}}).batch_size(2)
    assert [next(cursor)["_id"] for _ in range(2)] == ["n0", "n1"]
    assert copied == ["n0", "n1"]  # the rest waits for its read
    coll.update_one({"_id": "n4"}, {"$set": {"v": 99}})
    # read later, as from a real server's later batch: as it is then
    assert [(d["_id"], d["v"]) for d in cursor] == [("n2", 12), ("n3", 13), ("n4", 99),
                                                    ("n5", 15)]
    assert [d["_id"] for d in coll.find({}).sort("v", -1).batch_size(4).limit(2)] == ["n4", "n5"]
    with pytest.raises(ValueError):
        coll.find({}).batch_size(-1)


# Property: the short paths for plain values give what mongomock's own walks give.
import collections  # noqa: E402
import contextlib  # noqa: E402
import copy  # noqa: E402
import datetime as dt  # noqa: E402

from mongomock import helpers  # noqa: E402

from services.shared import mongomock_fast  # noqa: E402

instants = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1))
offsets = st.sampled_from([None, dt.timezone.utc, dt.timezone(dt.timedelta(hours=7)),
                           dt.timezone(dt.timedelta(hours=-3, minutes=-30))])
leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                   st.text(max_size=5), st.binary(max_size=3), st.builds(ObjectId),
                   st.builds(lambda d, tz: d.replace(tzinfo=tz), instants, offsets))
trees = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.lists(inner, max_size=3).map(tuple),
    st.dictionaries(st.text(max_size=3), inner, max_size=3),
    st.dictionaries(st.text(max_size=3), inner, max_size=3).map(collections.OrderedDict)),
    max_leaves=12)


@contextlib.contextmanager
def mongomocks_own_walks():
    """mongomock's functions as shipped, recursion included, for the reference answer."""
    patched = (helpers.patch_datetime_awareness_in_document,
               helpers.make_datetime_timezone_aware_in_document)
    helpers.patch_datetime_awareness_in_document = mongomock_fast.ORIGINAL_TO_NAIVE
    helpers.make_datetime_timezone_aware_in_document = mongomock_fast.ORIGINAL_TO_AWARE
    try:
        yield
    finally:
        (helpers.patch_datetime_awareness_in_document,
         helpers.make_datetime_timezone_aware_in_document) = patched


def same_value_and_types(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_value_and_types(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(same_value_and_types, a, b))
    if isinstance(a, dt.datetime):
        return a == b and a.tzinfo == b.tzinfo
    return a == b


@settings(max_examples=400, deadline=None)
@given(trees)
def test_short_paths_give_mongomocks_own_answers(value):
    to_naive, to_aware, deepcopy = mongomock_fast._fast_conversions()
    with mongomocks_own_walks():
        naive, aware = helpers.patch_datetime_awareness_in_document(value), \
            helpers.make_datetime_timezone_aware_in_document(value)
    reference = copy.deepcopy(value)
    assert same_value_and_types(to_naive(value), naive)
    assert same_value_and_types(to_aware(value), aware)
    copied = deepcopy(value)
    assert same_value_and_types(copied, reference)
    if isinstance(value, (dict, list)) and value:
        assert copied is not value


def test_a_copy_shares_nothing_mutable_with_its_original():
    _, _, deepcopy = mongomock_fast._fast_conversions()
    doc = {"a": [{"b": 1}], "c": {"d": [2]}}
    copied = deepcopy(doc)
    copied["a"][0]["b"] = 9
    copied["c"]["d"].append(3)
    assert doc == {"a": [{"b": 1}], "c": {"d": [2]}}


def test_an_update_refused_by_a_unique_index_leaves_the_document_as_it_was():
    install()
    coll = mongomock.MongoClient(tz_aware=True).db.people
    coll.create_index("nik", unique=True)
    when = dt.datetime(2026, 12, 3, 1, 2, 3, 456789, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    coll.insert_many([{"_id": 1, "nik": "a", "history": [{"at": when}]}, {"_id": 2, "nik": "b"}])
    with pytest.raises(mongomock.DuplicateKeyError):
        coll.update_one({"_id": 1}, {"$set": {"nik": "b"}, "$push": {"history": {"at": when}}})
    kept = coll.find_one({"_id": 1})
    assert kept["nik"] == "a" and len(kept["history"]) == 1
    assert kept["history"][0]["at"] == dt.datetime(2026, 12, 2, 18, 2, 3, 456000,
                                                   tzinfo=dt.timezone.utc)
    assert coll.find_one({"nik": "a"})["_id"] == 1 and coll.find_one({"nik": "b"})["_id"] == 2


def test_an_update_writing_no_unique_field_counts_and_keeps_what_mongodb_does():
    install()
    coll = mongomock.MongoClient().db.fast
    coll.create_index("nik", unique=True)
    coll.create_index("rw")
    coll.insert_many([{"_id": "a", "nik": "1", "rw": "001", "box": [1], "n": 1},
                      {"_id": "b", "nik": "2", "rw": "002", "box": [], "n": 1}])
    # "b" already holds what the first sets: matched, not modified
    assert coll.update_many({}, {"$set": {"box": []}, "$inc": {"n": 0}}).modified_count == 1
    assert coll.update_many({"rw": "001"}, {"$set": {"rw": "002", "box": [2]}}) \
        .modified_count == 1
    assert sorted(d["_id"] for d in coll.find({"rw": "002"})) == ["a", "b"]
    assert coll.find_one({"rw": "001"}) is None
    with pytest.raises(mongomock.DuplicateKeyError):
        coll.update_one({"_id": "a"}, {"$set": {"nik": "2", "box": [3]}})
    assert coll.find_one({"_id": "a"}) == {"_id": "a", "nik": "1", "rw": "002", "box": [2], "n": 1}
    assert coll.find_one({"nik": "1"})["_id"] == "a"


# Property: sorting on plain values orders documents as mongomock's own sort does.
sort_values = st.one_of(st.text(alphabet="abAB1 ", max_size=3), st.integers(-3, 3),
                        st.sampled_from([0.5, -1.5, 2.0, float("nan")]), st.none(),
                        st.booleans(), st.lists(st.integers(0, 2), max_size=2))
plain_sort_values = st.one_of(st.text(alphabet="abAB1 ", max_size=3).map(lambda v: ("s", v)),
                              st.integers(-3, 3).map(lambda v: ("n", v)),
                              st.sampled_from([0.5, -1.5, 2.0]).map(lambda v: ("n", v)))
sortable = st.fixed_dictionaries({}, optional={"k": sort_values, "m": sort_values,
                                               "a": st.fixed_dictionaries({"b": sort_values})})
specs = st.lists(st.tuples(st.sampled_from(["k", "m", "a.b", "_id"]), st.sampled_from([1, -1])),
                 min_size=1, max_size=3, unique_by=lambda t: t[0])


def _both_ways(coll, flt, spec):
    answers = []
    for on in (False, True):
        mongomock_fast._use_short_paths(on)
        answers.append(list(coll.find(flt).sort(spec)))
    mongomock_fast._use_short_paths(True)
    return answers


@settings(max_examples=300, deadline=None)
@given(st.lists(sortable, max_size=12), specs, st.sampled_from([{}, {"k": {"$ne": None}}]))
def test_sorted_answers_equal_mongomocks_own(documents, spec, flt):
    install()
    coll = mongomock.MongoClient().db.sorting
    coll.insert_many([dict(d, _id=n) for n, d in enumerate(documents)] or [{"_id": "only"}])
    plain, fast = _both_ways(coll, flt, spec)
    assert [d["_id"] for d in fast] == [d["_id"] for d in plain]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(plain_sort_values, plain_sort_values), min_size=2, max_size=12),
       st.sampled_from(["s", "n"]), specs)
def test_plain_values_of_one_kind_take_the_short_path_in_the_same_order(pairs, kind, spec):
    install()
    coll = mongomock.MongoClient().db.plain_sorting
    docs = [{"_id": n, "k": k[1] if k[0] == kind else ("x" if kind == "s" else 1),
             "m": m[1] if m[0] == kind else ("x" if kind == "s" else 1)}
            for n, (k, m) in enumerate(pairs)]
    coll.insert_many(docs)
    plain, fast = _both_ways(coll, {}, spec)
    assert [d["_id"] for d in fast] == [d["_id"] for d in plain]


def test_a_sort_through_the_short_path_skips_and_limits_as_before():
    install()
    coll = mongomock.MongoClient().db.paging
    coll.insert_many([{"_id": n, "due_on": "2026-%02d-01" % (12 - n % 12), "rw": "%03d" % (n % 3)}
                      for n in range(40)])
    page = list(coll.find({"rw": {"$in": ["001", "002"]}}, {"_id": 1}).sort(
        [("due_on", 1), ("rw", 1), ("_id", -1)]).skip(5).limit(4))
    mongomock_fast._use_short_paths(False)
    try:
        expected = list(coll.find({"rw": {"$in": ["001", "002"]}}, {"_id": 1}).sort(
            [("due_on", 1), ("rw", 1), ("_id", -1)]).skip(5).limit(4))
    finally:
        mongomock_fast._use_short_paths(True)
    assert page == expected and len(page) == 4


def test_a_search_by_words_filters_only_the_documents_its_indexes_give(monkeypatch):
    install()
    coll = mongomock.MongoClient().db.residents
    coll.create_index([("rw", 1), ("name_tokens", 1)])
    coll.create_index("name_tokens")
    coll.insert_many([{"_id": n, "rw": "%03d" % (n % 4), "full_name": "Nama %d" % n,
                       "name_tokens": ["nama", "w%d" % n]} for n in range(2000)])
    filtered = []
    original = mongomock_fast.filter_applies

    def counting(flt, doc):
        filtered.append(doc.get("_id"))
        return original(flt, doc)
    monkeypatch.setattr(mongomock_fast, "filter_applies", counting)
    query = {"rw": "001", "$and": [{"name_tokens": {"$regex": "^nam"}},
                                   {"name_tokens": {"$regex": "^w13"}}]}
    expected = sorted((n for n in range(2000) if n % 4 == 1 and str(n).startswith("13")),
                      key=lambda n: "Nama %d" % n)
    assert [d["_id"] for d in coll.find(query).sort("full_name", 1)] == expected
    assert coll.count_documents(query) == len(expected) == 28
    # every entry is judged by the adapter: mongomock's filter only validates the query
    assert filtered == [None, None]
    # an entry it does not judge (a regex with options "m") goes to mongomock's filter
    # for the documents of RW 001 with a word beginning "w13" (twice: find, count), not
    # the RW's 500 nor the 2,000 with a word beginning "nam"
    filtered.clear()
    query["full_name"] = {"$regex": "^Nama", "$options": "m"}
    assert coll.count_documents(query) == len(list(coll.find(query))) == 28
    assert len(filtered) == 2 * 28


# Property: a long $in / $nin list, looked up in a set (item 8), matches what
# mongomock's own lookup in the list matches, at the top level and inside $and.
long_lists = st.lists(st.one_of(scalars, scalars, st.dictionaries(
    st.sampled_from(["b"]), scalars, max_size=1)), min_size=16, max_size=24)


@settings(max_examples=300, deadline=None)
@given(st.lists(docs, max_size=12), st.sampled_from(FIELDS + ["a"]), st.sampled_from(["$in", "$nin"]),
       long_lists, st.booleans())
def test_a_long_in_list_matches_what_mongomock_matches(initial, field, op, values, nested):
    install()
    coll = mongomock.MongoClient().db.things
    coll.create_index("nik")
    for n, doc in enumerate(initial):
        coll.insert_one(dict(doc, _id=n))
    flt = {field: {op: values}}
    if nested:
        flt = {"$and": [flt, {"_id": {"$gte": 0}}]}
    everything = list(coll.find())
    expected = _same(d for d in everything if filter_applies(flt, d))  # the list, as given
    assert _same(coll.find(flt)) == expected
    assert coll.count_documents(flt) == len(expected)


def test_a_collection_looked_up_by_name_is_one_object_that_follows_its_store():
    install()
    db = mongomock.MongoClient(tz_aware=True).db
    first = db["things"]
    assert db["things"] is first and db.things is first and db.get_collection("things") is first
    first.insert_one({"_id": 1})
    db.drop_collection("things")
    assert list(db["things"].find()) == []  # the same handle sees the dropped store
    db["things"].insert_one({"_id": 2})
    assert [d["_id"] for d in first.find()] == [2]
    # options still give a collection of their own, on the same data
    other = db.get_collection("things", read_preference=mongomock.read_preferences.PRIMARY)
    assert other is not first and [d["_id"] for d in other.find()] == [2]
    assert db.client.db["things"] is first  # the database object is the client's own
