"""Schemas of what the gateway itself owns: tokens, audit entries, health, problems."""
from marshmallow import ValidationError, fields, validate, validates_schema

from services.shared.contract import Answer, Strict
from services.shared.fields import Instant, Text

from gateway.auth import ROLES


class TokenIn(Strict):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    name = Text(100, required=True)
    partner_id = fields.String(load_default=None, allow_none=True)
    seller_id = fields.String(load_default=None, allow_none=True)

    @validates_schema
    def scoped(self, data, **kwargs):
        if data["role"] == "partner" and not data.get("partner_id"):
            raise ValidationError("required when role is partner", "partner_id")
        if data["role"] == "seller" and not data.get("seller_id"):
            raise ValidationError("required when role is seller", "seller_id")


class TokenOut(Answer):
    id = fields.String()
    role = fields.String()
    name = fields.String()
    partner_id = fields.String(allow_none=True)
    seller_id = fields.String(allow_none=True)
    created_at = Instant()
    revoked_at = Instant(allow_none=True)
    token = fields.String(metadata={"optional": "only in the answer to POST: shown once"})


class AuditEntryOut(Answer):
    id = fields.String()
    at = Instant()
    token_id = fields.String(allow_none=True)
    token_name = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    action = fields.String()
    subject = fields.String(metadata={"description": "NIK whose data was read or changed"})
    method = fields.String(allow_none=True)
    path = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)


class AuditQuery(Strict):
    class Meta:
        unknown = "exclude"

    subject = fields.String()
    page = fields.Integer()
    per_page = fields.Integer()


class HealthOut(Answer):
    status = fields.String(metadata={"description": "ok or unavailable"})
    services = fields.Dict(keys=fields.String(), values=fields.String(),
                           metadata={"description": "service -> ok, timeout, error: ..."})
    followers = fields.Dict(keys=fields.String(), values=fields.Dict(), metadata={
        "optional": "when a service that follows the registry answered",
        "description": "service -> its last comparison with the registry: "
                       "{registry_epoch_ok (null before the first), drift: {kind: "
                       "{ours, theirs, checksum_ok}}, checked_at}; drift alone is not 503"})


class ParkedEventOut(Answer):
    id = fields.String()
    handler = fields.String()
    payload = fields.Raw(metadata={"description": "the event as it arrived"})
    error = fields.String()
    attempts = fields.Integer()
    parked_at = Instant()


class Problem(Answer):
    """RFC 9457 problem details (docs/contract.md, "Conventions")."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"optional": "per-field messages, on invalid input"})
