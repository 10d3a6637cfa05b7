"""The complaints service: grievance redress and feedback (issue 4; docs/complaints.md).

Entrypoints only. Roles come from the gateway (``principal.role``); this
service decides what each role sees (``views``). Instants go out as ISO 8601
UTC strings.
"""
import datetime
import logging
import os

from nameko.timer import timer

from services.shared.errors import Forbidden, InvalidInput
from services.shared.health import Ops
from services.shared.inbox import Inbox, consumes
from services.shared.mongo import MongoStore
from services.shared.pagination import page_args, page_of
from services.shared.projection import resync
from services.shared.rpc import RpcProxy, call, rpc

from services.complaints import reports, views
from services.complaints.data import needs_catalogue
from services.complaints.domain import new_note, normalise_tracking_code, now_utc
from services.complaints.schemas import (ComplaintIn, ComplaintQuery, FeedbackIn, NoteIn,
                                         PublicationIn, ReportQuery, TransitionIn, load_or_400)
from services.complaints.store import ComplaintRepository, year_bounds

log = logging.getLogger(__name__)

#: How often the scheduled check looks for missed deadlines (seconds).
OVERDUE_CHECK_SECONDS = float(os.environ.get("COMPLAINTS_OVERDUE_CHECK_SECONDS", "60"))


def _officer(role):
    if role not in ("officer", "admin"):
        raise Forbidden("Only officers and admins handle complaints.")


def _tracking(code):
    normal = normalise_tracking_code(code)
    if normal is None:
        raise InvalidInput("That is not a tracking code.", {"tracking_code": [
            "must be 10 characters from 2-9 and A-Z without I, L, O, U"]})
    return normal


def _instant(text):
    """An ISO 8601 instant with its offset (``...Z``) as an aware datetime; InvalidInput."""
    try:
        at = datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise InvalidInput("Invalid instant.", {"now": ["must be ISO 8601 with an offset, "
                                                        "e.g. 2026-01-05T00:00:00Z"]})
    return at


class ComplaintsService(Ops):
    name = "complaints"

    store = MongoStore(ComplaintRepository, outbox_collections=["complaints"])
    inbox = Inbox()
    distribution = RpcProxy("distribution")

    @rpc
    def submit_complaint(self, payload, request_key=None, correlation_id=None):
        """File a complaint (public; anonymous allowed). ``payload``: ``ComplaintIn``.

        Returns ``views.submitted_view`` (``tracking_code``, ``status``, ``message``...).
        Raises InvalidInput naming each bad field. The same ``request_key`` and
        body answer the first submission again (safe retries).
        """
        data = load_or_400(ComplaintIn(), payload)
        return views.submitted_view(self.store.submit(data, now_utc(), request_key, correlation_id))

    @rpc
    def track_complaint(self, tracking_code):
        """Status and public notes by tracking code (public). InvalidInput, NotFound."""
        doc = self.store.by_tracking_code(_tracking(tracking_code))
        return views.public_view(doc, self.store.allocation_for(doc))

    @rpc
    def get_complaint(self, complaint_id, role):
        """One complaint for an officer/admin (``views.officer_view``). NotFound, Forbidden."""
        _officer(role)
        doc = self.store.get(complaint_id)
        return views.officer_view(doc, role, now_utc(), self.store.allocation_for(doc))

    @rpc
    def list_complaints(self, filters=None, page=1, per_page=50, role=None):
        """Officer list: ``filters`` ``{status, category, overdue, programme_code,
        assigned_to, tracking_code}``; answers the CONTRACT page plus ``counts``
        ``{received, overdue}`` (new and overdue complaints, for the officers on duty)."""
        _officer(role)
        query = load_or_400(ComplaintQuery(), filters or {}, "Invalid filters.")
        if query.get("tracking_code"):
            query["tracking_code"] = _tracking(query["tracking_code"])
        page, per_page, skip = page_args(page, per_page)
        now = now_utc()
        docs, total = self.store.search(query, skip, per_page, now)
        linked = self.store.allocations_for(docs)
        items = [views.officer_view(d, role, now, linked.get(d.get("allocation_id")))
                 for d in docs]
        return dict(page_of(items, page, per_page, total), counts=self.store.counts(now))

    @rpc
    def transition_complaint(self, complaint_id, payload, actor, role, correlation_id=None):
        """Move a complaint through the workflow (``TransitionIn``); returns the officer view.

        Raises InvalidInput, NotFound, RuleRefused (move not allowed from the
        current status; rules in ``domain.TRANSITIONS``), Conflict (stale
        ``version`` or another officer's move won).
        """
        _officer(role)
        request = load_or_400(TransitionIn(), payload)
        doc = self.store.transition(complaint_id, request, actor, now_utc(), correlation_id)
        return views.officer_view(doc, role, now_utc(), self.store.allocation_for(doc))

    @rpc
    def add_note(self, complaint_id, payload, actor, role):
        """Add an officer note (``NoteIn``: ``text``, ``public``); returns the officer view."""
        _officer(role)
        data = load_or_400(NoteIn(), payload)
        actor = actor or {}
        request_id = actor.get("request_id")  # a re-run of one request adds one note
        note = new_note(data["text"], actor.get("name"), data["public"], now_utc(),
                        note_id="note_%s" % request_id if request_id else None)
        doc = self.store.add_note(complaint_id, note)
        return views.officer_view(doc, role, now_utc(), self.store.allocation_for(doc))

    @rpc
    def publish_complaint(self, complaint_id, payload, actor, role):
        """Publish a resolved complaint with the officer's wording (``PublicationIn``).
        RuleRefused unless resolved. Returns the officer view. The wording is
        redacted of the reporter's name only for a role that may see it
        (``domain.redaction_names``)."""
        _officer(role)
        data = load_or_400(PublicationIn(), payload)
        doc = self.store.publish(complaint_id, data["summary"], data["answer"], actor, now_utc(),
                                 role)
        return views.officer_view(doc, role, now_utc(), self.store.allocation_for(doc))

    @rpc
    def unpublish_complaint(self, complaint_id, role):
        """Take a complaint off the public list; returns the officer view."""
        _officer(role)
        doc = self.store.unpublish(complaint_id)
        return views.officer_view(doc, role, now_utc(), self.store.allocation_for(doc))

    @rpc
    def list_published(self, page=1, per_page=50):
        """Public list of resolved complaints (``views.published_view``), CONTRACT page."""
        page, per_page, skip = page_args(page, per_page)
        docs, total = self.store.published(skip, per_page)
        return page_of([views.published_view(d) for d in docs], page, per_page, total)

    def _report(self, build, year, month):
        q = load_or_400(ReportQuery(), {"year": year, "month": month}, "Invalid report period.")
        docs = self.store.submitted_between(*year_bounds(q["year"], q["month"]))
        return build(docs, q["year"], q["month"], now_utc())

    @rpc
    def complaint_report(self, year, month=None):
        """Counts by category and status, hours to resolve (median, p90), overdue,
        for a WIB year and its months (``reports.complaint_report``)."""
        return self._report(reports.complaint_report, year, month)

    @rpc
    def complaint_report_csv(self, year, month=None):
        """The complaint report as CSV text (``reports.complaint_report_csv``)."""
        return self._report(reports.complaint_report_csv, year, month)

    @rpc
    def submit_feedback(self, payload, request_key=None):
        """Store feedback (``FeedbackIn``; public, never identified). Returns
        ``{id, programme_code, rating, submitted_at, message}``."""
        doc = self.store.add_feedback(load_or_400(FeedbackIn(), payload), now_utc(), request_key)
        return {"id": doc["_id"], "programme_code": doc["programme_code"], "rating": doc["rating"],
                "submitted_at": views.iso(doc["submitted_at"]),
                "message": "Terima kasih atas masukan Anda."}

    @rpc
    def feedback_summary(self, year, programme_code=None):
        """Feedback per programme for a WIB year (``reports.feedback_summary``)."""
        q = load_or_400(ReportQuery(), {"year": year, "programme_code": programme_code},
                        "Invalid report period.")
        docs = self.store.feedback_of_year(q["year"], q["programme_code"])
        return reports.feedback_summary(docs, q["year"], needs_catalogue())

    @rpc
    def feedback_summary_csv(self, year, programme_code=None):
        """The feedback summary as CSV text."""
        return reports.feedback_summary_csv(self.feedback_summary(year, programme_code),
                                            needs_catalogue())

    @rpc
    def check_overdue(self, now=None):
        """Announce missed deadlines now (or as of ``now``, ISO UTC, for tests and
        operators). Idempotent. Returns ``{"announced": n}``."""
        return {"announced": self.store.announce_overdue(_instant(now) if now else now_utc())}

    @timer(interval=OVERDUE_CHECK_SECONDS)
    def scheduled_overdue_check(self):
        """The scheduled check: ``complaint_overdue`` once per complaint per deadline."""
        announced = self.store.announce_overdue(now_utc())
        if announced:
            log.info("overdue check: %d complaint deadlines announced", announced)

    @rpc
    def resync_allocations(self, deadline=30.0):
        """Rebuild the allocation projection from distribution's export
        (``distribution.export_allocations(page, per_page)``). Returns ``{"applied": n}``."""
        fetch = lambda page, per_page: call(self.distribution.export_allocations, page, per_page,  # noqa: E731
                                            deadline=deadline)
        return {"applied": resync(fetch, self.store.apply_allocation_snapshot)}

    @consumes("distribution", "allocation_created")
    def handle_allocation_created(self, event):
        self.store.apply_allocation(event)

    @consumes("distribution", "aid_disbursed")
    def handle_aid_disbursed(self, event):
        self.store.apply_allocation(event)

    @consumes("distribution", "allocation_cancelled")
    def handle_allocation_cancelled(self, event):
        self.store.apply_allocation(event)

    # Other changes of an allocation keep the projection current (no note).
    @consumes("distribution", "allocation_promoted")
    def handle_allocation_promoted(self, event):
        self.store.apply_allocation(event)

    @consumes("distribution", "allocation_updated")
    def handle_allocation_updated(self, event):
        self.store.apply_allocation(event)

    @consumes("distribution", "allocation_not_collected")
    def handle_allocation_not_collected(self, event):
        self.store.apply_allocation(event)

    @consumes("distribution", "allocation_returned")
    def handle_allocation_returned(self, event):
        self.store.apply_allocation(event)
