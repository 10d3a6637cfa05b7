"""Event backbone throughput: nameko's confirmed dispatch vs. the outbox relay.

Run: ``.venv/bin/python -m bench.bench_backbone [--events 3000]`` (RabbitMQ at AMQP_URI).

Both paths are measured in the same run, on a fresh vhost each, against the
same trivial consumer running in its own process (``bench/sink.py``, a nameko
``event_handler`` that counts):

* baseline: nameko's ``EventDispatcher``, one event per dispatch, each
  waiting for its publisher confirm (nameko's default), N dispatches in a row;
* relay: N single-document writes, each queuing its event in the document's
  outbox (what every registry change does), published by the relay in
  confirmed batches.

The figure is events handled per second, from the first dispatch/write to the
consumer having handled the last event.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import requests  # noqa: E402
from nameko.events import EventDispatcher  # noqa: E402
from nameko.rpc import rpc  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402
from nameko.standalone.rpc import ServiceRpcProxy  # noqa: E402

from services.shared.envelope import make_envelope  # noqa: E402
from services.shared.mongo import MongoStore  # noqa: E402
from services.shared.outbox import new_document  # noqa: E402

AMQP = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
MGMT = os.environ.get("RABBIT_API_URI", "http://guest:guest@127.0.0.1:15672")

class NamekoProducer:
    name = "bench_nameko"
    dispatch = EventDispatcher()

    @rpc
    def fire(self, n):
        start = time.time()
        for i in range(n):
            self.dispatch("thing_happened", make_envelope("thing_happened", self.name,
                                                          "a%d" % i, 1, {"i": i}))
        return start


class Things:
    def __init__(self, db, notify):
        self.coll, self.notify = db["things"], notify

    def write(self, i):
        env = make_envelope("thing_happened", "bench_relay", "a%d" % i, 1, {"i": i})
        self.coll.insert_one(new_document({"_id": "a%d" % i, "i": i}, [env]))
        self.notify()


class RelayProducer:
    name = "bench_relay"
    store = MongoStore(Things, outbox=["things"])

    @rpc
    def fire(self, n):
        start = time.time()
        for i in range(n):
            self.store.write(i)
            if i % 200 == 0:
                eventlet.sleep(0)  # let the relay's greenthread run while writes continue
        return start


def fresh_vhost():
    vhost = "bench_%s" % uuid.uuid4().hex[:8]
    requests.put("%s/api/vhosts/%s" % (MGMT, vhost), timeout=10).raise_for_status()
    requests.put("%s/api/permissions/%s/guest" % (MGMT, vhost),
                 json={"configure": ".*", "write": ".*", "read": ".*"}, timeout=10).raise_for_status()
    return vhost, AMQP.rstrip("/") + "/" + vhost


def start_sink(uri):
    """The consumer runs in its own process, as a real consumer service would."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.Popen([sys.executable, "-m", "nameko", "run", "--broker", uri,
                             "bench.sink:Sink"], cwd=root, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    return proc


def sink_stats(config, with_times=False):
    with ServiceRpcProxy("bench_sink", config) as sink:
        return sink.stats(with_times)


def wait_sink_ready(config, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the sink process exited")
        try:
            with ServiceRpcProxy("bench_sink", config, timeout=2) as sink:
                return sink.stats()
        except Exception:  # noqa: BLE001 - not up yet
            eventlet.sleep(0.2)
    raise RuntimeError("the sink did not start")


def wait_count(config, n, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stats = sink_stats(config)
        if stats["count"] >= n:
            return stats
        eventlet.sleep(0.05)
    raise RuntimeError("only %d of %d events arrived" % (stats["count"], n))


def measure(producer_cls, n):
    vhost, uri = fresh_vhost()
    config = {"AMQP_URI": uri, "MONGO_DB_PREFIX": "bench" + uuid.uuid4().hex[:6]}
    sink = start_sink(uri)
    runner = ServiceRunner(config)
    runner.add_service(producer_cls)
    try:
        wait_sink_ready(config, sink)
        runner.start()
        with ServiceRpcProxy(producer_cls.name, config) as proxy:
            start = proxy.fire(n)
        stats = wait_count(config, n)
        return n / (stats["last"] - start)
    finally:
        runner.stop()
        sink.terminate()
        sink.wait(30)
        requests.delete("%s/api/vhosts/%s" % (MGMT, vhost), timeout=10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
    baseline = measure(NamekoProducer, args.events)
    relay = measure(RelayProducer, args.events)
    result = {"events": args.events, "nameko_dispatch_events_per_s": round(baseline),
              "outbox_relay_events_per_s": round(relay), "speedup": round(relay / baseline, 2)}
    if args.json:
        print(json.dumps(result))
    else:
        print("events per run:                        %d" % args.events)
        print("baseline nameko EventDispatcher:       %6.0f events/s handled" % baseline)
        print("outbox relay (batched confirms):       %6.0f events/s handled  (x%.2f)" % (
            relay, relay / baseline))
    return result


if __name__ == "__main__":
    main()
