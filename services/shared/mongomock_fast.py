"""Two mongomock (4.3) hot spots made cheap, for in-process stores; answers are unchanged.

1. mongomock answers every ``find``/``find_one`` by scanning the whole
   collection (``Collection._iter_documents``), so the inbox's per-event
   ``find_one({"_id": ...})`` checks grow linearly with the events already
   applied and a 5,000-resident import took minutes to reach a consumer.
   Filters on a scalar ``_id``, or ``{"_id": {"$in": [scalars]}}``, go straight
   to the collection's dict; the rest of the filter is still applied.
2. ``Cursor.__next__`` slices the whole result list (``results[skip:]``) for
   every document it returns, so iterating a cursor is quadratic: reading
   190,000 residents took minutes. The patched ``__next__`` indexes instead.
"""
from mongomock.collection import Collection, Cursor
from mongomock.filtering import filter_applies

_installed = False


def _scalar(key):
    return isinstance(key, (str, int)) and not isinstance(key, bool)


def install():
    """Patch mongomock once per process (idempotent)."""
    global _installed
    if _installed:
        return
    original = Collection._iter_documents

    def _iter_documents(self, filter):
        key = filter.get("_id") if isinstance(filter, dict) else None
        if _scalar(key):
            keys = [key]
        elif isinstance(key, dict) and set(key) == {"$in"} and all(_scalar(k) for k in key["$in"]):
            keys = list(dict.fromkeys(key["$in"]))
        else:
            return original(self, filter)
        docs = [self._store[k] for k in keys if k in self._store]
        return iter([doc for doc in docs if filter_applies(filter, doc)])

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

    Collection._iter_documents = _iter_documents
    Cursor.__next__ = __next__
    Cursor.next = __next__
    _installed = True
