"""Per-client rate limits kept in the gateway's memory.

A sliding window per ``(limit name, client key)``. One gateway process holds
the counts; several gateway replicas would each allow the limit (noted in the
README). Limits can be overridden by ``RATE_LIMITS`` (``name=calls/seconds,...``).
"""
import collections
import threading
import time

from gateway.errors import RateLimited


def parse_overrides(text):
    """Parse ``"status_check=5/60,complaints=10/3600"`` into ``{name: (5, 60)}``."""
    out = {}
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        name, _, spec = part.partition("=")
        calls, _, seconds = spec.partition("/")
        out[name.strip()] = (int(calls), float(seconds))
    return out


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
