"""What comes in (strict: unknown fields refused); answers are in ``answers.py``.

Requests are read with ``RAISE``; ``load_or_400`` turns marshmallow's messages
into InvalidInput naming each field. Free text is kept exactly as given (any
script, emoji); only its length (in characters) and control characters are
checked. The gateway uses these classes for OpenAPI.
"""
import datetime
import re

from marshmallow import (EXCLUDE, RAISE, Schema, ValidationError, fields, post_load, validate,
                         validates_schema)

from services.shared import codes
from services.shared.errors import InvalidInput, from_marshmallow
from services.shared.nik import NumberRuleError, is_temporary, validate_nik

from services.complaints.data import need_codes
from services.complaints.domain import CATEGORIES, STATUSES

DESCRIPTION_MAX = 4000
NOTE_MAX = 2000
COMMENT_MAX = 2000
PROGRAMME_CODE = r"^[A-Z][A-Z0-9_]{1,19}$"
OPAQUE_ID = r"^[A-Za-z0-9_.:-]{1,64}$"
PHONE = r"^\+?[0-9]{8,15}$"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(max_len, required=False, **kwargs):
    """A free-text field: 1..max_len characters, not blank, no control characters."""
    def check(value):
        if value and not value.strip():
            raise ValidationError("must not be blank")
        if _CONTROL.search(value):
            raise ValidationError("must not contain control characters")
    validators = [validate.Length(min=1, max=max_len,
                                  error="must be 1 to %d characters" % max_len), check]
    if required:
        return fields.String(required=True, validate=validators, **kwargs)
    return fields.String(load_default=None, allow_none=True, validate=validators, **kwargs)


def nik_rule(value):
    try:
        validate_nik(value)
    except NumberRuleError as exc:
        raise ValidationError(str(exc)) from None


class Strict(Schema):
    """A request body: unknown fields are refused."""

    class Meta:
        unknown = RAISE


def load_or_400(schema, payload, detail="The request body is invalid."):
    """``schema.load(payload)`` or InvalidInput with one message list per field."""
    if not isinstance(payload, dict):
        raise InvalidInput(detail, {"_body": ["must be a JSON object"]})
    try:
        return schema.load(payload)
    except ValidationError as exc:
        raise from_marshmallow(exc, detail) from None


class ReporterIn(Strict):
    name = text(100, required=True)
    nik = fields.String(load_default=None, allow_none=True, validate=nik_rule)
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(
        PHONE, error="must be 8 to 15 digits with an optional leading +"))


def _programme_code(**kwargs):
    return fields.String(validate=validate.Regexp(
        PROGRAMME_CODE, error="must be an upper-case programme code such as PKH"), **kwargs)


def _opaque_id():
    return fields.String(load_default=None, allow_none=True,
                         validate=validate.Regexp(OPAQUE_ID, error="is not a valid id"))


def _one_of(values):
    return validate.OneOf(values, error="must be one of: %s" % ", ".join(str(v) for v in values))


def _occupation(value):
    if not (value.isdigit() and 1 <= int(value) <= 89):
        raise ValidationError("must be an OpenSID occupation code 1-89")


#: Resident fields a data-correction complaint may ask the registry to change,
#: with the rule each value must meet (the registry validates again on confirmation).
CORRECTABLE = {
    "nik": nik_rule,
    "full_name": validate.Length(min=1, max=100),
    "sex": _one_of(["M", "F"]),
    "birth_place": validate.Length(min=1, max=100),
    "birth_date": lambda v: datetime.date.fromisoformat(v),
    "religion": _one_of(list(codes.RELIGION_CODES.values())),
    "education": _one_of(list(codes.EDUCATION_CODES.values())),
    "marital_status": _one_of(list(codes.MARITAL_STATUS_CODES.values())),
    "relationship": _one_of(list(codes.RELATIONSHIP_CODES.values())),
    "disability": _one_of(list(codes.DISABILITY_CODES.values())),
    "occupation_code": _occupation,
    "street": validate.Length(min=1, max=200),
    "rt": validate.Regexp(r"^\d{3}$"),
    "rw": validate.Regexp(r"^(\d{3}|-)$"),
}


class CorrectionIn(Strict):
    """The record to correct (by NIK) and the proposed values, all as strings."""

    subject_nik = fields.String(required=True, validate=lambda v: is_temporary(v) or nik_rule(v),
                                metadata={"description": "the record's NIK, or its temporary number"})
    # "fields" would shadow Schema.fields: the attribute is ``changes``, the wire name ``fields``.
    changes = fields.Dict(data_key="fields", keys=fields.String(), values=fields.Raw(),
                          required=True, validate=validate.Length(
                              min=1, max=len(CORRECTABLE),
                              error="must name 1 to %d fields" % len(CORRECTABLE)))

    @validates_schema(skip_on_field_errors=False)
    def check_values(self, data, **kwargs):
        errors = {}
        for name, value in data.get("changes", {}).items():
            rule = CORRECTABLE.get(name)
            if rule is None:
                errors["fields.%s" % name] = ["cannot be corrected here; correctable: %s"
                                              % ", ".join(CORRECTABLE)]
                continue
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                errors["fields.%s" % name] = ["must be a string"]
                continue
            try:
                rule(str(value))
            except (ValidationError, ValueError):
                errors["fields.%s" % name] = ["%r is not a valid %s" % (value, name)]
        if errors:
            raise ValidationError(errors)

    @post_load
    def wire_names(self, data, **kwargs):
        changes = {name: str(value) for name, value in data["changes"].items()}
        if "occupation_code" in changes:  # the registry's type: an integer code
            changes["occupation_code"] = int(changes["occupation_code"])
        return {"subject_nik": data["subject_nik"], "fields": changes}


class ComplaintIn(Strict):
    """CONTRACT: ``category``, ``description``, optional links, and either
    ``anonymous: true`` or ``reporter``; ``correction`` is this service's addition
    for ``data_correction``."""

    category = fields.String(required=True, validate=_one_of(CATEGORIES))
    description = text(DESCRIPTION_MAX, required=True)
    programme_code = _programme_code(load_default=None, allow_none=True)
    round_id = _opaque_id()
    allocation_id = _opaque_id()
    anonymous = fields.Boolean(load_default=False)
    reporter = fields.Nested(ReporterIn, load_default=None, allow_none=True)
    correction = fields.Nested(CorrectionIn, load_default=None, allow_none=True)

    @validates_schema(skip_on_field_errors=False)
    def who_and_what(self, data, **kwargs):
        errors = {}
        if "reporter" in data or "anonymous" in data:
            if data.get("anonymous") and data.get("reporter"):
                errors["reporter"] = ["must be absent when anonymous is true"]
            elif not data.get("anonymous") and not data.get("reporter"):
                errors["reporter"] = ["required unless anonymous is true"]
        if (data.get("correction") and data.get("category") in CATEGORIES
                and data["category"] != "data_correction"):
            errors["correction"] = ["only for category data_correction"]
        if errors:
            raise ValidationError(errors)


class TransitionIn(Strict):
    """CONTRACT: ``to``, ``note``, ``forwarded_to`` when ``to`` is forwarded.

    Additions: ``internal_note`` (officers only), ``assigned_to`` (defaults to
    the acting officer), ``version`` (optimistic concurrency: 409 when stale),
    ``correction`` (the fields a resolved data correction asks for).
    ``note`` is public: the complainant reads it by tracking code.
    """

    to = fields.String(required=True, validate=_one_of(STATUSES))
    note = text(NOTE_MAX)
    internal_note = text(NOTE_MAX)
    forwarded_to = text(200)
    assigned_to = text(100)
    version = fields.Integer(load_default=None, allow_none=True, strict=True,
                             validate=validate.Range(min=1))
    correction = fields.Nested(CorrectionIn, load_default=None, allow_none=True)

    @validates_schema(skip_on_field_errors=False)
    def needs(self, data, **kwargs):
        errors = {}
        to = data.get("to")
        if to not in STATUSES:
            return
        if to == "forwarded" and not data.get("forwarded_to"):
            errors["forwarded_to"] = ["required when to is forwarded (the authority, e.g. Dinas Sosial)"]
        if to != "forwarded" and data.get("forwarded_to"):
            errors["forwarded_to"] = ["only when to is forwarded"]
        if to in ("resolved", "rejected", "reopened") and not data.get("note"):
            errors["note"] = ["required when to is %s: the complainant reads it" % to]
        if to != "verified" and data.get("assigned_to"):
            errors["assigned_to"] = ["only when to is verified"]
        if to != "resolved" and data.get("correction"):
            errors["correction"] = ["only when to is resolved"]
        if errors:
            raise ValidationError(errors)


class NoteIn(Strict):
    text = text(NOTE_MAX, required=True)
    public = fields.Boolean(load_default=False)


class PublicationIn(Strict):
    """The wording the village publishes: written by an officer, redacted again."""

    summary = text(1000, required=True)
    answer = text(NOTE_MAX, required=True)


class ComplaintQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(validate=_one_of(STATUSES))
    category = fields.String(validate=_one_of(CATEGORIES))
    overdue = fields.Boolean()
    programme_code = fields.String()
    assigned_to = fields.String()
    tracking_code = fields.String()
    page = fields.Integer()
    per_page = fields.Integer()


class ReportQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    month = fields.Integer(load_default=None, validate=validate.Range(min=1, max=12))
    programme_code = fields.String(load_default=None)


class FeedbackIn(Strict):
    """CONTRACT: ``programme_code``, ``rating`` 1-5, ``comment``, ``needs`` (list);
    additions: ``round_id`` and ``needs_other`` (free text)."""

    programme_code = _programme_code(required=True)
    round_id = _opaque_id()
    rating = fields.Integer(required=True, strict=True,
                            validate=validate.Range(min=1, max=5, error="must be an integer 1 to 5"))
    comment = text(COMMENT_MAX)
    needs = fields.List(fields.String(), load_default=list,
                        validate=validate.Length(max=20, error="at most 20 needs"))
    needs_other = text(500)

    @validates_schema(skip_on_field_errors=False)
    def known_needs(self, data, **kwargs):
        known = need_codes()
        errors = {}
        for i, need in enumerate(data.get("needs") or []):
            if need not in known:
                errors["needs.%d" % i] = ["%r is not in the list (%s); write anything else in "
                                          "needs_other" % (need, ", ".join(known))]
        if len(set(data.get("needs") or [])) != len(data.get("needs") or []):
            errors.setdefault("needs", []).append("must not repeat a need")
        if errors:
            raise ValidationError(errors)
