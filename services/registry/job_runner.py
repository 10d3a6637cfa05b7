"""Running an import job in the registry's own greenthread (``jobs`` has the rules).

``ImportJobRunner`` is a dependency of the registry service: ``spawn(job_id,
store, village_code)`` runs the job in a thread the service container owns
(killed when the service stops). A job records the id of the instance that
runs it (host name, process id and a token); the instance fails its running
jobs when it stops, and at start those of instances of the same machine whose
process has ended (a restart), so a restarted registry never shows a job
``running`` forever and a second instance on the same machine never fails the
first one's. Jobs are failed, not resumed: a resumed job would count the families
its first run committed as ``already_present``, so its counts would not be the
file's (importing the file again is safe and finishes it; docs/registry-data.md).
"""
import logging
import os
import socket
import time
import uuid

from nameko.extensions import DependencyProvider

from services.shared.errors import BansosError

from services.registry import importer, jobs
from services.registry.imports import ImportRun
from services.registry.job_store import ImportJobRepository

log = logging.getLogger(__name__)

#: seconds between heartbeats while the file is read (progress beats after each chunk)
BEAT_SECONDS = 10
STOPPED = ("The registry stopped while this import was %s; rows already committed stay "
           "(importing the file again adds only what is missing).")
UNEXPECTED = ("The import stopped on an unexpected error (logged for the operator); rows "
              "already committed stay (importing the file again adds only what is missing).")


#: the runner ids of the registry instances running in this process (tests run several)
_LIVE = set()


def runner_id():
    """A new instance's id, recorded on the jobs it runs: ``<host name>:<pid>:<token>``."""
    return "%s:%d:%s" % (socket.gethostname(), os.getpid(), uuid.uuid4().hex[:8])


def runner_gone(runner):
    """True when ``runner`` (a job's ``host``) is an instance of this machine that no
    longer runs: its process has ended, or it was this process's and has stopped.
    Another machine's is never judged gone here (its job's heartbeat tells).

    An id that is only a host name (a job recorded before ids had a pid) is gone
    when it names this machine, as before."""
    try:
        host, pid, _token = runner.rsplit(":", 2)
        pid = int(pid)
    except (AttributeError, ValueError):
        return runner == socket.gethostname()
    if host != socket.gethostname():
        return False
    if pid == os.getpid():
        return runner not in _LIVE
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:  # exists, another user's
        return False
    return False


class ImportJobRunner(DependencyProvider):
    """Gives each worker a ``Runner``; fails the jobs this instance leaves running when
    it stops, and at start those of instances of this machine that have ended."""

    def __init__(self, host=None):
        self.host = host

    def setup(self):
        from services.shared.mongo import database_for
        self.host = self.host or runner_id()
        self.repository = ImportJobRepository(database_for(self.container))

    def start(self):
        _LIVE.add(self.host)
        # a restarted registry: its previous process's jobs will never move again;
        # another instance's on this machine still runs them
        self.repository.fail_open(jobs.RESTARTED, gone=runner_gone)

    def stop(self):
        _LIVE.discard(self.host)
        # the runner's next progress write finds its job failed and stops there
        self.repository.fail_open(STOPPED, host=self.host)

    def get_dependency(self, worker_ctx):
        return Runner(self.host, self.container.spawn_managed_thread)


class Runner:
    """What a worker sees: the host name jobs record, and ``spawn``."""

    def __init__(self, host, spawn_thread):
        self.host, self.spawn_thread = host, spawn_thread

    def spawn(self, job_id, store, village_code):
        """Run job ``job_id`` (now ``running``) in a thread of its own; returns at once."""
        self.spawn_thread(lambda: run_job(store, job_id, village_code),
                          identifier="import-job-%s" % job_id)


def run_job(store, job_id, village_code, families_per_chunk=jobs.FAMILIES_PER_CHUNK):
    """Read the job's file, import it chunk by chunk, write progress after each chunk.

    Ends the job ``done`` with counts and errors, or ``failed`` with ``failure``
    (the file cannot be read: InvalidInput's words; anything else: ``UNEXPECTED``,
    logged). Never raises: the thread has nobody to raise to.
    """
    repo = store.import_jobs
    try:
        _run(store, repo, job_id, village_code, families_per_chunk)
    except BansosError as exc:
        repo.finish(job_id, jobs.FAILED, {"failure": jobs.failure(exc.detail, exc.errors)})
    except Exception:  # noqa: BLE001 - the job tells the caller; the log tells the operator
        log.exception("import job %s failed", job_id)
        repo.finish(job_id, jobs.FAILED, {"failure": jobs.failure(UNEXPECTED)})


def _run(store, repo, job_id, village_code, families_per_chunk):
    job = repo.get(job_id)
    actor, correlation_id = repo.runner_args(job_id)
    beat = Beat(store.pause, lambda: repo.progress(job_id, {}))
    began = time.monotonic()
    fmt, rows, names = importer.read_file(job["filename"], repo.content(job_id), beat,
                                          importer.JOB_LIMITS)
    planned = jobs.chunks(rows, families_per_chunk)
    del rows  # the chunks hold them
    if not repo.progress(job_id, {"format": fmt, "rows_total": sum(len(c) for c in planned),
                                  "chunks_total": len(planned)}):
        return
    run = ImportRun(store, fmt, names, actor, village_code, correlation_id, job["filename"],
                    store.pause)
    run.result["rows"] = sum(len(c) for c in planned)
    kept, total, processed = [], 0, 0
    for number, chunk in enumerate(planned, start=1):
        started = time.monotonic()
        new = run.run_chunk(chunk)
        kept, total, processed = jobs.merge_errors(kept, new), total + len(new), \
            processed + len(chunk)
        changes = {k: run.result[k] for k in jobs.COUNTS}
        changes.update(rows_processed=processed, chunks_done=number, errors=kept,
                       errors_total=total)
        log.info("import job %s: chunk %d/%d, %d rows in %.2f s", job_id, number,
                 len(planned), len(chunk), time.monotonic() - started)
        if not repo.progress(job_id, changes):
            log.warning("import job %s ended while it ran (stale); stopping", job_id)
            return
        planned[number - 1] = None  # what is written needs no memory
    repo.finish(job_id, jobs.DONE, {})
    log.info("import job %s (%s, correlation %s): %d rows in %.1f s: %d households and %d "
             "residents created, %d already present, %d errors", job_id, job["filename"],
             correlation_id, processed, time.monotonic() - began,
             run.result["created_households"], run.result["created_residents"],
             run.result["already_present"], total)


class Beat:
    """The reading's ``pause``: yields to the hub every call, heartbeats every
    ``BEAT_SECONDS`` (so a long read is not taken for an abandoned job)."""

    def __init__(self, pause, heartbeat, every=BEAT_SECONDS):
        self.pause, self.heartbeat, self.every = pause, heartbeat, every
        self.last = time.monotonic()

    def __call__(self):
        self.pause()
        if time.monotonic() - self.last >= self.every:
            self.last = time.monotonic()
            self.heartbeat()
