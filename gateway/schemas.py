"""Schemas of what the gateway itself owns: tokens, audit entries, health, problems."""
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from gateway.auth import ROLES


class TokenIn(Schema):
    class Meta:
        unknown = RAISE

    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    partner_id = fields.String(load_default=None, allow_none=True)
    seller_id = fields.String(load_default=None, allow_none=True)

    @validates_schema
    def scoped(self, data, **kwargs):
        if data["role"] == "partner" and not data.get("partner_id"):
            raise ValidationError("required when role is partner", "partner_id")
        if data["role"] == "seller" and not data.get("seller_id"):
            raise ValidationError("required when role is seller", "seller_id")


class TokenOut(Schema):
    id = fields.String()
    role = fields.String()
    name = fields.String()
    partner_id = fields.String(allow_none=True)
    seller_id = fields.String(allow_none=True)
    created_at = fields.String(metadata={"description": "UTC instant"})
    revoked_at = fields.String(allow_none=True)
    token = fields.String(metadata={"description": "Only in the answer to POST: shown once"})


class AuditEntryOut(Schema):
    id = fields.String()
    at = fields.String()
    token_id = fields.String()
    token_name = fields.String()
    role = fields.String()
    action = fields.String()
    subject = fields.String(metadata={"description": "NIK whose data was read or changed"})
    method = fields.String()
    path = fields.String()
    request_id = fields.String()


class AuditQuery(Schema):
    subject = fields.String()
    page = fields.Integer()
    per_page = fields.Integer()


class HealthOut(Schema):
    status = fields.String()
    services = fields.Dict(keys=fields.String(), values=fields.String())


class ParkedEventOut(Schema):
    id = fields.String()
    handler = fields.String()
    payload = fields.Dict()
    error = fields.String()
    attempts = fields.Integer()
    parked_at = fields.String()


class Problem(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
