"""A message a service cannot decode never leaves its caller waiting (issue 8, item 2).

kombu decodes before nameko sees a message; its default on a failure logs
the body and acks it, so an RPC caller waited for its whole deadline and an
event vanished. Raw messages are published here as a careless or hostile
producer would: JSON nested deeper than the decoder recurses, and bytes that
are not JSON.
"""
import json
import uuid

import kombu
import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from services.shared.inbox import consumes
from services.shared.mongo import MongoStore
from services.shared.rpc import rpc
from services.shared.service import Service
from tests.helpers import wait_for
from tests.support.kit import NoRepository

pytestmark = pytest.mark.integration

NESTED = b'{"args": [' + b"[" * 5000 + b"1" + b"]" * 5000 + b'], "kwargs": {}}'
NIK = "3174094506870003"


class Echo(Service):
    name = "echo"
    store = MongoStore(NoRepository)

    @rpc
    def echo(self, value):
        return value

    @consumes("somewhere", "thing_happened", max_attempts=1)
    def handle_thing_happened(self, event):
        return None


def _publish(config, exchange, routing_key, body, **properties):
    with kombu.Connection(config["AMQP_URI"]) as conn:
        producer = conn.Producer()
        producer.publish(body, exchange=kombu.Exchange(exchange, type="topic", durable=True),
                         routing_key=routing_key, content_type="application/json",
                         content_encoding="utf-8", declare=[], **properties)


def _rpc_raw(config, body, timeout=8):
    """Send ``body`` as an RPC request to ``echo.echo``; the decoded reply, or None."""
    with kombu.Connection(config["AMQP_URI"]) as conn:
        reply_queue = kombu.Queue("reply-%s" % uuid.uuid4().hex, exclusive=True,
                                  exchange=kombu.Exchange("nameko-rpc", type="topic",
                                                          durable=True),
                                  routing_key="reply-%s" % uuid.uuid4().hex)
        got = []
        with conn.Consumer(reply_queue, callbacks=[lambda body, msg: (got.append(body),
                                                                      msg.ack())]):
            _publish(config, "nameko-rpc", "echo.echo", body, reply_to=reply_queue.routing_key,
                     correlation_id=uuid.uuid4().hex)
            try:
                conn.drain_events(timeout=timeout)
            except TimeoutError:
                return None
        return got[0] if got else None


@pytest.mark.parametrize("body", [NESTED, b"\xff{not json"])
def test_an_undecodable_rpc_request_is_answered_at_once(container_factory, service_config,
                                                        body):
    container = container_factory(Echo, service_config)
    container.start()
    reply = _rpc_raw(service_config, body)
    assert reply is not None, "no answer: the caller would wait for its deadline"
    assert reply["result"] is None
    assert reply["error"]["exc_type"] == "InvalidInput"
    # the service still answers what it can decode
    with ServiceRpcProxy("echo", service_config) as echo:
        assert echo.echo([1, 2]) == [1, 2]


def test_an_undecodable_event_is_parked_with_its_niks_masked(container_factory, service_config):
    container = container_factory(Echo, service_config)
    container.start()
    body = (b'{"nik": "' + NIK.encode() + b'", "deep": ' + b"[" * 5000 + b"]" * 5000 + b"}")
    _publish(service_config, "somewhere.events", "thing_happened", body)
    with ServiceRpcProxy("echo", service_config) as echo:
        parked = wait_for(echo.list_parked_events, timeout=10,
                          message="the undecodable event was dropped, not parked")
        assert parked[0]["handler"] == "handle_thing_happened"
        shown = json.dumps(parked[0])
        assert NIK not in shown and "3174********0003" in shown
        with pytest.raises(Exception) as exc:
            echo.replay_parked_event(parked[0]["id"])
        assert "InvalidInput" in type(exc.value).__name__ or "cannot be replayed" in str(exc.value)
