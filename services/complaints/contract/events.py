"""The events the complaints service publishes (docs/events.md, "complaints").

``data["complaint"]`` is the complaint's state and links only: never the
reporter's identity, the free text or the tracking code.
"""
from marshmallow import fields

from services.shared.contract import EventType, Tolerant
from services.shared.fields import maybe

SOURCE = "complaints"


class DeadlineSnapshot(Tolerant):
    name = fields.String(required=True)
    due_at = maybe()
    met_at = maybe()


class ComplaintSnapshot(Tolerant):
    id = fields.String(required=True)
    category = maybe()
    status = maybe()
    programme_code = maybe()
    round_id = maybe()
    allocation_id = maybe()
    assigned_to = maybe()
    forwarded_to = maybe()
    forwarded_at = maybe()
    submitted_at = maybe()
    updated_at = maybe()
    resolved_at = maybe()
    overdue = fields.Boolean(load_default=False)
    deadlines = fields.List(fields.Nested(DeadlineSnapshot), load_default=list)
    version = fields.Integer(load_default=1)


class Who(Tolerant):
    name = maybe()
    role = maybe()


class ComplaintSubmittedV1(Tolerant):
    complaint = fields.Nested(ComplaintSnapshot, required=True)


class ComplaintStatusChangedV1(ComplaintSubmittedV1):
    from_ = fields.String(data_key="from", attribute="from", load_default=None, allow_none=True)
    to = maybe()
    at = maybe()
    by = fields.Nested(Who, load_default=dict)


class ComplaintResolvedV1(ComplaintSubmittedV1):
    resolved_at = maybe()


class OverdueDeadline(Tolerant):
    name = maybe()
    due_at = maybe()
    days = maybe(fields.Integer)
    unit = maybe()
    source = maybe()


class ComplaintOverdueV1(ComplaintSubmittedV1):
    deadline = fields.Nested(OverdueDeadline, required=True)


class Correction(Tolerant):
    id = fields.String(required=True)
    complaint_id = fields.String(required=True)
    subject_nik = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", attribute="fields", required=True)
    reason = maybe()
    requested_at = maybe()
    requested_by = fields.Nested(Who, load_default=dict)


class CorrectionRequestedV1(Tolerant):
    correction = fields.Nested(Correction, required=True)


COMPLAINT_SUBMITTED = EventType(SOURCE, "complaint_submitted", {1: ComplaintSubmittedV1})
COMPLAINT_STATUS_CHANGED = EventType(SOURCE, "complaint_status_changed",
                                     {1: ComplaintStatusChangedV1})
COMPLAINT_RESOLVED = EventType(SOURCE, "complaint_resolved", {1: ComplaintResolvedV1})
COMPLAINT_OVERDUE = EventType(SOURCE, "complaint_overdue", {1: ComplaintOverdueV1})
CORRECTION_REQUESTED = EventType(SOURCE, "correction_requested", {1: CorrectionRequestedV1})

EVENTS = (COMPLAINT_SUBMITTED, COMPLAINT_STATUS_CHANGED, COMPLAINT_RESOLVED, COMPLAINT_OVERDUE,
          CORRECTION_REQUESTED)
