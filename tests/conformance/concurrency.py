"""Overlapping calls for the conformance cases that race."""
import eventlet


def concurrently(count, action):
    """Run ``action(i)`` for ``i`` in ``range(count)`` in as many greenthreads at once.

    Returns ``[(i, result or exception)]`` in ``i`` order. On the server the
    calls really overlap (each greenthread has its own socket); in memory
    each operation runs whole, which is the atomicity the server promises.
    """
    def attempt(i):
        try:
            return i, action(i)
        except Exception as exc:  # noqa: BLE001 - the caller asserts on it
            return i, exc
    pool = eventlet.GreenPool(count)
    return sorted(pool.imap(attempt, range(count)), key=lambda pair: pair[0])
