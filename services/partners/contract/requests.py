"""What comes into the partners service: read strictly (unknown fields refused).

Codes are fixed by docs/contract.md ("Partners"). The rules inside a
programme (``criteria``) and its health schedule are checked after loading
(``services.partners.domain``), so an error names the path
(``criteria.all.1.op``, ``schedule.items.3.age``).
"""
import re

from marshmallow import EXCLUDE, ValidationError, fields, validate, validates_schema

from services.shared.contract import PageQuery, Strict
from services.shared.fields import PHONE_RE, FreeText, Text, nik_rule, one_of

PARTNER_KINDS = ("company", "ngo", "government", "health_facility", "university", "community")
VERIFICATIONS = ("pending", "verified", "suspended")
PROGRAMME_KINDS = ("training", "mentoring", "business_capital", "market_access", "education",
                   "immunisation", "antenatal_care", "health_screening", "other")
#: Kinds that meet in sessions with attendance (issue 11).
SESSION_KINDS = ("training", "mentoring")
#: Kinds whose residents get a personal schedule of appointments.
HEALTH_KINDS = ("immunisation", "antenatal_care")
ENROLMENT_STATUSES = ("accepted", "waitlisted", "withdrawn", "completed")
OUTCOMES = ("certificate", "business_started", "employed", "immunisation_given",
            "checkup_done", "other")
#: Why an enrolment ends early; ``resident_inactive`` is the registry's (a death,
#: a move), never a person's choice.
WITHDRAW_REASONS = ("resident_request", "not_attending", "no_longer_eligible",
                    "partner_decision", "other")
SYSTEM_WITHDRAW_REASONS = ("resident_inactive",)
ATTENDANCE = ("attended", "excused", "absent")
APPOINTMENT_STATUSES = ("scheduled", "done", "cancelled", "unrecorded")
#: What the cadre's list shows: due this week, late, both, or everything.
APPOINTMENT_VIEWS = ("due", "overdue", "due_or_overdue", "all")
TOPIC_RE = r"^[a-z][a-z0-9_]{1,39}$"
TIME_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _rupiah(**kwargs):
    kwargs.setdefault("load_default", 0)
    return fields.Integer(strict=True, validate=validate.Range(min=0, error="must be >= 0"),
                          metadata={"description": "rupiah"}, **kwargs)


def _hours(**kwargs):
    kwargs.setdefault("load_default", 0)
    return fields.Integer(strict=True, validate=validate.Range(min=0, error="must be >= 0"),
                          **kwargs)


def _phone():
    return fields.String(required=True, validate=validate.Regexp(
        PHONE_RE, error="must be 8 to 15 digits, optionally after a leading +"))


class PartnerIn(Strict):
    name = Text(200, required=True)
    kind = fields.String(required=True, validate=one_of(PARTNER_KINDS))
    contact_name = Text(100, required=True)
    contact_phone = _phone()
    address = Text(300)


class PartnerPatch(Strict):
    """What a partner may change of its own record (officers: the same)."""

    contact_name = Text(100, required=True)
    contact_phone = _phone()
    address = Text(300)


class VerifyIn(Strict):
    note = Text(300)


class SuspendIn(Strict):
    reason = FreeText(500, required=True)


class CommitmentIn(Strict):
    """What a partner pledges for one year (``PUT /partners/{id}/commitments/{year}``)."""

    amount_idr = _rupiah()
    in_kind = Text(300, metadata={"description": "what is given in kind"})
    in_kind_value_idr = _rupiah()
    trainer_hours = _hours()
    note = Text(300)


class DeliveryIn(Strict):
    """Something a partner delivered against its pledge (money, in kind, trainer-hours)."""

    delivered_on = fields.Date(required=True)
    amount_idr = _rupiah()
    in_kind = Text(300)
    in_kind_value_idr = _rupiah()
    trainer_hours = _hours()
    programme_id = fields.String(load_default=None, allow_none=True)
    note = Text(300)

    @validates_schema
    def something(self, data, **kwargs):
        if not (data["amount_idr"] or data["in_kind_value_idr"] or data["trainer_hours"]):
            raise ValidationError("give amount_idr, in_kind_value_idr or trainer_hours above 0",
                                  "amount_idr")


class ContributionIn(Strict):
    amount_idr = _rupiah()
    in_kind = Text(300)
    in_kind_value_idr = _rupiah()
    trainer_hours = _hours()


class PartnerProgrammeIn(Strict):
    title = Text(200, required=True)
    kind = fields.String(required=True, validate=one_of(PROGRAMME_KINDS))
    description = FreeText(4000, required=True)
    location = Text(300, required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    capacity = fields.Integer(required=True, strict=True,
                              validate=validate.Range(min=1, max=100000, error="must be 1 to 100000"))
    criteria = fields.Dict(load_default=None, metadata={
        "description": "the distribution rule language over one person (member.* bound); "
                       "default: everyone, children under 5 for immunisation, residents "
                       "flagged pregnant for antenatal_care"})
    topics = fields.List(fields.String(validate=validate.Regexp(
        TOPIC_RE, error="must be a lower-case slug such as entrepreneurship")),
        load_default=list, validate=validate.Length(max=10))
    required_attendance_pct = fields.Integer(load_default=80, strict=True,
                                             validate=validate.Range(min=0, max=100))
    contribution = fields.Nested(ContributionIn, load_default=lambda: ContributionIn().load({}))
    schedule = fields.Dict(load_default=None, allow_none=True, metadata={
        "description": "immunisation / antenatal_care: the schedule as data (default: "
                       "the national one in data/health/)"})

    @validates_schema
    def dates(self, data, **kwargs):
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError("must not be before starts_on", "ends_on")


class PartnerProgrammePatch(Strict):
    """What may change on a running programme: a larger capacity admits the waiting."""

    description = FreeText(4000)
    location = Text(300)
    ends_on = fields.Date()
    capacity = fields.Integer(strict=True, validate=validate.Range(min=1, max=100000))


class EnrolmentIn(Strict):
    nik = fields.String(required=True, validate=nik_rule)
    note = FreeText(500)


class WithdrawIn(Strict):
    reason = fields.String(required=True, validate=one_of(WITHDRAW_REASONS))
    note = FreeText(500)


class CompleteIn(Strict):
    outcome = fields.String(required=True, validate=one_of(OUTCOMES))
    completed_on = fields.Date(load_default=None, metadata={"description": "default today (WIB)"})
    note = FreeText(500)


def _time(value):
    if not TIME_RE.match(value or ""):
        raise ValidationError("must be HH:MM (24 hours)")


class SessionIn(Strict):
    held_on = fields.Date(required=True)
    starts_at = fields.String(required=True, validate=_time)
    ends_at = fields.String(required=True, validate=_time)
    location = Text(200, required=True)
    facilitator = Text(100, required=True)
    topic = Text(200)

    @validates_schema
    def order(self, data, **kwargs):
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("must be after starts_at", "ends_at")


class AttendanceEntryIn(Strict):
    enrolment_id = fields.String(required=True)
    status = fields.String(required=True, validate=one_of(ATTENDANCE))
    reason = Text(200, metadata={"description": "required when excused"})

    @validates_schema
    def excused(self, data, **kwargs):
        if data.get("status") == "excused" and not data.get("reason"):
            raise ValidationError("required when status is excused", "reason")


class AttendanceIn(Strict):
    entries = fields.List(fields.Nested(AttendanceEntryIn), required=True,
                          validate=validate.Length(min=1, max=1000))


class RecordIn(Strict):
    """A dose given or a visit made (``POST /appointments/{id}/record``)."""

    done_on = fields.Date(required=True)
    place = Text(200)
    batch = Text(60, metadata={"description": "vaccine batch number"})
    note = FreeText(500)


class PregnancyIn(Strict):
    nik = fields.String(required=True, validate=nik_rule)
    started_on = fields.Date(required=True, metadata={
        "description": "first day of the last menstrual period (HPHT)"})


class AppointmentCheckIn(Strict):
    nik = fields.String(required=True, validate=nik_rule)
    birth_date = fields.Date(required=True)


class PartnerQuery(PageQuery):
    kind = fields.String()
    verification = fields.String()


class PartnerProgrammeQuery(PageQuery):
    kind = fields.String()
    partner_id = fields.String()


class EnrolmentQuery(PageQuery):
    status = fields.String()
    flagged = fields.Boolean()


class AppointmentQuery(PageQuery):
    rw = fields.String()
    view = fields.String(metadata={"description": ", ".join(APPOINTMENT_VIEWS)})
    week_of = fields.Date(metadata={"description": "any day of the week (default this week)"})


class ReportQuery(Strict):
    class Meta:
        unknown = EXCLUDE

    format = fields.String(metadata={"description": "csv for a CSV export"})
