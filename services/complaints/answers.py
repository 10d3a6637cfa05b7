"""The shapes of the answers, for the OpenAPI description (the service builds
them in ``views.py``; these classes only document them)."""
from marshmallow import Schema, fields


class NoteOut(Schema):
    at = fields.String()
    author = fields.String()
    text = fields.String()


class TrackingOut(Schema):
    tracking_code = fields.String()
    category = fields.String()
    status = fields.String()
    status_label = fields.String(metadata={"description": "Bahasa Indonesia"})
    submitted_at = fields.String()
    updated_at = fields.String()
    expected_by = fields.String(allow_none=True, metadata={"description": "resolution deadline"})
    history = fields.List(fields.Dict())
    public_notes = fields.List(fields.Nested(NoteOut))
    allocation_status = fields.String(allow_none=True)


class SubmittedOut(TrackingOut):
    message = fields.String()


class ComplaintOut(Schema):
    id = fields.String()
    tracking_code = fields.String()
    category = fields.String()
    description = fields.String()
    status = fields.String()
    version = fields.Integer()
    anonymous = fields.Boolean()
    reporter = fields.Dict(allow_none=True, metadata={
        "description": "officers only; for pungli admins only; else null"})
    reporter_visible = fields.Boolean()
    overdue = fields.Boolean()
    deadlines = fields.List(fields.Dict())
    history = fields.List(fields.Dict())
    notes = fields.List(fields.Dict())
    allocation = fields.Dict(allow_none=True)


class PublishedOut(Schema):
    id = fields.String()
    category = fields.String()
    programme_code = fields.String(allow_none=True)
    submitted_month = fields.String()
    resolved_on = fields.String()
    summary = fields.String()
    answer = fields.String()


class FeedbackOut(Schema):
    id = fields.String()
    programme_code = fields.String()
    rating = fields.Integer()
    submitted_at = fields.String()
