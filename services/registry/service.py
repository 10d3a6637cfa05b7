"""The registry service: households (KK) and residents of the village.

RPCs only; rules live in domain.py/commands.py/imports.py/corrections.py,
storage in store.py. Every RPC answer is dumped through its ``contract``
schema; errors are services.shared.errors types (InvalidInput 400, NotFound
404, Conflict 409 at the gateway). ``actor`` is the caller's JSON description
(the gateway's ``principal.actor``), recorded as the "who" of history entries.
"""
import base64
import binascii

from services.shared import clock
from services.shared.bundle import BUNDLE_AT
from services.shared.caller import actor_record
from services.shared.contract import Page, dump, dump_page, load
from services.shared.epoch import SharedAnswer
from services.shared.errors import InvalidInput
from services.shared.inbox import consumes
from services.shared.mongo import MongoStore
from services.shared.pagination import page_args, page_of
from services.shared.rpc import command, rpc
from services.shared.service import Service, every

from services.complaints.contract import CORRECTION_REQUESTED
from services.registry import commands, corrections, importer, jobs
from services.registry.contract import (ConfirmIn, CorrectionOut, DeactivateIn, HistoryPage,
                                        HouseholdFields, HouseholdOut, HouseholdPatch,
                                        ImportJobOut, ImportJobPage, ImportResultOut, RejectIn,
                                        ResidentFields, ResidentOut, ResidentPatch, SearchQuery)
from services.registry.imports import ImportRun
from services.registry.job_runner import ImportJobRunner
from services.registry.store import RegistryRepository

EXPORT_MAX_PER_PAGE = 1000
RESIDENT_FIELDS = tuple(ResidentFields().fields)
HOUSEHOLD_FIELDS = tuple(HouseholdFields().fields)


class RegistryService(Service):
    name = "registry"
    # an import's chunk is announced in bundles: its followers handle each event as
    # if it came alone, without the broker's and nameko's work per message
    store = MongoStore(RegistryRepository, outbox=["households", "residents"], epoch=True,
                       bundle_at=BUNDLE_AT)
    import_runner = ImportJobRunner()
    #: per process: the followers' drift checks ask at the same moment
    _summaries = SharedAnswer()

    @command
    def register_household(self, body, actor=None):
        """Register a family with its members: ``body`` as ``contract.HouseholdIn``.

        Returns the household (snapshot fields, ``quality_flags``, ``members``).
        Members without a NIK get a flagged temporary number. Raises
        InvalidInput (every bad field), Conflict (KK, NIK or person exists).
        Events: ``household_registered`` and one ``resident_registered`` per member.
        """
        return dump(HouseholdOut, commands.register_household(
            self.store, body, actor, self.settings.village_code,
            self.caller.correlation_id(actor)))

    @rpc
    def get_household(self, household_id):
        """The household with its members; NotFound."""
        return dump(HouseholdOut, self.store.household(household_id))

    @rpc
    def search_households(self, kk_number=None, rt=None, rw=None, status=None, page=1,
                          per_page=50):
        """Households by KK number, RT, RW or status: ``{items, page, per_page, total}``."""
        args = _search_args(kk_number=kk_number, rt=rt, rw=rw, status=status)
        page, per_page, skip = page_args(page, per_page)
        return dump_page(HouseholdOut, self.store.search_households(
            args["kk_number"], args["rt"], args["rw"], args["status"], page, per_page, skip))

    @command
    def add_member(self, household_id, body, actor=None):
        """Add one person (``contract.ResidentFields``) to a household; returns the resident.

        Raises InvalidInput, NotFound, Conflict. Events: ``resident_registered``,
        ``household_updated`` (``member_ids`` changed).
        """
        return dump(ResidentOut, commands.add_member(
            self.store, household_id, body, actor, self.settings.village_code,
            self.caller.correlation_id(actor)))

    @rpc
    def get_resident(self, nik):
        """The resident with this NIK (or temporary number); NotFound."""
        return dump(ResidentOut, self.store.resident(nik))

    @rpc
    def search_residents(self, q=None, rt=None, rw=None, status=None, flagged=None, page=1,
                         per_page=50, kk_number=None):
        """Residents by name (``q``: part of the name; digits: NIK or KK prefix), RT,
        RW, status, data-quality flag, KK: ``{items, page, per_page, total}``."""
        args = _search_args(q=q, rt=rt, rw=rw, status=status, flagged=flagged,
                            kk_number=kk_number)
        page, per_page, skip = page_args(page, per_page)
        return dump_page(ResidentOut, self.store.search_residents(
            args["q"], args["rt"], args["rw"], args["status"], args["flagged"],
            args["kk_number"], page, per_page, skip))

    @rpc
    def list_flagged(self, page=1, per_page=50):
        """Residents with data-quality flags (NIK date/sex mismatch, temporary number)."""
        return self.search_residents(flagged=True, page=page, per_page=per_page)

    @command
    def update_resident(self, nik, changes, reason, actor=None):
        """Change resident fields (``changes``: partial ``ResidentFields``) for ``reason``.

        Returns the resident after. Raises InvalidInput (bad field, no change,
        no reason), NotFound, Conflict (new NIK taken, concurrent change).
        Event: ``resident_updated``.
        """
        data = load(ResidentPatch, _with_reason(changes, reason), partial=RESIDENT_FIELDS)
        reason = data.pop("reason")
        return dump(ResidentOut, self.store.update_resident(
            nik, data, reason, actor, self.caller.correlation_id(actor)))

    @command
    def update_household(self, household_id, changes, reason, actor=None):
        """Change household fields for ``reason``; members follow a new kk/rt/rw.

        Returns the household after, with members. Events: ``household_updated``,
        ``resident_updated`` per member whose copied fields changed.
        """
        data = load(HouseholdPatch, _with_reason(changes, reason), partial=HOUSEHOLD_FIELDS)
        reason = data.pop("reason")
        return dump(HouseholdOut, self.store.update_household(
            household_id, data, reason, actor, self.caller.correlation_id(actor)))

    @command
    def deactivate_resident(self, nik, reason, note=None, actor=None):
        """Deactivate a resident (``reason``: moved_out, deceased, duplicate, other).

        Returns the resident after. Raises InvalidInput, NotFound, Conflict
        (already inactive). Events: ``resident_deactivated``; ``household_updated``
        when no active member is left (the household becomes inactive).
        """
        data = load(DeactivateIn, {"reason": reason, "note": note})
        return dump(ResidentOut, self.store.deactivate_resident(
            nik, data["reason"], data["note"], actor, self.caller.correlation_id(actor)))

    @rpc
    def resident_history(self, nik, page=1, per_page=50):
        """Who changed what (old -> new), when and why, oldest first, as a list page
        plus ``resident_id``; NotFound."""
        page, per_page, skip = page_args(page, per_page)
        return dump(HistoryPage, self.store.history(nik, page, per_page, skip))

    @command
    def import_registry(self, filename, content_base64, actor=None):
        """Import a CSV or OpenSID spreadsheet (base64 of the file's bytes).

        Returns ``{format, rows, created_households, created_residents,
        updated_households, already_present, errors: [{row, field, rule}]}``.
        Raises InvalidInput when the file as a whole cannot be read.
        """
        content = _decode(content_base64)
        fmt, rows, names = importer.read_file(filename, content, self.store.pause)
        return dump(ImportResultOut, ImportRun(
            self.store, fmt, names, actor, self.settings.village_code,
            self.caller.correlation_id(actor), filename, self.store.pause).run(rows))

    # --- import jobs: a whole file in one upload, run in the background (jobs.py) --

    @command
    def start_import_job(self, filename, size_bytes, actor=None):
        """Accept an import of a file of ``size_bytes`` bytes (CSV or OpenSID workbook, at
        most ``importer.JOB_LIMITS.max_bytes``), to arrive by ``add_import_part`` in
        ``parts_expected`` parts of at most ``jobs.PART_BYTES``.

        Returns ``ImportJobOut`` (state ``queued``). Raises InvalidInput (size),
        Conflict naming the import job already queued or running (one at a time).
        """
        try:
            size = int(size_bytes)
        except (TypeError, ValueError):
            size = -1
        limit = importer.JOB_LIMITS.max_bytes
        if not 0 < size <= limit:
            raise InvalidInput("The file is empty or too large.", {"file": [
                "must be from 1 byte to %d MB" % (limit // 2 ** 20)]})
        doc = jobs.new_job(jobs.new_id(), filename or "upload", size, jobs.parts_for(size),
                           actor_record(actor), self.import_runner.host, clock.now())
        doc.update(actor=actor_record(actor), correlation_id=self.caller.correlation_id(actor))
        return dump(ImportJobOut, jobs.view(self.store.import_jobs.create(doc)))

    @command
    def add_import_part(self, job_id, index, content_base64):
        """Store part ``index`` (from 0) of a queued job's file (base64). When every part
        is stored the job becomes ``running`` and runs in the background.

        Returns ``ImportJobOut``. Raises InvalidInput (base64, index, a part over
        ``jobs.PART_BYTES``), NotFound, Conflict (the job is not queued).
        """
        data = _decode(content_base64)
        if len(data) > jobs.PART_BYTES:
            raise InvalidInput("The part is too large.", {"content_base64": [
                "a part is at most %d bytes" % jobs.PART_BYTES]})
        job, complete = self.store.import_jobs.add_part(job_id, int(index), data,
                                                        self.import_runner.host)
        if complete:
            self.import_runner.spawn(job_id, self.store, self.settings.village_code)
        return dump(ImportJobOut, jobs.view(job))

    @rpc
    def get_import_job(self, job_id):
        """An import job with its progress, counts and errors so far (``ImportJobOut``);
        NotFound."""
        return dump(ImportJobOut, jobs.view(self.store.import_jobs.get(job_id)))

    @rpc
    def list_import_jobs(self, page=1, per_page=50):
        """Import jobs, newest first, without their row errors (``ImportJobPage``)."""
        page, per_page, skip = page_args(page, per_page)
        items, total = self.store.import_jobs.page(skip, per_page)
        return dump(ImportJobPage, page_of([jobs.view(j) for j in items], page, per_page,
                                           total))

    @rpc
    def export_residents(self, page=1, per_page=500):
        """Resident snapshots with versions by id, to rebuild projections (docs/events.md)."""
        return self.store.export("residents", *_export_page(page, per_page))

    @rpc
    def export_households(self, page=1, per_page=500):
        """Household snapshots with versions by id, to rebuild projections."""
        return self.store.export("households", *_export_page(page, per_page))

    @rpc
    def projection_summary(self):
        """What a follower compares its projection with (docs/events.md "Store epoch"):
        ``{"store_epoch", "households", "residents", "households_checksum",
        "residents_checksum"}``, over exactly what the export answers. Calls that
        overlap share one reading of the store (``epoch.SharedAnswer``)."""
        db = self.store.db
        return self._summaries.get((id(db.client), db.name), self.store.summary)

    @every("registry_repair_seconds")
    def repair_pending_writes(self):
        """Finish registrations and follow-ups a crash interrupted (store.repair), and
        fail import jobs whose runner is gone (``jobs.STALE_SECONDS`` without a beat)."""
        self.store.import_jobs.fail_open(jobs.RESTARTED)
        return self.store.repair()

    # --- data corrections asked for by resolved complaints (corrections.py) --

    @consumes(CORRECTION_REQUESTED)
    def handle_correction_requested(self, event):
        self.store.corrections.store_requested(event)

    @rpc
    def list_pending_corrections(self, status="pending", page=1, per_page=50):
        """Corrections by ``status`` (pending, confirming, confirmed, rejected; empty:
        all), oldest first: a page of ``CorrectionOut``. InvalidInput."""
        status = corrections.check_status(status)
        page, per_page, skip = page_args(page, per_page)
        items, total = self.store.corrections.page(status, skip, per_page)
        return dump(Page(CorrectionOut), page_of(items, page, per_page, total))

    @command
    def confirm_correction(self, correction_id, payload=None, actor=None):
        """Apply a pending correction (``payload``: ``ConfirmIn``) through the registry's
        own updates (history, events); returns it confirmed (``CorrectionOut``).
        NotFound; Conflict when already decided; the registry's InvalidInput or
        Conflict when it refuses a value (the correction stays pending)."""
        note = load(ConfirmIn, payload)["note"]
        return dump(CorrectionOut, corrections.confirm(
            self.store, correction_id, note, actor, self.update_resident, self.update_household))

    @command
    def reject_correction(self, correction_id, payload, actor=None):
        """Reject a pending correction (``payload``: ``RejectIn``, the reason is
        required); returns it (``CorrectionOut``). InvalidInput, NotFound, Conflict."""
        reason = load(RejectIn, payload)["reason"]
        return dump(CorrectionOut, self.store.corrections.decide(
            correction_id, "rejected", actor, reason, ["pending"]))


def _search_args(**given):
    """Validated filters (``contract.SearchQuery``); an empty value means no filter."""
    return load(SearchQuery, {k: v for k, v in given.items() if v not in (None, "")},
                detail="Invalid search.")


def _decode(content_base64):
    try:
        return base64.b64decode(content_base64 or "", validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise InvalidInput("The file is not valid base64.",
                           {"content_base64": ["must be base64"]}) from None


def _export_page(page, per_page):
    return page_args(page, per_page, max_per_page=EXPORT_MAX_PER_PAGE)


def _with_reason(changes, reason):
    """The PATCH body with its reason; a missing reason stays missing (so the
    error says "required", not "may not be null")."""
    body = dict(changes or {})
    if reason is not None:
        body["reason"] = reason
    return body
