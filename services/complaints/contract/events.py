"""The events the complaints service publishes (docs/events.md, "complaints").

``data["complaint"]`` is the complaint's state and links only: never the
reporter's identity, the free text or the tracking code.
"""
from marshmallow import fields

from services.shared.contract import EventType, Tolerant

SOURCE = "complaints"


def _opt(field=fields.String, **kwargs):
    return field(load_default=None, allow_none=True, **kwargs)


class DeadlineSnapshot(Tolerant):
    name = fields.String(required=True)
    due_at = _opt()
    met_at = _opt()


class ComplaintSnapshot(Tolerant):
    id = fields.String(required=True)
    category = _opt()
    status = _opt()
    programme_code = _opt()
    round_id = _opt()
    allocation_id = _opt()
    assigned_to = _opt()
    forwarded_to = _opt()
    forwarded_at = _opt()
    submitted_at = _opt()
    updated_at = _opt()
    resolved_at = _opt()
    overdue = fields.Boolean(load_default=False)
    deadlines = fields.List(fields.Nested(DeadlineSnapshot), load_default=list)
    version = fields.Integer(load_default=1)


class Who(Tolerant):
    name = _opt()
    role = _opt()


class ComplaintSubmittedV1(Tolerant):
    complaint = fields.Nested(ComplaintSnapshot, required=True)


class ComplaintStatusChangedV1(ComplaintSubmittedV1):
    from_ = fields.String(data_key="from", attribute="from", load_default=None, allow_none=True)
    to = _opt()
    at = _opt()
    by = fields.Nested(Who, load_default=dict)


class ComplaintResolvedV1(ComplaintSubmittedV1):
    resolved_at = _opt()


class OverdueDeadline(Tolerant):
    name = _opt()
    due_at = _opt()
    days = _opt(fields.Integer)
    unit = _opt()
    source = _opt()


class ComplaintOverdueV1(ComplaintSubmittedV1):
    deadline = fields.Nested(OverdueDeadline, required=True)


class Correction(Tolerant):
    id = fields.String(required=True)
    complaint_id = fields.String(required=True)
    subject_nik = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", attribute="fields", required=True)
    reason = _opt()
    requested_at = _opt()
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
