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


def free_port():
    """A TCP port nothing listens on now (for a gateway a test starts)."""
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
