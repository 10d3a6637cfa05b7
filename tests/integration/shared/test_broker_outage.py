"""A broker that blinks costs a request, never the service (issue 9, item 1).

nameko kills the whole container when an entrypoint's reply cannot be
published: the worker thread ends with the broker's ECONNREFUSED, and the
container treats any error leaving a thread as fatal. With in-memory stores
that is every record the service held. Here a request is running when the
broker's application stops; its reply cannot go out. The service must stay
up, reconnect when the broker is back and still hold what it had.

The request whose reply was lost stays unacked and is delivered again when
the broker is back; a command must not run a second time then (item 4).

Runs on a private RabbitMQ node (``tests.support.fault_broker``).
"""
import logging
import time
import uuid

import eventlet
import pytest
from nameko.containers import ServiceContainer
from nameko.standalone.rpc import ClusterRpcProxy

from services.shared.mongo import MongoStore
from services.shared.rpc import command, rpc
from services.shared.service import Service
from tests.helpers import wait_for
from tests.support.kit import NoRepository

pytestmark = pytest.mark.integration

HELD = {}
GATE = {"running": False, "release": None}


class Keeper:
    """Holds values in memory, as a service on the in-memory store does."""

    name = "keeper"

    @rpc
    def remember(self, key, value):
        HELD[key] = value
        return value

    @rpc
    def recall(self, key):
        return HELD.get(key)

    @rpc
    def slow(self):
        GATE["running"] = True
        GATE["release"].wait()
        return "done"


def _call(uri, method, *args, timeout=5):
    with ClusterRpcProxy({"AMQP_URI": uri}, timeout=timeout) as cluster:
        return getattr(cluster.keeper, method)(*args)


def test_a_reply_that_cannot_be_sent_leaves_the_service_running_with_its_data(fault_broker):
    HELD.clear()
    GATE.update(running=False, release=eventlet.event.Event())
    container = ServiceContainer(Keeper, {"AMQP_URI": fault_broker.amqp_uri})
    container.start()
    try:
        assert _call(fault_broker.amqp_uri, "remember", "household", "3201-0001") == "3201-0001"

        cluster = ClusterRpcProxy({"AMQP_URI": fault_broker.amqp_uri}, timeout=5)
        pending = cluster.start().keeper.slow.call_async()
        wait_for(lambda: GATE["running"], message="the slow request did not start")

        fault_broker.blink()
        GATE["release"].send(True)  # its reply now meets a broker that refuses connections
        # the reply's publish retries end before the broker is back
        wait_for(lambda: not container._worker_threads, timeout=30, message="the request did not end")
        del pending
        try:
            cluster.stop()
        except Exception:  # noqa: BLE001 - the caller's own connection died with the broker
            pass

        fault_broker.start()
        answer = wait_for(lambda: _try_recall(fault_broker.amqp_uri), timeout=30,
                          message="the service did not answer after the broker came back")
        assert answer == "3201-0001"
        assert not container._died.ready(), "the container was killed by the outage"
    finally:
        container.kill()


def _try_recall(uri):
    try:
        return _call(uri, "recall", "household", timeout=2)
    except Exception:  # noqa: BLE001 - not reconnected yet
        return None


IMPORTS = []


class Importer(Service):
    """An import that runs while the broker blinks, as the registry's did six times."""

    name = "importer"
    store = MongoStore(NoRepository)

    @command
    def import_rows(self, rows):
        IMPORTS.append(rows)
        GATE["running"] = True
        GATE["release"].wait()
        return {"imported": rows}


def test_a_command_whose_reply_was_lost_is_not_run_again_when_redelivered(fault_broker,
                                                                           caplog):
    caplog.set_level(logging.INFO, logger="services.shared.messaging")
    IMPORTS.clear()
    GATE.update(running=False, release=eventlet.event.Event())
    config = {"AMQP_URI": fault_broker.amqp_uri, "MONGO_URI": "",
              "MONGO_DB_PREFIX": "t%s" % uuid.uuid4().hex[:10]}
    container = ServiceContainer(Importer, config)
    container.start()
    try:
        # a deadline far enough that the redelivery is not simply dropped as late
        context = {"request_id": "req-import-1", "deadline": time.time() + 120}
        cluster = ClusterRpcProxy(config, context_data=context, timeout=5)
        pending = cluster.start().importer.import_rows.call_async(500)
        wait_for(lambda: GATE["running"], message="the import did not start")

        fault_broker.blink()
        GATE["release"].send(True)  # its reply is lost; the request stays unacked
        wait_for(lambda: not container._worker_threads, timeout=30,
                 message="the import did not end")
        del pending
        try:
            cluster.stop()
        except Exception:  # noqa: BLE001 - the caller's own connection died with the broker
            pass

        fault_broker.start()  # the broker delivers the unacked request again
        wait_for(lambda: "answered with its stored result" in caplog.text or len(IMPORTS) > 1,
                 timeout=30, message="the request was not redelivered")
        assert IMPORTS == [500]
        assert not container._died.ready()
    finally:
        container.kill()
