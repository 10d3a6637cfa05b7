"""The partners service's contract: all that the gateway and other services may import.

- requests (``requests``): ``PartnerIn``, ``PartnerProgrammeIn``, ``EnrolmentIn``, ... and the codes.
- answers (``answers``): ``PartnerOut``, ``PartnerProgrammeOut``, ``EnrolmentOut``, ...
- events (``events``): ``ENROLMENT_COMPLETED`` and the others (docs/events.md "partners").

RPCs (service ``partners``; ``actor`` is the caller's ``principal.actor``; a
partner actor reaches only its own partner's records, another's ids are
NotFound): ``register_partner(body, actor)``, ``list_partners(filters, page,
per_page, actor)``, ``get_partner(id, actor)``, ``update_partner(id, body,
actor)``, ``verify_partner(id, body, actor)``, ``suspend_partner(id, body,
actor)``, ``set_commitment(id, year, body, actor)``, ``get_commitment(id, year,
actor)``, ``record_delivery(id, body, actor)``, ``create_programme(partner_id,
body, actor)``, ``update_programme(id, body, actor)``,
``list_programmes(filters, page, per_page, actor)``, ``get_programme(id,
actor)``, ``list_public_programmes(filters, page, per_page)``,
``get_public_programme(id)``, ``enrol(programme_id, body, actor)``,
``list_enrolments(programme_id, filters, page, per_page, actor)``,
``get_enrolment(id, actor)``, ``withdraw_enrolment(id, body, actor)``,
``complete_enrolment(id, body, actor)``, ``resident_enrolments(nik, actor)``,
``add_session(programme_id, body, actor)``, ``list_sessions(programme_id,
page, per_page, actor)``, ``record_attendance(session_id, body, actor)``,
``list_appointments(programme_id, filters, page, per_page, actor)``,
``record_appointment(id, body, actor)``, ``set_pregnancy_start(programme_id,
body, actor)``, ``resident_appointments(nik, actor)``,
``appointment_check(body)``, ``partner_report(partner_id, year, as_csv,
actor)``, ``partners_year(year, as_csv, actor)``, ``announce_overdue()``, ``sweep_schedules()``; the registry
projection's ``projection_status``, ``rebuild_projection``; and the kit's
``ping``, ``list_parked_events``, ``replay_parked_event``.
"""
from services.partners.contract.answers import (  # noqa: F401
    WAITLIST_ORDER, AidResyncOut, AppointmentCheckOut, AppointmentOut, AppointmentPage,
    CommitmentOut, DeliveryOut, EnrolmentOut, EnrolmentPage, OverdueCheckOut, PartnerOut,
    PartnerPage, PartnerProgrammeOut, PartnerProgrammePage, PartnerReportOut, PartnersYearOut,
    PregnancyOut,
    PublicPartnerProgrammeOut, PublicPartnerProgrammePage, ResidentAppointmentsOut,
    ResidentEnrolmentsOut, TrainingSessionOut, TrainingSessionPage, SweepOut)
from services.partners.contract.events import (  # noqa: F401
    ANTENATAL_VISIT_RECORDED, APPOINTMENT_OVERDUE, COMMITMENT_SET, DELIVERY_RECORDED,
    ENROLMENT_ACCEPTED, ENROLMENT_COMPLETED,
    ENROLMENT_EVENTS, ENROLMENT_WAITLISTED, ENROLMENT_WITHDRAWN, EVENTS, IMMUNISATION_RECORDED,
    PARTNER_PROGRAMME_PUBLISHED, PARTNER_REGISTERED, PARTNER_SUSPENDED, PARTNER_VERIFIED)
from services.partners.contract.requests import (  # noqa: F401
    APPOINTMENT_STATUSES, APPOINTMENT_VIEWS, ATTENDANCE, ENROLMENT_STATUSES, HEALTH_KINDS,
    OUTCOMES, PARTNER_KINDS, PROGRAMME_KINDS, SESSION_KINDS, SYSTEM_WITHDRAW_REASONS,
    VERIFICATIONS, WITHDRAW_REASONS, AppointmentCheckIn, AppointmentQuery, AttendanceIn,
    CommitmentIn, CompleteIn, DeliveryIn, EnrolmentIn, EnrolmentQuery, PartnerIn, PartnerPatch,
    PartnerQuery, PregnancyIn, PartnerProgrammeIn, PartnerProgrammePatch, PartnerProgrammeQuery, RecordIn,
    ReportQuery, SessionIn, SuspendIn, VerifyIn, WithdrawIn)
