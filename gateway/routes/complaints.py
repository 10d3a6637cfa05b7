"""Complaints and feedback over HTTP (docs/contract.md "Complaints"; docs/complaints.md).

The service decides what each role sees (from the ``actor`` it is passed);
the gateway writes the audit trail whenever an answer carries a resident's NIK
(a reporter's, or the subject of a data correction).
"""
from services.complaints.contract import (ComplaintIn, ComplaintOut, ComplaintPage,
                                          ComplaintQuery, ComplaintReportOut, FeedbackIn,
                                          FeedbackOut, FeedbackSummaryOut, NoteIn, PublicationIn,
                                          PublishedOut, ReportQuery, SubmittedOut, TrackingOut,
                                          TransitionIn)
from services.shared.contract import Page

from gateway.auth import authorize
from gateway.http import RouteTable, csv_response

routes = RouteTable()
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


def _audited(ex, view):
    """Audit every resident NIK an officer answer reveals; return the answer."""
    ex.audit_many(_revealed(view))
    return view


@routes.route("POST", "/api/v1/complaints", body=ComplaintIn, response=SubmittedOut, status=201,
              rate_limit=SUBMIT_LIMIT, tags=TAGS, summary="File a complaint (anonymous allowed)",
              description="Answers a tracking code. Send an Idempotency-Key header to retry "
                          "safely.")
def submit_complaint(ex):
    return ex.call(ex.services.complaints.submit_complaint, ex.body(),
                   ex.request.headers.get("Idempotency-Key"), ex.actor)


@routes.route("GET", "/api/v1/complaints", role="officer", query=ComplaintQuery,
              response=ComplaintPage, tags=TAGS,
              summary="Complaints by status, category, overdue; with counts of new and overdue")
def list_complaints(ex):
    page, per_page = ex.page_args()
    filters = {k: v for k, v in ex.args.items() if k not in ("page", "per_page")}
    answer = ex.call(ex.services.complaints.list_complaints, filters, page, per_page, ex.actor)
    ex.audit_many([e for item in answer["items"] for e in _revealed(item)])
    return answer


@routes.route("GET", "/api/v1/complaints/<ref>", response=TrackingOut,
              responses={200: [TrackingOut, ComplaintOut]}, rate_limit=LOOKUP_LIMIT, tags=TAGS,
              summary="Track a complaint by its code (public), or read it by id (officer)",
              description="A tracking code answers status and public notes to anyone "
                          "(TrackingOut). An id (cmp_...) needs an officer token and answers "
                          "the whole complaint (ComplaintOut).")
def get_complaint(ex, ref):
    if ref.startswith("cmp_"):
        authorize(ex.principal, "officer")
        return _audited(ex, ex.call(ex.services.complaints.get_complaint, ref, ex.actor))
    return ex.call(ex.services.complaints.track_complaint, ref)


@routes.route("POST", "/api/v1/complaints/<complaint_id>/transitions", role="officer",
              body=TransitionIn, response=ComplaintOut, tags=TAGS,
              summary="Move a complaint through the workflow")
def transition_complaint(ex, complaint_id):
    return _audited(ex, ex.call(ex.services.complaints.transition_complaint, complaint_id,
                                ex.body(), ex.actor))


@routes.route("POST", "/api/v1/complaints/<complaint_id>/notes", role="officer", body=NoteIn,
              response=ComplaintOut, status=201, tags=TAGS,
              summary="Add a note (public or internal)")
def add_complaint_note(ex, complaint_id):
    return _audited(ex, ex.call(ex.services.complaints.add_note, complaint_id, ex.body(),
                                ex.actor))


@routes.route("POST", "/api/v1/complaints/<complaint_id>/publication", role="officer",
              body=PublicationIn, response=ComplaintOut, tags=TAGS,
              summary="Publish a resolved complaint with a redacted summary and answer")
def publish_complaint(ex, complaint_id):
    return _audited(ex, ex.call(ex.services.complaints.publish_complaint, complaint_id,
                                ex.body(), ex.actor))


@routes.route("DELETE", "/api/v1/complaints/<complaint_id>/publication", role="officer",
              response=ComplaintOut, tags=TAGS, summary="Take a complaint off the public list")
def unpublish_complaint(ex, complaint_id):
    return _audited(ex, ex.call(ex.services.complaints.unpublish_complaint, complaint_id,
                                ex.actor))


@routes.route("GET", "/api/v1/resolved-complaints", response=Page(PublishedOut), tags=TAGS,
              summary="Resolved complaints the village published, without identifying data")
def list_resolved_complaints(ex):
    page, per_page = ex.page_args()
    return ex.call(ex.services.complaints.list_published, page, per_page)


@routes.route("POST", "/api/v1/feedback", body=FeedbackIn, response=FeedbackOut, status=201,
              rate_limit=FEEDBACK_LIMIT, tags=TAGS, summary="Rate a programme and raise needs")
def submit_feedback(ex):
    return ex.call(ex.services.complaints.submit_feedback, ex.body(),
                   ex.request.headers.get("Idempotency-Key"))


@routes.route("GET", "/api/v1/reports/complaints", role="officer", query=ReportQuery,
              response=ComplaintReportOut, csv=True, tags=TAGS,
              summary="Complaint counts, time to resolve and overdue per month and year",
              description="?format=csv answers text/csv.")
def complaint_report(ex):
    year, month = ex.args.get("year"), ex.args.get("month") or None
    if ex.args.get("format") == "csv":
        text = ex.call(ex.services.complaints.complaint_report_csv, year, month)
        return csv_response(text, "complaints-%s%s.csv" % (year, "-%s" % month if month else ""))
    return ex.call(ex.services.complaints.complaint_report, year, month)


@routes.route("GET", "/api/v1/reports/feedback", role="officer", query=ReportQuery,
              response=FeedbackSummaryOut, csv=True, tags=TAGS,
              summary="Feedback per programme per year", description="?format=csv answers text/csv.")
def feedback_report(ex):
    year, code = ex.args.get("year"), ex.args.get("programme_code") or None
    if ex.args.get("format") == "csv":
        return csv_response(ex.call(ex.services.complaints.feedback_summary_csv, year, code),
                            "feedback-%s.csv" % year)
    return ex.call(ex.services.complaints.feedback_summary, year, code)
