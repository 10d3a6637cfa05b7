"""run-local's supervisor (deploy/supervisor.py): a service that died is restarted with
backoff and given up on after repeated crashes, on an injected clock; the child
processes are stand-ins, each one waited for with a timeout and stopped in a finally."""
import sys

import pytest

from deploy import broker
from deploy.processes import Platform
from deploy.supervisor import Restarts, Supervisor

CHILD = ("import sys, time\n"
         "sys.exit(3) if sys.argv[-1] == 'crasher' else time.sleep(30)\n")


def test_the_backoff_doubles_with_each_crash_and_the_fifth_in_a_minute_gives_up():
    plan = Restarts()
    delays, now = [], 0.0
    for _ in range(4):
        delays.append(plan.crashed(now))
        now += delays[-1] + 0.1  # it dies right after each restart
    assert delays == [1, 2, 4, 8]
    assert plan.crashed(now) is None and plan.given_up


def test_crashes_more_than_a_minute_apart_restart_forever_and_the_backoff_is_capped():
    plan = Restarts()
    assert [plan.crashed(at * 61.0) for at in range(10)] == [1] * 10
    assert not plan.given_up
    capped = Restarts(limit=100)
    assert [capped.crashed(at) for at in range(7)][-2:] == [30, 30]


def test_a_restart_is_due_only_after_its_backoff():
    plan = Restarts()
    plan.crashed(10.0)
    assert not plan.due(10.5) and plan.due(11.0)
    plan.restarted()
    assert not plan.due(100.0)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def _exited(platform, name):
    proc = dict(platform.procs)[name]
    return proc.wait(timeout=10)


def test_a_service_that_dies_is_restarted_with_backoff_then_given_up_while_the_rest_run(
        tmp_path):
    said, clock = [], Clock()
    platform = Platform([("crasher", "crasher"), ("steady", "steady")], env=None,
                        log_dir=str(tmp_path), nameko=[sys.executable, "-c", CHILD],
                        config="none.yaml", cwd=str(tmp_path), say=said.append)
    supervisor = Supervisor(platform, said.append, clock=clock)
    try:
        platform.start()
        first_pid = dict(platform.procs)["crasher"].pid
        for crash, delay in enumerate([1, 2, 4, 8], start=1):
            assert _exited(platform, "crasher") == 3
            pid = dict(platform.procs)["crasher"].pid
            assert supervisor.check() == []
            assert "crasher exited with status 3; restarting it in %g s (crash %d of 5" % (
                delay, crash) in said[-1]
            clock.now += delay - 0.5
            supervisor.check()
            assert dict(platform.procs)["crasher"].pid == pid  # not before its backoff
            clock.now += 0.5
            supervisor.check()
            assert dict(platform.procs)["crasher"].pid != pid
            assert said[-1].startswith("restarted crasher")
        assert _exited(platform, "crasher") == 3
        assert supervisor.check() == ["crasher"]
        assert "giving up on it (the other services keep running)" in said[-1]
        clock.now += 60
        supervisor.check()
        assert dict(platform.procs)["crasher"].poll() == 3  # never started again
        assert dict(platform.procs)["steady"].poll() is None
        assert not supervisor.all_given_up()
        assert first_pid != dict(platform.procs)["crasher"].pid
    finally:
        platform.stop()
    assert all(proc.poll() is not None for _, proc in platform.procs)


class FakeTime:
    """``broker.time`` on a clock that moves only when slept on (``sleep=fake.sleep``)."""

    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_a_broker_still_starting_elsewhere_is_waited_for(monkeypatch):
    answers = iter([False] * 5 + [True])
    monkeypatch.setattr(broker, "amqp_answers", lambda uri, timeout=2.0: next(answers))
    fake = FakeTime()
    monkeypatch.setattr(broker, "time", fake)
    said = []
    assert broker.ensure("amqp://guest:guest@rabbit:5672/", wait=60, say=said.append,
                         sleep=fake.sleep) is False
    assert "waiting up to 60 s" in said[0] and said[-1].startswith("RabbitMQ answers")


def test_a_broker_that_never_answers_is_given_up_on_after_the_wait_with_advice(monkeypatch):
    monkeypatch.setattr(broker, "amqp_answers", lambda uri, timeout=2.0: False)
    fake = FakeTime()
    monkeypatch.setattr(broker, "time", fake)
    with pytest.raises(broker.BrokerUnavailable, match="No RabbitMQ answers at .* within 20 s"):
        broker.ensure("amqp://guest:guest@rabbit:5672/", wait=20, say=lambda text: None,
                      sleep=fake.sleep)
    assert 20 <= fake.now <= 21


def test_run_local_waits_for_the_broker_with_its_timeout(monkeypatch):
    seen = {}

    def ensure(uri, **options):
        seen.update(options)
        raise broker.BrokerUnavailable("No RabbitMQ answers at rabbit.")

    from deploy import run_local
    monkeypatch.setattr(run_local.broker, "ensure", ensure)
    monkeypatch.setenv("RUN_LOCAL_SKIP_SETUP", "1")
    monkeypatch.setenv("RUN_LOCAL_BROKER_TIMEOUT", "45")
    monkeypatch.setenv("GATEWAY_PORT", "1")
    said = []
    monkeypatch.setattr(run_local, "say", said.append)
    monkeypatch.setattr(run_local, "port_free", lambda port: True)
    monkeypatch.setattr(run_local.signal, "signal", lambda sig, handler: None)
    assert run_local.main(["registry"]) == 1
    assert seen["wait"] == 45 and seen["timeout"] == 45
    assert "waited 45 s; RUN_LOCAL_BROKER_TIMEOUT" in said[-1]

