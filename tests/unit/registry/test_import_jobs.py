"""Import jobs (issue 10): one at a time, restarts, progress, counts equal to one import."""
import base64
import datetime
import os
import socket
import subprocess
import sys

import mongomock
import pytest

from services.shared.errors import Conflict, InvalidInput, NotFound
from services.registry import importer, job_runner, jobs
from services.registry.job_runner import STOPPED, Runner, run_job
from services.registry.job_store import ImportJobRepository
from services.registry.service import RegistryService
from services.registry.store import RegistryRepository
from tests.support.kit import service_worker

from tests.unit.registry import factories
from tests.unit.registry.conftest import ACTOR

NOW = datetime.datetime(2026, 12, 2, 8, 0, tzinfo=datetime.timezone.utc)


class Spawned:
    """The runner's thread, run when the test says so."""

    def __init__(self):
        self.calls = []

    def __call__(self, fn, identifier=None):
        self.calls.append(fn)


@pytest.fixture
def spawned():
    return Spawned()


@pytest.fixture
def service(repo, spawned):
    return service_worker(RegistryService, store=repo, import_runner=Runner("host-a", spawned))


def b64(data):
    return base64.b64encode(data).decode("ascii")


def families(count):
    return [factories.household() for _ in range(count)]


def start(service, content, filename="warga.csv"):
    job = service.start_import_job(filename, len(content), ACTOR)
    size = jobs.PART_BYTES
    for index in range(job["parts_expected"]):
        job = service.add_import_part(job["id"], index, b64(content[index * size:(index + 1) * size]))
    return job


def new_doc(host="host-a", now=NOW, filename="warga.csv"):
    return jobs.new_job(jobs.new_id(), filename, 10, 1, {"name": "Petugas"}, host, now)


# --- the rules ------------------------------------------------------------------


def test_chunks_keep_every_family_whole_in_the_order_it_first_appears():
    rows = [(2, {"kk_number": "A"}), (3, {"kk_number": "B"}), (4, {"kk_number": "A"}),
            (5, {}), (6, {"kk_number": "C"}), (7, {"kk_number": "B"})]
    out = jobs.chunks(rows, families_per_chunk=2)
    assert [[r for r, _ in chunk] for chunk in out] == [[2, 3, 4, 7], [5, 6]]


def test_percent_counts_rows_and_is_100_only_when_done():
    job = new_doc()
    assert jobs.percent(job) == 0
    job.update(state=jobs.RUNNING, rows_total=200, rows_processed=50)
    assert jobs.percent(job) == 25
    job["rows_processed"] = 200
    assert jobs.percent(job) == 99
    job["state"] = jobs.DONE
    assert jobs.percent(job) == 100


def test_errors_kept_are_the_first_by_row():
    kept = jobs.merge_errors([{"row": 9, "field": "nik", "rule": "x"}],
                             [{"row": 3, "field": "sex", "rule": "y"},
                              {"row": 5, "field": "nik", "rule": "z"}], limit=2)
    assert [e["row"] for e in kept] == [3, 5]


def test_a_job_is_stale_after_its_runner_stops_beating():
    job = dict(new_doc(), state=jobs.RUNNING)
    assert not jobs.is_stale(job, NOW + datetime.timedelta(seconds=jobs.STALE_SECONDS - 1))
    assert jobs.is_stale(job, NOW + datetime.timedelta(seconds=jobs.STALE_SECONDS + 1))
    queued = new_doc()
    assert jobs.is_stale(queued, NOW + datetime.timedelta(seconds=jobs.QUEUED_STALE_SECONDS + 1))
    assert not jobs.is_stale(dict(job, state=jobs.DONE), NOW + datetime.timedelta(days=1))


# --- one at a time ----------------------------------------------------------------


def test_a_second_job_is_refused_naming_the_open_one_until_it_ends(db):
    first = ImportJobRepository(db).create(new_doc(filename="rw01.csv"))
    other_process = ImportJobRepository(db)  # another replica, same database
    with pytest.raises(Conflict) as exc:
        other_process.create(new_doc(filename="rw02.csv"))
    assert first["_id"] in exc.value.detail and "rw01.csv" in exc.value.detail
    assert first["_id"] in exc.value.errors["job"][0]
    ImportJobRepository(db).finish(first["_id"], jobs.DONE, {})
    second = other_process.create(new_doc(filename="rw02.csv"))
    assert db["import_slot"].find_one()["job_id"] == second["_id"]


def test_a_slot_left_by_an_ended_job_is_taken_over(db):
    ended = ImportJobRepository(db).create(new_doc())
    db["import_jobs"].update_one({"_id": ended["_id"]}, {"$set": {"state": jobs.FAILED}})
    assert ImportJobRepository(db).create(new_doc())["state"] == jobs.QUEUED


def test_a_slot_freed_between_the_refused_insert_and_its_read_is_taken(db, monkeypatch):
    # the open job ends just after our insert is refused: we must start, not answer
    # "another import is starting" (seen with two instances on one database)
    first = ImportJobRepository(db).create(new_doc())
    repo = ImportJobRepository(db)
    find_one = repo.slot.find_one

    def ended_meanwhile(*args, **kwargs):
        ImportJobRepository(db).finish(first["_id"], jobs.DONE, {})
        monkeypatch.setattr(repo.slot, "find_one", find_one)
        return find_one(*args, **kwargs)
    monkeypatch.setattr(repo.slot, "find_one", ended_meanwhile)
    second = repo.create(new_doc())
    assert db["import_slot"].find_one()["job_id"] == second["_id"]


def test_the_rpc_answers_409_while_a_job_is_running(service):
    content = factories.csv_text(families(1)).encode()
    first = start(service, content)
    assert first["state"] == jobs.RUNNING
    with pytest.raises(Conflict) as exc:
        service.start_import_job("again.csv", len(content), ACTOR)
    assert first["id"] in exc.value.detail


# --- restarts and abandoned jobs --------------------------------------------------


def test_a_restart_fails_the_jobs_its_host_left_open_with_a_reason(db):
    store = ImportJobRepository(db)
    mine = store.create(dict(new_doc(host="host-a"), state=jobs.RUNNING))
    assert store.fail_open(jobs.RESTARTED, host="host-a", now=NOW) == [mine["_id"]]
    after = store.get(mine["_id"])
    assert after["state"] == jobs.FAILED and after["finished_at"] is not None
    assert "restarted while this import was running" in after["failure"]["detail"]
    assert db["import_slot"].count_documents({}) == 0


def test_another_hosts_job_is_failed_only_once_its_heartbeat_is_stale(db):
    store = ImportJobRepository(db)
    theirs = store.create(dict(new_doc(host="host-b"), state=jobs.RUNNING))
    assert store.fail_open(jobs.RESTARTED, host="host-a", now=NOW) == []
    assert store.get(theirs["_id"])["state"] == jobs.RUNNING
    later = NOW + datetime.timedelta(seconds=jobs.STALE_SECONDS + 1)
    assert store.fail_open(jobs.RESTARTED, host="host-a", now=later) == [theirs["_id"]]
    assert "No progress for %d s" % jobs.STALE_SECONDS in store.get(theirs["_id"])["failure"][
        "detail"]


def test_the_instance_that_created_a_job_stopping_leaves_the_other_ones_run_alone(repo):
    """Two registry instances: the job is created on one, its last part reaches the
    other, which runs it; the first one stopping (or restarting) must not fail it."""
    threads = {"host-a": Spawned(), "host-b": Spawned()}
    first, second = (service_worker(RegistryService, store=repo,
                                    import_runner=Runner(host, threads[host]))
                     for host in ("host-a", "host-b"))
    content = factories.csv_text(families(2)).encode()
    job = first.start_import_job("warga.csv", len(content), ACTOR)
    assert repo.import_jobs.fail_open(STOPPED, host="host-a") == []  # its upload goes on
    assert second.add_import_part(job["id"], 0, b64(content))["state"] == jobs.RUNNING
    assert (len(threads["host-a"].calls), len(threads["host-b"].calls)) == (0, 1)
    assert repo.import_jobs.fail_open(STOPPED, host="host-a") == []  # the first one stops
    threads["host-b"].calls[0]()
    after = first.get_import_job(job["id"])
    assert (after["state"], after["created_households"]) == (jobs.DONE, 2)
    assert repo.import_jobs.fail_open(STOPPED, host="host-b") == []


def test_a_runner_is_gone_when_its_process_ended_or_it_stopped_in_this_one():
    """What a registry that starts judges of the running jobs it finds (a restart fails
    its previous process's at once; another instance's on this machine runs on)."""
    mine = job_runner.runner_id()
    host, pid, _ = mine.rsplit(":", 2)
    assert (host, int(pid)) == (socket.gethostname(), os.getpid())
    job_runner._LIVE.add(mine)
    try:
        assert not job_runner.runner_gone(mine)  # another instance in this process
    finally:
        job_runner._LIVE.discard(mine)
    assert job_runner.runner_gone(mine)  # stopped
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    assert job_runner.runner_gone("%s:%d:abcd1234" % (host, ended.pid))
    assert not job_runner.runner_gone("%s:%d:abcd1234" % (host, os.getppid()))  # still runs
    assert not job_runner.runner_gone("elsewhere:%d:abcd1234" % ended.pid)  # its heartbeat tells
    assert job_runner.runner_gone(host) and not job_runner.runner_gone("elsewhere")  # older jobs


def test_a_starting_instance_fails_only_the_jobs_of_runners_that_are_gone(db):
    store = ImportJobRepository(db)
    alive = job_runner.runner_id()
    job_runner._LIVE.add(alive)
    try:
        theirs = store.create(dict(new_doc(host=alive), state=jobs.RUNNING))
        assert store.fail_open(jobs.RESTARTED, now=NOW, gone=job_runner.runner_gone) == []
        job_runner._LIVE.discard(alive)
        assert store.fail_open(jobs.RESTARTED, now=NOW, gone=job_runner.runner_gone) == [theirs["_id"]]
    finally:
        job_runner._LIVE.discard(alive)
    assert "restarted" in store.get(theirs["_id"])["failure"]["detail"]


def test_a_runner_whose_job_was_failed_stops_at_its_next_chunk(repo, service, spawned):
    content = factories.csv_text(families(4)).encode()
    job = start(service, content)
    progress = repo.import_jobs.progress

    def fail_after_first_chunk(job_id, changes):
        written = progress(job_id, changes)
        if changes.get("chunks_done") == 1:
            repo.import_jobs.fail_open(jobs.RESTARTED, host="host-a")
        return written
    repo.import_jobs.progress = fail_after_first_chunk
    run_job(repo, job["id"], "3174091005", families_per_chunk=1)
    after = service.get_import_job(job["id"])
    assert (after["state"], after["chunks_done"], after["created_households"]) == (
        jobs.FAILED, 1, 1)
    # the second chunk was committed before its progress was refused; no third one ran
    assert repo.households.count_documents({}) == 2


# --- running: progress, counts, errors --------------------------------------------


def test_progress_is_written_after_every_chunk_and_counts_equal_one_import(repo, service,
                                                                         spawned):
    text = factories.csv_text(families(5))
    job = start(service, text.encode())
    assert job["state"] == jobs.RUNNING and len(spawned.calls) == 1
    seen = []
    progress = repo.import_jobs.progress

    def spy(job_id, changes):
        seen.append(dict(changes))
        return progress(job_id, changes)
    repo.import_jobs.progress = spy
    run_job(repo, job["id"], "3174091005", families_per_chunk=2)
    done = service.get_import_job(job["id"])
    assert [s["rows_processed"] for s in seen if "rows_processed" in s] == [6, 12, 15]
    assert [s["chunks_done"] for s in seen if "chunks_done" in s] == [1, 2, 3]
    assert (done["state"], done["percent"], done["rows_total"], done["chunks_total"]) == (
        jobs.DONE, 100, 15, 3)
    once = sync_import(text)
    assert {k: done[k] for k in jobs.COUNTS} == {k: once[k] for k in jobs.COUNTS}
    assert done["errors"] == once["errors"] == []


def sync_import(text):
    db = mongomock.MongoClient(tz_aware=True)["registry_sync"]
    RegistryRepository.ensure_indexes(db)
    worker = service_worker(RegistryService, store=RegistryRepository(db, lambda *a: None,
                                                                      pause=lambda: None))
    return worker.import_registry("warga.csv", b64(text.encode()), ACTOR)


def test_errors_are_capped_and_counted_and_a_second_run_adds_nothing(repo, service, spawned,
                                                                    monkeypatch):
    monkeypatch.setattr(jobs, "ERRORS_KEPT", 2)
    good = families(2)
    bad = [dict(factories.household(), kk_number="123") for _ in range(3)]
    text = factories.csv_text(good + bad)
    job = start(service, text.encode())
    spawned.calls[-1]()
    done = service.get_import_job(job["id"])
    assert done["state"] == jobs.DONE and done["created_households"] == 2
    once = sync_import(text)
    assert done["errors_total"] == len(once["errors"]) > 2
    assert done["errors"] == once["errors"][:2]
    again = start(service, text.encode())
    spawned.calls[-1]()
    again = service.get_import_job(again["id"])
    assert (again["created_residents"], again["already_present"]) == (0, 6)


def test_a_file_that_cannot_be_read_fails_the_job_with_the_files_problem(service, spawned):
    job = start(service, b"name,age\nAni,3\n")
    spawned.calls[-1]()
    failed = service.get_import_job(job["id"])
    assert failed["state"] == jobs.FAILED
    assert "header" in failed["failure"]["detail"]
    assert "missing columns" in failed["failure"]["errors"]["file"][0]


def test_the_file_arrives_in_parts_and_runs_once(service, spawned, monkeypatch):
    monkeypatch.setattr(jobs, "PART_BYTES", 100)
    content = factories.csv_text(families(2)).encode()
    job = service.start_import_job("warga.csv", len(content), ACTOR)
    assert job["parts_expected"] == -(-len(content) // 100) > 2
    pieces = [content[i:i + 100] for i in range(0, len(content), 100)]
    for index, piece in reversed(list(enumerate(pieces))):  # any order
        job = service.add_import_part(job["id"], index, b64(piece))
    assert job["state"] == jobs.RUNNING and len(spawned.calls) == 1
    with pytest.raises(Conflict):
        service.add_import_part(job["id"], 0, b64(pieces[0]))
    spawned.calls[-1]()
    assert service.get_import_job(job["id"])["created_households"] == 2


def test_bad_sizes_parts_and_ids_are_refused(service):
    with pytest.raises(InvalidInput) as exc:
        service.start_import_job("x.csv", 0, ACTOR)
    assert "file" in exc.value.errors
    with pytest.raises(InvalidInput):
        service.start_import_job("x.csv", importer.JOB_LIMITS.max_bytes + 1, ACTOR)
    job = service.start_import_job("x.csv", 10, ACTOR)
    with pytest.raises(InvalidInput) as exc:
        service.add_import_part(job["id"], 1, b64(b"0123456789"))
    assert "index" in exc.value.errors
    with pytest.raises(InvalidInput):
        service.add_import_part(job["id"], 0, "not base64!")
    with pytest.raises(NotFound):
        service.get_import_job("imp_nope")


def test_recent_jobs_come_newest_first_without_their_errors(service, spawned):
    first = start(service, factories.csv_text(families(1)).encode(), "a.csv")
    spawned.calls[-1]()
    second = start(service, factories.csv_text(families(1)).encode(), "b.csv")
    spawned.calls[-1]()
    page = service.list_import_jobs(per_page=10)
    assert [j["id"] for j in page["items"]][:2] == [second["id"], first["id"]]
    assert "errors" not in page["items"][0] and page["total"] == 2
