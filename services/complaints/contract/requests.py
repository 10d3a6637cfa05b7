"""What comes into the complaints service: read strictly (unknown fields refused).

Free text is kept exactly as given (any script, emoji); only its length (in
characters) and control characters are checked. Codes are fixed by
docs/contract.md ("Codes and fields fixed here").
"""
import datetime

from marshmallow import EXCLUDE, ValidationError, fields, post_load, validate, validates_schema

from services.shared import codes
from services.shared.contract import PageQuery, Strict
from services.shared.fields import (AreaNumber, FreeText, Phone, Text, nik_rule, one_of)
from services.shared.nik import is_temporary

CATEGORIES = ("exclusion", "inclusion", "not_received", "pungli", "data_correction",
              "schedule", "suggestion", "other")
STATUSES = ("received", "verified", "forwarded", "in_progress", "resolved", "rejected",
            "reopened")
DESCRIPTION_MAX = 4000
NOTE_MAX = 2000
COMMENT_MAX = 2000
PROGRAMME_CODE = r"^[A-Z][A-Z0-9_]{1,19}$"
OPAQUE_ID = r"^[A-Za-z0-9_.:-]{1,64}$"


class ReporterIn(Strict):
    name = Text(100, required=True)
    nik = fields.String(load_default=None, allow_none=True, validate=nik_rule)
    phone = Phone()


def _programme_code(**kwargs):
    return fields.String(validate=validate.Regexp(
        PROGRAMME_CODE, error="must be an upper-case programme code such as PKH"), **kwargs)


def _opaque_id():
    return fields.String(load_default=None, allow_none=True,
                         validate=validate.Regexp(OPAQUE_ID, error="is not a valid id"))


def _choice(values):
    return fields.String(required=True, validate=one_of(values))


#: Resident fields a data-correction complaint may ask the registry to change,
#: each read with the registry's own rule (the shared field rules); the
#: registry validates again when an officer confirms.
CORRECTABLE = {
    "nik": fields.String(required=True, validate=nik_rule),
    "full_name": Text(100, required=True),
    "sex": _choice(codes.SEXES),
    "birth_place": Text(100, required=True),
    "birth_date": fields.Date(required=True),
    "religion": _choice(codes.RELIGIONS),
    "education": _choice(codes.EDUCATIONS),
    "marital_status": _choice(codes.MARITAL_STATUSES),
    "relationship": _choice(codes.RELATIONSHIPS),
    "disability": _choice(codes.DISABILITIES),
    "occupation_code": fields.Integer(required=True, validate=validate.OneOf(
        codes.OCCUPATION_CODES, error="must be an OpenSID occupation code 1-89")),
    "street": Text(200, required=True),
    "rt": AreaNumber(required=True),
    "rw": AreaNumber(required=True),
}


def read_correctable(name, value):
    """The value the registry gets for ``name`` (a date as YYYY-MM-DD, an occupation
    as an integer, RT/RW zero-padded); raises ValidationError with the rule."""
    field = CORRECTABLE[name]
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValidationError("must be a string")
    if not isinstance(field, fields.Integer):
        value = str(value)
    read = field.deserialize(value)
    return read.isoformat() if isinstance(read, datetime.date) else read


class CorrectionIn(Strict):
    """The record to correct (by NIK) and the proposed values."""

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
            if name not in CORRECTABLE:
                errors["fields.%s" % name] = ["cannot be corrected here; correctable: %s"
                                              % ", ".join(CORRECTABLE)]
                continue
            try:
                read_correctable(name, value)
            except ValidationError as exc:
                errors["fields.%s" % name] = ["%r is not a valid %s: %s" % (
                    value, name, "; ".join(exc.messages))]
        if errors:
            raise ValidationError(errors)

    @post_load
    def wire_names(self, data, **kwargs):
        changes = {name: read_correctable(name, value) for name, value in data["changes"].items()}
        return {"subject_nik": data["subject_nik"], "fields": changes}


class ComplaintIn(Strict):
    """docs/contract.md: ``category``, ``description``, optional links, and either
    ``anonymous: true`` or ``reporter``; ``correction`` is this service's addition
    for ``data_correction``."""

    category = _choice(CATEGORIES)
    description = FreeText(DESCRIPTION_MAX, required=True)
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
    """docs/contract.md: ``to``, ``note``, ``forwarded_to`` when ``to`` is forwarded.

    Additions: ``internal_note`` (officers only), ``assigned_to`` (defaults to
    the acting officer), ``version`` (optimistic concurrency: 409 when stale),
    ``correction`` (the fields a resolved data correction asks for).
    ``note`` is public: the complainant reads it by tracking code.
    """

    to = _choice(STATUSES)
    note = FreeText(NOTE_MAX)
    internal_note = FreeText(NOTE_MAX)
    forwarded_to = Text(200)
    assigned_to = Text(100)
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
    text = FreeText(NOTE_MAX, required=True)
    public = fields.Boolean(load_default=False)


class PublicationIn(Strict):
    """The wording the village publishes: written by an officer, redacted again."""

    summary = FreeText(1000, required=True)
    answer = FreeText(NOTE_MAX, required=True)


class ComplaintQuery(PageQuery):
    status = fields.String(validate=one_of(STATUSES))
    category = fields.String(validate=one_of(CATEGORIES))
    overdue = fields.Boolean()
    programme_code = fields.String()
    assigned_to = fields.String()
    tracking_code = fields.String()


class ReportQuery(Strict):
    class Meta:
        unknown = EXCLUDE

    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    month = fields.Integer(load_default=None, validate=validate.Range(min=1, max=12))
    programme_code = fields.String(load_default=None)
    format = fields.String(load_default=None, metadata={"description": "csv for a CSV export"})


class FeedbackIn(Strict):
    """docs/contract.md: ``programme_code``, ``rating`` 1-5, ``comment``, ``needs``
    (codes from the service's list, ``GET`` in docs/complaints.md); additions:
    ``round_id`` and ``needs_other`` (free text)."""

    programme_code = _programme_code(required=True)
    round_id = _opaque_id()
    rating = fields.Integer(required=True, strict=True,
                            validate=validate.Range(min=1, max=5, error="must be an integer 1 to 5"))
    comment = FreeText(COMMENT_MAX)
    needs = fields.List(fields.String(), load_default=list,
                        validate=validate.Length(max=20, error="at most 20 needs"))
    needs_other = FreeText(500)
