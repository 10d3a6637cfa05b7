"""What the complaints service answers: each RPC answer is dumped through one of
these, and the gateway's OpenAPI documents them (``services.shared.contract.Answer``)."""
from marshmallow import fields

from services.shared.contract import Answer, Page
from services.shared.fields import Day, Instant, nullable


class PublicNoteOut(Answer):
    at = Instant()
    author = fields.String()
    text = fields.String()


class PublicStepOut(Answer):
    status = fields.String()
    at = Instant()


class TrackingOut(Answer):
    """What anyone holding the tracking code sees: status and public notes only."""

    tracking_code = fields.String()
    category = fields.String()
    status = fields.String()
    status_label = fields.String(metadata={"description": "Bahasa Indonesia"})
    submitted_at = Instant()
    updated_at = Instant()
    expected_by = Instant(allow_none=True, metadata={"description": "resolution deadline"})
    history = fields.List(fields.Nested(PublicStepOut))
    public_notes = fields.List(fields.Nested(PublicNoteOut))
    allocation_status = nullable()


class SubmittedOut(TrackingOut):
    message = fields.String(metadata={"description": "Bahasa Indonesia"})


class DeadlineOut(Answer):
    name = fields.String(metadata={"description": "triage, forward_answer, resolution"})
    due_at = Instant()
    met_at = Instant(allow_none=True)
    days = fields.Integer()
    unit = fields.String(metadata={"description": "working_days or calendar_days"})
    source = fields.String()
    missed = fields.Boolean()


class StepOut(Answer):
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String()
    at = Instant()
    actor = fields.Dict()
    note = nullable()
    internal_note = nullable()
    forwarded_to = nullable()
    assigned_to = nullable()


class NoteOut(Answer):
    id = fields.String()
    at = Instant()
    author = fields.String()
    text = fields.String()
    public = fields.Boolean()
    kind = fields.String(metadata={"description": "officer, transition or system"})


class LinkedAllocationOut(Answer):
    id = fields.String()
    status = fields.String(metadata={"description": "unknown until distribution's event arrived"})
    programme_code = nullable()
    round_id = nullable()
    amount_idr = fields.Integer(allow_none=True)
    as_of_version = fields.Integer(allow_none=True)
    status_reason = nullable()


class PublicationOut(Answer):
    id = fields.String()
    summary = fields.String()
    answer = fields.String()
    published_at = Instant()
    published_by = nullable()


class ComplaintOut(Answer):
    """The whole complaint, for officers and admins."""

    id = fields.String()
    tracking_code = fields.String()
    category = fields.String()
    description = fields.String()
    programme_code = nullable()
    round_id = nullable()
    allocation_id = nullable()
    anonymous = fields.Boolean()
    reporter = fields.Dict(allow_none=True, metadata={
        "description": "officers see it; for pungli only admins; otherwise null"})
    reporter_visible = fields.Boolean()
    correction = fields.Dict(allow_none=True, metadata={
        "description": "data_correction: {subject_nik, fields}"})
    status = fields.String()
    version = fields.Integer()
    assigned_to = nullable()
    forwarded_to = nullable()
    forwarded_at = Instant(allow_none=True)
    submitted_at = Instant()
    updated_at = Instant()
    resolved_at = Instant(allow_none=True)
    overdue = fields.Boolean()
    deadlines = fields.List(fields.Nested(DeadlineOut))
    history = fields.List(fields.Nested(StepOut))
    notes = fields.List(fields.Nested(NoteOut))
    allocation = fields.Nested(LinkedAllocationOut, allow_none=True, metadata={
        "description": "not_received complaints: the linked allocation as last known"})
    publication = fields.Nested(PublicationOut, allow_none=True)


class ComplaintCountsOut(Answer):
    received = fields.Integer(metadata={"description": "new complaints"})
    overdue = fields.Integer()


ComplaintPage = Page(ComplaintOut, counts=fields.Nested(ComplaintCountsOut))


class PublishedOut(Answer):
    id = fields.String()
    category = fields.String()
    programme_code = nullable()
    submitted_month = fields.String(metadata={"description": "YYYY-MM (WIB)"})
    resolved_on = Day()
    summary = fields.String()
    answer = fields.String()


class FeedbackOut(Answer):
    id = fields.String()
    programme_code = fields.String()
    rating = fields.Integer()
    submitted_at = Instant()
    message = fields.String()


class HoursOut(Answer):
    median = fields.Float(allow_none=True)
    p90 = fields.Float(allow_none=True)


class ReportBlockOut(Answer):
    submitted = fields.Integer()
    by_category = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_category_and_status = fields.Dict(keys=fields.String(), values=fields.Dict())
    resolved = fields.Integer()
    hours_to_resolve = fields.Nested(HoursOut)
    overdue_now = fields.Integer()
    missed_deadline = fields.Integer()


class ReportMonthOut(ReportBlockOut):
    month = fields.String(metadata={"description": "YYYY-MM (WIB)"})


class ComplaintReportOut(Answer):
    year = fields.Integer()
    month = fields.Integer(allow_none=True)
    generated_at = Instant()
    total = fields.Nested(ReportBlockOut)
    months = fields.List(fields.Nested(ReportMonthOut))


class NeedCountOut(Answer):
    code = fields.String()
    label = fields.String()
    count = fields.Integer()


class ProgrammeFeedbackOut(Answer):
    programme_code = fields.String()
    responses = fields.Integer()
    average_rating = fields.Float()
    ratings = fields.Dict(keys=fields.String(), values=fields.Integer())
    needs = fields.List(fields.Nested(NeedCountOut))
    needs_other = fields.Integer()
    comments = fields.Integer()


class FeedbackSummaryOut(Answer):
    year = fields.Integer()
    programmes = fields.List(fields.Nested(ProgrammeFeedbackOut))
