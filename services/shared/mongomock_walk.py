"""Items 10 and 11 of ``mongomock_fast``: a sorted page walked in index order, and
counts read off the indexes.

Only ``mongomock_fast.install`` uses this module; what it answers is what plain
mongomock answers (``tests/unit/shared/test_mongomock_walk.py``, property tests
against mongomock's own dataset and count).
"""
import itertools

from mongomock.filtering import filter_applies

from services.shared import mongomock_fast as fast


#: off: mongomock's dataset and count (the baseline ``bench/bench_search.py`` prints)
SWITCH = {"on": True}


class Walked:
    """The matching documents of a walk, in order, walked only as far as asked:
    ``walked[i]`` walks to the ``i``-th, ``len`` to the end."""

    __slots__ = ("_docs", "_rest")

    def __init__(self, documents):
        self._docs, self._rest = [], documents

    def _reach(self, size):
        if self._rest is not None and len(self._docs) < size:
            before = len(self._docs)
            self._docs.extend(itertools.islice(self._rest, size - before))
            if len(self._docs) < size:
                self._rest = None

    def __getitem__(self, position):
        self._reach(position + 1)
        return self._docs[position]

    def __len__(self):
        while self._rest is not None:
            self._reach(len(self._docs) + 1024)
        return len(self._docs)


def _order_of(store, field):
    """``(keys in ascending order, buckets)`` for sorting by ``field``: each key's
    documents are ``buckets[key]`` (``_Index.ordered``); for ``_id`` (every id a
    string, or every id a number) the keys are the ids and ``buckets`` None. None
    when the field does not sort as its values or is not indexed."""
    index = fast._indexes(store).get(field)  # also what makes ``_bansos_seq``
    if field == "_id":
        cached = store.__dict__.get("_bansos_id_order")
        if cached is None:
            ids = list(store._documents)
            kinds = {fast._sort_kind(((type(i), i),)) for i in ids}
            cached = store._bansos_id_order = (
                sorted(ids) if len(kinds) == 1 and None not in kinds else None,)
        return None if cached[0] is None else (cached[0], None)
    ordered = index.ordered() if index is not None else None
    return None if ordered is None else (ordered, index.buckets)


def _walk(documents, keys, buckets, seq, rest, candidates, applies):
    """The matching documents in sort order: for each key of the first sort field
    in turn, its documents in natural order, then sorted by the other fields as
    mongomock's passes sort them (stable, last field first). That is mongomock's
    order: its last pass, by the first field, is stable, so equal values keep the
    order the other passes gave them. A bucket is copied before its documents are
    yielded: the store may change while a walk waits to go on."""
    for key in keys:
        if buckets is None:
            group = (key,)
        else:
            bucket = buckets.get(key)
            if not bucket:
                continue
            group = (next(iter(bucket)),) if len(bucket) == 1 else sorted(
                bucket, key=seq.__getitem__)
        if len(group) == 1:
            doc = documents.get(group[0])
            if doc is not None and (candidates is None or group[0] in candidates) and (
                    applies is None or applies(doc)):
                yield doc
            continue
        docs = [documents[i] for i in group if (candidates is None or i in candidates)
                and i in documents and (applies is None or applies(documents[i]))]
        for field, direction in reversed(rest):
            docs = fast._sort_pass(docs, field, direction)
        yield from docs


def walked(collection, spec, sort, wanted):
    """``(walk, candidates)``: the documents matching ``spec`` in ``sort`` order as a
    ``Walked``, or None where mongomock's dataset (every match, sorted) costs less
    or the walk does not apply; with the filter's ``_candidates`` when they were
    looked up (else ``mongomock_fast._ABSENT``), for the dataset to use.

    It applies when the first sort field sorts as its values (``_order_of``). It
    costs less unless the filter's indexes give few candidates: walking to the
    ``wanted``-th match visits about ``wanted * documents / matches`` values, and
    sorting ``candidates`` matches costs about ``candidates`` each; with
    ``candidates ** 2 <= wanted * documents`` the candidates are sorted instead
    (an officer's search by name gives a few hundred, an RW tens of thousands)."""
    declined = (None, fast._ABSENT)
    if not SWITCH["on"] or not sort:
        return declined
    sort = list(sort.items() if isinstance(sort, dict) else sort)
    if any(not isinstance(key, str) or key.startswith("$") for key, _ in sort):
        return declined
    store = collection._store
    store._remove_expired_documents()
    documents = store._documents
    if not documents:
        return declined
    order = _order_of(store, sort[0][0])
    if order is None:
        return declined
    filter = fast._with_in_sets(spec or {})
    candidates = fast._candidates(store, filter)
    if candidates is not None and len(candidates) ** 2 <= wanted * len(documents):
        return None, candidates
    applies = None
    if filter:
        judges = fast._judges(filter)
        if judges is not None and judges[1]:
            filter_applies(filter, {})  # a malformed filter is refused, as by a scan
        applies = fast._matcher(filter, judges)
    keys, buckets = order
    if sort[0][1] < 0:
        keys = reversed(keys)
    return Walked(_walk(documents, keys, buckets, store._bansos_seq, sort[1:], candidates,
                        applies)), candidates


def _exact_sets(store, filter, matched, lacked):
    """Add to ``matched`` the ``{_id: None}`` each entry of ``filter`` matches
    exactly, and to ``lacked`` the index of each field it asks to be missing;
    False for an entry the indexes cannot answer exactly. Exact: a string equal
    to the field's string (or to an element of its array of strings) on an index
    with no odd values (``_Index.other``: a sub-document, a mixed array, whose
    match only mongomock's filter knows); ``{"$exists": False}`` on an indexed
    top-level field; ``_id`` equal to a string."""
    indexes = fast._indexes(store)
    for field, cond in filter.items():
        if field == "$and":
            if type(cond) is not list or not cond or any(type(m) is not dict for m in cond):
                return False
            if not all(_exact_sets(store, member, matched, lacked) for member in cond):
                return False
            continue
        if type(field) is not str or field.startswith("$") or "." in field:
            return False
        if field == "_id":
            if type(cond) is not str:
                return False
            matched.append({cond: None} if cond in store._documents else {})
            continue
        index = indexes.get(field)
        if index is None:
            return False
        if type(cond) is str and not index.other:
            matched.append(index.buckets.get((False, cond), {}))
        elif type(cond) is dict and len(cond) == 1 and cond.get("$exists", True) is False:
            lacked.append(index)
        else:
            return False
    return True


def exact_count(store, filter):
    """How many documents match ``filter``, counted off the indexes without reading a
    document, or None where an entry needs mongomock's filter (``_exact_sets``).

    The documents every matched set holds (the smallest tested against the
    others), less those holding a field asked to be missing: counted among the
    few holding it (the staged marker, at rest) or, when many hold it, by
    testing each matched document. An empty filter counts the collection."""
    if not SWITCH["on"] or type(filter) is not dict:
        return None
    store._remove_expired_documents()
    matched, lacked = [], []
    if not _exact_sets(store, filter, matched, lacked):
        return None
    documents = store._documents
    matched.sort(key=len)
    if not matched:
        inside, size = documents, len(documents)
    elif len(matched) == 1:
        inside, size = matched[0], len(matched[0])
    else:
        inside = {k: None for k in matched[0] if all(k in ids for ids in matched[1:])}
        size = len(inside)
    if not lacked:
        return size
    if sum(index.holding_count() for index in lacked) <= size:
        held = {}
        for index in lacked:
            held.update(index.holding())
        return size - sum(1 for k in held if k in inside)
    tests = [index.lacking() for index in lacked]
    return sum(1 for k in inside if all(k in ids and k not in present for ids, present in tests))
