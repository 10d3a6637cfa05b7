"""Long console tasks (a registry import, generating a round's allocations) run in the
background of the web process, so the officer's page answers at once and shows
progress instead of waiting on one request that a proxy may cut.

A job lives in this process's memory only: it is a view of work the API does,
not data. If the web process restarts, the page of a running job answers 404;
what the API already stored stays stored, and both tasks are safe to start
again (an import adds nothing twice, generation is idempotent).
"""
import logging
import secrets
import time

import eventlet

log = logging.getLogger(__name__)

RUNNING, DONE, FAILED = "running", "done", "failed"


class Job:
    """One task: ``state`` running/done/failed, progress ``done`` of ``total``, and
    at the end ``result`` (the API's answer) or ``error`` (an ApiError or a message key).

    Attributes:
        id (str): unguessable; the page's address.
        owner (str): the account that started it; nobody else may see it.
        kind (str): ``import`` or ``generate``.
        subject (str): what it works on (a file name, a round id).
    """

    def __init__(self, owner, kind, subject):
        self.id = secrets.token_urlsafe(12)
        self.owner, self.kind, self.subject = owner, kind, subject
        self.state, self.done, self.total = RUNNING, 0, None
        self.result, self.error = None, None
        self.started, self.finished = time.time(), None

    @property
    def percent(self):
        """Whole percent done, or None while the size is unknown."""
        if not self.total:
            return 100 if self.state != RUNNING else None
        return min(100, int(100 * self.done / self.total))


class Jobs:
    """The jobs of this process; finished ones are forgotten after ``keep_seconds``."""

    def __init__(self, keep_seconds=6 * 3600, most=200):
        self.keep_seconds, self.most = keep_seconds, most
        self._jobs = {}

    def start(self, owner, kind, subject, work):
        """Run ``work(job)`` in a green thread; its return value becomes ``result``.

        An exception ends the job as failed, with the exception as ``error``
        (an ``ApiError`` keeps the API's problem for the page to tell).
        """
        self._forget_old()
        job = Job(owner, kind, subject)
        self._jobs[job.id] = job

        def run():
            try:
                job.result = work(job)
                job.state = DONE
            except Exception as exc:  # noqa: BLE001 - the page tells it; logged for operators
                log.warning("console job %s (%s of %s) failed: %s", job.id, kind, subject, exc)
                job.error, job.state = exc, FAILED
            job.finished = time.time()
        eventlet.spawn_n(run)
        return job

    def get(self, job_id, owner):
        """The job with this id if ``owner`` started it, else None."""
        job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    def _forget_old(self):
        now = time.time()
        old = [j.id for j in self._jobs.values()
               if j.finished and now - j.finished > self.keep_seconds]
        for job_id in old:
            del self._jobs[job_id]
        while len(self._jobs) >= self.most:
            finished = sorted((j for j in self._jobs.values() if j.finished),
                              key=lambda j: j.finished)
            if not finished:
                break
            del self._jobs[finished[0].id]
