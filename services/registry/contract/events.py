"""The events the registry publishes (docs/events.md, "registry").

Each carries the aggregate's full snapshot after the change, so a consumer
that skips an older ``aggregate_version`` loses nothing. The snapshot schemas
are tolerant readers: a consumer ignores keys it does not know, and a key a
newer registry drops reads as its default.
"""
from marshmallow import fields

from services.shared.contract import EventType, Tolerant

SOURCE = "registry"


def _opt(field=fields.String, **kwargs):
    return field(load_default=None, allow_none=True, **kwargs)


class ResidentSnapshot(Tolerant):
    """A resident in events and ``export_residents`` (no phone: docs/events.md)."""

    id = fields.String(required=True)
    nik = _opt()
    nik_temporary = fields.Boolean(load_default=False)
    kk_number = _opt()
    household_id = _opt()
    full_name = fields.String(load_default="")
    sex = _opt()
    birth_place = _opt()
    birth_date = _opt(metadata={"format": "date"})
    relationship = _opt()
    religion = _opt()
    education = _opt()
    occupation_code = _opt(fields.Integer)
    marital_status = _opt()
    disability = _opt()
    pregnant = fields.Boolean(load_default=False, allow_none=True)
    status = fields.String(load_default="active")
    inactive_reason = _opt()
    quality_flags = fields.List(fields.String(), load_default=list)
    rt = _opt()
    rw = _opt()
    version = fields.Integer(load_default=1)


class HouseholdSnapshot(Tolerant):
    """A household in events and ``export_households``."""

    id = fields.String(required=True)
    kk_number = _opt()
    street = _opt()
    rt = _opt()
    rw = _opt()
    dusun = _opt()
    village_code = _opt()
    welfare_decile = _opt(fields.Integer)
    monthly_income_idr = _opt(fields.Integer)
    house_ownership = _opt()
    floor_type = _opt()
    wall_type = _opt()
    roof_type = _opt()
    water_source = _opt()
    electricity_va = _opt(fields.Integer)
    cooking_fuel = _opt()
    sanitation = _opt()
    has_car = fields.Boolean(load_default=False, allow_none=True)
    status = fields.String(load_default="active")
    member_ids = fields.List(fields.String(), load_default=list)
    version = fields.Integer(load_default=1)


class HouseholdRegisteredV1(Tolerant):
    household = fields.Nested(HouseholdSnapshot, required=True)


class HouseholdUpdatedV1(HouseholdRegisteredV1):
    changed = fields.List(fields.String(), load_default=list)
    reason = _opt()


class ResidentRegisteredV1(Tolerant):
    resident = fields.Nested(ResidentSnapshot, required=True)


class ResidentUpdatedV1(ResidentRegisteredV1):
    changed = fields.List(fields.String(), load_default=list)
    reason = _opt()


class ResidentDeactivatedV1(ResidentRegisteredV1):
    reason = fields.String(load_default="other",
                           metadata={"description": "moved_out, deceased, duplicate, other"})
    note = fields.String(load_default="", allow_none=True)


HOUSEHOLD_REGISTERED = EventType(SOURCE, "household_registered", {1: HouseholdRegisteredV1})
HOUSEHOLD_UPDATED = EventType(SOURCE, "household_updated", {1: HouseholdUpdatedV1})
RESIDENT_REGISTERED = EventType(SOURCE, "resident_registered", {1: ResidentRegisteredV1})
RESIDENT_UPDATED = EventType(SOURCE, "resident_updated", {1: ResidentUpdatedV1})
RESIDENT_DEACTIVATED = EventType(SOURCE, "resident_deactivated", {1: ResidentDeactivatedV1})

EVENTS = (HOUSEHOLD_REGISTERED, HOUSEHOLD_UPDATED, RESIDENT_REGISTERED, RESIDENT_UPDATED,
          RESIDENT_DEACTIVATED)
