"""The complaints service: grievance redress and feedback (issue 4; docs/complaints.md).

Entrypoints only. Roles come from the gateway (``principal.role``); this
service decides what each role sees (``views``). Instants go out as ISO 8601
UTC strings.
"""
import logging

from services.shared import clock
from services.shared.caller import role_of
from services.shared.contract import dump, dump_page, load
from services.shared.errors import Forbidden, InvalidInput
from services.shared.inbox import consumes
from services.shared.mongo import MongoStore
from services.shared.pagination import page_args, page_of
from services.shared.projection import resync
from services.shared.rpc import RpcProxy, call, command, rpc
from services.shared.service import Service, every

from services.complaints import reports, views
from services.complaints.contract import (ComplaintIn, ComplaintOut, ComplaintPage,
                                          ComplaintQuery, ComplaintReportOut, FeedbackIn,
                                          FeedbackOut, FeedbackSummaryOut, NoteIn, PublicationIn,
                                          PublishedOut, ReportQuery, SubmittedOut, TrackingOut,
                                          TransitionIn)
from services.complaints.data import need_codes, needs_catalogue
from services.complaints.domain import check_needs, new_note, normalise_tracking_code
from services.complaints.store import ComplaintRepository, year_bounds
from services.distribution.contract import ALLOCATION_EVENTS

log = logging.getLogger(__name__)


def _officer(actor):
    role = role_of(actor)
    if role not in ("officer", "admin"):
        raise Forbidden("Only officers and admins handle complaints.")
    return role


def _tracking(code):
    normal = normalise_tracking_code(code)
    if normal is None:
        raise InvalidInput("That is not a tracking code.", {"tracking_code": [
            "must be 10 characters from 2-9 and A-Z without I, L, O, U"]})
    return normal


def _instant(text):
    """An ISO 8601 instant with its offset (``...Z``) as an aware datetime; InvalidInput."""
    try:
        return clock.parse_instant(text)
    except ValueError:
        raise InvalidInput("Invalid instant.", {"now": ["must be ISO 8601 with an offset, "
                                                        "e.g. 2026-01-05T00:00:00Z"]}) from None


class ComplaintsService(Service):
    name = "complaints"

    store = MongoStore(ComplaintRepository, outbox=["complaints"], epoch=True)
    distribution = RpcProxy("distribution")

    def _officer_view(self, doc, role):
        return dump(ComplaintOut, views.officer_view(doc, role, clock.now(),
                                                     self.store.allocation_for(doc)))

    @command
    def submit_complaint(self, payload, request_key=None, actor=None):
        """File a complaint (public; anonymous allowed). ``payload``: ``ComplaintIn``.

        Returns ``SubmittedOut`` (``tracking_code``, ``status``, ``message``...).
        Raises InvalidInput naming each bad field. The same ``request_key`` and
        body answer the first submission again (safe retries).
        """
        data = load(ComplaintIn, payload)
        return dump(SubmittedOut, views.submitted_view(self.store.submit(
            data, clock.now(), request_key, self.caller.correlation_id(actor))))

    @rpc
    def track_complaint(self, tracking_code):
        """Status and public notes by tracking code (public). InvalidInput, NotFound."""
        doc = self.store.by_tracking_code(_tracking(tracking_code))
        return dump(TrackingOut, views.public_view(doc, self.store.allocation_for(doc)))

    @rpc
    def get_complaint(self, complaint_id, actor=None):
        """One complaint for an officer/admin (``ComplaintOut``). NotFound, Forbidden."""
        return self._officer_view(self.store.get(complaint_id), _officer(actor))

    @rpc
    def export_complaints(self, page=1, per_page=500):
        """Every complaint as its events carry it (``views.event_snapshot``: no reporter,
        no free text), by id, for a consumer rebuilding its projection (monitoring):
        ``{items, page, per_page, total}``, ``per_page`` up to 1000."""
        page, per_page, skip = page_args(page, per_page, max_per_page=1000)
        docs, total = self.store.export(skip, per_page)
        now = clock.now()
        return page_of([views.event_snapshot(d, now) for d in docs], page, per_page, total)

    @rpc
    def list_complaints(self, filters=None, page=1, per_page=50, actor=None):
        """Officer list: ``filters`` ``{status, category, overdue, programme_code,
        assigned_to, tracking_code}``; answers the page plus ``counts``
        ``{received, overdue}`` (new and overdue complaints, for the officers on duty):
        ``ComplaintPage``."""
        role = _officer(actor)
        query = load(ComplaintQuery, filters, detail="Invalid filters.")
        if query.get("tracking_code"):
            query["tracking_code"] = _tracking(query["tracking_code"])
        page, per_page, skip = page_args(page, per_page)
        now = clock.now()
        docs, total = self.store.search(query, skip, per_page, now)
        linked = self.store.allocations_for(docs)
        items = [views.officer_view(d, role, now, linked.get(d.get("allocation_id")))
                 for d in docs]
        return dump(ComplaintPage, dict(page_of(items, page, per_page, total),
                                        counts=self.store.counts(now)))

    @command
    def transition_complaint(self, complaint_id, payload, actor=None):
        """Move a complaint through the workflow (``TransitionIn``); returns ``ComplaintOut``.

        Raises InvalidInput, NotFound, RuleRefused (move not allowed from the
        current status; rules in ``domain.TRANSITIONS``), Conflict (stale
        ``version`` or another officer's move won).
        """
        role = _officer(actor)
        request = load(TransitionIn, payload)
        doc = self.store.transition(complaint_id, request, actor, clock.now(),
                                    self.caller.correlation_id(actor))
        return self._officer_view(doc, role)

    @command
    def add_note(self, complaint_id, payload, actor=None):
        """Add an officer note (``NoteIn``: ``text``, ``public``); returns ``ComplaintOut``."""
        role = _officer(actor)
        data = load(NoteIn, payload)
        request_id = actor.get("request_id")  # a re-run of one request adds one note
        note = new_note(data["text"], actor.get("name"), data["public"], clock.now(),
                        note_id="note_%s" % request_id if request_id else None)
        return self._officer_view(self.store.add_note(complaint_id, note), role)

    @command
    def publish_complaint(self, complaint_id, payload, actor=None):
        """Publish a resolved complaint with the officer's wording (``PublicationIn``).
        RuleRefused unless resolved. Returns ``ComplaintOut``. The wording is
        redacted of the reporter's name only for a role that may see it
        (``domain.redaction_names``)."""
        role = _officer(actor)
        data = load(PublicationIn, payload)
        doc = self.store.publish(complaint_id, data["summary"], data["answer"], actor, clock.now(),
                                 role)
        return self._officer_view(doc, role)

    @command
    def unpublish_complaint(self, complaint_id, actor=None):
        """Take a complaint off the public list; returns ``ComplaintOut``."""
        return self._officer_view(self.store.unpublish(complaint_id), _officer(actor))

    @rpc
    def list_published(self, page=1, per_page=50):
        """Public list of resolved complaints: a page of ``PublishedOut``."""
        page, per_page, skip = page_args(page, per_page)
        docs, total = self.store.published(skip, per_page)
        return dump_page(PublishedOut, page_of([views.published_view(d) for d in docs], page,
                                               per_page, total))

    def _report(self, build, year, month):
        q = load(ReportQuery, {"year": year, "month": month}, detail="Invalid report period.")
        docs = self.store.submitted_between(*year_bounds(q["year"], q["month"]))
        return build(docs, q["year"], q["month"], clock.now())

    @rpc
    def complaint_report(self, year, month=None):
        """Counts by category and status, hours to resolve (median, p90), overdue,
        for a WIB year and its months (``ComplaintReportOut``)."""
        return dump(ComplaintReportOut, self._report(reports.complaint_report, year, month))

    @rpc
    def complaint_report_csv(self, year, month=None):
        """The complaint report as CSV text (``reports.complaint_report_csv``)."""
        return self._report(reports.complaint_report_csv, year, month)

    @command
    def submit_feedback(self, payload, request_key=None):
        """Store feedback (``FeedbackIn``; public, never identified). Returns
        ``FeedbackOut``. InvalidInput, also for a need not in the service's list."""
        data = load(FeedbackIn, payload)
        check_needs(data["needs"], need_codes())
        doc = self.store.add_feedback(data, clock.now(), request_key)
        return dump(FeedbackOut, {"id": doc["_id"], "programme_code": doc["programme_code"],
                                  "rating": doc["rating"],
                                  "submitted_at": clock.iso(doc["submitted_at"]),
                                  "message": "Terima kasih atas masukan Anda."})

    @rpc
    def feedback_summary(self, year, programme_code=None):
        """Feedback per programme for a WIB year (``FeedbackSummaryOut``)."""
        return dump(FeedbackSummaryOut, self._feedback(year, programme_code))

    def _feedback(self, year, programme_code):
        q = load(ReportQuery, {"year": year, "programme_code": programme_code},
                 detail="Invalid report period.")
        docs = self.store.feedback_of_year(q["year"], q["programme_code"])
        return reports.feedback_summary(docs, q["year"], needs_catalogue())

    @rpc
    def feedback_summary_csv(self, year, programme_code=None):
        """The feedback summary as CSV text."""
        return reports.feedback_summary_csv(self._feedback(year, programme_code),
                                            needs_catalogue())

    @rpc
    def check_overdue(self, now=None):
        """Announce missed deadlines now (or as of ``now``, ISO UTC, for tests and
        operators). Idempotent. Returns ``{"announced": n}``."""
        return {"announced": self.store.announce_overdue(_instant(now) if now else clock.now())}

    @every("complaints_overdue_check_seconds")
    def scheduled_overdue_check(self):
        """The scheduled check: ``complaint_overdue`` once per complaint per deadline."""
        announced = self.store.announce_overdue(clock.now())
        if announced:
            log.info("overdue check: %d complaint deadlines announced", announced)

    @rpc
    def resync_allocations(self, deadline=30.0):
        """Rebuild the allocation projection from distribution's export
        (``distribution.export_allocations(page, per_page)``). Returns ``{"applied": n}``."""
        fetch = lambda page, per_page: call(self.distribution.export_allocations, page, per_page,  # noqa: E731
                                            deadline=deadline)
        return {"applied": resync(fetch, self.store.apply_allocation_snapshot)}

    # Every change of a linked allocation keeps the projection current; a
    # disbursement or a cancellation also adds a public note (store.apply_allocation).
    @consumes(ALLOCATION_EVENTS["allocation_created"], snapshot=True)
    def handle_allocation_created(self, event):
        self.store.apply_allocation(event)

    @consumes(ALLOCATION_EVENTS["aid_disbursed"])
    def handle_aid_disbursed(self, event):
        self.store.apply_allocation(event)

    @consumes(ALLOCATION_EVENTS["allocation_cancelled"])
    def handle_allocation_cancelled(self, event):
        self.store.apply_allocation(event)

    @consumes(ALLOCATION_EVENTS["allocation_promoted"], snapshot=True)
    def handle_allocation_promoted(self, event):
        self.store.apply_allocation(event)

    @consumes(ALLOCATION_EVENTS["allocation_updated"], snapshot=True)
    def handle_allocation_updated(self, event):
        self.store.apply_allocation(event)

    @consumes(ALLOCATION_EVENTS["allocation_not_collected"], snapshot=True)
    def handle_allocation_not_collected(self, event):
        self.store.apply_allocation(event)

    @consumes(ALLOCATION_EVENTS["allocation_returned"], snapshot=True)
    def handle_allocation_returned(self, event):
        self.store.apply_allocation(event)
