"""What comes into the registry: read strictly (unknown fields refused).

Field names and code lists: docs/registry-data.md and ``services.shared.codes``.
The same schemas validate the HTTP API (through the service), the CSV import
and the OpenSID spreadsheet import, so a rule is written once.
"""
import datetime

from marshmallow import EXCLUDE, ValidationError, fields, pre_load, validate, validates_schema

from services.shared import codes
from services.shared.contract import Strict
from services.shared.fields import AreaNumber, Phone, Text, kk_rule, nik_rule, one_of

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
NOTE_MAX = 500


def _birth_date_rule(value):
    if value > datetime.date.today():
        raise ValidationError("must not be in the future")
    if value < EARLIEST_BIRTH_DATE:
        raise ValidationError("must be on or after 1900-01-01")


def _choice(choices, **kwargs):
    return fields.String(validate=one_of(choices), **kwargs)


def _optional_choice(choices):
    return _choice(choices, load_default=None, allow_none=True)


def _optional_int(**kwargs):
    return fields.Integer(strict=True, load_default=None, allow_none=True, **kwargs)


class ResidentFields(Strict):
    """One person as the API and the import describe them (docs/registry-data.md).

    ``nik`` omitted or null: the person has no known NIK and gets a flagged
    temporary number (docs/domain.md, OpenSID practice).
    """

    nik = fields.String(load_default=None, allow_none=True, validate=nik_rule)
    full_name = Text(100, required=True)
    sex = _choice(codes.SEXES, required=True)
    birth_place = Text(100, required=True)
    birth_date = fields.Date(required=True, validate=_birth_date_rule)
    relationship = _choice(codes.RELATIONSHIPS, required=True)
    religion = _optional_choice(codes.RELIGIONS)
    education = _optional_choice(codes.EDUCATIONS)
    occupation_code = _optional_int(validate=validate.OneOf(codes.OCCUPATION_CODES))
    marital_status = _optional_choice(codes.MARITAL_STATUSES)
    disability = _choice(codes.DISABILITIES, load_default="none")
    pregnant = fields.Boolean(load_default=False)
    phone = Phone()

    @validates_schema
    def _pregnancy(self, data, **kwargs):
        if data.get("pregnant") and data.get("sex") == "M":
            raise ValidationError("only a woman (sex F) can be pregnant", "pregnant")


class HouseholdFields(Strict):
    """A family (KK) and its dwelling's socio-economic attributes, without members.

    An ``address`` object (``street``, ``rt``, ``rw``, ``dusun``,
    ``village_code``) is accepted in place of the flat fields (docs/contract.md
    speaks of "an address with rt, rw").
    """

    kk_number = fields.String(required=True, validate=kk_rule)
    #: optional: many villages (OpenSID's among them) address a family by dusun/RW/RT only
    street = Text(200)
    rt = AreaNumber(required=True)
    rw = AreaNumber(required=True)
    dusun = Text(100)
    village_code = fields.String(load_default=None, allow_none=True,
                                 validate=validate.Regexp(r"^\d{10}$", error="must be 10 digits"))
    welfare_decile = _optional_int(validate=validate.Range(1, 10))
    monthly_income_idr = _optional_int(validate=validate.Range(min=0))
    house_ownership = _optional_choice(codes.HOUSE_OWNERSHIPS)
    floor_type = Text(30)
    wall_type = Text(30)
    roof_type = Text(30)
    water_source = _optional_choice(codes.WATER_SOURCES)
    electricity_va = _optional_int(validate=validate.Range(min=0))
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

    reason = Text(500, required=True)


class HouseholdPatch(HouseholdFields):
    """``PATCH /households/{id}``: any household field, plus the required ``reason``."""

    reason = Text(500, required=True)


class DeactivateIn(Strict):
    """``POST /residents/{nik}/deactivate``."""

    reason = _choice(codes.INACTIVE_REASONS, required=True)
    note = Text(500)


class SearchQuery(Strict):
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


class ConfirmIn(Strict):
    """``POST /corrections/{id}/confirm``: an optional note."""

    note = Text(NOTE_MAX)


class RejectIn(Strict):
    """``POST /corrections/{id}/reject``: the reason (required)."""

    reason = Text(NOTE_MAX, required=True)


#: The correction statuses (``GET /corrections?status=``).
CORRECTION_STATUSES = ("pending", "confirming", "confirmed", "rejected")


#: an import job's upload (``start_import_job``): a 50,000-family kelurahan's CSV is
#: ~38 MB (docs/registry-data.md "Import jobs")
IMPORT_JOB_MAX_BYTES = 64 * 1024 * 1024
#: the file reaches the registry in parts of at most this many bytes (``add_import_part``):
#: one RPC message and one stored document each, under RabbitMQ's and MongoDB's 16 MiB
IMPORT_PART_BYTES = 4 * 1024 * 1024
