"""Per-client rate limits kept in the gateway's memory.

A sliding window per ``(limit name, client key)``. One gateway process holds
the counts; several gateway replicas would each allow the limit (noted in the
README). Limits can be overridden by the ``RATE_LIMITS`` setting
(``name=calls/seconds,...``; read by ``services.shared.settings``).

The table forgets a client once its window has passed (swept at most every
``SWEEP_SECONDS``), and holds at most ``MAX_CLIENTS`` windows, dropping the
least recently seen: memory stays bounded however many clients come by
(issue 8, item 13).
"""
import collections
import threading
import time

from gateway.errors import RateLimited

SWEEP_SECONDS = 30.0
MAX_CLIENTS = 100_000


class RateLimiter:
    def __init__(self, overrides=None, clock=time.monotonic, max_clients=MAX_CLIENTS):
        self.overrides = overrides or {}
        self.clock = clock
        self.max_clients = max_clients
        #: (name, key) -> (window seconds, deque of hit times), least recently hit first
        self._hits = collections.OrderedDict()
        self._lock = threading.Lock()
        self._swept = clock()

    def __len__(self):
        return len(self._hits)

    def hit(self, name, key, calls, seconds):
        """Count one call; raise RateLimited when ``calls`` in ``seconds`` is exceeded."""
        self._count(name, key, calls, seconds, refuse=True, add=True)

    def check(self, name, key, calls, seconds):
        """Raise RateLimited when the window is full, without counting a call."""
        self._count(name, key, calls, seconds, refuse=True, add=False)

    def record(self, name, key, calls, seconds):
        """Count one call without refusing it."""
        self._count(name, key, calls, seconds, refuse=False, add=True)

    def _count(self, name, key, calls, seconds, refuse, add):
        calls, seconds = self.overrides.get(name, (calls, seconds))
        now = self.clock()
        with self._lock:
            self._sweep(now)
            entry = self._hits.get((name, key))
            window = entry[1] if entry else collections.deque()
            while window and window[0] <= now - seconds:
                window.popleft()
            if refuse and len(window) >= calls:
                retry = max(1, int(window[0] + seconds - now) + 1)
                raise RateLimited("Too many %s requests; try again in %d s." % (name, retry),
                                  retry_after=retry)
            if not add:
                return
            window.append(now)
            self._hits[(name, key)] = (seconds, window)
            self._hits.move_to_end((name, key))
            while len(self._hits) > self.max_clients:
                self._hits.popitem(last=False)

    def _sweep(self, now):
        if now - self._swept < SWEEP_SECONDS:
            return
        self._swept = now
        for slot in [slot for slot, (seconds, window) in self._hits.items()
                     if not window or window[-1] <= now - seconds]:
            del self._hits[slot]
