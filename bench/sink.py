"""A trivial consumer for the benchmarks, run as its own process (``nameko run``).

It counts what it handles and remembers when (wall clock, this machine), so the
benchmark can compute rates and lags from the other side of the broker.
"""
import time

from nameko.events import event_handler
from nameko.rpc import rpc

_seen = {"count": 0, "last": 0.0, "times": {}}


def _record(key=None):
    now = time.time()
    _seen["count"] += 1
    _seen["last"] = now
    if key:
        _seen["times"][key] = now


class Sink:
    name = "bench_sink"

    @event_handler("bench_nameko", "thing_happened")
    def on_nameko(self, payload):
        _record()

    @event_handler("bench_relay", "thing_happened")
    def on_relay(self, payload):
        _record()

    @event_handler("registry", "resident_updated")
    def on_resident_updated(self, payload):
        data = payload["data"]["resident"]
        _record("%s:%s" % (data["nik"], payload["aggregate_version"]))

    @event_handler("registry", "resident_registered")
    def on_resident_registered(self, payload):
        _record()

    @event_handler("registry", "household_registered")
    def on_household_registered(self, payload):
        _record()

    @rpc
    def reset(self):
        _seen.update(count=0, last=0.0, times={})

    @rpc
    def stats(self, with_times=False):
        out = {"count": _seen["count"], "last": _seen["last"]}
        if with_times:
            out["times"] = dict(_seen["times"])
        return out
