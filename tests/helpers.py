"""Small test helpers shared by every layer."""
import time

import eventlet


def wait_for(condition, timeout=10.0, interval=0.02, message=None):
    """Wait until ``condition()`` is truthy; fail after ``timeout`` seconds.

    Polls a condition with a deadline instead of sleeping for a fixed time.
    Returns the condition's last value.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(message or "condition not met within %.1fs" % timeout)
        eventlet.sleep(interval)
