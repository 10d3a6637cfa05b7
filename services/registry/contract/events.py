"""The events the registry publishes (docs/events.md, "registry").

Each carries the aggregate's full snapshot after the change, so a consumer
that skips an older ``aggregate_version`` loses nothing. The snapshot schemas
are tolerant readers: a consumer ignores keys it does not know, and a key a
newer registry drops reads as its default.
"""
from marshmallow import fields

from services.shared.contract import EventType, Tolerant
from services.shared.fields import maybe

SOURCE = "registry"


class ResidentSnapshot(Tolerant):
    """A resident in events and ``export_residents`` (no phone: docs/events.md)."""

    id = fields.String(required=True)
    nik = maybe()
    nik_temporary = fields.Boolean(load_default=False)
    kk_number = maybe()
    household_id = maybe()
    full_name = fields.String(load_default="")
    sex = maybe()
    birth_place = maybe()
    birth_date = maybe(metadata={"format": "date"})
    relationship = maybe()
    religion = maybe()
    education = maybe()
    occupation_code = maybe(fields.Integer)
    marital_status = maybe()
    disability = maybe()
    pregnant = fields.Boolean(load_default=False, allow_none=True)
    status = fields.String(load_default="active")
    inactive_reason = maybe()
    quality_flags = fields.List(fields.String(), load_default=list)
    rt = maybe()
    rw = maybe()
    version = fields.Integer(load_default=1)


class HouseholdSnapshot(Tolerant):
    """A household in events and ``export_households``."""

    id = fields.String(required=True)
    kk_number = maybe()
    street = maybe()
    rt = maybe()
    rw = maybe()
    dusun = maybe()
    village_code = maybe()
    welfare_decile = maybe(fields.Integer)
    monthly_income_idr = maybe(fields.Integer)
    house_ownership = maybe()
    floor_type = maybe()
    wall_type = maybe()
    roof_type = maybe()
    water_source = maybe()
    electricity_va = maybe(fields.Integer)
    cooking_fuel = maybe()
    sanitation = maybe()
    has_car = fields.Boolean(load_default=False, allow_none=True)
    status = fields.String(load_default="active")
    member_ids = fields.List(fields.String(), load_default=list)
    version = fields.Integer(load_default=1)


class HouseholdRegisteredV1(Tolerant):
    household = fields.Nested(HouseholdSnapshot, required=True)


class HouseholdUpdatedV1(HouseholdRegisteredV1):
    changed = fields.List(fields.String(), load_default=list)
    reason = maybe()


class ResidentRegisteredV1(Tolerant):
    resident = fields.Nested(ResidentSnapshot, required=True)


class ResidentUpdatedV1(ResidentRegisteredV1):
    changed = fields.List(fields.String(), load_default=list)
    reason = maybe()


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
