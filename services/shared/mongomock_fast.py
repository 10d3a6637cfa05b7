"""The in-memory store's adapter: mongomock (4.3) given what a real MongoDB has.

This is the one place that reaches into mongomock's internals; services never
ask "is this mongomock?". Answers are those of plain mongomock (proven by
``tests/unit/shared/test_mongomock_fast.py``, a property test against an
unpatched collection); only the cost changes. ``install()`` refuses to patch
another mongomock version (the internals below are 4.3's) and then logs that
the store will scan.

1. Secondary indexes. mongomock answers every ``find``/``update``/``delete``
   by scanning the whole collection and ignores ``create_index``. Here every
   field that leads an index (``create_index("nik")``, or the first key of a
   compound one) gets a dict ``value -> _ids``, kept current by the store's
   ``__setitem__``/``__delitem__`` and, for mongomock's in-place updates, by
   re-reading the documents an update touched (before the unique check). A top-level filter entry
   ``{field: scalar}`` or ``{field: {"$in": [scalars]}}`` on such a field (or
   on ``_id``) picks the candidates; the whole filter is still applied to
   them, and they come back in the collection's natural (insertion) order, as
   a scan would return them. ``$gt``/``$gte``/``$lt``/``$lte`` on numbers
   (or on strings) walk the field's distinct values (the relay's
   ``{"_pending": {"$gt": 0}}``, the repair's stale-staging check), so a range
   costs the number of distinct values, not of documents; so does an anchored
   ``{"$regex": "^literal"}`` (no options: the officer search's ``name_tokens``).
   Multikey, as MongoDB: a document whose value is an array of scalars is
   indexed under each element, an empty array under none (no value the index
   serves matches it). Other values (sub-documents, nested arrays, a path
   through an array) are always candidates. The candidates of
   every indexed top-level entry and ``$and`` member are intersected.
   Before mongomock's filter, which costs tens of microseconds a document,
   a few entries are judged cheaply where plain values decide them: a string
   equal to a string, a field's presence (``$exists``), a ``$regex`` (no
   options or ``i``), on a string or an array of strings. A document one of
   them refutes cannot match. When every entry of the filter (``$and``
   members included) is of those shapes and each holds, the document matches
   without mongomock's filter (the officer search's RW and name words); in
   every other case mongomock's filter decides. Where no document goes
   through it, it still checks the filter once, on an empty document, so a
   malformed one is refused as before.
2. ``Cursor.__next__`` slices the whole result list (``results[skip:]``) for
   every document it returns, so iterating a cursor is quadratic: reading
   190,000 residents took minutes. The patched ``__next__`` indexes instead.
3. A cursor copies (and projects) every matching document before it returns
   the first, so a page of 50 of an RW's 17,000 residents cost 17,000 deep
   copies, and ``find_one`` copied every match to return one. The patched
   cursor filters and sorts the stored documents as mongomock does, then
   copies, when the query runs, only those its skip and limit let through
   (``find_one`` asks for one, as pymongo's does); a document outside that
   window (a skip changed afterwards) is copied when first read. The copies
   are the ones mongomock makes (``_copy_only_fields``), taken at the same
   moment, so what a cursor answers is unchanged.
4. Every write walks the whole document twice in generic Python: once to
   convert datetimes (``helpers.patch_datetime_awareness_in_document``, and
   ``make_datetime_timezone_aware_in_document`` on reads with ``tz_aware``),
   once to snapshot it (``copy.deepcopy`` before an update, for the rollback
   of a unique-index refusal). Profiled, they were a third of a registry
   import. Here plain JSON-like values (exact ``dict``, ``list``, ``str``,
   ``int``, ``float``, ``bool``, ``None``) take a short path, and anything
   else goes to mongomock's own function or ``copy.deepcopy``, so the result
   is the same value of the same types (property test). The one difference:
   a document holding the same list or dict object twice gets two copies,
   not one shared copy, which BSON cannot express anyway.
5. mongomock compares the pymongo version with a freshly parsed literal
   (``version.parse('3.6')``) on every insert and on every ``$set`` field:
   a sixth of a follower's snapshot update. The collection and aggregation
   modules get the same ``packaging.version.parse``, memoised (a parsed
   version is immutable).
6. mongomock sorts with a key that wraps each value in an object comparing
   through its generic BSON comparison, one pass per sort field: a page of a
   list sorted by four fields over 3,000 documents spent most of its time
   there. A pass whose values are all exact ``str``, or all ``int``/``float``
   (no ``bool``, no NaN, nothing missing, no array), sorts on the values themselves,
   which orders them as that comparison does; any other pass is mongomock's.
7. A projection that only names top-level fields, all to include (``{"_id": 1,
   "version": 1}``) or all to exclude (``{"history": 0, "_outbox": 0}``), is
   copied by taking (or leaving) those fields, as mongomock's
   ``_copy_only_fields`` does, but without walking every field of the document
   against the projection, and with item 4's short path for plain values:
   reading every resident's id and version for a drift check's summary spent
   85% of its time there, a page of the officer search a third of its time.
   Dotted paths, mixed projections and projection operators go to mongomock's.
8. mongomock's ``$in`` (and ``$nin``) looks every value of the document up in
   the list, after checking every member of the list for a regex, for each
   document: with the 15,000 households of a registry in the list (a health
   programme's first scheduling asked for their aid), one query over 73,000
   allocations ran for minutes and held the process. A scan here first gives
   each ``$in``/``$nin`` list of ``_IN_SET_MIN`` or more hashable, non-regex
   members a set of them, made afresh for that scan; a document value that
   cannot be hashed (a sub-document) is looked up in the list as before.
9. ``db[name]`` (``get_collection`` with no options) makes a new ``Collection``
   each time (``with_options``: about 12 microseconds). A service builds its
   repository for every worker, a dozen collections each: a tenth of a
   follower's time per event. Here the first such lookup of a name is kept
   and answered again: the same options on the same store, so the same
   collection. A lookup that passes options is mongomock's.
10. A sorted page (a cursor with a limit) is walked in index order where the
   first sort field sorts as its values: ``_id`` when every id is a string
   (or every id a number), or an indexed top-level field whose every document
   holds one value, all strings, all numbers or all naive datetimes (no
   missing value, null, boolean, NaN or array). The walk takes the field's
   distinct values in order (a list made again only after a value appears or
   disappears), each value's documents in natural order, sorts those by the
   other sort fields with mongomock's passes and judges them against the
   filter, until the page is full: every resident's first page reads 50
   documents, not 190,000 sorted. That is mongomock's order, its last pass
   (the first field) being stable. When the filter's indexes give few
   candidates (``mongomock_walk.walked``: a name search), they are sorted
   instead. Past the page a walk goes on lazily, on the store as it is then.
11. ``count_documents`` (no options) of a filter made only of strings equal to
   an indexed top-level field (on an index holding no sub-document or mixed
   array), ``{"$exists": False}`` on an indexed top-level field and ``_id``
   equal to a string, ``$and`` of such, counts off the indexes without reading
   a document: the smallest set, tested against the others. Every other filter
   is counted by mongomock. The index keeps the documents holding an explicit
   null apart (``nulls``), since missing and null share its null bucket.
12. mongomock ignores ``Cursor.batch_size``. Here a cursor given one copies its
   documents a batch at a time, as it reads them, as a real server sends a
   cursor's later batches (item 3 copies the whole answer when the query
   runs): a drift check's summary of 170,000 residents held its process for
   a second in that copy, the summary's own yields coming only after it. A
   document written after the query and before its batch is read comes back
   as it is when read, as from a real server's later batch.
13. After each document an update changes, mongomock checks every unique index
   (a query each) and the adapter rechecks every index of the document. When
   the update document names the top-level fields it writes (``$set``,
   ``$unset``, ``$inc``, ``$push``... of paths; no replacement, ``$rename`` or
   upsert), only the indexes on those fields are rechecked, and the unique
   check runs only when one of them leads or belongs to a unique index: the
   relay's marking of 500 published events rechecked the registry's eleven
   resident indexes for each, a fifth of the registry's CPU in an import.
   The copy mongomock takes of the document first (to tell whether it changed,
   and to put it back on a refusal) copies only those fields and shares the
   others, which the update leaves as they are.
"""
import copy
import datetime
import functools
import logging
import re
import threading
import types
from collections.abc import Mapping

import mongomock
from mongomock import aggregate as mongomock_aggregate
from mongomock import collection as mongomock_collection
from mongomock import helpers as mongomock_helpers
from packaging import version as packaging_version
from mongomock.collection import Collection, Cursor
from mongomock import filtering as mongomock_filtering
from mongomock.filtering import filter_applies
from mongomock.store import CollectionStore
from sentinels import NOTHING

log = logging.getLogger(__name__)

SUPPORTED_VERSION = "4.3."
_installed = False
_tracking = threading.local()
_OTHER = object()
_INDEXABLE = (str, int, float, bool, datetime.datetime, type(None))
#: the index key of a missing or null value
_NULL_KEY = (type(None), None)
_ABSENT = object()
#: mongomock's own datetime walks, kept before ``install`` replaces them
ORIGINAL_TO_NAIVE = mongomock_helpers.patch_datetime_awareness_in_document
ORIGINAL_TO_AWARE = mongomock_helpers.make_datetime_timezone_aware_in_document


def _scalar(value):
    """A query value this adapter may look up: equal Python hashes are a superset
    of Mongo equality for these (``True == 1``; the filter then tells them apart)."""
    return isinstance(value, (str, int))


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_RANGE = {"$gt": lambda k, v: k > v, "$gte": lambda k, v: k >= v,
          "$lt": lambda k, v: k < v, "$lte": lambda k, v: k <= v}


def _range(cond):
    """``{"$gt": 0}``-like conditions on numbers or on strings: one key test per
    bound, or None. One per bound because an array matches a range when each
    bound holds for some element, not necessarily the same one (``[1, 2]``
    matches ``{"$gt": 1, "$lt": 1.5}``): the documents of each test are
    intersected."""
    if not cond or not set(cond) <= set(_RANGE):
        return None
    bounds = list(cond.values())
    if all(_number(v) for v in bounds):
        kind = _number
    elif all(isinstance(v, str) for v in bounds):
        def kind(k):
            return isinstance(k, str)
    else:
        return None
    return [lambda k, test=_RANGE[op], v=v: kind(k) and test(k, v) for op, v in cond.items()]


def _key_of(doc, field):
    """The index keys of ``doc`` for ``field`` as ``((type, value), ...)``: one scalar
    (``None`` when missing), or the distinct elements of an array of scalars (a
    multikey entry: MongoDB indexes each element; none for an empty one); or _OTHER (a sub-document, an
    empty or nested array, a path through an array). The types tell ``1`` from
    ``1.0`` and ``True`` for ``_Index.unchanged``."""
    value = doc
    for part in field.split("."):
        if isinstance(value, dict):
            if part not in value:
                return ((type(None), None),)
            value = value[part]
        else:
            return _OTHER
    if isinstance(value, _INDEXABLE):
        return ((type(value), value),)
    if type(value) is list and not value:
        # no key: no string, number or prefix the index serves matches an empty array
        # (most residents' quality_flags), so it is no look-up's candidate
        return []
    if isinstance(value, list) and value and all(isinstance(v, _INDEXABLE) for v in value):
        # a list, not a tuple: ``["x"]`` sorts unlike ``"x"`` (``_sort_kind``)
        return list(dict.fromkeys((type(v), v) for v in value))
    return _OTHER


def _sort_kind(keys):
    """What a document's keys for a field say of sorting by it: ``"str"``, ``"num"``
    or ``"date"`` for one value of that kind, None for anything else (missing, null,
    a boolean, NaN, an array, a sub-document, an aware datetime). A field whose
    every document has one value of one kind sorts as Python sorts those values,
    which is the order of mongomock's BSON comparison (item 6, item 10)."""
    if type(keys) is not tuple or len(keys) != 1:
        return None
    kind, value = keys[0]
    if kind is str:
        return "str"
    if kind in (int, float):
        return "num" if value == value else None
    if kind is datetime.datetime and value.tzinfo is None:
        return "date"
    return None


def _value_of_tag(tag):
    return tag[1]


def _tag(key):
    """The bucket of an index key. Python hashes ``True`` and ``1`` alike, Mongo
    does not match one for the other: booleans get buckets of their own, so a
    numeric range never skips a number that shares a bucket with a boolean."""
    return (type(key) is bool, key)


class _Index:
    """``value -> {_id: None}`` for one field, its reverse map and the odd ones;
    the documents holding an explicit null (``nulls``: the others in the null
    bucket lack the field) or an empty array (``empties``), how many documents
    have a value of each sort kind (``kinds``) and, once asked, the distinct
    values in order (``ordered``)."""

    def __init__(self, field, documents):
        self.field = field
        self.buckets = {}
        self.keys = {}
        self.other = {}
        self.nulls = {}
        self.empties = {}
        self.kinds = {}
        self._order = None
        for doc_id, doc in documents.items():
            self.add(doc_id, doc)

    def add(self, doc_id, doc):
        keys = _key_of(doc, self.field)
        self.keys[doc_id] = keys
        kind = _sort_kind(keys) if keys is not _OTHER else None
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        if keys is _OTHER:
            self.other[doc_id] = None
            return
        if _NULL_KEY in keys and self.field in doc:
            self.nulls[doc_id] = None  # null, or an array holding null: present
        elif not keys:
            self.empties[doc_id] = None  # an empty array: present, in no bucket
        for _, key in keys:
            bucket = self.buckets.get(_tag(key))
            if bucket is None:
                bucket = self.buckets[_tag(key)] = {}
                self._order = None
            bucket[doc_id] = None

    def unchanged(self, doc_id, doc):
        """True when ``doc`` is indexed under the keys it has now."""
        if doc_id not in self.keys:
            return False
        keys = self.keys[doc_id]
        if keys != _key_of(doc, self.field):
            return False
        # missing and null share keys; ``nulls`` tells them apart
        return keys is _OTHER or _NULL_KEY not in keys or \
            (doc_id in self.nulls) == (self.field in doc)

    def remove(self, doc_id):
        if doc_id not in self.keys:
            return
        keys = self.keys.pop(doc_id)
        kind = _sort_kind(keys) if keys is not _OTHER else None
        self.kinds[kind] -= 1
        if not self.kinds[kind]:
            del self.kinds[kind]
        if keys is _OTHER:
            self.other.pop(doc_id, None)
            return
        self.nulls.pop(doc_id, None)
        self.empties.pop(doc_id, None)
        for _, key in keys:
            bucket = self.buckets.get(_tag(key))
            if bucket is not None:
                bucket.pop(doc_id, None)
                if not bucket:
                    del self.buckets[_tag(key)]
                    self._order = None

    def lacking(self):
        """``(ids, present)``: the documents lacking the field are those of ``ids``
        not in ``present``."""
        return self.buckets.get((False, None), {}), self.nulls

    def holding(self):
        """``{_id: None}`` of the documents holding the field (``holding_count`` of them)."""
        held = dict(self.other)
        held.update(self.nulls)
        held.update(self.empties)
        for tag, bucket in self.buckets.items():
            if tag != (False, None):
                held.update(bucket)
        return held

    def holding_count(self):
        return len(self.keys) - len(self.buckets.get((False, None), ())) + len(self.nulls)

    def ordered(self):
        """The field's bucket keys in ascending order of their values, or None when the field
        does not sort as its values (a dotted path, or documents whose values are
        not all of one ``_sort_kind``). The list is made again only after a value
        appears or disappears, and never changed in place: a walk that holds it
        (item 10) reads it unchanged."""
        if "." in self.field or len(self.kinds) != 1 or None in self.kinds:
            return None
        if self._order is None:
            self._order = sorted(self.buckets, key=_value_of_tag)
        return self._order

    def candidates(self, values):
        if len(values) == 1 and not self.other:
            # one value's bucket itself, not a copy: _candidates only reads it (an
            # RW's bucket holds tens of thousands of residents)
            plain = self.buckets.get((False, values[0]))
            flagged = self.buckets.get((True, values[0]))
            if flagged is None:
                return {} if plain is None else plain
            if plain is None:
                return flagged
        found = dict(self.other)
        for value in values:
            # both buckets: mongomock's own filter, applied after, decides 1 vs True
            found.update(self.buckets.get((False, value), ()))
            found.update(self.buckets.get((True, value), ()))
        return found

    def in_range(self, test):
        found = dict(self.other)
        for (_, key), bucket in self.buckets.items():
            if test(key):
                found.update(bucket)
        return found

    def with_prefix(self, prefix):
        """Documents with a string key (an element, for an array) beginning ``prefix``."""
        found = dict(self.other)
        for (_, key), bucket in self.buckets.items():
            if isinstance(key, str) and key.startswith(prefix):
                found.update(bucket)
        return found


def _indexes(store):
    """The store's ``field -> _Index``, built on first use from its index specs."""
    idx = store.__dict__.get("_bansos_indexes")
    if idx is None:
        idx = store._bansos_indexes = {}
        store._bansos_seq = {k: n for n, k in enumerate(store._documents)}
        store._bansos_next = len(store._bansos_seq)
        _sync_fields(store)
    return idx


def _sync_fields(store):
    idx = store._bansos_indexes
    wanted = set()
    for spec in store.indexes.values():
        keys = spec.get("key") or []
        if keys and keys[0][0] != "_id":
            wanted.add(keys[0][0])
    for field in set(idx) - wanted:
        del idx[field]
    for field in wanted - set(idx):
        idx[field] = _Index(field, store._documents)


#: update operators whose every key names the path it writes (``$rename`` writes
#: another path, ``$setOnInsert`` belongs to an insert: neither is here)
_PATH_OPERATORS = frozenset(["$set", "$unset", "$inc", "$mul", "$min", "$max", "$push",
                             "$pull", "$pullAll", "$addToSet", "$pop", "$currentDate"])


def _written_fields(document, upsert):
    """The top-level fields an update document writes (item 13), or None when that
    is not known from it: a replacement, a pipeline, an operator that writes
    elsewhere, an upsert (which may insert)."""
    if upsert or type(document) is not dict or not document:
        return None
    fields = set()
    for operator, spec in document.items():
        if operator not in _PATH_OPERATORS or type(spec) is not dict:
            return None
        for path in spec:
            if type(path) is not str:
                return None
            fields.add(path.split(".", 1)[0])
    return frozenset(fields)


def _top(field):
    return field.split(".", 1)[0]


def _reindex(store, doc_id, written=None):
    """Bring the indexes up to date with the stored document ``doc_id``; with
    ``written`` (the top-level fields an update wrote) only the indexes on them,
    for a document already indexed."""
    idx = _indexes(store)
    doc = store._documents.get(doc_id)
    if written is not None and doc is not None and doc_id in store._bansos_seq:
        for field, index in idx.items():
            if (field in written or "." in field and _top(field) in written) and \
                    not index.unchanged(doc_id, doc):
                index.remove(doc_id)
                index.add(doc_id, doc)
        return
    for index in idx.values():
        if doc is not None and index.unchanged(doc_id, doc):
            continue  # most writes leave most indexed fields as they were
        index.remove(doc_id)
        if doc is not None:
            index.add(doc_id, doc)
    if doc is None:
        if store._bansos_seq.pop(doc_id, _ABSENT) is not _ABSENT:
            store.__dict__.pop("_bansos_id_order", None)
    elif doc_id not in store._bansos_seq:
        store._bansos_seq[doc_id] = store._bansos_next
        store._bansos_next += 1
        store.__dict__.pop("_bansos_id_order", None)



def _strings(value):
    """``value`` as the strings a condition on a string is judged against: the
    value itself, the elements of an array of strings; None for anything else
    (a number, a sub-document, a mixed array: mongomock's filter judges those)."""
    if type(value) is str:
        return (value,)
    if type(value) is list and all(type(v) is str for v in value):
        return value
    return None


def _decider(field, cond):
    """A cheap exact judge of ``{field: cond}``: ``fn(doc)`` answering True or False
    where plain values decide it (a string equal to a string, a field's presence,
    a ``$regex`` with no options or ``i`` on strings), None where it leaves the
    document to mongomock's filter; or no judge (None) for a shape it does not
    know. As MongoDB, a condition on a string holds for an array when it holds
    for one of its elements, and a missing field equals no string and matches no
    regex."""
    if field.startswith("$") or "." in field:
        return None
    if isinstance(cond, str):
        def equal(doc):
            value = doc.get(field, _ABSENT)
            if value is _ABSENT:
                return False
            found = _strings(value)
            return None if found is None else cond in found
        return equal
    if not isinstance(cond, dict):
        return None
    if set(cond) == {"$exists"} and isinstance(cond["$exists"], bool):
        wanted = cond["$exists"]
        return lambda doc: (field in doc) == wanted
    if set(cond) in ({"$regex"}, {"$regex", "$options"}) and isinstance(cond["$regex"], str) \
            and cond.get("$options", "") in ("", "i"):
        try:
            pattern = re.compile(cond["$regex"], re.IGNORECASE if cond.get("$options") else 0)
        except re.error:
            return None  # mongomock's own filter raises what it raises

        def matches(doc):
            value = doc.get(field, _ABSENT)
            if value is _ABSENT:
                return False
            found = _strings(value)
            return None if found is None else any(pattern.search(v) for v in found)
        return matches
    return None


def _judges(filter):
    """``(judges, whole)``: the ``_decider`` judges of a filter's top-level entries
    and of its ``$and`` members' entries (every one must hold), and whether they
    cover the whole filter, so that a document they all pass matches without
    mongomock's filter. None when there is no judge."""
    if not isinstance(filter, dict):
        return None
    judges, whole = [], True
    for field, cond in filter.items():
        if field == "$and" and isinstance(cond, list) and cond:
            for member in cond:
                inner = _judges(member)
                if inner is None:
                    whole = False
                else:
                    judges.extend(inner[0])
                    whole = whole and inner[1]
            continue
        judge = _decider(field, cond)
        if judge is None:
            whole = False
        else:
            judges.append(judge)
    return (judges, whole) if judges else None


def _matcher(filter, judges):
    """``fn(doc) -> bool``, what ``filter_applies(filter, doc)`` answers, asking
    mongomock's filter only when the judges leave the document undecided."""
    if judges is None:
        return lambda doc: filter_applies(filter, doc)
    tests, whole = judges

    def applies(doc):
        undecided = not whole
        for test in tests:
            verdict = test(doc)
            if verdict is False:
                return False
            if verdict is None:
                undecided = True
        return filter_applies(filter, doc) if undecided else True
    return applies


def _prefix(cond):
    """The literal a ``{"$regex": "^literal"}`` condition (no options) asks a string to
    begin with, or None."""
    if set(cond) != {"$regex"} or not isinstance(cond["$regex"], str) \
            or not cond["$regex"].startswith("^"):
        return None
    literal = cond["$regex"][1:]
    return literal if literal and re.escape(literal) == literal else None


def _candidates(store, filter):
    """``{_id: None}``, a superset of the documents matching ``filter``, or None: scan.
    Every top-level entry (and every ``$and`` member) must match, so the sets that
    the indexed entries give are intersected."""
    if not isinstance(filter, dict) or not filter:
        return None
    idx = _indexes(store)
    sets = []
    for field, cond in filter.items():
        if field == "$and":
            if isinstance(cond, (list, tuple)):
                sets.extend(s for s in (_candidates(store, c) for c in cond) if s is not None)
            continue
        tests = _range(cond) if isinstance(cond, dict) else None
        if tests is not None:
            if field in idx:
                sets.extend(idx[field].in_range(test) for test in tests)
            continue
        prefix = _prefix(cond) if isinstance(cond, dict) else None
        if prefix is not None:
            if field in idx:
                sets.append(idx[field].with_prefix(prefix))
            continue
        if isinstance(cond, dict):
            if set(cond) != {"$in"} or not isinstance(cond["$in"], (list, tuple)) \
                    or not all(_scalar(v) for v in cond["$in"]):
                continue
            values = cond["$in"]
        elif _scalar(cond):
            values = [cond]
        else:
            continue
        if field == "_id":
            sets.append({v: None for v in values if v in store._documents})
        elif field in idx:
            sets.append(idx[field].candidates(values))
    if not sets:
        return None
    sets.sort(key=len)
    best = sets[0]
    for other in sets[1:]:
        best = {k: None for k in best if k in other}
    return best


def _lookup(store, filter, best=_ABSENT):
    """Candidate ``_id``s for ``filter`` in natural order, or None: scan. ``best``: the
    filter's ``_candidates`` when a caller has them already."""
    if best is _ABSENT:
        best = _candidates(store, filter)
    if best is None:
        return None
    seq = store._bansos_seq
    return sorted(best, key=seq.__getitem__)


def _plain_walk(fallback):
    """A recursive copy of JSON-like values that hands every other value to ``fallback``."""
    def walk(value):
        kind = type(value)
        if kind is str or kind is int or kind is float or kind is bool or value is None:
            return value
        if kind is dict:
            return {k: walk(v) for k, v in value.items()}
        if kind is list:
            return [walk(v) for v in value]
        return fallback(value)
    return walk


def _update_snapshot(deepcopy):
    """mongomock's copy of a document before an update changes it (item 13): the
    fields the update writes copied, the others shared, when the update names what
    it writes and the value is the stored document itself; else ``deepcopy``."""
    def snapshot(value, *args):
        written = getattr(_tracking, "written", None)
        if written is not None and type(value) is dict:
            doc_id = value.get("_id")
            documents = getattr(_tracking, "documents", None)
            if type(doc_id) is str and documents is not None and \
                    documents.get(doc_id) is value:
                return {k: deepcopy(v) if k in written else v for k, v in value.items()}
        return deepcopy(value, *args)
    return snapshot


def _fast_conversions():
    """``(to_naive, to_aware, deepcopy)``: mongomock's two datetime walks and a
    deep copy, with the short path for plain values (docstring, item 4)."""
    # the originals recurse through the module's names, so nested values that
    # are not plain come back through the short path as well
    return (_plain_walk(ORIGINAL_TO_NAIVE), _plain_walk(ORIGINAL_TO_AWARE),
            _plain_walk(copy.deepcopy))


_UNCHANGED = None
_SORTS = {"on": True}
_PROJECTIONS = {"on": True}
_NUMBERS = (int, float)


def _plain_order(values):
    """True when ``values`` (one sort field's) sort as themselves (item 6)."""
    if all(type(v) is str for v in values):
        return True
    # NaN is ordered first by BSON and unordered by Python
    return all(type(v) in _NUMBERS and v == v for v in values)


def _sort_pass(dataset, key, direction):
    """One of mongomock's sort passes (stable, by ``key``), on the values themselves
    when they allow it (item 6)."""
    if _SORTS["on"]:
        values = [mongomock_filtering.resolve_key(key, doc) for doc in dataset]
        if _plain_order(values):
            order = sorted(range(len(dataset)), key=values.__getitem__, reverse=direction < 0)
            return [dataset[i] for i in order]
    return sorted(dataset, key=lambda doc: mongomock_filtering.resolve_sort_key(key, doc),
                  reverse=direction < 0)


@functools.lru_cache(maxsize=8)
def _plain_copy(container):
    """mongomock's ``_copy_field`` with the short path of item 4 for plain values:
    exact dicts become ``container``s, lists lists, and strings, numbers, booleans
    and None are themselves (what ``copy.copy`` gives them); anything else is
    mongomock's copy."""
    def walk(value):
        kind = type(value)
        if kind is str or kind is int or kind is float or kind is bool or value is None:
            return value
        if kind is dict:
            out = container()
            for key, item in value.items():
                out[key] = walk(item)
            return out
        if kind is list:
            return [walk(item) for item in value]
        return mongomock_collection._copy_field(value, container)
    return walk


def _flag(value):
    """True (include) or False (exclude) for a projection value of 1/0 or a bool,
    else None."""
    if value is True or value is False:
        return value
    if type(value) is int and value in (0, 1):
        return value == 1
    return None


def _top_level_projection(fields):
    """``(names, with_id, include)`` of a projection that names top-level fields
    only, all to include or all to exclude (item 7), else None (mongomock's own
    copy)."""
    if not _PROJECTIONS["on"] or type(fields) is not dict:
        return None
    names, with_id, kinds = set(), True, set()
    for key, value in fields.items():
        flag = _flag(value)
        if type(key) is not str or "." in key or key.startswith("$") or flag is None:
            return None
        if key == "_id":
            with_id = flag
        else:
            names.add(key)
            kinds.add(flag)
    if len(kinds) != 1:
        return None  # nothing but _id, or a mix mongomock refuses: its own copy says so
    return frozenset(names), with_id, kinds.pop()


def _copy_projected(doc, names, with_id, include, container):
    """What ``_copy_only_fields`` answers for a top-level projection: the fields
    named (to include) or the others (to exclude) in the document's order, each
    copied by mongomock's ``_copy_field``; then ``_id`` as mongomock sets it: put
    last when included and not already copied, removed when excluded."""
    out = container()
    copy_field = _plain_copy(container)
    for key, value in doc.items():
        if key != "_id" and (key in names) is include:
            out[key] = copy_field(value)
        elif key == "_id" and not include:
            out[key] = copy_field(value)
    if not with_id:
        out.pop("_id", None)
    elif "_id" in doc:
        out["_id"] = doc["_id"]
    return out


#: an $in / $nin list at least this long is looked up in a set (item 8)
_IN_SET_MIN = 16
_RE_TYPES = mongomock_filtering._RE_TYPES


class _InList(list):
    """An ``$in`` list with ``members``, the set of its values, made for one scan."""

    __slots__ = ("members",)


def _in_list(values):
    if type(values) not in (list, tuple) or len(values) < _IN_SET_MIN or any(
            isinstance(v, _RE_TYPES) for v in values):
        return values
    try:
        members = frozenset(values)
    except TypeError:                     # a sub-document or list among the values
        return values
    out = _InList(values)
    out.members = members
    return out


def _with_in_sets(filter):
    """``filter`` with its long ``$in``/``$nin`` lists as ``_InList`` (item 8); the
    same object when it has none."""
    if isinstance(filter, dict):
        out, changed = {}, False
        for key, value in filter.items():
            new = _in_list(value) if key in ("$in", "$nin") else _with_in_sets(value)
            out[key] = new
            changed = changed or new is not value
        return out if changed else filter
    if type(filter) is list:              # the members of $and, $or, $nor
        out = [_with_in_sets(value) for value in filter]
        return out if any(a is not b for a, b in zip(out, filter, strict=True)) else filter
    return filter


def _in_op(original):
    """mongomock's ``_in_op``, answering from the set of an ``_InList``."""
    def in_op(doc_val, search_val):
        if type(search_val) is not _InList:
            return original(doc_val, search_val)
        members = search_val.members
        if doc_val is NOTHING:
            return None in members
        for value in doc_val if isinstance(doc_val, (list, tuple)) else (doc_val,):
            try:
                if value in members:
                    return True
            except TypeError:             # an unhashable value: as mongomock looks it up
                if list.__contains__(search_val, value):
                    return True
        return False
    return in_op


def _use_short_paths(on):
    """Items 4 to 6 of the docstring on (what ``install`` does) or off: mongomock's
    own walks, copies and version parsing, every index re-keyed on each write (the
    baseline ``bench/bench_store.py`` measures them against)."""
    global _UNCHANGED
    if _UNCHANGED is None:
        _UNCHANGED = _Index.unchanged
    if on:
        to_naive, to_aware, deepcopy = _fast_conversions()
        shim = types.SimpleNamespace(deepcopy=_update_snapshot(deepcopy), copy=copy.copy)
        parse = functools.lru_cache(maxsize=256)(packaging_version.parse)
        versions = types.SimpleNamespace(parse=parse, Version=packaging_version.Version)
        _Index.unchanged = _UNCHANGED
    else:
        to_naive, to_aware, shim, versions = ORIGINAL_TO_NAIVE, ORIGINAL_TO_AWARE, copy, \
            packaging_version
        _Index.unchanged = lambda self, doc_id, doc: False
    _SORTS["on"] = on
    _PROJECTIONS["on"] = on
    mongomock_helpers.patch_datetime_awareness_in_document = to_naive
    mongomock_helpers.make_datetime_timezone_aware_in_document = to_aware
    # only mongomock's collection module sees this copy; copy.deepcopy is untouched
    mongomock_collection.copy = shim
    for module in (mongomock_collection, mongomock_aggregate):
        module.version = versions
class _Copies:
    """A cursor's answer: the matching stored documents in order, each copied
    (``copy``) once, when first read or when ``fill`` asks for it. Slices are views
    sharing the copies, as slices of mongomock's result list share its documents."""

    __slots__ = ("_raw", "_copy", "_memo", "_start", "_stop")

    def __init__(self, raw, copy, memo=None, start=0, stop=None):
        # stop None: to the end of ``raw``, which a walk (item 10) knows only once
        # it has walked to it
        self._raw, self._copy = raw, copy
        self._memo = {} if memo is None else memo
        self._start = start
        self._stop = stop

    def __len__(self):
        end = len(self._raw) if self._stop is None else min(self._stop, len(self._raw))
        return max(0, end - self._start)

    def _at(self, position):
        try:
            return self._memo[position]
        except KeyError:
            doc = self._memo[position] = self._copy(self._raw[position])
            return doc

    def __bool__(self):
        # mongomock asks ``not results`` on every read: no walk to the end for that
        if self._stop is not None and self._stop <= self._start:
            return False
        try:
            self._raw[self._start]
        except IndexError:
            return False
        return True

    def fill(self, start, stop):
        """Copy the documents at ``start`` to ``stop`` (positions in this view) now."""
        for position in range(self._start + start, self._start + stop):
            if self._stop is not None and position >= self._stop:
                return
            try:
                self._at(position)
            except IndexError:
                return

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            return _Copies(self._raw, self._copy, self._memo, self._start + start,
                           self._start + max(start, stop))
        if index < 0:
            index += len(self)
        position = self._start + index
        if index < 0 or (self._stop is not None and position >= self._stop):
            raise IndexError("cursor index out of range")
        try:
            return self._at(position)
        except IndexError:
            raise IndexError("cursor index out of range") from None

    def __iter__(self):
        position = self._start
        while self._stop is None or position < self._stop:
            try:
                yield self._at(position)
            except IndexError:
                return
            position += 1


def _sorted_documents(collection, spec, sort, candidates=_ABSENT):
    """The stored documents matching ``spec`` in ``sort`` order, uncopied: the first
    half of mongomock 4.3's ``Collection._get_dataset``, line for line, each sort
    pass through ``_sort_pass``. ``candidates``: the filter's, when known."""
    dataset = collection._iter_documents(spec, candidates)
    if sort:
        if isinstance(sort, dict):
            sort = sort.items()
        for sort_key, sort_direction in reversed(sort):
            if sort_key == "$natural":
                if sort_direction < 0:
                    dataset = iter(reversed(list(dataset)))
                continue
            if sort_key.startswith("$"):
                raise NotImplementedError(
                    f"Sorting by {sort_key} is not implemented in mongomock yet")
            dataset = iter(_sort_pass(list(dataset), sort_key, sort_direction))
    return list(dataset)


def install():
    """Patch mongomock once per process (idempotent); another version: warn, no patch."""
    global _installed
    if _installed:
        return
    if not mongomock.__version__.startswith(SUPPORTED_VERSION):
        log.warning("mongomock %s is not %sx: the in-memory store is not patched and "
                    "scans every collection", mongomock.__version__, SUPPORTED_VERSION)
        _installed = True
        return
    original_iter = Collection._iter_documents
    original_update = Collection._update
    original_uniques = Collection._ensure_uniques
    store_set, store_del = CollectionStore.__setitem__, CollectionStore.__delitem__
    store_drop, store_create = CollectionStore.drop, CollectionStore.create_index
    store_drop_index = CollectionStore.drop_index
    original_dataset = Collection._get_dataset
    original_compute = Cursor._compute_results
    original_get_collection = mongomock.Database.get_collection
    original_count = Collection.count_documents
    from services.shared import mongomock_walk as walk  # it builds on this module

    in_op = _in_op(mongomock_filtering._in_op)
    mongomock_filtering._in_op = in_op
    operators = mongomock_filtering._filterer_inst._operator_map
    operators["$in"] = in_op
    operators["$nin"] = lambda doc_val, search_val: not in_op(doc_val, search_val)

    def _iter_documents(self, filter, candidates=_ABSENT):
        filter = _with_in_sets(filter)
        store = self._store
        ids = _lookup(store, filter, candidates)
        judges = _judges(filter)
        if ids is None and judges is None:
            docs = original_iter(self, filter)
        else:
            if (judges is not None and judges[1]) or (ids is None and store.is_empty):
                # mongomock validates the filter even where its filter judges no document
                filter_applies(filter, {})
            applies = _matcher(filter, judges)
            if ids is None:
                docs = [d for d in list(store.documents) if applies(d)]
            else:
                store._remove_expired_documents()
                documents = store._documents
                docs = [documents[k] for k in ids if k in documents and applies(documents[k])]
        touched = getattr(_tracking, "touched", None)
        if touched is None:
            return iter(docs)
        return _recording(docs, touched, store)

    def _recording(docs, touched, store):
        for doc in docs:
            touched.append((store, doc.get("_id")))
            yield doc

    def _update(self, spec, document, upsert=False, *args, **kwargs):
        outer = getattr(_tracking, "touched", None)
        outer_written = getattr(_tracking, "written", None)
        outer_documents = getattr(_tracking, "documents", None)
        _tracking.touched = touched = []
        _tracking.written = written = _written_fields(document, upsert)
        _tracking.documents = self._store._documents
        outer_unique = getattr(_tracking, "unique_written", True)
        _tracking.unique_written = written is None or any(
            _top(key) in written for index in self._store.indexes.values()
            if index.get("unique") for key, _ in index.get("key") or ())
        try:
            return original_update(self, spec, document, upsert, *args, **kwargs)
        finally:
            _tracking.touched, _tracking.written = outer, outer_written
            _tracking.documents, _tracking.unique_written = outer_documents, outer_unique
            for store, doc_id in touched:
                if isinstance(doc_id, dict):
                    doc_id = mongomock.helpers.hashdict(doc_id)
                _reindex(store, doc_id, written)

    def _ensure_uniques(self, new_data):
        # An in-place update is checked before _update's reindex: index it first.
        doc_id = new_data.get("_id")
        written = getattr(_tracking, "written", None)
        _reindex(self._store, mongomock.helpers.hashdict(doc_id)
                 if isinstance(doc_id, dict) else doc_id, written)
        if written is not None and not getattr(_tracking, "unique_written", True):
            return None  # no unique key written: none can be duplicated now (item 13)
        return original_uniques(self, new_data)

    def __setitem__(self, key, val):
        store_set(self, key, val)
        _reindex(self, key)

    def __delitem__(self, key):
        store_del(self, key)
        _reindex(self, key)

    def drop(self):
        store_drop(self)
        self.__dict__.pop("_bansos_indexes", None)
        self.__dict__.pop("_bansos_id_order", None)

    def create_index(self, index_name, index_dict):
        store_create(self, index_name, index_dict)
        if "_bansos_indexes" in self.__dict__:
            _sync_fields(self)

    def drop_index(self, index_name):
        store_drop_index(self, index_name)
        if "_bansos_indexes" in self.__dict__:
            _sync_fields(self)

    def __next__(self):
        results = self._compute_results()
        if self._limit and self._emitted >= abs(self._limit):
            raise StopIteration()
        try:
            doc = results[(self._skip or 0) + self._emitted]
        except IndexError as err:
            raise StopIteration() from err
        self._emitted += 1
        return doc

    def batch_size(self, count):
        # pymongo refuses a negative batch size (item 12)
        if not isinstance(count, int) or isinstance(count, bool):
            raise TypeError("batch_size must be an integer")
        if count < 0:
            raise ValueError("batch_size must be >= 0")
        self._bansos_batch = count
        return self

    def _compute_results(self, with_limit_and_skip=False):
        factory = self._factory
        if not self._results or self._factory_last_generated_results != factory:
            if not (isinstance(factory, functools.partial) and len(factory.args) == 4
                    and getattr(factory.func, "__func__", None) is original_dataset):
                return original_compute(self, with_limit_and_skip)
            collection = factory.func.__self__
            spec, sort, fields, container = factory.args
            aware = collection.codec_options.tz_aware
            projected = _top_level_projection(fields)

            def copy(doc):
                out = _copy_projected(doc, *projected, container) if projected else \
                    collection._copy_only_fields(doc, fields, container)
                return mongomock_helpers.make_datetime_timezone_aware_in_document(out) \
                    if aware else out
            limit = abs(self._limit) if self._limit else 0
            raw, candidates = walk.walked(collection, spec, sort, (self._skip or 0) + limit) \
                if limit else (None, _ABSENT)
            # a walk that declines hands over the candidates it found: not looked up twice
            results = _Copies(_sorted_documents(collection, spec, sort, candidates)
                              if raw is None else raw, copy)
            # copied now, as mongomock copies: what the cursor will answer is the
            # state of the store when the query ran, whatever is written meanwhile
            skip = self._skip or 0
            stop = skip + abs(self._limit) if self._limit else len(results)
            batch = getattr(self, "_bansos_batch", 0)
            results.fill(skip, min(stop, skip + batch) if batch else stop)
            self._factory_last_generated_results = factory
            self._results = results
        results = self._results
        if with_limit_and_skip:
            results = results[self._skip or 0:]
            if self._limit:
                results = results[:abs(self._limit)]
        return results

    def get_collection(self, name, codec_options=None, read_preference=None,
                       write_concern=None, read_concern=None):
        if codec_options or read_preference or write_concern or read_concern:
            return original_get_collection(self, name, codec_options, read_preference,
                                           write_concern, read_concern)
        kept = self.__dict__.setdefault("_bansos_collections", {})
        collection = kept.get(name)
        if collection is None:
            collection = kept[name] = original_get_collection(self, name)
        return collection

    def count_documents(self, filter, **kwargs):  # noqa: A002 - pymongo's name
        counted = None if kwargs else walk.exact_count(self._store, filter)
        return original_count(self, filter, **kwargs) if counted is None else counted

    def find_one(self, filter=None, *args, **kwargs):  # noqa: A002 - pymongo's name
        if filter is None:
            filter = {}
        if not isinstance(filter, Mapping):
            filter = {"_id": filter}
        try:
            return next(self.find(filter, *args, **kwargs).limit(-1))
        except StopIteration:
            return None

    _use_short_paths(True)
    Collection._iter_documents = _iter_documents
    Collection.find_one = find_one
    Collection.count_documents = count_documents
    mongomock.Database.get_collection = get_collection
    Cursor._compute_results = _compute_results
    Cursor.batch_size = batch_size
    Collection._update = _update
    Collection._ensure_uniques = _ensure_uniques
    CollectionStore.__setitem__ = __setitem__
    CollectionStore.__delitem__ = __delitem__
    CollectionStore.drop = drop
    CollectionStore.create_index = create_index
    CollectionStore.drop_index = drop_index
    Cursor.__next__ = __next__
    Cursor.next = __next__
    _installed = True
