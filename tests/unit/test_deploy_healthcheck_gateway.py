"""``healthcheck.py gateway``: a gateway is ready when it answers /health and reaches a service."""
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from deploy.healthcheck import check_gateway, main


@pytest.fixture
def gateway():
    """A stand-in /health: ``gateway.answer = (status, body bytes)``."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            status, body = server.answer
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass
    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = "http://127.0.0.1:%d/health" % server.server_address[1]
    yield server
    server.shutdown()
    server.server_close()


def health(status, services):
    return status, json.dumps({"status": "x", "services": services}).encode()


@pytest.mark.parametrize("answer, ready", [
    (health(200, {"registry": "ok", "distribution": "ok"}), True),
    # one service down: the gateway still serves the others
    (health(503, {"registry": "ok", "distribution": "timeout"}), True),
    # reaches nothing: its own broker connection is gone
    (health(503, {"registry": "timeout", "distribution": "unavailable: x"}), False),
    (health(503, {}), False),
    ((500, b"Internal error"), False),
    ((503, b"<html>not json</html>"), False),
])
def test_ready_when_it_reaches_at_least_one_service(gateway, answer, ready):
    gateway.answer = answer
    assert check_gateway(gateway.url) is ready
    assert main(["gateway", gateway.url]) == (0 if ready else 1)


def test_a_gateway_that_does_not_answer_is_not_ready(gateway):
    url = gateway.url
    gateway.shutdown()
    gateway.server_close()
    assert check_gateway(url) is False
