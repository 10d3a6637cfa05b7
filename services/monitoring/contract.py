"""What others may import of the monitoring service: its answers (docs/monitoring.md).
It publishes no events."""
from marshmallow import fields

from services.shared.contract import Answer, Tolerant
from services.shared.fields import Instant


class TimelineEntryOut(Answer):
    """One event in a person's or family's life, as an officer reads it."""

    at = Instant(metadata={"description": "when it happened (UTC)"})
    source = fields.String(metadata={"description": "the service that recorded it"})
    type = fields.String(metadata={"description": "the event type"})
    summary = fields.String(metadata={"description": "what happened, in Bahasa Indonesia"})


class TimelineOut(Answer):
    """``GET /residents/{nik}/timeline`` and ``GET /households/{id}/timeline``."""

    subject = fields.String(metadata={"description": "resident or household"})
    id = fields.String(metadata={"description": "the resident's or household's registry id"})
    entries = fields.List(fields.Nested(TimelineEntryOut))


class AnnualCountersOut(Answer):
    """The year's figures (rupiah amounts in ``amount_idr``/``*_idr``; months WIB)."""

    year = fields.Integer()
    registry = fields.Dict(metadata={"description": "registrations, deactivations by reason"})
    distribution = fields.Dict(metadata={"description": "allocations, disbursements, returns: "
                                         "[{programme_code, rw, month, count, amount_idr}]"})
    complaints = fields.List(fields.Dict(), metadata={
        "description": "[{category, submitted, resolved, mean_resolution_days}]"})
    partners = fields.Dict(metadata={"description": "enrolments by kind, outcomes"})
    marketplace = fields.Dict(metadata={"description": "sellers, listings, orders"})


class ReportQuery(Tolerant):
    """``GET /reports/annual/{year}``'s query string."""

    format = fields.String(metadata={"description": "json (default), csv or html"})
