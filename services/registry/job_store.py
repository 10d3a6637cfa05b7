"""Storage of import jobs (``jobs``): the job documents, their file's parts, the one slot.

- ``import_jobs``: one document per job (``jobs.new_job``).
- ``import_parts``: the uploaded file in parts of at most ``jobs.PART_BYTES``
  (``_id`` = ``<job>:<index>``), deleted when the job ends.
- ``import_slot``: at most one document, ``_id`` ``"registry"``, naming the job
  that is queued or running. Taking the slot is one ``insert_one`` on that
  ``_id``: atomic on any MongoDB and on mongomock, so two imports started at
  the same moment cannot both get it (no check-then-write); ending the job
  deletes it, conditional on the job's id.
"""
import logging

from pymongo import DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.shared import clock
from services.shared.errors import Conflict, InvalidInput, NotFound

from services.registry import jobs

log = logging.getLogger(__name__)

SLOT = "registry"
HIDDEN = {"actor": 0, "correlation_id": 0}


class ImportJobRepository:
    def __init__(self, db):
        self.jobs, self.parts, self.slot = db["import_jobs"], db["import_parts"], db["import_slot"]

    @classmethod
    def ensure_indexes(cls, db):
        db["import_jobs"].create_index([("created_at", DESCENDING)])
        db["import_jobs"].create_index("state")
        db["import_parts"].create_index("job_id")

    # --- starting ------------------------------------------------------------

    def create(self, doc):
        """Store a new job (``jobs.new_job``) if no other job is open; returns it.

        Raises Conflict naming the open job (its id, file and state).
        """
        for _ in range(3):
            try:
                self.slot.insert_one({"_id": SLOT, "job_id": doc["_id"], "at": doc["created_at"]})
                break
            except DuplicateKeyError:
                holder = self.slot.find_one({"_id": SLOT})
                if holder is None:  # its job ended and freed it since the insert: try again
                    continue
                other = self.jobs.find_one({"_id": holder.get("job_id")}, HIDDEN)
                if other is not None and other["state"] not in jobs.OPEN:
                    # its runner ended it but died before freeing the slot
                    self.slot.delete_one({"_id": SLOT, "job_id": other["_id"]})
                    continue
                raise _busy(holder.get("job_id"), other) from None
        else:
            raise _busy(None, None)
        self.jobs.insert_one(doc)
        return doc

    def add_part(self, job_id, index, data, host=None):
        """Store part ``index`` (0-based) of the job's file; a part sent again replaces
        itself. Returns ``(job, complete)``: ``complete`` is True for the one call that
        moved the job to ``running`` (every part stored), which then runs it; that move
        records ``host``, the instance that runs it (the job was created on whichever
        instance took the first call), so only that instance's restart or stop fails it.

        Raises NotFound, Conflict (the job is no longer queued), InvalidInput (index).
        """
        job = self.get(job_id)
        if job["state"] != jobs.QUEUED:
            raise Conflict("Import job %s is %s; its file is complete." % (job_id, job["state"]))
        if not 0 <= index < job["parts_expected"]:
            raise InvalidInput("No such part.", {"index": [
                "must be from 0 to %d" % (job["parts_expected"] - 1)]})
        self.parts.replace_one({"_id": "%s:%d" % (job_id, index)},
                               {"job_id": job_id, "index": index, "data": data}, upsert=True)
        received = self.parts.count_documents({"job_id": job_id})
        now = _now()
        after = self.jobs.find_one_and_update(
            {"_id": job_id, "state": jobs.QUEUED},
            {"$set": {"parts_received": received, "heartbeat_at": now}},
            projection=HIDDEN, return_document=ReturnDocument.AFTER)
        if after is None or received < after["parts_expected"]:
            return after or self.get(job_id), False
        # the conditional move to running: one caller wins even if the last part is re-sent
        started = self.jobs.find_one_and_update(
            {"_id": job_id, "state": jobs.QUEUED},
            {"$set": dict({"state": jobs.RUNNING, "started_at": now, "heartbeat_at": now},
                          **({"host": host} if host else {}))},
            projection=HIDDEN, return_document=ReturnDocument.AFTER)
        return (started, True) if started is not None else (self.get(job_id), False)

    def content(self, job_id):
        """The job's file: its parts joined in order."""
        parts = sorted(self.parts.find({"job_id": job_id}), key=lambda p: p["index"])
        return b"".join(bytes(p["data"]) for p in parts)

    def runner_args(self, job_id):
        """``(actor, correlation_id)`` the job's writes carry."""
        doc = self.jobs.find_one({"_id": job_id}, {"actor": 1, "correlation_id": 1}) or {}
        return doc.get("actor"), doc.get("correlation_id")

    # --- running -------------------------------------------------------------

    def progress(self, job_id, changes):
        """Write progress (``changes``: fields of the job) while it runs; False when the
        job is no longer running (ended as stale meanwhile): the runner stops then."""
        changes = dict(changes, heartbeat_at=_now())
        done = self.jobs.update_one({"_id": job_id, "state": jobs.RUNNING}, {"$set": changes})
        return done.matched_count == 1

    def finish(self, job_id, state, changes, only_from=jobs.OPEN):
        """End the job as ``done`` or ``failed`` (if still in ``only_from``), free the
        slot and drop its file. Returns the job after (None if it had ended already)."""
        now = _now()
        after = self.jobs.find_one_and_update(
            {"_id": job_id, "state": {"$in": list(only_from)}},
            {"$set": dict(changes, state=state, finished_at=now, heartbeat_at=now)},
            projection=HIDDEN, return_document=ReturnDocument.AFTER)
        self.parts.delete_many({"job_id": job_id})
        self.slot.delete_one({"_id": SLOT, "job_id": job_id})
        return after

    def fail_open(self, reason, host=None, now=None, stale_seconds=jobs.STALE_SECONDS,
                  gone=None):
        """Fail the running jobs of ``host`` (an instance that stops or restarted) or of
        a runner ``gone(job["host"])`` says has ended, and every open job whose
        heartbeat is stale. Returns the ids failed.

        A queued job belongs to no instance (its parts may arrive at any of them):
        only its staleness fails it."""
        now = now or _now()
        failed = []
        for job in self.jobs.find({"state": {"$in": list(jobs.OPEN)}}, HIDDEN):
            runner = job.get("host")
            if job["state"] == jobs.RUNNING and (
                    (host is not None and runner == host) or (gone is not None and gone(runner))):
                detail = reason % job["state"]
            elif jobs.is_stale(job, now, stale_seconds):
                detail = jobs.ABANDONED % (stale_seconds if job["state"] == jobs.RUNNING
                                           else jobs.QUEUED_STALE_SECONDS)
            else:
                continue
            if self.finish(job["_id"], jobs.FAILED, {"failure": jobs.failure(detail)},
                           only_from=[job["state"]]) is not None:
                log.warning("import job %s (%s) failed: %s", job["_id"], job["filename"], detail)
                failed.append(job["_id"])
        return failed

    # --- reading -------------------------------------------------------------

    def get(self, job_id):
        """The job document; NotFound."""
        job = self.jobs.find_one({"_id": job_id}, HIDDEN)
        if job is None:
            raise NotFound("No import job with id %s." % job_id)
        return job

    def page(self, skip, limit):
        """``(jobs newest first without their errors, total)``."""
        cursor = self.jobs.find({}, dict(HIDDEN, errors=0)).sort("created_at", DESCENDING)
        return list(cursor.skip(skip).limit(limit)), self.jobs.count_documents({})


def _busy(job_id, job):
    if job is None:
        return Conflict("Another registry import is starting; try again when it ends.",
                        {"job": ["an import is open: %s" % (job_id or "starting")]})
    return Conflict("Import job %s (%s) is %s; one import runs at a time." % (
        job["_id"], job["filename"], job["state"]), {"job": [
            "import job %s is %s (%d%%)" % (job["_id"], job["state"], jobs.percent(job))]})


def _now():
    return clock.now()
