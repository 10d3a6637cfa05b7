"""The events the distribution service publishes (docs/events.md, "distribution").

Each carries the aggregate's full public snapshot, so a consumer that skips an
older ``aggregate_version`` loses nothing. Snapshot readers are tolerant and
keep only what consumers use; the full shapes are in docs/events.md.
"""
from marshmallow import fields

from services.shared.contract import EventType, Tolerant

SOURCE = "distribution"


class DisbursementSnapshot(Tolerant):
    """What consumers read of an allocation's handover (``aid_disbursed`` and after)."""

    disbursed_at = fields.String(allow_none=True, metadata={
        "description": "when the aid was handed over (UTC ISO)"})
    recorded_at = fields.String(allow_none=True, metadata={
        "description": "when the handover was entered; absent in events before it existed"})


class AllocationSnapshot(Tolerant):
    """What consumers read of an allocation; a key the event lacks stays absent."""

    id = fields.String(required=True)
    round_id = fields.String(allow_none=True)
    programme_code = fields.String(allow_none=True)
    year = fields.Integer(allow_none=True)
    household_id = fields.String(allow_none=True)
    member_id = fields.String(allow_none=True)
    recipient_id = fields.String(allow_none=True)
    amount_idr = fields.Integer(allow_none=True)
    status = fields.String(allow_none=True)
    status_reason = fields.String(allow_none=True)
    version = fields.Integer(allow_none=True)
    disbursement = fields.Nested(DisbursementSnapshot, allow_none=True)


def handed_over_at(allocation, default=None):
    """When an allocation's aid was handed over: its ``disbursement.disbursed_at``
    (an ``AllocationSnapshot`` or an exported allocation), else ``default``.

    A handover may be entered days after it happened (from its paper record), so
    a consumer that dates a handover reads this, not the event's ``occurred_at``
    (when it was recorded).
    """
    return ((allocation or {}).get("disbursement") or {}).get("disbursed_at") or default


class AllocationEventV1(Tolerant):
    allocation = fields.Nested(AllocationSnapshot, required=True)


class ProgrammeEventV1(Tolerant):
    programme = fields.Dict(required=True)


class RoundEventV1(Tolerant):
    round = fields.Dict(required=True)


PROGRAMME_PUBLISHED = EventType(SOURCE, "programme_published", {1: ProgrammeEventV1})
PROGRAMME_REVISED = EventType(SOURCE, "programme_revised", {1: ProgrammeEventV1})
ROUND_SCHEDULED = EventType(SOURCE, "round_scheduled", {1: RoundEventV1})
ROUND_CLOSED = EventType(SOURCE, "round_closed", {1: RoundEventV1})

ALLOCATION_TYPES = ("allocation_created", "allocation_promoted", "allocation_updated",
                    "allocation_cancelled", "allocation_not_collected", "allocation_returned",
                    "aid_disbursed")
#: ``{type: EventType}`` of every allocation event (each ``{"allocation": snapshot}``).
ALLOCATION_EVENTS = {name: EventType(SOURCE, name, {1: AllocationEventV1})
                     for name in ALLOCATION_TYPES}

EVENTS = (PROGRAMME_PUBLISHED, PROGRAMME_REVISED, ROUND_SCHEDULED, ROUND_CLOSED) + tuple(
    ALLOCATION_EVENTS.values())
