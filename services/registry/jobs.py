"""Rules of an import job (issue 10; docs/registry-data.md "Import jobs"): plain functions.

A job imports one uploaded file in the registry's own greenthread, chunk by
chunk of whole families, so a 50,000-family file needs one upload and no RPC
held open while it runs. Its document::

    {_id: "imp_...", state, filename, size_bytes, parts_expected, parts_received,
     format, rows_total, rows_processed, chunks_total, chunks_done,
     created_households, created_residents, updated_households, already_present,
     errors: [{row, field, rule, sheet?}] (the first ERRORS_KEPT, by row),
     errors_total, failure: {detail, errors} | None, started_by (actor record),
     host, created_at, started_at, finished_at, heartbeat_at,
     actor, correlation_id (what its writes record; never answered)}

States: ``queued`` (created, its file arriving in parts) -> ``running`` (every
part stored) -> ``done`` or ``failed``. Instants are aware UTC datetimes in
the document and ISO strings in answers.
"""
import uuid

from services.shared import clock

from services.registry.contract import IMPORT_PART_BYTES

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATES = (QUEUED, RUNNING, DONE, FAILED)
OPEN = (QUEUED, RUNNING)
COUNTS = ("created_households", "created_residents", "updated_households", "already_present")
#: errors a job keeps (the first by row); ``errors_total`` counts every one
ERRORS_KEPT = 1000
#: whole families per chunk: each chunk is one look-up of what is registered and one
#: committed write (store.register), after which the job's progress is written
FAMILIES_PER_CHUNK = 500
#: one RPC message and one stored document per part (RabbitMQ 4 refuses messages
#: over 16 MiB by default, MongoDB documents over 16 MiB): the file's bytes in parts
PART_BYTES = IMPORT_PART_BYTES
#: a running job whose heartbeat is older than this was left by a process that is gone
STALE_SECONDS = 300
#: a queued job whose parts stopped arriving this long ago lost its upload
QUEUED_STALE_SECONDS = 60
RESTARTED = ("The registry restarted while this import was %s; rows already committed stay "
             "(importing the file again adds only what is missing).")
ABANDONED = ("No progress for %d s (the process running it stopped, or its upload "
             "never finished); rows already committed stay (importing the file again "
             "adds only what is missing).")


def new_id():
    """A job's id: ``imp_`` and 24 hex digits."""
    return "imp_" + uuid.uuid4().hex[:24]


def new_job(job_id, filename, size_bytes, parts, actor_record, host, now):
    """The document of a job just accepted (state ``queued``).

    Args:
        size_bytes (int): the file's length; parts (int): how many parts of at most
            ``PART_BYTES`` it arrives in; actor_record (dict): who started it;
        host (str): the process that runs it; now (datetime): UTC.
    """
    doc = {"_id": job_id, "state": QUEUED, "filename": filename, "size_bytes": size_bytes,
           "parts_expected": parts, "parts_received": 0, "format": None, "rows_total": None,
           "rows_processed": 0, "chunks_total": None, "chunks_done": 0, "errors": [],
           "errors_total": 0, "failure": None, "started_by": actor_record, "host": host,
           "created_at": now, "started_at": None, "finished_at": None, "heartbeat_at": now}
    doc.update({k: 0 for k in COUNTS})
    return doc


def parts_for(size_bytes):
    """How many parts of at most ``PART_BYTES`` a file of ``size_bytes`` is sent in (>= 1)."""
    return max(1, -(-int(size_bytes) // PART_BYTES))


def percent(job):
    """Whole percent of rows processed (0-100); 100 once done; 0 while the rows are unknown."""
    if job["state"] == DONE:
        return 100
    total = job.get("rows_total")
    if not total:
        return 0
    return min(99, int(100 * job["rows_processed"] / total))


def chunks(rows, families_per_chunk=FAMILIES_PER_CHUNK):
    """``[[row, ...], ...]``: the file's rows in chunks of whole families.

    Every row of one KK number goes in the same chunk (a family's rows may be
    apart in the file), families in the order they first appear and rows of a
    chunk in file order, so each chunk reads as the synchronous import reads
    the whole file. A row without a KK number is a family of its own.
    """
    families = {}
    for index, (_row, fields) in enumerate(rows):
        kk = fields.get("kk_number")
        families.setdefault(kk if isinstance(kk, str) else ("row", index), []).append(index)
    groups = list(families.values())
    out = []
    for start in range(0, len(groups), families_per_chunk):
        indexes = sorted(i for group in groups[start:start + families_per_chunk] for i in group)
        out.append([rows[i] for i in indexes])
    return out


def merge_errors(kept, new, limit=None):
    """The first ``limit`` (default ``ERRORS_KEPT``) errors of ``kept + new`` by
    (sheet, row, field)."""
    limit = limit or ERRORS_KEPT
    merged = sorted(kept + new, key=lambda e: (e.get("sheet", ""), e["row"], e["field"]))
    return merged[:limit]


def is_stale(job, now, stale_seconds=STALE_SECONDS, queued_seconds=QUEUED_STALE_SECONDS):
    """An open job nobody has moved for ``stale_seconds`` (its runner is gone), or
    ``queued_seconds`` for one still waiting for its file (its upload stopped)."""
    if job["state"] not in OPEN:
        return False
    beat = job.get("heartbeat_at")
    limit = queued_seconds if job["state"] == QUEUED else stale_seconds
    return beat is None or (now - _aware(beat)).total_seconds() > limit


def failure(detail, errors=None):
    """The ``failure`` of a failed job: the contract's problem words, ``{detail, errors}``."""
    return {"detail": detail, "errors": errors or {}}


def view(job):
    """The job as ``contract.ImportJobOut`` dumps it (instants as ISO strings, percent)."""
    out = {k: v for k, v in job.items() if k not in ("_id", "heartbeat_at", "host")}
    out["id"] = job["_id"]
    out["percent"] = percent(job)
    for key in ("created_at", "started_at", "finished_at"):
        out[key] = clock.iso(job.get(key))
    return out


def _aware(value):
    return value if value.tzinfo is not None else value.replace(tzinfo=clock.UTC)
