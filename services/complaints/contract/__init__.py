"""The complaints service's contract: all that the gateway and other services may import.

- requests: ``ComplaintIn``, ``TransitionIn``, ``NoteIn``, ``PublicationIn``,
  ``FeedbackIn``, ``ComplaintQuery``, ``ReportQuery``; codes ``CATEGORIES``, ``STATUSES``.
- answers: ``TrackingOut``, ``SubmittedOut``, ``ComplaintOut``, ``ComplaintPage``, ...
- events: ``COMPLAINT_SUBMITTED``, ..., ``CORRECTION_REQUESTED``.

RPCs (service ``complaints``; ``actor`` is the caller's ``principal.actor``,
whose ``role`` decides what is shown): ``submit_complaint(payload,
request_key, actor)``, ``track_complaint(tracking_code)``,
``get_complaint(id, actor)``, ``list_complaints(filters, page, per_page,
actor)``, ``transition_complaint(id, payload, actor)``, ``add_note(id,
payload, actor)``, ``publish_complaint(id, payload, actor)``,
``unpublish_complaint(id, actor)``, ``list_published(page, per_page)``,
``complaint_report(year, month)`` / ``complaint_report_csv``,
``submit_feedback(payload, request_key)``, ``feedback_summary(year,
programme_code)`` / ``feedback_summary_csv``, ``check_overdue(now)``,
``resync_allocations(deadline)``; and the kit's ``ping``,
``list_parked_events``, ``replay_parked_event``.
"""
from services.complaints.contract.answers import (  # noqa: F401
    ComplaintOut, ComplaintPage, ComplaintReportOut, FeedbackOut, FeedbackSummaryOut,
    PublishedOut, SubmittedOut, TrackingOut)
from services.complaints.contract.events import (  # noqa: F401
    COMPLAINT_OVERDUE, COMPLAINT_RESOLVED, COMPLAINT_STATUS_CHANGED, COMPLAINT_SUBMITTED,
    CORRECTION_REQUESTED, EVENTS)
from services.complaints.contract.requests import (  # noqa: F401
    CATEGORIES, CORRECTABLE, DESCRIPTION_MAX, STATUSES, ComplaintIn, ComplaintQuery, CorrectionIn,
    FeedbackIn, NoteIn, PublicationIn, ReportQuery, TransitionIn)
