"""The browser tests' network relay (tests/e2e/chromium.py) leaves nothing behind when cut.

A greenthread still blocked reading a socket that another greenthread closed
stays registered in eventlet's hub; the next descriptor the OS gives that number
without telling eventlet (a subprocess's pipe) then fails with "Second
simultaneous read" — it failed the year-long main job's test in CI.
"""
import os

import eventlet
from eventlet import hubs

from tests.e2e.chromium import Relay
from tests.helpers import wait_for


def _readers_of_closed_descriptors():
    closed = []
    for fd in list(hubs.get_hub().listeners["read"]):
        try:
            os.fstat(fd)
        except OSError:
            closed.append(fd)
    return closed


def test_cutting_the_relay_leaves_no_reader_on_a_closed_socket():
    backend = eventlet.listen(("127.0.0.1", 0))
    accepted = []

    def serve():
        conn, _ = backend.accept()
        accepted.append(conn)
        conn.recv(10)
    server = eventlet.spawn(serve)
    relay = Relay("http://127.0.0.1:%d" % backend.getsockname()[1])
    client = eventlet.connect(("127.0.0.1", relay.port))
    try:
        wait_for(lambda: accepted and len(relay.pipes) == 2)
        relay.cut()
        assert _readers_of_closed_descriptors() == []
        assert relay.pipes == set()
    finally:
        client.close()
        server.kill()
        backend.close()
