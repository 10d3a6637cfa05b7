"""Per-client rate limits kept in the gateway's memory.

A sliding window per ``(limit name, client key)``. One gateway process holds
the counts; several gateway replicas would each allow the limit (noted in the
README). Limits can be overridden by the ``RATE_LIMITS`` setting
(``name=calls/seconds,...``; read by ``services.shared.settings``).
"""
import collections
import threading
import time

from gateway.errors import RateLimited


class RateLimiter:
    def __init__(self, overrides=None, clock=time.monotonic):
        self.overrides = overrides or {}
        self.clock = clock
        self._hits = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    def hit(self, name, key, calls, seconds):
        """Count one call; raise RateLimited when ``calls`` in ``seconds`` is exceeded."""
        calls, seconds = self.overrides.get(name, (calls, seconds))
        now = self.clock()
        with self._lock:
            window = self._hits[(name, key)]
            while window and window[0] <= now - seconds:
                window.popleft()
            if len(window) >= calls:
                retry = max(1, int(window[0] + seconds - now) + 1)
                raise RateLimited("Too many %s requests; try again in %d s." % (name, retry),
                                  retry_after=retry)
            window.append(now)
