"""The registry's contract: all that the gateway and other services may import of it.

- requests (``requests``): ``HouseholdIn``, ``ResidentFields``, ``ResidentPatch``, ...
- answers (``answers``): ``ResidentOut``, ``HouseholdOut``, ``HistoryPage``, ...
- events (``events``): ``RESIDENT_DEACTIVATED`` and the others, with their
  snapshot schemas (tolerant readers).

RPCs (service ``registry``; ``actor`` is the caller's ``principal.actor``):
``register_household(body, actor)``, ``get_household(id)``,
``search_households(kk_number, rt, rw, status, page, per_page)``,
``update_household(id, changes, reason, actor)``, ``add_member(id, body, actor)``,
``get_resident(nik)``, ``search_residents(q, rt, rw, status, flagged, page,
per_page, kk_number)``, ``list_flagged(page, per_page)``,
``update_resident(nik, changes, reason, actor)``,
``deactivate_resident(nik, reason, note, actor)``,
``resident_history(nik, page, per_page)``,
``import_registry(filename, content_base64, actor)``,
``start_import_job(filename, size_bytes, actor)``, ``add_import_part(job_id, index,
content_base64)``, ``get_import_job(job_id)``, ``list_import_jobs(page, per_page)``,
``export_residents(page, per_page)`` / ``export_households(page, per_page)``
(snapshots by id, up to 1000 a page, with the ``store_epoch``),
``projection_summary()`` (the store epoch, counts and checksums a follower
compares), ``list_pending_corrections(status, page,
per_page)``, ``confirm_correction(id, payload, actor)``,
``reject_correction(id, payload, actor)``; and the kit's ``ping``,
``list_parked_events``, ``replay_parked_event``.
"""
from services.registry.contract.answers import (  # noqa: F401
    ChangeOut, CorrectionOut, HistoryEntryOut, HistoryPage, HouseholdOut, ImportErrorOut,
    ImportFailureOut, ImportJobOut, ImportJobPage, ImportJobSummaryOut, ImportResultOut,
    ResidentOut)
from services.registry.contract.events import (  # noqa: F401
    EVENTS, HOUSEHOLD_REGISTERED, HOUSEHOLD_UPDATED, RESIDENT_DEACTIVATED, RESIDENT_REGISTERED,
    RESIDENT_UPDATED, HouseholdSnapshot, ResidentSnapshot)
from services.registry.contract.requests import (  # noqa: F401
    CORRECTION_STATUSES, IMPORT_JOB_MAX_BYTES, IMPORT_PART_BYTES, ConfirmIn, DeactivateIn,
    HouseholdFields, HouseholdIn, HouseholdPatch,
    RejectIn, ResidentFields, ResidentPatch, SearchQuery)
