"""Monitoring over HTTP (CONTRACT "Monitoring"; docs/monitoring.md): timelines of a
resident and a family, the annual report as JSON, CSV or a printable page,
focus-group discussions, community scorecards, evaluation surveys (with the
XLSForm/KoBoToolbox import) and the graduation funnel.
Every timeline read by NIK is audited."""
import base64

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from services.monitoring.contract import (AnnualCountersOut, DiscussionIn, DiscussionOut,
                                          DiscussionPage, DiscussionQuery, FollowUpStatusIn,
                                          FunnelOut, FunnelQuery, RebuildOut, ReportQuery,
                                          ResponseIn,
                                          ResponseOut, ScorecardIn, ScorecardOut,
                                          ScorecardPage, ScorecardQuery, SurveyImportOut,
                                          SurveyIn, SurveyOut, SurveyPage, SurveySummaryOut,
                                          TimelineOut)
from services.shared.contract import PageQuery
from services.shared.errors import InvalidInput

from gateway import limits
from gateway.errors import PayloadTooLarge
from gateway.http import RouteTable, csv_response

routes = RouteTable()
#: seconds a rebuild may take: every owner's export, page by page
REBUILD_DEADLINE = 300.0
#: seconds the annual report as PDF may take: the page is laid out and its charts drawn
PDF_DEADLINE = 60.0
TAGS = ["monitoring"]


def _monitoring(ex):
    return ex.services.monitoring


@routes.route("GET", "/api/v1/residents/<nik>/timeline", role="officer", response=TimelineOut,
              tags=TAGS, summary="A resident's life on the platform, oldest first",
              description="Registry changes, aid received (as member, recipient or family), "
                          "partner programmes and health visits, their shop. Complaints never "
                          "appear: their reporters stay unknown.")
def resident_timeline(ex, nik):
    answer = ex.call(_monitoring(ex).resident_timeline, nik, ex.actor)
    ex.audit("read_resident_timeline", nik)
    return answer


@routes.route("POST", "/api/v1/admin/monitoring/rebuild", role="admin", response=RebuildOut,
              tags=["platform"],
              summary="Drop monitoring's projections and rebuild them from the owners' exports",
              description="Timelines, the year's facts and the graduation steps, re-read from "
                          "the registry, distribution, complaints, partners and marketplace. "
                          "Discussions, scorecards and surveys are monitoring's own and stay. "
                          "`not_rebuilt` names what an export cannot give back.")
def rebuild_monitoring(ex):
    return ex.call(_monitoring(ex).rebuild_from_exports, ex.actor, deadline=REBUILD_DEADLINE)


@routes.route("GET", "/api/v1/households/<household_id>/timeline", role="officer",
              response=TimelineOut, tags=TAGS,
              summary="A family's timeline: its own events and its members'")
def household_timeline(ex, household_id):
    return ex.call(_monitoring(ex).household_timeline, household_id, ex.actor)


@routes.route("GET", "/api/v1/reports/annual/<year>", role="officer", query=ReportQuery,
              response=AnnualCountersOut, csv=True, produces=["text/html", "application/pdf"],
              tags=TAGS,
              summary="The village's year: registry, aid, complaints, partners, market "
                      "(format=csv, format=html for the printable page with charts, "
                      "format=pdf for the same page as an A4 PDF)")
def annual_report(ex, year):
    form = ex.args.get("format") or "json"
    answer = ex.call(_monitoring(ex).annual_report, year, form, ex.actor,
                     deadline=PDF_DEADLINE if form == "pdf" else None)
    if form == "csv":
        return csv_response(answer, "laporan-tahunan-%s.csv" % year)
    if form == "html":
        return Response(answer, status=200, mimetype="text/html")
    if form == "pdf":
        # the RPC reply is JSON: the PDF crosses it as base64
        return Response(base64.b64decode(answer), status=200, mimetype="application/pdf",
                        headers={"Content-Disposition": 'inline; filename="laporan-tahunan-%s.pdf"'
                                 % year})
    return answer


@routes.route("POST", "/api/v1/discussions", role="officer", body=DiscussionIn,
              response=DiscussionOut, status=201, tags=TAGS,
              summary="Record a focus-group discussion (musyawarah, rembuk RW)")
def record_discussion(ex):
    return ex.call(_monitoring(ex).record_discussion, ex.body(), ex.actor)


@routes.route("GET", "/api/v1/discussions", role="officer", query=DiscussionQuery,
              response=DiscussionPage, tags=TAGS, summary="Discussions by date (year, rw)")
def list_discussions(ex):
    page, per_page = ex.page_args()
    filters = {n: ex.args.get(n) for n in ("year", "rw") if ex.args.get(n) not in (None, "")}
    return ex.call(_monitoring(ex).list_discussions, filters, page, per_page, ex.actor)


@routes.route("POST", "/api/v1/discussions/<discussion_id>/follow-ups/<index>/status",
              role="officer", body=FollowUpStatusIn, response=DiscussionOut, tags=TAGS,
              summary="Track an agreed follow-up (index from 0): open, in_progress, done, "
                      "dropped")
def set_follow_up_status(ex, discussion_id, index):
    return ex.call(_monitoring(ex).set_follow_up_status, discussion_id, index, ex.body(),
                   ex.actor)


# ------------------------------------------------------------ scorecards

@routes.route("POST", "/api/v1/scorecards", role="officer", body=ScorecardIn,
              response=ScorecardOut, status=201, tags=TAGS,
              summary="Record a community scorecard (one per RW, service and semester)",
              description="Criteria scored 0-100 by residents and by the provider, and the "
                          "action plan. The answer compares each criterion with the previous "
                          "semester's scorecard of the same RW and service; 409 when the "
                          "semester has one already.")
def record_scorecard(ex):
    return ex.call(_monitoring(ex).record_scorecard, ex.body(), ex.actor)


@routes.route("GET", "/api/v1/scorecards", role="officer", query=ScorecardQuery,
              response=ScorecardPage, tags=TAGS,
              summary="Scorecards by semester (year, rw: '-' for village-wide, service)")
def list_scorecards(ex):
    page, per_page = ex.page_args()
    filters = {n: ex.args.get(n) for n in ("year", "rw", "service")
               if ex.args.get(n) not in (None, "")}
    return ex.call(_monitoring(ex).list_scorecards, filters, page, per_page, ex.actor)


@routes.route("GET", "/api/v1/scorecards/<scorecard_id>", role="officer",
              response=ScorecardOut, tags=TAGS, summary="One scorecard with its change")
def get_scorecard(ex, scorecard_id):
    return ex.call(_monitoring(ex).get_scorecard, scorecard_id, ex.actor)


# ------------------------------------------------------------ surveys

@routes.route("POST", "/api/v1/surveys", role="officer", body=SurveyIn, response=SurveyOut,
              status=201, tags=TAGS,
              summary="Create an evaluation survey (questions: rating 1-5, choice, text)")
def create_survey(ex):
    return ex.call(_monitoring(ex).create_survey, ex.body(), ex.actor)


@routes.route("GET", "/api/v1/surveys", role="officer", query=PageQuery, response=SurveyPage,
              tags=TAGS, summary="Surveys, newest first, with their count of responses")
def list_surveys(ex):
    page, per_page = ex.page_args()
    return ex.call(_monitoring(ex).list_surveys, page, per_page, ex.actor)


@routes.route("POST", "/api/v1/surveys/<survey_id>/responses", role="officer", body=ResponseIn,
              response=ResponseOut, status=201, tags=TAGS,
              summary="Record one response (answers by question name)")
def add_response(ex, survey_id):
    return ex.call(_monitoring(ex).add_response, survey_id, ex.body(), ex.actor)


@routes.route("GET", "/api/v1/surveys/<survey_id>/summary", role="officer",
              response=SurveySummaryOut, tags=TAGS,
              summary="Per question: mean rating and distribution, choice counts, texts")
def survey_summary(ex, survey_id):
    return ex.call(_monitoring(ex).survey_summary, survey_id, ex.actor)


def _part(request, name):
    try:
        stored = request.files.get(name)
    except RequestEntityTooLarge:
        raise PayloadTooLarge("The files are too large.",
                              {name: ["must be at most 20 MB with the other file"]}) from None
    if stored is None:
        raise InvalidInput("No %s file in the form." % name, {name: ["send the file as %r"
                                                                      % name]})
    return base64.b64encode(stored.read()).decode("ascii")


@routes.route("POST", "/api/v1/surveys/import", role="officer", response=SurveyImportOut,
              tags=TAGS, content_types=["multipart/form-data"],
              summary="Import an XLSForm and its KoBoToolbox XLSX data export",
              description="A multipart form with `form` (the XLSForm: sheets survey, choices, "
                          "settings), `data` (KoBoToolbox's XLSX export) and `programme_code`. "
                          "The survey is the form's `form_id`; each submission is added once "
                          "by its `_uuid`, so importing the same export again adds nothing. "
                          "400 names the sheet and column (`form.survey`, `data._uuid`).")
def import_survey(ex):
    limits.refuse_oversized(ex.request, limits.MAX_UPLOAD_BYTES)
    if (ex.request.mimetype or "") != "multipart/form-data":
        raise InvalidInput("Send a multipart form.", {"_body": [
            "must be multipart/form-data with the files 'form' and 'data'"]})
    form, data = _part(ex.request, "form"), _part(ex.request, "data")
    programme = ex.request.form.get("programme_code") or ex.args.get("programme_code")
    answer = ex.call(_monitoring(ex).import_survey, form, data, programme, ex.actor,
                     deadline=ex.settings.import_deadline)
    ex.audit("import_survey", "survey:%s" % answer["survey"]["id"])
    return answer


# ------------------------------------------------------------ graduation

@routes.route("GET", "/api/v1/reports/graduation", role="officer", query=FunnelQuery,
              response=FunnelOut, tags=TAGS,
              summary="The graduation funnel per cohort (year of first business capital or "
                      "entrepreneurship training)",
              description="Supported residents, verified sellers, products listed and sold "
                          "after the support, families that left the aid rolls because their "
                          "situation improved (and, apart, those who died or moved).")
def graduation_funnel(ex):
    return ex.call(_monitoring(ex).graduation_funnel, ex.args.get("cohort"), ex.actor)
