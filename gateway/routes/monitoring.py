"""Monitoring over HTTP (CONTRACT "Monitoring"; docs/monitoring.md): timelines of a
resident and a family, and the annual report as JSON, CSV or a printable page.
Every timeline read by NIK is audited."""
from werkzeug.wrappers import Response

from services.monitoring.contract import (AnnualCountersOut, DiscussionIn, DiscussionOut,
                                          DiscussionPage, DiscussionQuery, FollowUpStatusIn,
                                          ReportQuery, TimelineOut)

from gateway.http import RouteTable, csv_response

routes = RouteTable()
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


@routes.route("GET", "/api/v1/households/<household_id>/timeline", role="officer",
              response=TimelineOut, tags=TAGS,
              summary="A family's timeline: its own events and its members'")
def household_timeline(ex, household_id):
    return ex.call(_monitoring(ex).household_timeline, household_id, ex.actor)


@routes.route("GET", "/api/v1/reports/annual/<year>", role="officer", query=ReportQuery,
              response=AnnualCountersOut, csv=True, produces=["text/html"], tags=TAGS,
              summary="The village's year: registry, aid, complaints, partners, market "
                      "(format=csv, format=html for the printable page)")
def annual_report(ex, year):
    form = ex.args.get("format") or "json"
    answer = ex.call(_monitoring(ex).annual_report, year, form, ex.actor)
    if form == "csv":
        return csv_response(answer, "laporan-tahunan-%s.csv" % year)
    if form == "html":
        return Response(answer, status=200, mimetype="text/html")
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
