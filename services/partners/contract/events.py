"""The events the partners service publishes (docs/events.md, "partners"), schema_version 1.

Payload field names are fixed by issue 11 (other services rely on them: the
marketplace and distribution consume ``enrolment_completed``; monitoring will
consume all of them). Readers are tolerant: a consumer ignores keys it does not
know. ``aggregate_id`` is the partner, programme, enrolment or appointment id;
``aggregate_version`` that aggregate's version after the change (an
enrolment's own version, raised by each of its status changes).
"""
from marshmallow import fields

from services.shared.contract import EventType, Tolerant

SOURCE = "partners"


def _opt(field=fields.String, **kwargs):
    return field(load_default=None, allow_none=True, **kwargs)


def _day(**kwargs):
    return fields.String(metadata=dict({"format": "date"}, **kwargs.pop("metadata", {})),
                         **kwargs)


class PartnerV1(Tolerant):
    """``partner_registered``, ``partner_verified``, ``partner_suspended``."""

    partner_id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    verification = fields.String(required=True,
                                 metadata={"description": "pending, verified or suspended"})


class ProgrammePublishedV1(Tolerant):
    programme_id = fields.String(required=True)
    partner_id = fields.String(required=True)
    partner_name = _opt()
    title = fields.String(required=True)
    kind = fields.String(required=True)
    topics = fields.List(fields.String(), load_default=list)
    starts_on = _day(required=True)
    ends_on = _day(required=True)
    location = _opt()
    capacity = fields.Integer(required=True)
    contribution = fields.Dict(load_default=dict, metadata={
        "description": "{amount_idr, in_kind, trainer_hours}"})


class EnrolmentChangedV1(Tolerant):
    """``enrolment_accepted``, ``enrolment_waitlisted``, ``enrolment_withdrawn``."""

    enrolment_id = fields.String(required=True)
    programme_id = fields.String(required=True)
    programme_kind = fields.String(required=True)
    programme_title = _opt()
    partner_id = fields.String(required=True)
    partner_name = _opt()
    resident_id = fields.String(required=True)
    nik = _opt()
    kk_number = _opt()
    status = fields.String(required=True)
    changed_on = _day(required=True, metadata={"description": "village date (WIB) of the change"})
    reason = _opt(metadata={"description": "enrolment_withdrawn: why"})
    promoted = fields.Boolean(load_default=False, metadata={
        "description": "enrolment_accepted: a freed place went to this waiting person"})
    waitlist_position = _opt(fields.Integer)
    places_taken = _opt(fields.Integer, metadata={
        "description": "the programme's places taken (accepted or completed) after the change"})
    capacity = _opt(fields.Integer)


class EnrolmentCompletedV1(Tolerant):
    enrolment_id = fields.String(required=True)
    programme_id = fields.String(required=True)
    programme_kind = fields.String(required=True)
    programme_title = fields.String(required=True)
    topics = fields.List(fields.String(), load_default=list)
    partner_id = fields.String(required=True)
    partner_name = fields.String(required=True)
    resident_id = fields.String(required=True)
    nik = _opt()
    kk_number = _opt()
    outcome = fields.String(required=True)
    completed_on = _day(required=True)


class ImmunisationRecordedV1(Tolerant):
    appointment_id = _opt()
    resident_id = fields.String(required=True)
    nik = _opt()
    vaccine = fields.String(required=True)
    dose = fields.Integer(required=True)
    item = _opt()
    given_on = _day(required=True)
    programme_id = fields.String(required=True)


class AntenatalVisitRecordedV1(Tolerant):
    appointment_id = _opt()
    resident_id = fields.String(required=True)
    nik = _opt()
    visit = fields.String(required=True, metadata={"description": "K1 ... K6"})
    visited_on = _day(required=True)
    programme_id = fields.String(required=True)


class AppointmentOverdueV1(Tolerant):
    appointment_id = fields.String(required=True)
    programme_id = _opt()
    resident_id = fields.String(required=True)
    nik = _opt()
    kind = fields.String(required=True, metadata={"description": "immunisation or antenatal_care"})
    item = fields.String(required=True)
    due_on = _day(required=True)
    rw = _opt()
    rt = _opt()


class AmountsV1(Tolerant):
    amount_idr = fields.Integer(load_default=0, metadata={"description": "rupiah"})
    in_kind_value_idr = fields.Integer(load_default=0, metadata={
        "description": "rupiah value of what is given in kind"})
    trainer_hours = fields.Integer(load_default=0)


class CommitmentSetV1(AmountsV1):
    """``commitment_set``: a partner's pledge for one year, replacing the one before."""

    partner_id = fields.String(required=True)
    partner_name = _opt()
    year = fields.Integer(required=True)
    in_kind = _opt(metadata={"description": "what is given in kind"})
    set_at = fields.String(required=True, metadata={"description": "UTC instant of the pledge"})


class DeliveryRecordedV1(AmountsV1):
    """``delivery_recorded``: something a partner delivered against its pledge."""

    partner_id = fields.String(required=True)
    partner_name = _opt()
    delivery_id = fields.String(required=True)
    year = fields.Integer(required=True, metadata={"description": "year of delivered_on"})
    delivered_on = _day(required=True)
    in_kind = _opt()
    programme_id = _opt()
    recorded_at = fields.String(required=True)


PARTNER_REGISTERED = EventType(SOURCE, "partner_registered", {1: PartnerV1})
PARTNER_VERIFIED = EventType(SOURCE, "partner_verified", {1: PartnerV1})
PARTNER_SUSPENDED = EventType(SOURCE, "partner_suspended", {1: PartnerV1})
PARTNER_PROGRAMME_PUBLISHED = EventType(SOURCE, "partner_programme_published",
                                        {1: ProgrammePublishedV1})
ENROLMENT_ACCEPTED = EventType(SOURCE, "enrolment_accepted", {1: EnrolmentChangedV1})
ENROLMENT_WAITLISTED = EventType(SOURCE, "enrolment_waitlisted", {1: EnrolmentChangedV1})
ENROLMENT_WITHDRAWN = EventType(SOURCE, "enrolment_withdrawn", {1: EnrolmentChangedV1})
ENROLMENT_COMPLETED = EventType(SOURCE, "enrolment_completed", {1: EnrolmentCompletedV1})
IMMUNISATION_RECORDED = EventType(SOURCE, "immunisation_recorded", {1: ImmunisationRecordedV1})
ANTENATAL_VISIT_RECORDED = EventType(SOURCE, "antenatal_visit_recorded",
                                     {1: AntenatalVisitRecordedV1})
APPOINTMENT_OVERDUE = EventType(SOURCE, "appointment_overdue", {1: AppointmentOverdueV1})
COMMITMENT_SET = EventType(SOURCE, "commitment_set", {1: CommitmentSetV1})
DELIVERY_RECORDED = EventType(SOURCE, "delivery_recorded", {1: DeliveryRecordedV1})

#: ``{status: EventType}`` of the enrolment status changes.
ENROLMENT_EVENTS = {"accepted": ENROLMENT_ACCEPTED, "waitlisted": ENROLMENT_WAITLISTED,
                    "withdrawn": ENROLMENT_WITHDRAWN, "completed": ENROLMENT_COMPLETED}
EVENTS = (PARTNER_REGISTERED, PARTNER_VERIFIED, PARTNER_SUSPENDED, PARTNER_PROGRAMME_PUBLISHED,
          ENROLMENT_ACCEPTED, ENROLMENT_WAITLISTED, ENROLMENT_WITHDRAWN, ENROLMENT_COMPLETED,
          IMMUNISATION_RECORDED, ANTENATAL_VISIT_RECORDED, APPOINTMENT_OVERDUE, COMMITMENT_SET,
          DELIVERY_RECORDED)
