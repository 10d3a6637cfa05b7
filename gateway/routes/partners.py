"""Partners over HTTP (docs/contract.md "Partners"; docs/partners.md).

The service validates bodies with the contract schemas named here (the same
ones feed OpenAPI) and decides what a partner token may reach: another
partner's ids answer 404. Every answer that carries a resident's NIK to a
token is audited; the gateway masks NIKs for partner tokens.
"""
from services.partners.contract import (
    AidResyncOut, AppointmentCheckIn, AppointmentCheckOut, AppointmentOut, AppointmentPage,
    AppointmentQuery, AttendanceIn, CommitmentIn, CommitmentOut, CompleteIn, DeliveryIn,
    EnrolmentIn, EnrolmentOut, EnrolmentPage, EnrolmentQuery, OverdueCheckOut, PartnerIn,
    PartnerOut, PartnerPage, PartnerPatch, PartnerProgrammeIn, PartnerProgrammeOut,
    PartnerProgrammePage, PartnerProgrammePatch, PartnerProgrammeQuery, PartnerQuery,
    PartnerReportOut, PartnersYearOut, PregnancyIn, PregnancyOut, PublicPartnerProgrammeOut,
    PublicPartnerProgrammePage, RecordIn, ReportQuery, ResidentAppointmentsOut,
    ResidentEnrolmentsOut, SessionIn, TrainingSessionOut, TrainingSessionPage, SuspendIn, SweepOut, VerifyIn,
    WithdrawIn)
from services.shared.errors import NotFound, RuleRefused
from services.shared.registry_projection import ProjectionStatusOut, RebuildOut

from gateway.http import RouteTable, csv_response

routes = RouteTable()
#: the public partner programmes kept by the gateway (gateway/public_cache.py)
PUBLIC = ("partner_programmes",)
TAGS = ["partners"]
SCOPED = ("partner", "officer")
#: per client, like the aid status check: NIK + birth date guessing must stay hopeless
APPOINTMENT_CHECK_LIMIT = ("appointment_check", 5, 60)
#: the operator's synchronous jobs (a projection rebuild, the overdue check, the aid resync)
OPERATOR_DEADLINE = 120


def _partners(ex):
    return ex.services.partners


def _audit(ex, items, action):
    ex.audit_many([(action, nik) for nik in dict.fromkeys(i.get("nik") for i in items) if nik])


def _filters(ex, *names):
    return {n: ex.args.get(n) for n in names if ex.args.get(n) not in (None, "")}


# ------------------------------------------------------------ partners

@routes.route("POST", "/api/v1/partners", role="officer", body=PartnerIn, response=PartnerOut,
              status=201, tags=TAGS, summary="Register a partner (pending until verified)")
def register_partner(ex):
    return ex.call(_partners(ex).register_partner, ex.body(), ex.actor)


@routes.route("GET", "/api/v1/partners", role=SCOPED, query=PartnerQuery, response=PartnerPage,
              tags=TAGS, summary="Partners (a partner token: its own)")
def list_partners(ex):
    page, per_page = ex.page_args()
    return ex.call(_partners(ex).list_partners, _filters(ex, "kind", "verification"), page,
                   per_page, ex.actor)


@routes.route("GET", "/api/v1/partners/<partner_id>", role=SCOPED, response=PartnerOut,
              tags=TAGS, summary="One partner")
def get_partner(ex, partner_id):
    return ex.call(_partners(ex).get_partner, partner_id, ex.actor)


@routes.route("PATCH", "/api/v1/partners/<partner_id>", invalidates=PUBLIC, role=SCOPED, body=PartnerPatch,
              response=PartnerOut, tags=TAGS, summary="Change a partner's contact")
def update_partner(ex, partner_id):
    return ex.call(_partners(ex).update_partner, partner_id, ex.body(), ex.actor)


@routes.route("POST", "/api/v1/partners/<partner_id>/verify", invalidates=PUBLIC, role="admin", body=VerifyIn,
              response=PartnerOut, tags=TAGS,
              summary="Verify a partner: its programmes become public and take enrolments")
def verify_partner(ex, partner_id):
    return ex.call(_partners(ex).verify_partner, partner_id, ex.body(), ex.actor)


@routes.route("POST", "/api/v1/partners/<partner_id>/suspend", invalidates=PUBLIC,
              role="admin", body=SuspendIn,
              response=PartnerOut, tags=TAGS, summary="Suspend a partner, with a reason")
def suspend_partner(ex, partner_id):
    return ex.call(_partners(ex).suspend_partner, partner_id, ex.body(), ex.actor)


@routes.route("PUT", "/api/v1/partners/<partner_id>/commitments/<year>", role=SCOPED,
              body=CommitmentIn, response=CommitmentOut, tags=TAGS,
              summary="What the partner pledges for a year (rupiah, in kind, trainer-hours)")
def set_commitment(ex, partner_id, year):
    return ex.call(_partners(ex).set_commitment, partner_id, year, ex.body(), ex.actor)


@routes.route("GET", "/api/v1/partners/<partner_id>/commitments/<year>", role=SCOPED,
              response=CommitmentOut, tags=TAGS, summary="Pledged vs delivered in a year")
def get_commitment(ex, partner_id, year):
    return ex.call(_partners(ex).get_commitment, partner_id, year, ex.actor)


@routes.route("POST", "/api/v1/partners/<partner_id>/deliveries", role=SCOPED, body=DeliveryIn,
              response=CommitmentOut, status=201, tags=TAGS,
              summary="Record what the partner delivered against its pledge")
def record_delivery(ex, partner_id):
    return ex.call(_partners(ex).record_delivery, partner_id, ex.body(), ex.actor)


@routes.route("POST", "/api/v1/partners/<partner_id>/programmes", invalidates=PUBLIC,
              role=SCOPED, body=PartnerProgrammeIn,
              response=PartnerProgrammeOut, status=201, tags=TAGS,
              summary="Publish a partner programme (criteria in the rule language)")
def create_programme(ex, partner_id):
    return ex.call(_partners(ex).create_programme, partner_id, ex.body(), ex.actor)


@routes.route("GET", "/api/v1/partners/<partner_id>/programmes", role=SCOPED,
              query=PartnerProgrammeQuery, response=PartnerProgrammePage, tags=TAGS,
              summary="A partner's programmes")
def partner_programmes(ex, partner_id):
    page, per_page = ex.page_args()
    return ex.call(_partners(ex).list_programmes, dict(_filters(ex, "kind"),
                                                       partner_id=partner_id),
                   page, per_page, ex.actor)


@routes.route("GET", "/api/v1/partners/<partner_id>/reports/<year>", role=SCOPED,
              query=ReportQuery, response=PartnerReportOut, csv=True, tags=TAGS,
              summary="A partner's year: pledged vs delivered, reach, sessions, outcomes "
                      "(format=csv)")
def partner_report(ex, partner_id, year):
    if ex.args.get("format") == "csv":
        return csv_response(ex.call(_partners(ex).partner_report, partner_id, year, True,
                                    ex.actor), "partner-%s-%s.csv" % (partner_id, year))
    return ex.call(_partners(ex).partner_report, partner_id, year, False, ex.actor)


@routes.route("GET", "/api/v1/partner-reports/<year>", role="officer", query=ReportQuery,
              response=PartnersYearOut, csv=True, tags=TAGS,
              summary="Every partner's year side by side: pledged, delivered, reach (format=csv)")
def partners_year(ex, year):
    if ex.args.get("format") == "csv":
        return csv_response(ex.call(_partners(ex).partners_year, year, True, ex.actor),
                            "partners-%s.csv" % year)
    return ex.call(_partners(ex).partners_year, year, False, ex.actor)


# ------------------------------------------------------------ partner programmes

@routes.route("GET", "/api/v1/partner-programmes", cache=PUBLIC, query=PartnerProgrammeQuery,
              response=PublicPartnerProgrammePage, tags=TAGS,
              summary="What verified partners offer: for whom, when, where, places left")
def list_partner_programmes(ex):
    page, per_page = ex.page_args()
    return ex.call(_partners(ex).list_public_programmes, _filters(ex, "kind"), page, per_page)


@routes.route("GET", "/api/v1/partner-programmes/<programme_id>",
              response=[PublicPartnerProgrammeOut, PartnerProgrammeOut], tags=TAGS,
              summary="One partner programme: in full for its partner and officers, "
                      "else as the public sees it")
def get_partner_programme(ex, programme_id):
    if ex.principal.role in ("partner", "officer", "admin"):
        try:
            return ex.call(_partners(ex).get_programme, programme_id, ex.actor)
        except NotFound:
            pass  # another partner's: what the public sees, if public
    return ex.call(_partners(ex).get_public_programme, programme_id)


@routes.route("PATCH", "/api/v1/partner-programmes/<programme_id>", invalidates=PUBLIC, role=SCOPED,
              body=PartnerProgrammePatch, response=PartnerProgrammeOut, tags=TAGS,
              summary="Change a programme; a larger capacity admits the waiting list")
def update_partner_programme(ex, programme_id):
    return ex.call(_partners(ex).update_programme, programme_id, ex.body(), ex.actor)


@routes.route("POST", "/api/v1/partner-programmes/<programme_id>/enrolments", invalidates=PUBLIC, role=SCOPED,
              body=EnrolmentIn, response=EnrolmentOut, status=201, tags=TAGS,
              summary="Enrol a resident by NIK: accepted, waitlisted, or 422 naming each "
                      "failed criterion")
def enrol(ex, programme_id):
    body = ex.body()
    try:
        answer = ex.call(_partners(ex).enrol, programme_id, body, ex.actor)
    except RuleRefused:
        # the refusal was decided on the resident's data: that read is audited too
        if isinstance(body.get("nik"), str):
            ex.audit("enrol_refused", body["nik"])
        raise
    ex.audit("enrol", answer.get("nik"))
    return answer


@routes.route("GET", "/api/v1/partner-programmes/<programme_id>/enrolments", role=SCOPED,
              query=EnrolmentQuery, response=EnrolmentPage, tags=TAGS,
              summary="A programme's enrolments; the waiting list in its order")
def list_enrolments(ex, programme_id):
    page, per_page = ex.page_args()
    answer = ex.call(_partners(ex).list_enrolments, programme_id,
                     _filters(ex, "status", "flagged"), page, per_page, ex.actor)
    _audit(ex, answer["items"], "read_enrolments")
    return answer


@routes.route("POST", "/api/v1/partner-programmes/<programme_id>/sessions", role=SCOPED,
              body=SessionIn, response=TrainingSessionOut, status=201, tags=TAGS,
              summary="Schedule a training or mentoring session")
def add_session(ex, programme_id):
    return ex.call(_partners(ex).add_session, programme_id, ex.body(), ex.actor)


@routes.route("GET", "/api/v1/partner-programmes/<programme_id>/sessions", role=SCOPED,
              response=TrainingSessionPage, tags=TAGS, summary="A programme's sessions and attendance")
def list_sessions(ex, programme_id):
    page, per_page = ex.page_args()
    return ex.call(_partners(ex).list_sessions, programme_id, page, per_page, ex.actor)


@routes.route("POST", "/api/v1/sessions/<session_id>/attendance", role=SCOPED, body=AttendanceIn,
              response=TrainingSessionOut, tags=TAGS,
              summary="Mark attendance: attended, excused (with a reason) or absent")
def record_attendance(ex, session_id):
    return ex.call(_partners(ex).record_attendance, session_id, ex.body(), ex.actor)


# ------------------------------------------------------------ enrolments

@routes.route("GET", "/api/v1/enrolments/<enrolment_id>", role=SCOPED, response=EnrolmentOut,
              tags=TAGS, summary="One enrolment with its history")
def get_enrolment(ex, enrolment_id):
    answer = ex.call(_partners(ex).get_enrolment, enrolment_id, ex.actor)
    ex.audit("read_enrolment", answer.get("nik"))
    return answer


@routes.route("POST", "/api/v1/enrolments/<enrolment_id>/withdraw", invalidates=PUBLIC, role=SCOPED,
              body=WithdrawIn, response=EnrolmentOut, tags=TAGS,
              summary="Withdraw with a reason; the place goes to the first waiting")
def withdraw_enrolment(ex, enrolment_id):
    answer = ex.call(_partners(ex).withdraw_enrolment, enrolment_id, ex.body(), ex.actor)
    ex.audit("withdraw_enrolment", answer.get("nik"))
    return answer


@routes.route("POST", "/api/v1/enrolments/<enrolment_id>/complete", invalidates=PUBLIC, role=SCOPED,
              body=CompleteIn, response=EnrolmentOut, tags=TAGS,
              summary="Complete with an outcome (trainings need their attendance)")
def complete_enrolment(ex, enrolment_id):
    answer = ex.call(_partners(ex).complete_enrolment, enrolment_id, ex.body(), ex.actor)
    ex.audit("complete_enrolment", answer.get("nik"))
    return answer


@routes.route("GET", "/api/v1/residents/<nik>/enrolments", role="officer",
              response=ResidentEnrolmentsOut, tags=TAGS,
              summary="Every partner-programme enrolment of a resident")
def resident_enrolments(ex, nik):
    answer = ex.call(_partners(ex).resident_enrolments, nik, ex.actor)
    ex.audit("read_resident_enrolments", nik)
    return answer


# ------------------------------------------------------------ health

@routes.route("GET", "/api/v1/partner-programmes/<programme_id>/appointments", role=SCOPED,
              query=AppointmentQuery, response=AppointmentPage, tags=TAGS,
              summary="The health cadre's list per RW: who should come this week, who is late")
def list_appointments(ex, programme_id):
    page, per_page = ex.page_args()
    answer = ex.call(_partners(ex).list_appointments, programme_id,
                     _filters(ex, "rw", "view", "week_of"), page, per_page, ex.actor)
    _audit(ex, answer["items"], "read_appointments")
    return answer


@routes.route("POST", "/api/v1/appointments/<appointment_id>/record", role=SCOPED, body=RecordIn,
              response=AppointmentOut, tags=TAGS, summary="Record a dose given or a visit made")
def record_appointment(ex, appointment_id):
    answer = ex.call(_partners(ex).record_appointment, appointment_id, ex.body(), ex.actor)
    ex.audit("record_appointment", answer.get("nik"))
    return answer


@routes.route("POST", "/api/v1/partner-programmes/<programme_id>/pregnancies", role=SCOPED,
              body=PregnancyIn, response=PregnancyOut, tags=TAGS,
              summary="Record when a pregnancy began: the six antenatal visits follow")
def set_pregnancy_start(ex, programme_id):
    body = ex.body()
    answer = ex.call(_partners(ex).set_pregnancy_start, programme_id, body, ex.actor)
    ex.audit("record_pregnancy", answer.get("nik"))
    return answer


@routes.route("GET", "/api/v1/residents/<nik>/appointments", role="officer",
              response=ResidentAppointmentsOut, tags=TAGS,
              summary="A resident's immunisation and antenatal appointments")
def resident_appointments(ex, nik):
    answer = ex.call(_partners(ex).resident_appointments, nik, ex.actor)
    ex.audit("read_resident_appointments", nik)
    return answer


@routes.route("POST", "/api/v1/appointment-check", body=AppointmentCheckIn,
              response=AppointmentCheckOut, rate_limit=APPOINTMENT_CHECK_LIMIT, tags=TAGS,
              summary="Own upcoming immunisations and visits by NIK + birth date (public, "
                      "rate limited)",
              description="A wrong birth date answers exactly like an unknown NIK (404).")
def appointment_check(ex):
    return ex.call(_partners(ex).appointment_check, ex.body())


# ------------------------------------------------------------ operations

@routes.route("GET", "/api/v1/admin/partners/projection", role="admin",
              response=ProjectionStatusOut, tags=["platform"],
              summary="The partners service's registry projection: counts and last resync")
def partners_projection(ex):
    return ex.call(_partners(ex).projection_status)


@routes.route("POST", "/api/v1/admin/partners/projection/rebuild", role="admin",
              response=RebuildOut, tags=["platform"],
              summary="Re-read the registry's export into the partners service's projection")
def rebuild_partners_projection(ex):
    return ex.call(_partners(ex).rebuild_projection, deadline=OPERATOR_DEADLINE)


@routes.route("POST", "/api/v1/admin/partners/schedules/sweep", role="admin",
              response=SweepOut, tags=["platform"],
              summary="Bring every resident's health schedule in line with the registry, "
                      "in the background (each programme's scheduling says when it is done)")
def sweep_schedules(ex):
    return ex.call(_partners(ex).sweep_schedules)


@routes.route("POST", "/api/v1/admin/partners/overdue-check", role="admin",
              response=OverdueCheckOut, tags=["platform"],
              summary="Announce late health appointments now (appointment_overdue)")
def overdue_check(ex):
    return ex.call(_partners(ex).announce_overdue, deadline=OPERATOR_DEADLINE)


@routes.route("POST", "/api/v1/admin/partners/aid/resync", role="admin", response=AidResyncOut,
              tags=["platform"],
              summary="Re-read distribution's allocations into the partners' reports")
def resync_aid(ex):
    return ex.call(_partners(ex).resync_aid, deadline=OPERATOR_DEADLINE)
