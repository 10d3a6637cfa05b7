"""What comes into the registry (strict: unknown fields refused) and what goes out.

Field names and code lists: docs/registry-data.md and ``services.shared.codes``.
The same input schemas validate the HTTP API (through the service), the CSV
import and the OpenSID spreadsheet import, so a rule is written once.
"""
import datetime
import re

from marshmallow import (EXCLUDE, RAISE, Schema, ValidationError, fields, pre_load,
                         validate, validates_schema)

from services.shared import codes
from services.shared.errors import from_marshmallow
from services.shared.nik import NumberRuleError, validate_kk, validate_nik

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
PHONE_RE = r"^\+?\d{6,15}$"


class Text(fields.String):
    """A string with surrounding whitespace removed; blank counts as missing."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip()
        if not value and self.required:
            raise ValidationError("must not be blank")
        return value or None

    def _validate(self, value):
        if value is not None:  # blank optional text is stored as null, unvalidated
            super()._validate(value)


class AreaNumber(fields.String):
    """RT or RW: 1-3 digits stored zero-padded (``"1"`` -> ``"001"``), or ``"-"``
    kept as given (OpenSID villages without RWs; docs/registry-data.md)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        value = super()._deserialize(value, attr, data, **kwargs).strip()
        if value == "-":
            return value
        if value.isdigit() and 1 <= len(value) <= 3:
            return value.zfill(3)
        raise ValidationError("must be 1-3 digits (e.g. 001) or '-'")


def _number_rule(check):
    """A field validator from a ``services.shared.nik`` check (its rule names the error)."""
    def rule(value):
        try:
            check(value)
        except NumberRuleError as exc:
            raise ValidationError(str(exc)) from None
    return rule


def _birth_date_rule(value):
    if value > datetime.date.today():
        raise ValidationError("must not be in the future")
    if value < EARLIEST_BIRTH_DATE:
        raise ValidationError("must be on or after 1900-01-01")


def _choice(choices, **kwargs):
    return fields.String(validate=validate.OneOf(choices), **kwargs)


def _optional_choice(choices):
    return _choice(choices, load_default=None, allow_none=True)


class ResidentFields(Schema):
    """One person as the API and the import describe them (docs/registry-data.md).

    ``nik`` omitted or null: the person has no known NIK and gets a flagged
    temporary number (DOMAIN.md, OpenSID practice).
    """

    class Meta:
        unknown = RAISE

    nik = fields.String(load_default=None, allow_none=True, validate=_number_rule(validate_nik))
    full_name = Text(required=True, validate=validate.Length(1, 100))
    sex = _choice(codes.SEXES, required=True)
    birth_place = Text(required=True, validate=validate.Length(1, 100))
    birth_date = fields.Date(required=True, validate=_birth_date_rule)
    relationship = _choice(codes.RELATIONSHIPS, required=True)
    religion = _optional_choice(codes.RELIGIONS)
    education = _optional_choice(codes.EDUCATIONS)
    occupation_code = fields.Integer(strict=True, load_default=None, allow_none=True,
                                     validate=validate.OneOf(codes.OCCUPATION_CODES))
    marital_status = _optional_choice(codes.MARITAL_STATUSES)
    disability = _choice(codes.DISABILITIES, load_default="none")
    pregnant = fields.Boolean(load_default=False)
    phone = fields.String(load_default=None, allow_none=True,
                          validate=validate.Regexp(PHONE_RE, error="must be 6-15 digits, "
                                                   "optionally after a leading +"))

    @validates_schema
    def _pregnancy(self, data, **kwargs):
        if data.get("pregnant") and data.get("sex") == "M":
            raise ValidationError("only a woman (sex F) can be pregnant", "pregnant")


class HouseholdFields(Schema):
    """A family (KK) and its dwelling's socio-economic attributes, without members.

    An ``address`` object (``street``, ``rt``, ``rw``, ``dusun``,
    ``village_code``) is accepted in place of the flat fields (CONTRACT.md
    speaks of "an address with rt, rw").
    """

    class Meta:
        unknown = RAISE

    kk_number = fields.String(required=True, validate=_number_rule(validate_kk))
    #: optional: many villages (OpenSID's among them) address a family by dusun/RW/RT only
    street = Text(load_default=None, allow_none=True, validate=validate.Length(1, 200))
    rt = AreaNumber(required=True)
    rw = AreaNumber(required=True)
    dusun = Text(load_default=None, allow_none=True, validate=validate.Length(max=100))
    village_code = fields.String(load_default=None, allow_none=True,
                                 validate=validate.Regexp(r"^\d{10}$", error="must be 10 digits"))
    welfare_decile = fields.Integer(strict=True, load_default=None, allow_none=True,
                                    validate=validate.Range(1, 10))
    monthly_income_idr = fields.Integer(strict=True, load_default=None, allow_none=True,
                                        validate=validate.Range(min=0))
    house_ownership = _optional_choice(codes.HOUSE_OWNERSHIPS)
    floor_type = Text(load_default=None, allow_none=True, validate=validate.Length(max=30))
    wall_type = Text(load_default=None, allow_none=True, validate=validate.Length(max=30))
    roof_type = Text(load_default=None, allow_none=True, validate=validate.Length(max=30))
    water_source = _optional_choice(codes.WATER_SOURCES)
    electricity_va = fields.Integer(strict=True, load_default=None, allow_none=True,
                                    validate=validate.Range(min=0))
    cooking_fuel = _optional_choice(codes.COOKING_FUELS)
    sanitation = _optional_choice(codes.SANITATIONS)
    has_car = fields.Boolean(load_default=None, allow_none=True)

    @pre_load
    def _flatten_address(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("address"), dict):
            data = dict(data)
            for key, value in data.pop("address").items():
                data.setdefault(key, value)
        return data


class HouseholdIn(HouseholdFields):
    """``POST /households``: a family with its members (at least one, one head)."""

    members = fields.List(fields.Nested(ResidentFields), required=True,
                          validate=validate.Length(1, 30))


class ResidentPatch(ResidentFields):
    """``PATCH /residents/{nik}``: any resident field, plus the required ``reason``."""

    reason = Text(required=True, validate=validate.Length(1, 500))


class HouseholdPatch(HouseholdFields):
    """``PATCH /households/{id}``: any household field, plus the required ``reason``."""

    reason = Text(required=True, validate=validate.Length(1, 500))


class DeactivateIn(Schema):
    """``POST /residents/{nik}/deactivate``."""

    class Meta:
        unknown = RAISE

    reason = _choice(codes.INACTIVE_REASONS, required=True)
    note = Text(load_default=None, allow_none=True, validate=validate.Length(max=500))


class SearchQuery(Schema):
    """``GET /residents`` query: name or NIK/KK prefix, area, status, data-quality flag."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(load_default=None, validate=validate.Length(max=100))
    rt = AreaNumber(load_default=None)
    rw = AreaNumber(load_default=None)
    status = _choice(codes.RESIDENT_STATUSES, load_default=None)
    flagged = fields.Boolean(load_default=None)
    kk_number = fields.String(load_default=None,
                              validate=validate.Regexp(r"^\d{16}$", error="must be 16 digits"))
    page = fields.Integer(load_default=1)
    per_page = fields.Integer(load_default=50)


def load(schema, data, partial=False, detail="The request body is invalid."):
    """Validate ``data`` with a schema instance; InvalidInput lists every bad field."""
    try:
        return schema.load(data if data is not None else {}, partial=partial)
    except ValidationError as exc:
        raise from_marshmallow(exc, detail) from None


def normalise_name(name):
    """Case- and space-insensitive form of a name (dedupe of temporary numbers)."""
    return re.sub(r"\s+", " ", (name or "").strip()).casefold()


# --- What goes out (documents the answers; used by the gateway's OpenAPI) ---

class ResidentOut(Schema):
    id = fields.String()
    nik = fields.String(metadata={"description": "masked unless officer or admin"})
    nik_temporary = fields.Boolean()
    kk_number = fields.String()
    household_id = fields.String()
    full_name = fields.String()
    sex = fields.String()
    birth_place = fields.String()
    birth_date = fields.String(metadata={"format": "date"})
    relationship = fields.String()
    religion = fields.String(allow_none=True)
    education = fields.String(allow_none=True)
    occupation_code = fields.Integer(allow_none=True)
    occupation = fields.String(allow_none=True)
    marital_status = fields.String(allow_none=True)
    disability = fields.String()
    pregnant = fields.Boolean()
    phone = fields.String(allow_none=True)
    status = fields.String()
    inactive_reason = fields.String(allow_none=True)
    inactive_note = fields.String(allow_none=True)
    quality_flags = fields.List(fields.String())
    rt = fields.String()
    rw = fields.String()
    version = fields.Integer()
    created_at = fields.String()
    updated_at = fields.String()


class HouseholdOut(HouseholdFields):
    class Meta:
        unknown = EXCLUDE

    id = fields.String()
    status = fields.String()
    member_ids = fields.List(fields.String())
    members = fields.List(fields.Nested(ResidentOut))
    quality_flags = fields.List(fields.String())
    version = fields.Integer()
    created_at = fields.String()
    updated_at = fields.String()


class ChangeOut(Schema):
    field = fields.String()
    old = fields.Raw(allow_none=True)
    new = fields.Raw(allow_none=True)


class HistoryEntryOut(Schema):
    version = fields.Integer()
    at = fields.String(metadata={"description": "ISO 8601 UTC"})
    by = fields.Dict(metadata={"description": "who: the token's actor record"})
    action = fields.String(metadata={"description": "registered, imported, updated, "
                                                    "deactivated, moved"})
    changes = fields.List(fields.Nested(ChangeOut))
    reason = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class ImportErrorOut(Schema):
    row = fields.Integer(metadata={"description": "row in the file; the header is row 1"})
    sheet = fields.String(metadata={"description": "the sheet, when a workbook has several"})
    field = fields.String()
    rule = fields.String()


class ImportResultOut(Schema):
    format = fields.String(metadata={"description": "csv or opensid"})
    rows = fields.Integer()
    created_households = fields.Integer()
    created_residents = fields.Integer()
    updated_households = fields.Integer()
    already_present = fields.Integer()
    errors = fields.List(fields.Nested(ImportErrorOut))
