"""The partners service: CSR, NGOs, the Puskesmas and the posyandu running
training, mentoring, business capital and health services (issue 11; docs/partners.md).

Entrypoints only: each hands over to a module of plain functions (``commands``,
``enrolments``, ``schedules``, ``queries``, ``reports``) and dumps the answer
through its ``contract`` schema. It follows the registry (``FollowsRegistry``)
and adds the effects of its events on enrolments and health schedules; it
follows distribution's allocations (``aid.FollowsAllocations``) for rules and reports.
"""
import logging

from services.shared import clock
from services.shared.contract import dump, dump_page, load
from services.shared.inbox import consumes
from services.shared.mongo import MongoStore
from services.shared.registry_projection import FollowsRegistry
from services.shared.rpc import command, rpc
from services.shared.service import Service, every

from services.partners.aid import FollowsAllocations
from services.partners import commands, domain, enrolments, queries, reports, schedules, views
from services.partners.contract import (HEALTH_KINDS, AppointmentCheckIn, AppointmentCheckOut,
                                        AppointmentOut, AppointmentPage, CommitmentOut,
                                        EnrolmentOut, EnrolmentPage, PartnerOut, PartnerReportOut,
                                        PartnersYearOut,
                                        PregnancyOut, PartnerProgrammeOut, PublicPartnerProgrammeOut,
                                        ResidentAppointmentsOut, ResidentEnrolmentsOut,
                                        OverdueCheckOut, TrainingSessionOut, SweepOut)
from services.partners.store import OUTBOX_COLLECTIONS, PartnersRepository
from services.registry.contract import (HOUSEHOLD_REGISTERED, HOUSEHOLD_UPDATED,
                                        RESIDENT_DEACTIVATED, RESIDENT_REGISTERED,
                                        RESIDENT_UPDATED)

log = logging.getLogger(__name__)


class PartnersService(FollowsRegistry, FollowsAllocations, Service):
    name = "partners"

    store = MongoStore(PartnersRepository, outbox=OUTBOX_COLLECTIONS, epoch=True)

    @staticmethod
    def registry_resynced(db):
        """After a rebuild of the registry projection no event told what changed: every
        running health programme's schedules are made again (``RegistryCatchUp``)."""
        schedules.request_running(PartnersRepository(db, None))

    @staticmethod
    def registry_data_vanished(db, resident_ids, household_ids):
        """After a rebuild dropped what the registry's new store lacks: flag the
        appointments and pregnancies of those residents, count their enrolments
        (``RegistryCatchUp``; ``PartnersRepository.flag_registry_vanished``)."""
        return PartnersRepository(db, None).flag_registry_vanished(resident_ids)

    def _cid(self, actor):
        return self.caller.correlation_id(actor)

    def _programme(self, doc, actor):
        public = (self.store.get_partner(doc["partner_id"]) or {}).get("verification") == "verified"
        return dump(PartnerProgrammeOut, views.programme_view(doc, actor, public))

    # ------------------------------------------------------------ partners

    @command
    def register_partner(self, body, actor=None):
        """Register a partner (``PartnerIn``); ``PartnerOut`` with ``verification``
        ``pending``. Officers and admins. InvalidInput, Forbidden."""
        doc = commands.register_partner(self.store, body, actor, self._cid(actor))
        return dump(PartnerOut, views.partner_view(doc, actor))

    @rpc
    def list_partners(self, filters=None, page=1, per_page=50, actor=None):
        """A page of partners (``filters``: kind, verification); a partner: its own."""
        return dump_page(PartnerOut, queries.list_partners(self.store, filters, page, per_page,
                                                           actor))

    @rpc
    def get_partner(self, partner_id, actor=None):
        """One partner (``PartnerOut``); NotFound (also for another partner's id)."""
        return dump(PartnerOut, views.partner_view(commands.partner(self.store, partner_id, actor),
                                                   actor))

    @command
    def update_partner(self, partner_id, body, actor=None):
        """Change the contact fields (``PartnerPatch``); the partner may. ``PartnerOut``."""
        return dump(PartnerOut, views.partner_view(commands.update_partner(
            self.store, partner_id, body, actor), actor))

    @command
    def verify_partner(self, partner_id, body=None, actor=None):
        """Admin: set ``verified`` (``VerifyIn``); its health programmes' schedules are
        then made in the background. RuleRefused when not allowed from the current state."""
        doc = commands.set_verification(self.store, partner_id, "verified", body, actor,
                                        self._cid(actor))
        schedules.request(self.store, self.store.find_programmes({
            "partner_id": partner_id, "kind": {"$in": list(HEALTH_KINDS)}})[0])
        return dump(PartnerOut, views.partner_view(doc, actor))

    @command
    def suspend_partner(self, partner_id, body, actor=None):
        """Admin: set ``suspended`` with a reason (``SuspendIn``): off the public list,
        no enrolments. ``PartnerOut``."""
        return dump(PartnerOut, views.partner_view(commands.set_verification(
            self.store, partner_id, "suspended", body, actor, self._cid(actor)), actor))

    @command
    def set_commitment(self, partner_id, year, body, actor=None):
        """Pledge for a year (``CommitmentIn``); ``CommitmentOut`` (pledged vs delivered)."""
        doc, year = commands.set_commitment(self.store, partner_id, year, body, actor,
                                            self._cid(actor))
        return dump(CommitmentOut, views.commitment_view(doc, year))

    @rpc
    def get_commitment(self, partner_id, year, actor=None):
        """One year's pledge against what was delivered (``CommitmentOut``)."""
        year = commands.year_of(year)
        return dump(CommitmentOut, views.commitment_view(
            commands.partner(self.store, partner_id, actor), year))

    @command
    def record_delivery(self, partner_id, body, actor=None):
        """Record a delivery (``DeliveryIn``); that year's ``CommitmentOut``."""
        doc, year = commands.record_delivery(self.store, partner_id, body, actor,
                                             self._cid(actor))
        return dump(CommitmentOut, views.commitment_view(doc, year))

    # ------------------------------------------------------------ programmes

    @command
    def create_programme(self, partner_id, body, actor=None):
        """Publish a programme (``PartnerProgrammeIn``): ``PartnerProgrammeOut``. A health
        programme's schedules (every eligible resident's) are made in the background
        once its partner is verified: ``scheduling.status`` says ``pending`` until
        they are, then ``done`` with the counts. InvalidInput naming each bad path;
        NotFound; RuleRefused (suspended partner)."""
        doc = commands.create_programme(self.store, partner_id, body, actor, self._cid(actor))
        return self._programme(doc, actor)

    @command
    def update_programme(self, programme_id, body, actor=None):
        """Change a programme (``PartnerProgrammePatch``); a larger capacity admits the waiting.
        A health programme's schedules follow its new dates in the background."""
        doc, _ = enrolments.update_programme(self.store, programme_id, body, actor,
                                             self._cid(actor))
        return self._programme(doc, actor)

    @rpc
    def list_programmes(self, filters=None, page=1, per_page=50, actor=None):
        """Programmes (``filters``: kind, partner_id) for officers; a partner: its own."""
        return dump_page(PartnerProgrammeOut, queries.list_programmes(self.store, filters, page,
                                                               per_page, actor))

    @rpc
    def get_programme(self, programme_id, actor=None):
        """One programme for its partner or an officer (``PartnerProgrammeOut``); NotFound."""
        return self._programme(commands.programme(self.store, programme_id, actor, False), actor)

    @rpc
    def list_public_programmes(self, filters=None, page=1, per_page=50):
        """Public: verified partners' programmes not yet ended (``PublicPartnerProgrammeOut``)."""
        return dump_page(PublicPartnerProgrammeOut, queries.list_public(
            self.store, filters, page, per_page, clock.village_today().isoformat()))

    @rpc
    def get_public_programme(self, programme_id):
        """Public: one verified partner's programme; NotFound otherwise."""
        return dump(PublicPartnerProgrammeOut, queries.get_public(self.store, programme_id))

    # ------------------------------------------------------------ enrolments

    @command
    def enrol(self, programme_id, body, actor=None):
        """Enrol by NIK (``EnrolmentIn``); ``EnrolmentOut`` (accepted or waitlisted).
        See ``enrolments.enrol`` for the errors."""
        doc, entry = enrolments.enrol(self.store, programme_id, body, actor, self._cid(actor))
        return dump(EnrolmentOut, queries.enrolment_answer(self.store, doc, entry, actor))

    @rpc
    def list_enrolments(self, programme_id, filters=None, page=1, per_page=50, actor=None):
        """A programme's enrolments, the waiting list in its order (``EnrolmentPage``)."""
        return dump(EnrolmentPage, queries.list_enrolments(self.store, programme_id, filters,
                                                           page, per_page, actor))

    @rpc
    def get_enrolment(self, enrolment_id, actor=None):
        """One enrolment with its history (``EnrolmentOut``); NotFound."""
        return dump(EnrolmentOut, queries.get_enrolment(self.store, enrolment_id, actor))

    @command
    def withdraw_enrolment(self, enrolment_id, body, actor=None):
        """Withdraw (``WithdrawIn``); the freed place goes to the first waiting."""
        doc, entry = enrolments.withdraw(self.store, enrolment_id, body, actor, self._cid(actor))
        return dump(EnrolmentOut, queries.enrolment_answer(self.store, doc, entry, actor))

    @command
    def complete_enrolment(self, enrolment_id, body, actor=None):
        """Complete with an outcome (``CompleteIn``); event ``enrolment_completed``."""
        doc, entry = enrolments.complete(self.store, enrolment_id, body, actor, self._cid(actor))
        return dump(EnrolmentOut, queries.enrolment_answer(self.store, doc, entry, actor))

    @rpc
    def resident_enrolments(self, nik, actor=None):
        """Every enrolment of a resident (officers; ``ResidentEnrolmentsOut``)."""
        return dump(ResidentEnrolmentsOut, queries.resident_enrolments(self.store, nik, actor))

    @rpc
    def export_completions(self, page=1, per_page=500):
        """Completed enrolments as ``enrolment_completed`` payloads by enrolment id, for a
        consumer rebuilding its projection: ``{items, page, per_page, total}`` (up to 1000)."""
        return queries.export_completions(self.store, page, per_page)

    @rpc
    def export_contributions(self, page=1, per_page=500):
        """Every partner's pledges and deliveries, by partner id (``queries.
        export_contributions``): ``{items: [{partner_id, partner_name, commitments:
        [commitment_set payloads], deliveries: [delivery_recorded payloads]}], page,
        per_page, total}`` (up to 1000)."""
        return queries.export_contributions(self.store, page, per_page)

    @rpc
    def export_enrolments(self, page=1, per_page=500):
        """Every enrolment with its status changes, by enrolment id (``queries.
        export_enrolments``): ``{items, page, per_page, total}`` (up to 1000)."""
        return queries.export_enrolments(self.store, page, per_page)

    # ------------------------------------------------------------ sessions

    @command
    def add_session(self, programme_id, body, actor=None):
        """Schedule a training or mentoring session (``SessionIn``): ``TrainingSessionOut``."""
        doc, _ = commands.add_session(self.store, programme_id, body, actor)
        return dump(TrainingSessionOut, views.session_view(doc))

    @rpc
    def list_sessions(self, programme_id, page=1, per_page=50, actor=None):
        """A programme's sessions with attendance (``TrainingSessionPage``)."""
        return dump_page(TrainingSessionOut, queries.list_sessions(self.store, programme_id, page,
                                                           per_page, actor))

    @command
    def record_attendance(self, session_id, body, actor=None):
        """Mark attendance (``AttendanceIn``): ``TrainingSessionOut``."""
        doc, _ = commands.record_attendance(self.store, session_id, body, actor,
                                            clock.village_today().isoformat())
        return dump(TrainingSessionOut, views.session_view(doc))

    # ------------------------------------------------------------ health

    @rpc
    def list_appointments(self, programme_id, filters=None, page=1, per_page=50, actor=None):
        """The cadre's due and overdue list (``AppointmentPage``; ``queries.list_appointments``)."""
        return dump(AppointmentPage, queries.list_appointments(self.store, programme_id, filters,
                                                               page, per_page, actor))

    @command
    def record_appointment(self, appointment_id, body, actor=None):
        """Record a dose or a visit (``RecordIn``): ``AppointmentOut``."""
        doc = schedules.record(self.store, appointment_id, body, actor, self._cid(actor))
        return dump(AppointmentOut, views.appointment_view(doc, actor,
                                                           clock.village_today().isoformat()))

    @command
    def set_pregnancy_start(self, programme_id, body, actor=None):
        """Record when a pregnancy began (``PregnancyIn``): ``PregnancyOut`` with the visits."""
        programme, resident, episode = schedules.set_pregnancy_start(self.store, programme_id,
                                                                     body, actor)
        today = clock.village_today().isoformat()
        return dump(PregnancyOut, {
            "programme_id": programme["_id"], "nik": resident["nik"],
            "started_on": episode["started_on"],
            "appointments": [views.appointment_view(a, actor, today) for a in sorted(
                self.store.appointments_of(programme["_id"], resident["id"]),
                key=lambda a: a["due_on"]) if a.get("episode") == episode["_id"]]})

    @rpc
    def resident_appointments(self, nik, actor=None):
        """A resident's appointments (officers; ``ResidentAppointmentsOut``)."""
        return dump(ResidentAppointmentsOut, queries.resident_appointments(self.store, nik, actor))

    @rpc
    def appointment_check(self, body):
        """Public: own upcoming appointments by NIK + birth date (``AppointmentCheckIn``)."""
        data = load(AppointmentCheckIn, body)
        return dump(AppointmentCheckOut, queries.appointment_check(
            self.store, data["nik"], data["birth_date"].isoformat()))

    @rpc
    def sweep_schedules(self):
        """Bring every resident's health schedule in line with the projection, in the
        background: ``{"requested": n}`` running programmes marked due (``SweepOut``)."""
        return dump(SweepOut, {"requested": len(schedules.request_running(self.store))})

    @rpc
    def announce_overdue(self, today=None):
        """Announce late appointments as of ``today`` (YYYY-MM-DD; default today, WIB):
        ``{"announced": n}``. Idempotent."""
        return dump(OverdueCheckOut, {"announced": schedules.announce_overdue(self.store, today)})

    @every("partners_schedule_sweep_seconds")
    def scheduled_sweep(self):
        """The slow safety net: every running programme's schedules made again (what
        the days change: a child past 5, a window closed)."""
        schedules.request_running(self.store)

    @every("partners_schedule_due_seconds")
    def scheduled_due(self):
        """Make the schedules of programmes published, changed or verified since
        their last scheduling (``schedules.schedule_due``); returns its counts."""
        counts = schedules.schedule_due(self.store)
        if counts["programmes"]:
            log.info("scheduled %(programmes)d health programme(s): %(created)d appointments "
                     "created, %(changed)d changed", counts)
        return counts

    @every("partners_overdue_check_seconds")
    def scheduled_overdue_check(self):
        announced = schedules.announce_overdue(self.store)
        if announced:
            log.info("overdue check: %d appointments announced", announced)

    # ------------------------------------------------------------ reports

    @rpc
    def partner_report(self, partner_id, year, as_csv=False, actor=None):
        """A partner's year (``PartnerReportOut``; CSV text with ``as_csv``)."""
        report = reports.partner_report(self.store, commands.partner(self.store, partner_id,
                                                                     actor),
                                        commands.year_of(year))
        return reports.partner_report_csv(report) if as_csv else dump(PartnerReportOut, report)

    @rpc
    def partners_year(self, year, as_csv=False, actor=None):
        """Officers: every partner's year side by side (``PartnersYearOut``; CSV with
        ``as_csv``). Forbidden for other roles."""
        domain.require_officer(actor, "see every partner's report")
        overview = reports.partners_year(self.store, commands.year_of(year))
        return reports.partners_year_csv(overview) if as_csv else dump(PartnersYearOut, overview)

    # ------------------------------------------------------------ registry events (effects)

    @consumes(RESIDENT_REGISTERED)
    def handle_resident_registered(self, event):
        """A newborn (any child under 5) gets its schedule, with no officer action."""
        self.apply_registry_event(event)
        schedules.on_resident(self.store, event["aggregate_id"])

    @consumes(RESIDENT_UPDATED)
    def handle_resident_updated(self, event):
        """Flags on open enrolments; schedules follow (pregnant, birth date corrected)."""
        self.apply_registry_event(event)
        enrolments.on_resident_changed(self.store, event["aggregate_id"], event["event_id"])
        schedules.on_resident(self.store, event["aggregate_id"])

    @consumes(RESIDENT_DEACTIVATED)
    def handle_resident_deactivated(self, event):
        """Open enrolments withdrawn (``resident_inactive``), places passed on; open
        appointments cancelled."""
        self.apply_registry_event(event)
        enrolments.on_resident_deactivated(self.store, event["aggregate_id"], event["event_id"])
        schedules.on_resident(self.store, event["aggregate_id"])

    @consumes(HOUSEHOLD_REGISTERED)
    def handle_household_registered(self, event):
        """A new family's children get their schedules even when a member's event
        was handled before the family's (a criterion on the family's RW)."""
        self.apply_registry_event(event)
        for member in self.store.members_of(event["aggregate_id"]):
            schedules.on_resident(self.store, member["id"])

    @consumes(HOUSEHOLD_UPDATED)
    def handle_household_updated(self, event):
        """A family's decile or address changed: its members' open enrolments follow."""
        self.apply_registry_event(event)
        for member in self.store.members_of(event["aggregate_id"]):
            enrolments.on_resident_changed(self.store, member["id"], event["event_id"])
