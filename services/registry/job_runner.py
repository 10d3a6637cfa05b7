"""Running an import job in the registry's own greenthread (``jobs`` has the rules).

``ImportJobRunner`` is a dependency of the registry service: ``spawn(job_id,
store, village_code)`` runs the job in a thread the service container owns
(killed when the service stops), and at start and at stop it fails the jobs
this host left open, so a restarted registry never shows a job ``running``
forever. Jobs are failed, not resumed: a resumed job would count the families
its first run committed as ``already_present``, so its counts would not be the
file's (importing the file again is safe and finishes it; docs/registry-data.md).
"""
import logging
import socket
import time

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


class ImportJobRunner(DependencyProvider):
    """Gives each worker a ``Runner``; fails this host's open jobs at start and stop."""

    def __init__(self, host=None):
        self.host = host

    def setup(self):
        from services.shared.mongo import database_for
        self.host = self.host or socket.gethostname()
        self.repository = ImportJobRepository(database_for(self.container))

    def start(self):
        self.repository.fail_open(jobs.RESTARTED, host=self.host)

    def stop(self):
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
