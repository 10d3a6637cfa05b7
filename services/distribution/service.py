"""The distribution service: programmes, eligibility, rounds, allocations, disbursement.

Thin nameko class: each entrypoint hands over to a module of plain functions
(``catalogue``, ``allocations``, ``queries``, ``reports``) and dumps the
answer through its ``contract`` schema. The registry projection (its snapshot
handlers, catch-up and RPCs) is the shared ``FollowsRegistry``; this service
adds the effects of a deactivation. ``VILLAGE_CODE`` (a
setting) decides a desa or kelurahan deployment (BLT Dana Desa only in a desa).
"""
import logging

from services.shared.rpc import RpcProxy

from services.shared.contract import dump, dump_page
from services.shared.inbox import consumes
from services.shared.mongo import MongoStore
from services.shared.projection import resync
from services.shared.rpc import call, command, rpc
from services.shared.registry_projection import FollowsRegistry
from services.shared.service import Service

from services.distribution import allocations, catalogue, queries, reports
from services.distribution.contract import (AllocationOut, CompletionsResyncOut,
                                            DisbursementReportOut, EligibilityOut,
                                            FamilyProgrammesOut, GenerateOut, ProgrammeOut,
                                            ProgrammeYearReportOut, ReassignOut,
                                            ResidentProgrammesOut, RoundOut, RoundReportOut,
                                            StatusCheckOut)
from services.distribution.store import OUTBOX_COLLECTIONS, DistributionRepository
from services.partners.contract import ENROLMENT_COMPLETED
from services.registry.contract import RESIDENT_DEACTIVATED

log = logging.getLogger(__name__)


class DistributionService(FollowsRegistry, Service):
    name = "distribution"

    store = MongoStore(DistributionRepository, outbox=OUTBOX_COLLECTIONS, epoch=True)
    partners = RpcProxy("partners")

    @staticmethod
    def registry_data_vanished(db, resident_ids, household_ids):
        """After a rebuild dropped what the registry's new store lacks: flag the
        allocations that referred to them (``RegistryCatchUp``); ``{"allocations": n}``."""
        return {"allocations": DistributionRepository(db, None).flag_registry_vanished(
            resident_ids, household_ids)}

    # ------------------------------------------------------------ programmes and rounds

    @command
    def publish_programme(self, payload, actor=None):
        """Publish a programme (``ProgrammeOut``); see ``catalogue.publish_programme``."""
        return dump(ProgrammeOut, catalogue.publish_programme(
            self.store, payload, actor, self.settings.deployment))

    @command
    def revise_programme(self, code, payload, actor=None):
        """Revise a programme (future rounds only); see ``catalogue.revise_programme``."""
        return dump(ProgrammeOut, catalogue.revise_programme(
            self.store, code, payload, actor, self.settings.deployment))

    @rpc
    def list_programmes(self, include_disabled=False, page=1, per_page=50):
        """A page of programmes enabled here (all with ``include_disabled``)."""
        return dump_page(ProgrammeOut, catalogue.list_programmes(
            self.store, self.settings.deployment, include_disabled, page, per_page))

    @rpc
    def get_programme(self, code):
        """One programme (``ProgrammeOut``); NotFound."""
        return dump(ProgrammeOut, catalogue.get_programme(self.store, code,
                                                          self.settings.deployment))

    @command
    def schedule_round(self, code, payload, actor=None):
        """Schedule a round (``RoundOut``); see ``catalogue.schedule_round``."""
        return dump(RoundOut, catalogue.schedule_round(self.store, code, payload, actor,
                                                       self.settings.deployment))

    @rpc
    def list_rounds(self, programme=None, upcoming=False, page=1, per_page=50):
        """A page of rounds, optionally of one programme and not yet ended."""
        return dump_page(RoundOut, catalogue.list_rounds(self.store, programme, upcoming, None,
                                                         page, per_page))

    @rpc
    def get_round(self, round_id):
        """One round (``RoundOut``); NotFound."""
        return dump(RoundOut, catalogue.get_round(self.store, round_id))

    @command
    def close_round(self, round_id, actor=None):
        """Close a round; pending allocations become not collected (``RoundOut``)."""
        return dump(RoundOut, catalogue.close_round(self.store, round_id, actor))

    # ------------------------------------------------------------ allocations

    @command
    def generate_allocations(self, round_id, actor=None):
        """Generate a round's allocations (idempotent; ``GenerateOut``); see ``allocations.generate``."""
        return dump(GenerateOut, allocations.generate(self.store, round_id, actor))

    @rpc
    def list_allocations(self, round_id, status=None, rw=None, rt=None, page=1, per_page=50,
                         order=None):
        """A page of a round's allocations (``AllocationPage``), by id or
        (``order="priority"``) in the order the round serves them; NotFound,
        InvalidInput. See ``queries.list_allocations``."""
        return dump_page(AllocationOut, queries.list_allocations(
            self.store, round_id, status, rw, rt, page, per_page, order))

    @rpc
    def get_allocation(self, allocation_id):
        """One allocation with its history (``AllocationOut``); NotFound."""
        return dump(AllocationOut, queries.get_allocation(self.store, allocation_id))

    @command
    def disburse(self, allocation_id, payload, actor=None):
        """Record a disbursement exactly once (409 the second time; ``AllocationOut``)."""
        return dump(AllocationOut, allocations.disburse(self.store, allocation_id, payload, actor))

    @command
    def cancel_allocation(self, allocation_id, payload, actor=None):
        """Cancel a pending or waiting allocation with a reason (``AllocationOut``)."""
        return dump(AllocationOut, allocations.cancel(self.store, allocation_id, payload, actor))

    @command
    def return_allocation(self, allocation_id, payload, actor=None):
        """Record returned aid with a reason (``AllocationOut``)."""
        return dump(AllocationOut, allocations.return_allocation(self.store, allocation_id,
                                                                 payload, actor))

    @command
    def mark_not_collected(self, allocation_id, payload, actor=None):
        """Close a pending allocation as not collected with a reason (``AllocationOut``)."""
        return dump(AllocationOut, allocations.mark_not_collected(self.store, allocation_id,
                                                                  payload, actor))

    @command
    def reassign_allocation(self, allocation_id, actor=None):
        """Give a closed allocation's slot to the next waiting one (``ReassignOut``)."""
        return dump(ReassignOut, allocations.reassign(self.store, allocation_id, actor))

    @rpc
    def export_allocations(self, page=1, per_page=500):
        """All allocation snapshots by id (``per_page`` up to 1000), for other services'
        projections (docs/events.md)."""
        return queries.export_allocations(self.store, page, per_page)

    # ------------------------------------------------------------ reads

    @rpc
    def check_eligibility(self, nik, programme_code, on=None):
        """Each criterion with the value seen and its result (``EligibilityOut``)."""
        return dump(EligibilityOut, queries.eligibility(self.store, nik, programme_code,
                                                        self.settings.deployment, on))

    @rpc
    def status_check(self, payload):
        """Public status check by NIK + birth date (``StatusCheckOut``)."""
        return dump(StatusCheckOut, queries.status_check(self.store, payload))

    @rpc
    def programmes_of_resident(self, nik):
        """Programmes a resident receives, by role (``ResidentProgrammesOut``); NotFound."""
        return dump(ResidentProgrammesOut, queries.programmes_of_resident(self.store, nik))

    @rpc
    def programmes_of_family(self, kk_number):
        """Allocations of a family (KK) by programme (``FamilyProgrammesOut``); NotFound."""
        return dump(FamilyProgrammesOut, queries.programmes_of_family(self.store, kk_number))

    @rpc
    def round_report(self, round_id, as_csv=False):
        """Counts and rupiah totals of a round (``RoundReportOut``; CSV text with ``as_csv``)."""
        report = reports.round_report(self.store, round_id)
        return reports.round_csv(report) if as_csv else dump(RoundReportOut, report)

    @rpc
    def programme_year_report(self, code, year, as_csv=False):
        """Per-round and yearly totals of a programme (``ProgrammeYearReportOut``; CSV
        text with ``as_csv``)."""
        report = reports.programme_year_report(self.store, code, year)
        return reports.programme_year_csv(report) if as_csv else dump(ProgrammeYearReportOut,
                                                                      report)

    @rpc
    def disbursement_report(self, year, as_csv=False):
        """Aid handed over per programme and month of ``year`` (WIB), counts and rupiah
        (``DisbursementReportOut``; CSV text with ``as_csv``). See
        ``reports.disbursement_report``; InvalidInput for a bad year."""
        report = reports.disbursement_report(self.store, year)
        return reports.disbursement_csv(report) if as_csv else dump(DisbursementReportOut,
                                                                    report)

    # ------------------------------------------------------------ registry events

    @consumes(RESIDENT_DEACTIVATED)
    def handle_resident_deactivated(self, event):
        """Has effects (allocations closed or passed on): never skipped as stale."""
        self.apply_registry_event(event)
        resident = event["data"]["resident"]
        allocations.on_resident_deactivated(self.store, resident, event["data"]["reason"],
                                            event["event_id"])

    # ------------------------------------------------------------ partners events

    @consumes(ENROLMENT_COMPLETED)
    def handle_enrolment_completed(self, event):
        """A completed partner programme (training, mentoring, ...) becomes what rules
        read as ``member``/``household.completed_training_topics`` and
        ``business_training_completed`` (issue 11). Idempotent by enrolment id."""
        self.store.record_completion(event["data"])

    @rpc
    def resync_completions(self, deadline=30.0):
        """Re-read completed partner programmes from ``partners.export_completions``
        (``CompletionsResyncOut``); raises the RPC's Timeout or error."""
        fetch = lambda page, per_page: call(self.partners.export_completions, page,  # noqa: E731
                                            per_page, deadline=deadline)
        return dump(CompletionsResyncOut, {"applied": resync(fetch, self.store.record_completion)})
