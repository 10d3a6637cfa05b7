"""The event envelope fixed by docs/contract.md ("Events").

Every event a service publishes is a dict of this shape; ``data`` carries the
aggregate's full current snapshot where the event is about one aggregate, so a
consumer that skips an older version loses nothing (the newer one supersedes it).
"""
import uuid

from marshmallow import EXCLUDE, Schema, fields

from services.shared import clock, tolerant_read

SCHEMA_VERSION = 1


def make_envelope(event_type, source, aggregate_id, aggregate_version, data,
                  correlation_id=None, schema_version=SCHEMA_VERSION):
    """Build an event envelope.

    Args:
        event_type (str): past-tense snake_case, e.g. ``resident_deactivated``.
        source (str): the publishing service's name, e.g. ``registry``.
        aggregate_id (str): id of the aggregate the event is about.
        aggregate_version (int): the aggregate's version after the change (>= 1).
        data (dict): JSON-safe payload (strings for ids and dates, int rupiah).
        correlation_id (str|None): id of the request or event that caused it;
            defaults to the new event's own id.
        schema_version (int): the version of ``data``'s schema (the contract's
            ``EventType.envelope`` passes its newest).
    Returns:
        dict: the envelope, JSON-safe.
    """
    event_id = str(uuid.uuid4())
    return {
        "event_id": event_id,
        "type": event_type,
        "schema_version": schema_version,
        "occurred_at": clock.now_iso(),
        "source": source,
        "aggregate_id": str(aggregate_id),
        "aggregate_version": int(aggregate_version),
        "correlation_id": correlation_id or event_id,
        "data": data,
    }


class EnvelopeSchema(Schema):
    """Tolerant reader of an incoming envelope: unknown fields are ignored."""

    class Meta:
        unknown = EXCLUDE

    event_id = fields.String(required=True)
    type = fields.String(required=True)
    schema_version = fields.Integer(required=True)
    occurred_at = fields.String(required=True)
    source = fields.String(required=True)
    aggregate_id = fields.String(required=True)
    aggregate_version = fields.Integer(required=True)
    correlation_id = fields.String(load_default=None, allow_none=True)
    data = fields.Dict(required=True)
    # the owner's store epoch (services.shared.epoch); only owners that keep one send it
    store_epoch = fields.String(load_default=None, allow_none=True)


_ENVELOPE = EnvelopeSchema()  # built once: a schema instance is reusable and costly to build


def load_envelope(payload):
    """Validate an incoming envelope; raises marshmallow.ValidationError."""
    return tolerant_read.load(_ENVELOPE, payload)
