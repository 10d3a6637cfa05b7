"""The distribution service: programmes, eligibility, rounds, allocations, disbursement.

Thin nameko class: each entrypoint hands over to a module of plain functions
(``catalogue``, ``allocations``, ``queries``, ``reports``, ``projection``).
Configuration: ``VILLAGE_CODE`` (10 digits, default Tanjung Barat 3174091005)
decides a desa or kelurahan deployment (BLT Dana Desa only in a desa).
"""
import logging
import os

from nameko.dependency_providers import Config

from services.shared.health import Ops
from services.shared.inbox import Inbox, consumes
from services.shared.mongo import MongoStore
from services.shared.nik import DEFAULT_VILLAGE_CODE
from services.shared.rpc import rpc

from services.distribution import allocations, catalogue, domain, projection, queries, reports
from services.distribution.store import OUTBOX_COLLECTIONS, DistributionRepository

log = logging.getLogger(__name__)


class DistributionService(Ops):
    name = "distribution"

    store = MongoStore(DistributionRepository, outbox_collections=OUTBOX_COLLECTIONS)
    inbox = Inbox()
    catch_up = projection.ProjectionCatchUp()
    config = Config()

    @property
    def deployment(self):
        """``"desa"`` or ``"kelurahan"`` from ``VILLAGE_CODE``."""
        return domain.deployment_kind(self.config.get("VILLAGE_CODE")
                                      or os.environ.get("VILLAGE_CODE") or DEFAULT_VILLAGE_CODE)

    # ------------------------------------------------------------ programmes and rounds

    @rpc
    def publish_programme(self, payload, actor=None):
        """Publish a programme; see ``catalogue.publish_programme``."""
        return catalogue.publish_programme(self.store, payload, actor, self.deployment)

    @rpc
    def revise_programme(self, code, payload, actor=None):
        """Revise a programme (future rounds only); see ``catalogue.revise_programme``."""
        return catalogue.revise_programme(self.store, code, payload, actor, self.deployment)

    @rpc
    def list_programmes(self, include_disabled=False, page=1, per_page=50):
        """Paginated programmes enabled here (all with ``include_disabled``)."""
        return catalogue.list_programmes(self.store, self.deployment, include_disabled, page, per_page)

    @rpc
    def get_programme(self, code):
        """One programme; NotFound."""
        return catalogue.get_programme(self.store, code, self.deployment)

    @rpc
    def schedule_round(self, code, payload, actor=None):
        """Schedule a round; see ``catalogue.schedule_round``."""
        return catalogue.schedule_round(self.store, code, payload, actor, self.deployment)

    @rpc
    def list_rounds(self, programme=None, upcoming=False, page=1, per_page=50):
        """Paginated rounds, optionally of one programme and not yet ended."""
        return catalogue.list_rounds(self.store, programme, upcoming, None, page, per_page)

    @rpc
    def get_round(self, round_id):
        """One round; NotFound."""
        return catalogue.get_round(self.store, round_id)

    @rpc
    def close_round(self, round_id, actor=None):
        """Close a round; pending allocations become not collected."""
        return catalogue.close_round(self.store, round_id, actor)

    # ------------------------------------------------------------ allocations

    @rpc
    def generate_allocations(self, round_id, actor=None):
        """Generate a round's allocations (idempotent); see ``allocations.generate``."""
        return allocations.generate(self.store, round_id, actor)

    @rpc
    def list_allocations(self, round_id, status=None, rw=None, rt=None, page=1, per_page=50,
                         order=None):
        """Paginated allocations of a round, by id or (``order="priority"``) in the order
        the round serves them; NotFound, InvalidInput. See ``queries.list_allocations``."""
        return queries.list_allocations(self.store, round_id, status, rw, rt, page, per_page,
                                        order)

    @rpc
    def get_allocation(self, allocation_id):
        """One allocation with its history; NotFound."""
        return queries.get_allocation(self.store, allocation_id)

    @rpc
    def disburse(self, allocation_id, payload, actor=None):
        """Record a disbursement exactly once (409 the second time)."""
        return allocations.disburse(self.store, allocation_id, payload, actor)

    @rpc
    def cancel_allocation(self, allocation_id, payload, actor=None):
        """Cancel a pending or waiting allocation with a reason."""
        return allocations.cancel(self.store, allocation_id, payload, actor)

    @rpc
    def return_allocation(self, allocation_id, payload, actor=None):
        """Record returned aid with a reason."""
        return allocations.return_allocation(self.store, allocation_id, payload, actor)

    @rpc
    def mark_not_collected(self, allocation_id, payload, actor=None):
        """Close a pending allocation as not collected with a reason."""
        return allocations.mark_not_collected(self.store, allocation_id, payload, actor)

    @rpc
    def reassign_allocation(self, allocation_id, actor=None):
        """Give a closed allocation's slot to the next waiting one."""
        return allocations.reassign(self.store, allocation_id, actor)

    @rpc
    def export_allocations(self, page=1, per_page=500):
        """All allocations by id (``per_page`` up to 1000), for other services' projections."""
        return queries.export_allocations(self.store, page, per_page)

    # ------------------------------------------------------------ reads

    @rpc
    def check_eligibility(self, nik, programme_code, on=None):
        """Each criterion with the value seen and its result; see ``queries.eligibility``."""
        return queries.eligibility(self.store, nik, programme_code, self.deployment, on)

    @rpc
    def status_check(self, payload):
        """Public status check by NIK + birth date; see ``queries.status_check``."""
        return queries.status_check(self.store, payload)

    @rpc
    def programmes_of_resident(self, nik):
        """Programmes a resident receives, by role; NotFound."""
        return queries.programmes_of_resident(self.store, nik)

    @rpc
    def programmes_of_family(self, kk_number):
        """Allocations of a family (KK) by programme; NotFound."""
        return queries.programmes_of_family(self.store, kk_number)

    @rpc
    def round_report(self, round_id, as_csv=False):
        """Counts and rupiah totals of a round (CSV text with ``as_csv``)."""
        report = reports.round_report(self.store, round_id)
        return reports.round_csv(report) if as_csv else report

    @rpc
    def programme_year_report(self, code, year, as_csv=False):
        """Per-round and yearly totals of a programme (CSV text with ``as_csv``)."""
        report = reports.programme_year_report(self.store, code, year)
        return reports.programme_year_csv(report) if as_csv else report

    @rpc
    def disbursement_report(self, year, as_csv=False):
        """Aid handed over per programme and month of ``year`` (WIB), counts and rupiah;
        CSV text with ``as_csv``. See ``reports.disbursement_report``; InvalidInput."""
        report = reports.disbursement_report(self.store, year)
        return reports.disbursement_csv(report) if as_csv else report

    # ------------------------------------------------------------ projection

    @rpc
    def projection_status(self):
        """``{"households", "residents", "resynced_at"?, "state"}`` of the registry projection."""
        return dict(self.store.projection_status(), state=self.catch_up.state)

    @rpc
    def rebuild_projection(self):
        """Re-read the registry's export now; ``{"households": n, "residents": n}``."""
        return self.catch_up.rebuild_now()

    @consumes("registry", "household_registered")
    def handle_household_registered(self, event):
        projection.apply_household(self.store, event["data"]["household"])

    @consumes("registry", "household_updated")
    def handle_household_updated(self, event):
        projection.apply_household(self.store, event["data"]["household"])

    @consumes("registry", "resident_registered")
    def handle_resident_registered(self, event):
        projection.apply_resident(self.store, event["data"]["resident"])

    @consumes("registry", "resident_updated")
    def handle_resident_updated(self, event):
        projection.apply_resident(self.store, event["data"]["resident"])

    @consumes("registry", "resident_deactivated")
    def handle_resident_deactivated(self, event):
        resident = event["data"]["resident"]
        projection.apply_resident(self.store, resident)
        allocations.on_resident_deactivated(self.store, resident, event["data"].get("reason"),
                                            event["event_id"])
