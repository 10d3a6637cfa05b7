"""How long a failed event waits before its next attempt (issue 9, item 7).

The schedule is the setting ``EVENT_RETRY_DELAYS`` (deploy/config.yaml):
seconds before the 2nd, 3rd ... attempt, growing. By default 1 s, 5 s, 30 s,
2 min, 4 min, 8 min: an event is tried 7 times over about 14.6 minutes
(11.7 to 17.5 with the jitter) before it is parked, so a fault that lasts
minutes (a restarting database, a service being redeployed) no longer parks
events. Each wait is jittered by ``JITTER`` (+-20 %) so that events which
failed together do not all come back in the same instant.

Plain functions; ``services.shared.retry`` makes the broker do the waiting.
"""
import random

#: each wait is its base delay times a factor drawn uniformly from [1 - JITTER, 1 + JITTER]
JITTER = 0.2

DEFAULT_DELAYS = "1,5,30,120,240,480"


def parse_delays(text):
    """``"1,5,30"`` -> ``(1.0, 5.0, 30.0)``: seconds before the 2nd, 3rd ... attempt.

    Raises ValueError naming the rule: at least one delay, each a number of
    seconds above 0, none shorter than the one before (the delay grows).
    """
    parts = [part.strip() for part in (text or "").split(",") if part.strip()]
    if not parts:
        raise ValueError("must list at least one delay in seconds, e.g. 1,5,30")
    delays = []
    for part in parts:
        try:
            seconds = float(part)
        except ValueError:
            raise ValueError("%r is not a number of seconds" % part) from None
        if not seconds > 0:
            raise ValueError("%r must be above 0 seconds" % part)
        if delays and seconds < delays[-1]:
            raise ValueError("%r is shorter than the delay before it; delays must grow" % part)
        delays.append(seconds)
    return tuple(delays)


def attempts_allowed(delays, max_attempts=None):
    """Attempts before an event is parked: ``max_attempts`` when a handler sets
    it, else one more than there are delays (the first try, then each retry)."""
    return max_attempts if max_attempts else len(delays) + 1


def base_delay(failed, delays, max_attempts=None):
    """Seconds (before jitter) to wait after the ``failed``-th failed attempt, or
    None when that was the last one and the event is to be parked.

    A handler allowed more attempts than there are delays waits the last one again.
    """
    if failed >= attempts_allowed(delays, max_attempts):
        return None
    return delays[min(failed, len(delays)) - 1]


def jittered(seconds, rand=random.random):
    """``seconds`` times a factor in [1 - JITTER, 1 + JITTER] (``rand()`` in [0, 1))."""
    return seconds * (1 - JITTER + 2 * JITTER * rand())


def total_wait(delays, max_attempts=None):
    """``(shortest, longest)`` seconds from the first failure to the event being
    parked, the jitter included."""
    failed_before_park = attempts_allowed(delays, max_attempts) - 1
    total = sum(base_delay(n, delays, max_attempts) for n in range(1, failed_before_park + 1))
    return total * (1 - JITTER), total * (1 + JITTER)
