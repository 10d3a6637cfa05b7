"""What the partners service answers: each RPC answer is dumped through one of
these, and the gateway's OpenAPI documents them (``services.shared.contract.Answer``).

A partner token sees its own records only; of a resident it sees the name,
RT/RW and the NIK (masked by the gateway), nothing else: keys marked
"officers only" are absent from its answers.
"""
from marshmallow import fields

from services.shared.contract import Answer, Page
from services.shared.fields import Day, Instant

OFFICERS = {"optional": "officers and admins only"}
MASKED = {"description": "masked unless the caller is an officer or admin"}


def _text():
    return fields.String(allow_none=True)


def _int():
    return fields.Integer(allow_none=True)


class AmountsOut(Answer):
    amount_idr = fields.Integer()
    in_kind_value_idr = fields.Integer()
    trainer_hours = fields.Integer()


class PartnerOut(Answer):
    id = fields.String()
    name = fields.String()
    kind = fields.String()
    contact_name = fields.String()
    contact_phone = fields.String()
    address = _text()
    verification = fields.String(metadata={"description": "pending, verified or suspended"})
    verification_note = _text()
    created_at = Instant()
    created_by = fields.Dict(allow_none=True, metadata=OFFICERS)
    verified_at = Instant(allow_none=True)
    verified_by = fields.Dict(allow_none=True, metadata=OFFICERS)
    version = fields.Integer()


class DeliveryOut(Answer):
    id = fields.String()
    delivered_on = Day()
    amount_idr = fields.Integer()
    in_kind = _text()
    in_kind_value_idr = fields.Integer()
    trainer_hours = fields.Integer()
    programme_id = _text()
    note = _text()
    recorded_at = Instant()


class CommitmentOut(Answer):
    """One year of a partner's pledge against what it delivered."""

    partner_id = fields.String()
    year = fields.Integer()
    pledged = fields.Nested(AmountsOut)
    in_kind = _text()
    note = _text()
    delivered = fields.Nested(AmountsOut)
    deliveries = fields.List(fields.Nested(DeliveryOut))


class ContributionOut(Answer):
    amount_idr = fields.Integer()
    in_kind = _text()
    in_kind_value_idr = fields.Integer()
    trainer_hours = fields.Integer()


class SchedulingOut(Answer):
    """Where the making of a health programme's schedules stands."""

    status = fields.String(metadata={"description": "pending (being made in the background), "
                                                   "waiting_verification (the partner is not "
                                                   "verified yet), failed (tried again at "
                                                   "next_attempt_at) or done"})
    requested_at = Instant(allow_none=True)
    done_at = Instant(allow_none=True)
    created = _int()
    changed = _int()
    error = fields.String(allow_none=True, metadata={
        "description": "why the last attempt failed (failed only; NIKs masked)"})
    attempts = _int()
    next_attempt_at = Instant(allow_none=True, metadata={
        "description": "when a failed scheduling is tried again (doubling from 10 s, at "
                       "most 15 minutes apart)"})


class PartnerProgrammeOut(Answer):
    """A partner programme as its partner and officers see it."""

    id = fields.String()
    partner_id = fields.String()
    partner_name = fields.String()
    title = fields.String()
    kind = fields.String()
    description = fields.String()
    location = fields.String()
    starts_on = Day()
    ends_on = Day()
    capacity = fields.Integer()
    accepted = fields.Integer(metadata={"description": "places taken (accepted or completed)"})
    waitlisted = fields.Integer()
    places_left = fields.Integer()
    criteria = fields.Dict()
    criteria_text = fields.List(fields.String(), metadata={"description": "for whom, in Bahasa"})
    topics = fields.List(fields.String())
    required_attendance_pct = fields.Integer()
    contribution = fields.Nested(ContributionOut)
    schedule = fields.Dict(metadata={"optional": "immunisation and antenatal_care"})
    scheduling = fields.Nested(SchedulingOut, metadata={"optional": "immunisation and "
                                                                   "antenatal_care"})
    public = fields.Boolean(metadata={"description": "listed publicly (the partner is verified)"})
    created_at = Instant()
    created_by = fields.Dict(allow_none=True, metadata=OFFICERS)
    version = fields.Integer()


class PublicPartnerProgrammeOut(Answer):
    """``GET /partner-programmes``: what is offered, for whom, when and where."""

    id = fields.String()
    title = fields.String()
    kind = fields.String()
    partner_name = fields.String()
    partner_kind = fields.String()
    description = fields.String()
    location = fields.String()
    starts_on = Day()
    ends_on = Day()
    capacity = fields.Integer()
    places_left = fields.Integer()
    waitlisted = fields.Integer()
    criteria_text = fields.List(fields.String(), metadata={"description": "for whom, in Bahasa"})
    topics = fields.List(fields.String())


class FlagOut(Answer):
    criterion = fields.String()
    path = fields.String()
    value = fields.Raw(allow_none=True, metadata=OFFICERS)


class AttendanceSummaryOut(Answer):
    sessions_held = fields.Integer()
    attended = fields.Integer()
    excused = fields.Integer()
    attendance_pct = fields.Integer()


class EnrolmentOut(Answer):
    id = fields.String()
    programme_id = fields.String()
    programme_title = fields.String()
    programme_kind = fields.String()
    partner_id = fields.String()
    resident_id = fields.String(metadata=OFFICERS)
    nik = fields.String(metadata=MASKED)
    full_name = fields.String()
    rt = _text()
    rw = _text()
    kk_number = fields.String(allow_none=True, metadata=OFFICERS)
    welfare_decile = fields.Integer(allow_none=True, metadata=OFFICERS)
    status = fields.String(metadata={"description": "accepted, waitlisted, withdrawn, completed"})
    waitlist_position = fields.Integer(metadata={"optional": "while waitlisted (1 = next)"})
    requested_at = Instant()
    accepted_at = Instant(allow_none=True)
    promoted = fields.Boolean(metadata={"description": "accepted from the waiting list"})
    withdrawn_at = Instant(allow_none=True)
    withdraw_reason = _text()
    completed_on = Day(allow_none=True)
    outcome = _text()
    flags = fields.List(fields.Nested(FlagOut), metadata={
        "description": "criteria a registry change broke since enrolment (kept enrolled)"})
    attendance = fields.Nested(AttendanceSummaryOut, metadata={
        "optional": "training and mentoring"})
    history = fields.List(fields.Dict(), metadata={"optional": "on one enrolment's answer"})
    version = fields.Integer()


#: Shown to officers and partners with a list: how the waiting list is ordered.
WAITLIST_ORDER = ("Daftar tunggu diurutkan menurut kebutuhan: desil kesejahteraan terendah "
                  "lebih dulu, lalu yang lebih lama menunggu (tanggal daftar), lalu nomor "
                  "pendaftaran.")
EnrolmentPage = Page(EnrolmentOut, waitlist_order=fields.String())


class ResidentEnrolmentsOut(Answer):
    nik = fields.String(metadata=MASKED)
    enrolments = fields.List(fields.Nested(EnrolmentOut))


class AttendanceOut(Answer):
    enrolment_id = fields.String()
    full_name = fields.String()
    status = fields.String(metadata={"description": "attended, excused or absent"})
    reason = _text()


class TrainingSessionOut(Answer):
    id = fields.String()
    programme_id = fields.String()
    held_on = Day()
    starts_at = fields.String()
    ends_at = fields.String()
    minutes = fields.Integer()
    location = fields.String()
    facilitator = fields.String()
    topic = _text()
    attendance = fields.List(fields.Nested(AttendanceOut))
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    version = fields.Integer()


TrainingSessionPage = Page(TrainingSessionOut)


class AppointmentOut(Answer):
    id = fields.String()
    programme_id = fields.String()
    kind = fields.String(metadata={"description": "immunisation or antenatal_care"})
    resident_id = fields.String(metadata=OFFICERS)
    nik = fields.String(metadata=MASKED)
    full_name = fields.String()
    rt = _text()
    rw = _text()
    item = fields.String(metadata={"description": "e.g. DPT-HB-Hib 1, K3"})
    vaccine = _text()
    dose = _int()
    due_on = Day()
    overdue_on = Day(metadata={"description": "late from this day on"})
    latest_on = Day(allow_none=True, metadata={"description": "not given after this day"})
    status = fields.String(metadata={"description": "scheduled, done, cancelled, unrecorded"})
    overdue = fields.Boolean()
    done_on = Day(allow_none=True)
    place = _text()
    batch = _text()
    cancel_reason = _text()
    version = fields.Integer()


AppointmentPage = Page(AppointmentOut, week_starts_on=Day(), week_ends_on=Day(),
                       view=fields.String(), rw=fields.String(allow_none=True),
                       programme_title=fields.String(),
                       counts=fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
                           "description": "due and overdue in that RW (or everywhere)"}))


class ResidentAppointmentsOut(Answer):
    nik = fields.String(metadata=MASKED)
    full_name = fields.String()
    appointments = fields.List(fields.Nested(AppointmentOut))


class PublicAppointmentOut(Answer):
    programme_title = fields.String()
    item = fields.String()
    due_on = Day()
    status = fields.String(metadata={"description": "in Bahasa: terjadwal, terlambat, ..."})
    location = fields.String()


class AppointmentCheckOut(Answer):
    full_name = fields.String()
    appointments = fields.List(fields.Nested(PublicAppointmentOut))


class PregnancyOut(Answer):
    programme_id = fields.String()
    nik = fields.String(metadata=MASKED)
    started_on = Day()
    appointments = fields.List(fields.Nested(AppointmentOut))


class ReachOut(Answer):
    total = fields.Integer()
    by_sex = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_age_band = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_rw = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_aid = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "receiving / not_receiving aid through the platform that year"})


class ReportProgrammeOut(Answer):
    id = fields.String()
    title = fields.String()
    kind = fields.String()
    capacity = fields.Integer()
    enrolments = fields.Dict(keys=fields.String(), values=fields.Integer())
    outcomes = fields.Dict(keys=fields.String(), values=fields.Integer())
    sessions_held = fields.Integer()
    attendance_pct = _int()
    doses_or_visits = fields.Integer()


class PartnerReportOut(Answer):
    partner_id = fields.String()
    partner_name = fields.String()
    year = fields.Integer()
    pledged = fields.Nested(AmountsOut)
    delivered = fields.Nested(AmountsOut)
    reached = fields.Nested(ReachOut)
    sessions_held = fields.Integer()
    session_hours = fields.Integer()
    attendance_pct = _int()
    enrolments = fields.Dict(keys=fields.String(), values=fields.Integer())
    outcomes = fields.Dict(keys=fields.String(), values=fields.Integer())
    doses_given = fields.Integer()
    visits_made = fields.Integer()
    programmes = fields.List(fields.Nested(ReportProgrammeOut))


class PartnerYearRowOut(Answer):
    partner_id = fields.String()
    partner_name = fields.String()
    kind = fields.String()
    verification = fields.String()
    pledged = fields.Nested(AmountsOut)
    delivered = fields.Nested(AmountsOut)
    reached = fields.Integer()
    programmes = fields.Integer()
    sessions_held = fields.Integer()
    doses_given = fields.Integer()
    visits_made = fields.Integer()


class PartnersYearOut(Answer):
    """Every partner's year side by side (officers)."""

    year = fields.Integer()
    partners = fields.List(fields.Nested(PartnerYearRowOut))
    totals = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "pledged_idr, delivered_idr, reached (people may be counted by two "
                       "partners), programmes"})


class SweepOut(Answer):
    requested = fields.Integer(metadata={"description": "running health programmes whose "
                                                       "schedules are now being made again in "
                                                       "the background (see each one's "
                                                       "scheduling)"})


class OverdueCheckOut(Answer):
    announced = fields.Integer(metadata={"description": "appointment_overdue events queued"})


class AidResyncOut(Answer):
    applied = fields.Integer()


PartnerPage = Page(PartnerOut)
PartnerProgrammePage = Page(PartnerProgrammeOut)
PublicPartnerProgrammePage = Page(PublicPartnerProgrammeOut)
