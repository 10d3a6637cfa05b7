"""deploy/broker.py: finding, starting and waiting for the RabbitMQ the platform needs."""
import os

import eventlet
import pytest

from deploy import broker
from tests.helpers import free_port


def test_parse_uri_fills_rabbitmq_defaults():
    assert broker.parse_uri("amqp://u:p%40ss@mq.example:5673/bansos%2Fprod") == {
        "host": "mq.example", "port": 5673, "user": "u", "password": "p@ss",
        "vhost": "bansos/prod"}
    assert broker.parse_uri("amqp://localhost") == {
        "host": "localhost", "port": 5672, "user": "guest", "password": "guest", "vhost": "/"}
    with pytest.raises(ValueError, match="amqp://"):
        broker.parse_uri("http://127.0.0.1:5672/")


@pytest.mark.parametrize("uri, local", [
    ("amqp://guest:guest@127.0.0.1:5672/", True),
    ("amqp://localhost/", True),
    ("amqp://guest:guest@127.0.0.1:5999/", False),   # not where rabbitmq-server listens
    ("amqp://guest:guest@rabbitmq:5672/", False),
])
def test_only_a_default_local_broker_is_ours_to_start(uri, local):
    assert broker.is_local(uri) is local


def test_passwords_never_reach_messages():
    assert broker.redact("amqp://bansos:s3cret@mq:5672/") == "amqp://bansos:***@mq:5672/"
    assert broker.redact("amqp://mq:5672/") == "amqp://mq:5672/"


def serve_once(reply):
    """A TCP listener that reads the protocol header and answers ``reply`` once."""
    server = eventlet.listen(("127.0.0.1", 0))

    def handle():
        conn, _ = server.accept()
        conn.recv(8)
        if reply:
            conn.sendall(reply)
        conn.close()
    eventlet.spawn(handle)
    return server, "amqp://guest:guest@127.0.0.1:%d/" % server.getsockname()[1]


def test_a_broker_answers_only_with_an_amqp_method_frame():
    # Connection.Start begins: frame type 1, channel 0, then the payload size.
    server, uri = serve_once(b"\x01\x00\x00\x00\x00\x01\xf4" + b"\x00" * 10)
    assert broker.amqp_answers(uri)
    server.close()
    server, uri = serve_once(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    assert not broker.amqp_answers(uri)
    server.close()
    server, uri = serve_once(b"")
    assert not broker.amqp_answers(uri)
    server.close()


def test_a_remote_broker_that_does_not_answer_is_explained_not_started(tmp_path, monkeypatch):
    starter = fake_rabbitmq_server(tmp_path, monkeypatch, exit_status=0)
    with pytest.raises(broker.BrokerUnavailable) as exc:
        broker.ensure("amqp://guest:guest@127.0.0.1:%d/" % free_port(), say=lambda text: None)
    assert "No RabbitMQ answers" in str(exc.value)
    assert "AMQP_URI" in str(exc.value) and "apt-get install rabbitmq-server" in str(exc.value)
    assert not starter.exists()


def fake_rabbitmq_server(tmp_path, monkeypatch, exit_status, output=""):
    """Put a stand-in ``rabbitmq-server`` first on PATH; return the file its calls go to."""
    calls = tmp_path / "calls"
    script = tmp_path / "rabbitmq-server"
    script.write_text("#!/bin/sh\necho \"$@\" >> %s\necho '%s'\nexit %d\n" % (
        calls, output, exit_status))
    script.chmod(0o755)
    monkeypatch.setenv("PATH", "%s%s%s" % (tmp_path, os.pathsep, os.environ["PATH"]))
    return calls


def test_a_stopped_local_broker_is_started_and_waited_for(tmp_path, monkeypatch):
    calls = fake_rabbitmq_server(tmp_path, monkeypatch, exit_status=0)
    answers = iter([False, False, False, True])
    monkeypatch.setattr(broker, "amqp_answers", lambda uri, timeout=2.0: next(answers))
    # Never a no-op time.sleep for the whole process: a greenthread left by an
    # earlier test would spin on it and starve this one (a CI run hung here).
    waits = []
    said = []
    started = broker.ensure(broker.DEFAULT_AMQP_URI, timeout=5, say=said.append,
                            sleep=waits.append)
    assert started is True
    assert calls.read_text().split() == ["-detached"]
    assert any("starting it" in line for line in said)
    assert len(waits) == 2


def test_a_broker_that_cannot_be_started_says_why(tmp_path, monkeypatch):
    fake_rabbitmq_server(tmp_path, monkeypatch, exit_status=1, output="permission denied")
    monkeypatch.setattr(broker, "amqp_answers", lambda uri, timeout=2.0: False)
    with pytest.raises(broker.BrokerUnavailable, match="permission denied"):
        broker.ensure(broker.DEFAULT_AMQP_URI, timeout=1, say=lambda text: None)
