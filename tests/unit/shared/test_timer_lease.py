"""The kit's timers on several instances of one database: one runs a sweep at a time.

Two nameko containers (no broker: a timer is their only entrypoint) share one
in-memory database through their timers' leases, as two replicas share a
MongoDB one; before the lease every instance ran every sweep at the same moment.
"""
import time

import mongomock
import pytest
from nameko.containers import ServiceContainer
from nameko.extensions import DependencyProvider

from services.shared import lease as lease_module
from services.shared import service as kit
from services.shared.lease import AlwaysHeld, Lease
from services.shared.service import SettingTimer, every
from tests.helpers import wait_for

RUNS = []
HOLD = {"until": None}


class Label(DependencyProvider):
    def get_dependency(self, worker_ctx):
        return self.container.config["LABEL"]


class Sweeper:
    name = "kittest_sweeper"
    label = Label()

    @every("marketplace_sweep_seconds")
    def sweep(self):
        started = time.monotonic()
        until = HOLD["until"]
        if until is not None:
            wait_for(until, timeout=10)  # a long run: held until the test lets it end
        RUNS.append((self.label, started, time.monotonic()))


class PerInstance:
    name = "kittest_per_instance"

    @every("marketplace_sweep_seconds", each_instance=True)
    def look(self):
        pass


@pytest.fixture
def shared_db(monkeypatch):
    """Every timer's lease in one database, as on a MongoDB server both instances use."""
    RUNS.clear()
    HOLD["until"] = None
    db = mongomock.MongoClient().db
    attempts = {}

    class CountingLease(Lease):
        def tick(self):
            attempts[self.holder] = attempts.get(self.holder, 0) + 1
            return super().tick()

    monkeypatch.setattr(kit, "lease_for", lambda container, name, seconds, renew_every=None:
                        CountingLease(db, name=name, seconds=seconds, renew_every=renew_every,
                                      holder=container.config["LABEL"]))
    return db, attempts


def start(label, interval="0.05"):
    container = ServiceContainer(Sweeper, {"LABEL": label, "MARKETPLACE_SWEEP_SECONDS": interval,
                                           "AMQP_URI": "amqp://guest:guest@127.0.0.1:1/"})
    container.start()
    return container


def overlapping(runs):
    ordered = sorted(runs, key=lambda r: r[1])
    return [(a, b) for a, b in zip(ordered, ordered[1:], strict=False) if b[1] < a[2]]


def test_two_instances_run_each_sweep_on_one_of_them(shared_db):
    first, second = start("first"), start("second")
    try:
        wait_for(lambda: len(RUNS) >= 10, timeout=10)
    finally:
        first.stop()
        second.stop()
    assert {label for label, _, _ in RUNS} in ({"first"}, {"second"})
    assert overlapping(RUNS) == []


def test_when_the_holder_stops_the_other_instance_takes_the_sweep_over(shared_db):
    db, _ = shared_db
    first = start("first")
    wait_for(lambda: len(RUNS) >= 2, timeout=10)
    second = start("second")
    try:
        held = len(RUNS)
        wait_for(lambda: len(RUNS) >= held + 3, timeout=10)
        assert {label for label, _, _ in RUNS} == {"first"}
        first.stop()  # gives its lease up: no waiting for it to expire
        assert db["_leases"].find_one({"_id": "timer:sweep"})["expires_at"] == 0.0
        wait_for(lambda: any(label == "second" for label, _, _ in RUNS), timeout=5)
    finally:
        first.stop()
        second.stop()
    assert overlapping(RUNS) == []


def test_a_run_longer_than_the_lease_keeps_it(shared_db, monkeypatch):
    _, attempts = shared_db
    monkeypatch.setattr(kit, "TIMER_LEASE_MIN_SECONDS", 0.3)  # lease 0.3 s, renewed each 0.1 s
    first = start("first")
    wait_for(lambda: len(RUNS) >= 1, timeout=10)
    # the next run of the holder lasts until the other instance has tried for the
    # lease 20 times (over a second: more than three leases long)
    HOLD["until"] = lambda: attempts.get("second", 0) >= 20
    second = start("second")
    try:
        wait_for(lambda: len(RUNS) >= 2, timeout=10)
    finally:
        HOLD["until"] = None
        first.stop()
        second.stop()
    assert [label for label, _, _ in RUNS[:2]] == ["first", "first"]
    assert RUNS[1][2] - RUNS[1][1] > 0.9
    assert overlapping(RUNS) == []


def test_the_in_process_store_and_each_instance_timers_always_run(monkeypatch):
    """No lease where one process owns the data, or where the work is the instance's own."""
    def timer_of(cls, config):
        container = ServiceContainer(cls, dict(config, AMQP_URI="amqp://unused"))
        timer = next(e for e in container.entrypoints if isinstance(e, SettingTimer))
        timer.setup()
        return timer

    assert isinstance(timer_of(Sweeper, {"LABEL": "x"}).lease, AlwaysHeld)
    assert isinstance(timer_of(PerInstance, {"MONGO_URI": "mongodb://127.0.0.1:9/"}).lease,
                      AlwaysHeld)
    shared = timer_of(Sweeper, {"LABEL": "x", "MONGO_URI": "mongodb://127.0.0.1:9/",
                                "MARKETPLACE_SWEEP_SECONDS": "60"})
    assert isinstance(shared.lease, Lease) and shared.lease.name == "timer:sweep"
    assert shared.lease.seconds == 120.0
    assert lease_module.COLLECTION == shared.lease.coll.name


def test_a_store_that_cannot_be_reached_skips_the_tick(shared_db, monkeypatch):
    tried = []

    def down(self):
        tried.append(self.holder)
        raise OSError("store down")
    monkeypatch.setattr(Lease, "tick", down)
    first = start("first")
    try:
        wait_for(lambda: len(tried) >= 3, timeout=5)
    finally:
        first.stop()
    assert RUNS == []
