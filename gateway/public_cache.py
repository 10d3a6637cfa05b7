"""Public answers that change rarely, kept by the gateway that serves them (issue 10).

A route declared with ``cache=("listings",)`` keeps, per normalised request
(``cache_key``), the answer an outsider got, under the named topics. Rules:

- only for callers who are not staff, and only the answer as the public sees
  it (after ``gateway.visibility``): officers and admins always reach the
  service, so nothing shaped for a role is ever kept;
- an answer holding a NIK field with a value is never kept (``holds_nik``),
  whatever the route;
- a topic is dropped by the events that change it (``INVALIDATED_BY``, received
  by every gateway: ``gateway.service``) and by this gateway's own successful
  writes on routes declared ``invalidates=(...)``;
- nothing is older than ``PUBLIC_CACHE_SECONDS`` (the safety net for a change
  that publishes no event, such as a listing's new price or photo);
- at most ``MAX_ENTRIES`` answers, the oldest dropped first (a query string
  varied on purpose costs memory only up to that bound).

Why the gateway and not each service: docs/performance.md "Cached public reads".
"""
import threading
import time

from gateway.visibility import is_nik_field

#: answers kept at most (all topics together)
MAX_ENTRIES = 2000

#: ``(source service, event name)`` -> the topics it changes (docs/events.md)
INVALIDATED_BY = {
    ("distribution", "programme_published"): ("programmes", "rounds"),
    ("distribution", "programme_revised"): ("programmes", "rounds"),
    ("distribution", "round_scheduled"): ("rounds",),
    ("distribution", "round_closed"): ("rounds",),
    ("partners", "partner_registered"): ("partner_programmes",),
    ("partners", "partner_verified"): ("partner_programmes",),
    ("partners", "partner_suspended"): ("partner_programmes",),
    ("partners", "partner_programme_published"): ("partner_programmes",),
    # places left: every change of an enrolment's status moves places_taken
    ("partners", "enrolment_accepted"): ("partner_programmes",),
    ("partners", "enrolment_waitlisted"): ("partner_programmes",),
    ("partners", "enrolment_withdrawn"): ("partner_programmes",),
    ("partners", "enrolment_completed"): ("partner_programmes",),
    ("marketplace", "seller_registered"): ("listings",),
    ("marketplace", "seller_verified"): ("listings",),
    ("marketplace", "seller_suspended"): ("listings",),
    ("marketplace", "seller_reinstated"): ("listings",),
    ("marketplace", "listing_published"): ("listings",),
    ("marketplace", "listing_suspended"): ("listings",),
    ("marketplace", "listing_reinstated"): ("listings",),
    # stock: reserved by an order, back when it is cancelled
    ("marketplace", "order_placed"): ("listings",),
    ("marketplace", "order_confirmed"): ("listings",),
    ("marketplace", "order_completed"): ("listings",),
    ("marketplace", "order_cancelled"): ("listings",),
}


def cache_key(route_name, params, args):
    """The normalised request: route, URL parameters, and every query parameter
    with its values, sorted (``?b=2&a=1`` and ``?a=1&b=2`` are one answer).

    Args: ``route_name`` (str), ``params`` (dict of URL parameters), ``args``
    (a werkzeug ``MultiDict`` or a plain dict of query parameters).
    Returns a hashable tuple. Every parameter counts, even one the route does not
    read, so that a hit answers exactly what the service would (it may refuse it).
    """
    lists = args.lists() if hasattr(args, "lists") else ((k, [v]) for k, v in args.items())
    query = tuple(sorted((k, tuple(sorted(v))) for k, v in lists))
    return route_name, tuple(sorted(params.items())), query


def holds_nik(value):
    """True when ``value`` (JSON-safe) has a NIK field (``nik``, ``*_nik``) with a value."""
    if isinstance(value, dict):
        return any((is_nik_field(k) and v not in (None, "")) or holds_nik(v)
                   for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(holds_nik(v) for v in value)
    return False


class PublicCache:
    """Answers by key, each under topics, none older than ``max_age`` seconds.

    Thread-safe (eventlet workers share one). ``clock`` returns monotonic seconds.
    """

    def __init__(self, max_age, max_entries=MAX_ENTRIES, clock=time.monotonic):
        self.max_age, self.max_entries, self.clock = max_age, max_entries, clock
        self._entries = {}  # key -> (stored at, topics, value)
        self._generation = {}  # topic -> count of invalidations
        self._lock = threading.Lock()

    def get(self, key):
        """The kept answer for ``key``, or None (never kept, expired or invalidated)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            stored_at, _, value = entry
            if self.clock() - stored_at >= self.max_age:
                del self._entries[key]
                return None
            return value

    def generations(self, topics):
        """Read before computing an answer, handed to ``put``: an invalidation that
        arrives while the service answers keeps that (possibly stale) answer out."""
        with self._lock:
            return tuple(self._generation.get(t, 0) for t in topics)

    def put(self, key, topics, generations, value):
        """Keep ``value`` (the public answer) for ``key`` under ``topics``, unless a
        topic was invalidated since ``generations`` was read or it holds a NIK."""
        if holds_nik(value):
            return False
        with self._lock:
            if generations != tuple(self._generation.get(t, 0) for t in topics):
                return False
            self._entries.pop(key, None)
            while len(self._entries) >= self.max_entries:
                del self._entries[next(iter(self._entries))]  # dicts keep insertion order
            self._entries[key] = (self.clock(), tuple(topics), value)
            return True

    def invalidate(self, *topics):
        """Drop every answer kept under any of ``topics``."""
        with self._lock:
            for topic in topics:
                self._generation[topic] = self._generation.get(topic, 0) + 1
            self._entries = {k: e for k, e in self._entries.items()
                             if not set(e[1]) & set(topics)}

    def __len__(self):
        return len(self._entries)
