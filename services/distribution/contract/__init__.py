"""The distribution service's contract: all that the gateway and other services may import.

- requests: ``ProgrammeIn``, ``RoundIn``, ``DisbursementIn``, ``CancelIn``,
  ``ReturnIn``, ``NotCollectedIn``, ``StatusCheckIn`` and the queries.
- answers: ``ProgrammeOut``, ``RoundOut``, ``AllocationOut``, ``EligibilityOut``, ...
- events: ``PROGRAMME_PUBLISHED``, ..., ``ALLOCATION_EVENTS[type]``.

RPCs (service ``distribution``; ``actor`` is the caller's ``principal.actor``):
``publish_programme(payload, actor)``, ``revise_programme(code, payload,
actor)``, ``list_programmes(include_disabled, page, per_page)``,
``get_programme(code)``, ``schedule_round(code, payload, actor)``,
``list_rounds(programme, upcoming, page, per_page)``, ``get_round(id)``,
``close_round(id, actor)``, ``generate_allocations(round_id, actor)``,
``list_allocations(round_id, status, rw, rt, page, per_page, order)``,
``get_allocation(id)``, ``disburse(id, payload, actor)``,
``cancel_allocation`` / ``return_allocation`` / ``mark_not_collected(id,
payload, actor)``, ``reassign_allocation(id, actor)``,
``export_allocations(page, per_page)``, ``check_eligibility(nik, code, on)``,
``status_check(payload)``, ``programmes_of_resident(nik)``,
``programmes_of_family(kk_number)``, ``round_report(id, as_csv)``,
``programme_year_report(code, year, as_csv)``, ``disbursement_report(year,
as_csv)``, ``projection_status()``, ``rebuild_projection()``; and the kit's
``ping``, ``list_parked_events``, ``replay_parked_event``.
"""
from services.distribution.contract.answers import (  # noqa: F401
    AllocationOut, AllocationPage, CompletionsResyncOut, CriterionOut, DisbursementReportOut,
    EligibilityOut, FamilyProgrammesOut, GenerateOut, ProgrammeOut, ProgrammePage,
    ProgrammeYearReportOut, ProjectionStatusOut, ReassignOut, RebuildOut, ResidentProgrammesOut,
    RoundOut, RoundPage, RoundReportOut, StatusCheckOut)
from services.distribution.contract.events import (  # noqa: F401
    ALLOCATION_EVENTS, ALLOCATION_TYPES, EVENTS, PROGRAMME_PUBLISHED, PROGRAMME_REVISED,
    ROUND_CLOSED, ROUND_SCHEDULED)
from services.distribution.contract.requests import (  # noqa: F401
    ALLOCATION_STATUSES, CANCEL_REASONS, CHANNELS, DEPLOYMENTS, KINDS, NOT_COLLECTED_REASONS,
    RETURN_REASONS, TARGETS, AllocationQuery, CancelIn, DisbursementIn, DisbursementReportQuery,
    EligibilityQuery, NotCollectedIn, ProgrammeIn, ProgrammeQuery, ReportFormatQuery, ReturnIn,
    RoundIn, RoundQuery, StatusCheckIn)
