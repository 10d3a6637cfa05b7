"""Background rebuilds (services/shared/rerun.py): retried until they succeed, and a
request that arrives during one runs one more after it."""
import eventlet
import eventlet.event

from services.shared.rerun import BackgroundRebuild


class Container:
    def spawn_managed_thread(self, fn):
        return eventlet.spawn(fn)


class Scripted(BackgroundRebuild):
    """Fails ``failures`` times, then succeeds; each run can be held at a gate."""

    def __init__(self, failures=0):
        super().__init__(retry=0.001, max_retry=0.002)
        self.container = Container()
        self.failures, self.runs, self.gate = failures, 0, None

    def rebuild_now(self):
        self.runs += 1
        if self.gate is not None:
            self.gate.wait()
        if self.runs <= self.failures:
            raise RuntimeError("owner not up")
        self.state = "current"
        return {"run": self.runs}


def settle(provider, deadline=5.0):
    with eventlet.Timeout(deadline):
        while provider.running():
            eventlet.sleep(0.001)


def test_a_failing_rebuild_is_retried_until_it_succeeds():
    provider = Scripted(failures=3)
    provider.request_rebuild()
    assert provider.state == "rebuilding"
    settle(provider)
    assert provider.runs == 4
    assert provider.state == "current"


def test_requests_during_a_rebuild_run_one_more_not_one_each():
    provider = Scripted()
    provider.gate = eventlet.event.Event()
    provider.request_rebuild()
    eventlet.sleep(0)          # the first run is now held at the gate
    provider.request_rebuild()
    provider.request_rebuild()
    provider.gate.send(True)
    settle(provider)
    assert provider.runs == 2


def test_stop_ends_a_rebuild_that_keeps_failing():
    provider = Scripted(failures=10 ** 9)
    provider.request_rebuild()
    with eventlet.Timeout(5):
        while provider.runs < 2:
            eventlet.sleep(0.001)
    provider.stop()
    assert not provider.running()
    runs = provider.runs
    eventlet.sleep(0.01)
    assert provider.runs == runs
