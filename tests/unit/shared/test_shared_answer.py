"""Overlapping calls share one computation (services/shared/epoch.py SharedAnswer), as the
registry's projection summary does for its followers' drift checks."""
import eventlet
import eventlet.event
import pytest

from services.shared.epoch import SharedAnswer
from services.registry.service import RegistryService
from tests.support.kit import service_worker


def test_overlapping_calls_compute_once_and_all_get_the_answer():
    shared, gate, runs = SharedAnswer(), eventlet.event.Event(), []

    def compute():
        runs.append(1)
        gate.wait()
        return {"residents": 3}
    calls = [eventlet.spawn(shared.get, "k", compute) for _ in range(4)]
    eventlet.sleep(0)
    gate.send(True)
    assert [c.wait() for c in calls] == [{"residents": 3}] * 4
    assert len(runs) == 1


def test_a_call_after_the_answer_computes_again():
    shared, runs = SharedAnswer(), []
    for _ in range(2):
        shared.get("k", lambda: runs.append(1) or len(runs))
    assert len(runs) == 2


def test_the_error_reaches_every_overlapping_call_and_the_next_call_tries_again():
    shared, gate = SharedAnswer(), eventlet.event.Event()

    def failing():
        gate.wait()
        raise TimeoutError("store slow")
    calls = [eventlet.spawn(shared.get, "k", failing) for _ in range(2)]
    eventlet.sleep(0)
    gate.send(True)
    for call in calls:
        with pytest.raises(TimeoutError):
            call.wait()
    assert shared.get("k", lambda: "fresh") == "fresh"


def test_the_registry_reads_its_store_once_for_overlapping_summaries(monkeypatch):
    import mongomock
    from services.registry.store import RegistryRepository
    repo = RegistryRepository(mongomock.MongoClient()["reg"], lambda *a: None)
    reads, gate = [], eventlet.event.Event()
    real = repo.summary

    def slow_summary():
        reads.append(1)
        gate.wait()
        return real()
    monkeypatch.setattr(repo, "summary", slow_summary)
    service = service_worker(RegistryService, store=repo)
    calls = [eventlet.spawn(service.projection_summary) for _ in range(4)]
    eventlet.sleep(0)
    gate.send(True)
    answers = [c.wait() for c in calls]
    assert len(reads) == 1
    assert all(a == answers[0] and a["residents"] == 0 for a in answers)
