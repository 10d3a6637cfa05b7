"""Schemas of accounts and sessions (gateway/accounts.py): strict requests, documented answers."""
from marshmallow import ValidationError, fields, validate, validates_schema

from services.shared.contract import Answer, Page, Strict
from services.shared.fields import Instant, Text

from gateway.accounts import ACCOUNT_ROLES

USERNAME = r"^[a-z0-9][a-z0-9._-]{2,31}$"
#: NIST SP 800-63B: length over composition rules; 10 for people who see personal data
PASSWORD_MIN, PASSWORD_MAX = 10, 128


def _password(**kwargs):
    return fields.String(validate=validate.Length(
        min=PASSWORD_MIN, max=PASSWORD_MAX,
        error="must be %d to %d characters" % (PASSWORD_MIN, PASSWORD_MAX)), **kwargs)


class AccountIn(Strict):
    username = fields.String(required=True, validate=validate.Regexp(
        USERNAME, error="must be 3 to 32 characters: lower-case letters, digits, '.', '_', '-'"))
    display_name = Text(100, required=True)
    role = fields.String(required=True, validate=validate.OneOf(ACCOUNT_ROLES))
    password = _password(required=True)
    partner_id = fields.String(load_default=None, allow_none=True,
                               metadata={"description": "required for the role partner"})
    seller_id = fields.String(load_default=None, allow_none=True,
                              metadata={"description": "required for the role seller"})

    @validates_schema
    def not_the_name(self, data, **kwargs):
        if data.get("password", "").lower() == data.get("username", "").lower():
            raise ValidationError("must not be the user name", "password")


class AccountPatch(Strict):
    display_name = Text(100)
    role = fields.String(validate=validate.OneOf(ACCOUNT_ROLES))
    active = fields.Boolean(metadata={"description": "false ends its sessions"})
    password = _password(metadata={"description": "a reset; ends its sessions"})
    unlock = fields.Boolean(metadata={"description": "true clears a lockout"})
    partner_id = fields.String(allow_none=True, metadata={
        "description": "a partner account's partner (required when role becomes partner)"})
    seller_id = fields.String(allow_none=True, metadata={
        "description": "a seller account's seller (required when role becomes seller)"})


class AccountOut(Answer):
    id = fields.String()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    active = fields.Boolean()
    partner_id = fields.String(allow_none=True, metadata={"description": "role partner"})
    seller_id = fields.String(allow_none=True, metadata={"description": "role seller"})
    locked_until = Instant(allow_none=True, metadata={"description": "while locked, else null"})
    last_login_at = Instant(allow_none=True)
    created_at = Instant()


AccountPage = Page(AccountOut)


class SessionIn(Strict):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=PASSWORD_MAX))


class SessionOut(Answer):
    token = fields.String(metadata={"description": "bearer session token (bs_...), shown once"})
    expires_at = Instant()
    account = fields.Nested(AccountOut)


class CurrentSessionOut(Answer):
    expires_at = Instant()
    account = fields.Nested(AccountOut)
