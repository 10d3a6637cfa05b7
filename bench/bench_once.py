"""What at-most-once costs a command: the same trivial method as ``@rpc`` and ``@command``.

Run: ``.venv/bin/python -m bench.bench_once [--calls 2000]`` (RabbitMQ at AMQP_URI).

One service in this process on the in-memory store, called N times one after
the other through ``services.shared.rpc.call`` with a fresh request id each
(what the gateway sends): as a plain ``rpc`` (the baseline: the deadline is
checked, nothing is stored), as a ``command`` (a claim inserted in ``_once``
and the result stored before the reply), and the command again with the same
request ids (answered from the stored result). The three take turns in blocks
of ``--block`` calls. The figure is calls per second and the median latency.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

from nameko.containers import ServiceContainer  # noqa: E402
from nameko.standalone.rpc import ServiceRpcProxy  # noqa: E402

from services.shared.mongo import MongoStore  # noqa: E402
from services.shared.rpc import call, command, rpc  # noqa: E402
from services.shared.service import Service  # noqa: E402

AMQP = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")


class Nothing:
    def __init__(self, db, notify):
        self.db = db


class Bench(Service):
    name = "bench_once"
    store = MongoStore(Nothing)

    @rpc
    def plain(self, body, actor=None):
        return {"id": body["n"], "ok": True}

    @command
    def once(self, body, actor=None):
        return {"id": body["n"], "ok": True}


def _timed(proxy, method, n, request_id):
    t = time.perf_counter()
    call(getattr(proxy, method), {"n": n}, {"name": "bench"}, deadline=10, request_id=request_id)
    return time.perf_counter() - t


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--block", type=int, default=50)
    args = parser.parse_args()
    config = {"AMQP_URI": AMQP, "MONGO_DB_PREFIX": "bench%s" % uuid.uuid4().hex[:6],
              "MONGO_URI": ""}
    container = ServiceContainer(Bench, config)
    container.start()
    took = {"baseline: @rpc": [], "@command, first delivery": [],
            "@command, repeated request id": []}
    try:
        with ServiceRpcProxy("bench_once", config) as proxy:
            for n in range(100):
                _timed(proxy, "plain", n, "warm-%d" % n)
            # the paths take turns in blocks, so a neighbour's load on the shared
            # cores falls on all three alike
            for start in range(0, args.calls, args.block):
                ids = ["req-%s" % uuid.uuid4().hex for _ in range(args.block)]
                for n, request_id in enumerate(ids, start):
                    took["baseline: @rpc"].append(_timed(proxy, "plain", n, request_id))
                for n, request_id in enumerate(ids, start):
                    took["@command, first delivery"].append(_timed(proxy, "once", n, request_id))
                for n, request_id in enumerate(ids, start):
                    took["@command, repeated request id"].append(
                        _timed(proxy, "once", n, request_id))
    finally:
        container.stop()
    base = len(took["baseline: @rpc"]) / sum(took["baseline: @rpc"])
    print("| path | calls/s | median ms | vs baseline |\n|---|---|---|---|")
    for label, times in took.items():
        rate = len(times) / sum(times)
        print("| %s | %.0f | %.2f | x%.2f |" % (label, rate, statistics.median(times) * 1000,
                                               rate / base))


if __name__ == "__main__":
    main()
