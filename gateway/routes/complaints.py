"""Complaints and feedback over HTTP (CONTRACT.md "Complaints"; docs/complaints.md).

The service decides what each role sees; the gateway passes ``principal.role``
and writes the audit trail whenever an answer carries a resident's NIK (a
reporter's, or the subject of a data correction).
"""
from services.complaints.answers import (ComplaintOut, FeedbackOut, PublishedOut, SubmittedOut,
                                         TrackingOut)
from services.complaints.schemas import (ComplaintIn, ComplaintQuery, FeedbackIn, NoteIn,
                                         PublicationIn, ReportQuery, TransitionIn)
from services.registry.corrections import ConfirmIn, CorrectionOut, RejectIn

from gateway.auth import authorize
from gateway.http import csv_response, route

TAGS = ["complaints"]
#: per client: submissions are cheap to make and costly to handle
SUBMIT_LIMIT = ("complaints", 10, 600)
FEEDBACK_LIMIT = ("feedback", 10, 600)
#: tracking codes are ~49 bits; the limit keeps guessing hopeless
LOOKUP_LIMIT = ("complaint_lookup", 30, 60)


def _revealed(view):
    """``(action, NIK)`` for every resident NIK an officer's complaint view reveals."""
    out = []
    if (view.get("reporter") or {}).get("nik"):
        out.append(("read_complaint_reporter", view["reporter"]["nik"]))
    if (view.get("correction") or {}).get("subject_nik"):
        out.append(("read_complaint_correction", view["correction"]["subject_nik"]))
    return out


class ComplaintRoutes:
    def _audit_complaint(self, principal, request, view):
        """Audit every resident NIK an officer answer reveals."""
        self.audit_many(principal, _revealed(view), request)
        return view

    @route("POST", "/api/v1/complaints", body=ComplaintIn, response=SubmittedOut, status=201,
           rate_limit=SUBMIT_LIMIT, tags=TAGS, summary="File a complaint (anonymous allowed)",
           description="Answers a tracking code. Send an Idempotency-Key header to retry safely.")
    def submit_complaint(self, request, principal):
        return self.call(self.complaints.submit_complaint, self.body(request),
                         request.headers.get("Idempotency-Key"), principal.request_id)

    @route("GET", "/api/v1/complaints", role="officer", query=ComplaintQuery,
           response=ComplaintOut, many=True, tags=TAGS,
           summary="Complaints by status, category, overdue; with counts of new and overdue")
    def list_complaints(self, request, principal):
        page, per_page = self.page_args(request)
        filters = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}
        answer = self.call(self.complaints.list_complaints, filters, page, per_page, principal.role)
        self.audit_many(principal, [e for item in answer["items"] for e in _revealed(item)],
                        request)
        return answer

    @route("GET", "/api/v1/complaints/<ref>", response=TrackingOut, rate_limit=LOOKUP_LIMIT,
           tags=TAGS, summary="Track a complaint by its code (public), or read it by id (officer)",
           description="A tracking code answers status and public notes to anyone. An id "
                       "(cmp_...) needs an officer token and answers the whole complaint.")
    def get_complaint(self, request, principal, ref):
        if ref.startswith("cmp_"):
            authorize(principal, "officer")
            view = self.call(self.complaints.get_complaint, ref, principal.role)
            return self._audit_complaint(principal, request, view)
        return self.call(self.complaints.track_complaint, ref)

    @route("POST", "/api/v1/complaints/<complaint_id>/transitions", role="officer",
           body=TransitionIn, response=ComplaintOut, tags=TAGS,
           summary="Move a complaint through the workflow")
    def transition_complaint(self, request, principal, complaint_id):
        view = self.call(self.complaints.transition_complaint, complaint_id, self.body(request),
                         principal.actor, principal.role, principal.request_id)
        return self._audit_complaint(principal, request, view)

    @route("POST", "/api/v1/complaints/<complaint_id>/notes", role="officer", body=NoteIn,
           response=ComplaintOut, status=201, tags=TAGS, summary="Add a note (public or internal)")
    def add_complaint_note(self, request, principal, complaint_id):
        view = self.call(self.complaints.add_note, complaint_id, self.body(request),
                         principal.actor, principal.role)
        return self._audit_complaint(principal, request, view)

    @route("POST", "/api/v1/complaints/<complaint_id>/publication", role="officer",
           body=PublicationIn, response=ComplaintOut, tags=TAGS,
           summary="Publish a resolved complaint with a redacted summary and answer")
    def publish_complaint(self, request, principal, complaint_id):
        view = self.call(self.complaints.publish_complaint, complaint_id, self.body(request),
                         principal.actor, principal.role)
        return self._audit_complaint(principal, request, view)

    @route("DELETE", "/api/v1/complaints/<complaint_id>/publication", role="officer",
           response=ComplaintOut, tags=TAGS, summary="Take a complaint off the public list")
    def unpublish_complaint(self, request, principal, complaint_id):
        view = self.call(self.complaints.unpublish_complaint, complaint_id, principal.role)
        return self._audit_complaint(principal, request, view)

    @route("GET", "/api/v1/resolved-complaints", response=PublishedOut, many=True, tags=TAGS,
           summary="Resolved complaints the village published, without identifying data")
    def list_resolved_complaints(self, request, principal):
        page, per_page = self.page_args(request)
        return self.call(self.complaints.list_published, page, per_page)

    @route("POST", "/api/v1/feedback", body=FeedbackIn, response=FeedbackOut, status=201,
           rate_limit=FEEDBACK_LIMIT, tags=TAGS, summary="Rate a programme and raise needs")
    def submit_feedback(self, request, principal):
        return self.call(self.complaints.submit_feedback, self.body(request),
                         request.headers.get("Idempotency-Key"))

    @route("GET", "/api/v1/reports/complaints", role="officer", query=ReportQuery, tags=TAGS,
           summary="Complaint counts, time to resolve and overdue per month and year",
           description="?format=csv answers text/csv.")
    def complaint_report(self, request, principal):
        year, month = request.args.get("year"), request.args.get("month") or None
        if request.args.get("format") == "csv":
            text = self.call(self.complaints.complaint_report_csv, year, month)
            return csv_response(text, "complaints-%s%s.csv" % (
                year, "-%s" % month if month else ""))
        return self.call(self.complaints.complaint_report, year, month)

    @route("GET", "/api/v1/reports/feedback", role="officer", query=ReportQuery, tags=TAGS,
           summary="Feedback per programme per year", description="?format=csv answers text/csv.")
    def feedback_report(self, request, principal):
        year, code = request.args.get("year"), request.args.get("programme_code") or None
        if request.args.get("format") == "csv":
            return csv_response(self.call(self.complaints.feedback_summary_csv, year, code),
                                "feedback-%s.csv" % year)
        return self.call(self.complaints.feedback_summary, year, code)

    # ---- the registry's side of data corrections (RPCs in services/registry/corrections.py) ----

    @route("GET", "/api/v1/corrections", role="officer", response=CorrectionOut, many=True,
           tags=TAGS, summary="Registry changes asked for by resolved data-correction complaints",
           description="?status=pending (default), confirming, confirmed, rejected, or empty for all.")
    def list_corrections(self, request, principal):
        page, per_page = self.page_args(request)
        answer = self.call(self.registry.list_pending_corrections,
                           request.args.get("status", "pending"), page, per_page)
        self.audit_many(principal, [("read_correction", item["subject_nik"])
                                    for item in answer["items"]], request)
        return answer

    @route("POST", "/api/v1/corrections/<correction_id>/confirm", role="officer", body=ConfirmIn,
           response=CorrectionOut, tags=TAGS,
           summary="Apply a requested correction to the registry (with history and events)")
    def confirm_correction(self, request, principal, correction_id):
        answer = self.call(self.registry.confirm_correction, correction_id,
                           self.body(request) if request.get_data() else {}, principal.actor)
        self.audit(principal, "confirm_correction", answer["subject_nik"], request)
        return answer

    @route("POST", "/api/v1/corrections/<correction_id>/reject", role="officer", body=RejectIn,
           response=CorrectionOut, tags=TAGS, summary="Reject a requested correction with a reason")
    def reject_correction(self, request, principal, correction_id):
        answer = self.call(self.registry.reject_correction, correction_id, self.body(request),
                           principal.actor)
        self.audit(principal, "reject_correction", answer["subject_nik"], request)
        return answer
