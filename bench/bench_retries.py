"""A registration's latency while 50 events keep failing in the same service (issue 9, item 7).

Run: ``.venv/bin/python -m bench.bench_retries [--failing 50] [--seconds 7]`` (RabbitMQ at AMQP_URI).

One service in this process (the in-memory store, ``max_workers`` 10 as
deployed) with a ``register`` command and an event handler that always fails.
Each case gets a fresh vhost: ``--failing`` events are published, then one
registration is sent at once and another every 50 ms for ``--seconds``
(covering the retries after 1 s and 5 s of the default schedule). Cases, in
one run:

* baseline: no failing events;
* now: the kit's ``@consumes`` (the retry waits in the broker, default
  ``EVENT_RETRY_DELAYS``);
* before, emulated: nameko's handler with ``requeue_on_error`` sleeping in its
  worker ``min(0.05 * 2 ** attempt, 2)`` s before each requeue, parked at the
  5th attempt, as ``services.shared.inbox`` did until this change.

The figures are the first registration's latency, the median and the worst,
and how many failed attempts the handler made within the window.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import collections  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import requests  # noqa: E402
from nameko.containers import ServiceContainer  # noqa: E402
from nameko.events import event_handler  # noqa: E402
from nameko.standalone.events import event_dispatcher  # noqa: E402
from nameko.standalone.rpc import ServiceRpcProxy  # noqa: E402

from bench.bench_backbone import MGMT, fresh_vhost  # noqa: E402
from services.shared.envelope import make_envelope  # noqa: E402
from services.shared.inbox import consumes  # noqa: E402
from services.shared.mongo import MongoStore  # noqa: E402
from services.shared.rpc import call, command  # noqa: E402
from services.shared.service import Service  # noqa: E402


class People:
    def __init__(self, db, notify):
        self.people = db["people"]

    def register(self, body):
        self.people.insert_one({"_id": body["id"], "name": body["name"]})
        return {"id": body["id"]}


class Now(Service):
    name = "bench_retries"
    store = MongoStore(People)

    @command
    def register(self, body, actor=None):
        return self.store.register(body)

    @consumes("bench_source", "thing_failed")
    def handle_thing_failed(self, event):
        ATTEMPTS[event["event_id"]] += 1
        raise RuntimeError("the store is away")


ATTEMPTS = collections.Counter()  # event id -> attempts of the failing handler


class Before(Service):
    name = "bench_retries"
    store = MongoStore(People)

    @command
    def register(self, body, actor=None):
        return self.store.register(body)

    @event_handler("bench_source", "thing_failed", requeue_on_error=True)
    def handle_thing_failed(self, payload):
        ATTEMPTS[payload["event_id"]] += 1
        attempts = ATTEMPTS[payload["event_id"]]
        if attempts >= 5:
            return  # parked
        eventlet.sleep(min(0.05 * 2 ** attempts, 2.0))
        raise RuntimeError("the store is away")


def measure(service_cls, failing, seconds):
    """Latencies (s) of registrations sent from the moment ``failing`` events are out."""
    ATTEMPTS.clear()
    vhost, uri = fresh_vhost()
    config = {"AMQP_URI": uri, "MONGO_DB_PREFIX": "bench%s" % uuid.uuid4().hex[:6],
              "MONGO_URI": "", "max_workers": 10}
    container = ServiceContainer(service_cls, config)
    container.start()
    took = []
    try:
        with ServiceRpcProxy("bench_retries", config) as proxy:
            for n in range(20):  # warm the connections
                call(proxy.register, {"id": "warm%d" % n, "name": "x"}, {"name": "bench"},
                     deadline=30, request_id="warm-%d" % n)
            dispatch = event_dispatcher(config)
            for n in range(failing):
                dispatch("bench_source", "thing_failed", make_envelope(
                    "thing_failed", "bench_source", "f%d" % n, 1, {"n": n}))
            end = time.monotonic() + seconds
            n = 0
            while time.monotonic() < end:
                t = time.perf_counter()
                call(proxy.register, {"id": "p%d" % n, "name": "Siti"}, {"name": "bench"},
                     deadline=30, request_id="req-%s" % uuid.uuid4().hex)
                took.append(time.perf_counter() - t)
                n += 1
                eventlet.sleep(0.05)
    finally:
        container.stop()
        requests.delete("%s/api/vhosts/%s" % (MGMT, vhost), timeout=10)
    return took


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failing", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=7.0)
    args = parser.parse_args()
    cases = [("baseline: no failing events", Now, 0),
             ("now: %d failing events, retries wait in the broker" % args.failing, Now,
              args.failing),
             ("before (emulated): %d failing events, retries sleep in a worker" % args.failing,
              Before, args.failing)]
    print("| case | registrations | first ms | median ms | worst ms | failed attempts |\n"
          "|---|---|---|---|---|---|")
    for label, service_cls, failing in cases:
        took = measure(service_cls, failing, args.seconds)
        print("| %s | %d | %.1f | %.1f | %.1f | %d |" % (
            label, len(took), took[0] * 1000, statistics.median(took) * 1000, max(took) * 1000,
            sum(ATTEMPTS.values())))


if __name__ == "__main__":
    main()
