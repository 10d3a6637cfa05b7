"""Distribution over HTTP (docs/contract.md "Distribution"; docs/distribution.md).

The service validates bodies with the contract schemas named here (the same
ones feed OpenAPI). Every answer that carries a resident's NIK to a token is
audited; who published or scheduled is dropped for non-staff callers in one
place (``gateway.visibility``).
"""
from services.distribution.contract import (AllocationOut, AllocationPage, AllocationQuery,
                                            CancelIn, CompletionsResyncOut, DisbursementIn,
                                            DisbursementReportOut, DisbursementReportQuery,
                                            EligibilityOut,
                                            EligibilityQuery, FamilyProgrammesOut, GenerateOut,
                                            NotCollectedIn, ProgrammeIn, ProgrammeOut,
                                            ProgrammePage, ProgrammeQuery,
                                            ProgrammeYearReportOut, ProjectionStatusOut,
                                            ReassignOut, RebuildOut, ReportFormatQuery,
                                            ResidentProgrammesOut, ReturnIn, RoundIn, RoundOut,
                                            RoundPage, RoundQuery, RoundReportOut,
                                            StatusCheckIn, StatusCheckOut)
from services.shared.errors import InvalidInput

from gateway.http import RouteTable, csv_response

routes = RouteTable()
#: public answers kept by the gateway (gateway/public_cache.py) and the writes that drop them
PROGRAMMES = ("programmes", "rounds")
ROUNDS = ("rounds",)
TAGS = ["distribution"]
#: per client: NIK + birth date guessing must stay hopeless (issue 3)
STATUS_CHECK_LIMIT = ("status_check", 5, 60)
#: generating a round evaluates the whole registry projection
GENERATE_DEADLINE = 300


def _audit_allocations(ex, allocations, action):
    niks = (alloc.get(key) for alloc in allocations for key in ("recipient_nik", "member_nik"))
    ex.audit_many([(action, nik) for nik in dict.fromkeys(niks) if nik])


def _distribution(ex):
    return ex.services.distribution


# ------------------------------------------------------------ programmes

@routes.route("GET", "/api/v1/programmes", cache=PROGRAMMES, query=ProgrammeQuery, response=ProgrammePage,
              tags=TAGS, summary="Programmes with criteria, benefits, rights and obligations")
def list_programmes(ex):
    page, per_page = ex.page_args()
    return ex.call(_distribution(ex).list_programmes, ex.flag("include_disabled"), page,
                   per_page)


@routes.route("GET", "/api/v1/programmes/<code>", cache=PROGRAMMES, response=ProgrammeOut, tags=TAGS,
              summary="One programme")
def get_programme(ex, code):
    return ex.call(_distribution(ex).get_programme, code)


@routes.route("POST", "/api/v1/programmes", invalidates=PROGRAMMES, role="officer", body=ProgrammeIn,
              response=ProgrammeOut, status=201, tags=TAGS,
              summary="Publish a programme (rules validated)")
def publish_programme(ex):
    return ex.call(_distribution(ex).publish_programme, ex.body(), ex.actor)


@routes.route("PUT", "/api/v1/programmes/<code>", invalidates=PROGRAMMES, role="officer", body=ProgrammeIn,
              response=ProgrammeOut, tags=TAGS,
              summary="Revise a programme (applies to rounds scheduled afterwards)")
def revise_programme(ex, code):
    return ex.call(_distribution(ex).revise_programme, code, ex.body(), ex.actor)


# ------------------------------------------------------------ rounds

@routes.route("POST", "/api/v1/programmes/<code>/rounds", invalidates=ROUNDS, role="officer", body=RoundIn,
              response=RoundOut, status=201, tags=TAGS, summary="Schedule a round (tahap)")
def schedule_round(ex, code):
    return ex.call(_distribution(ex).schedule_round, code, ex.body(), ex.actor)


@routes.route("GET", "/api/v1/rounds", cache=ROUNDS, query=RoundQuery, response=RoundPage, tags=TAGS,
              summary="Rounds with place and time; upcoming=true for those not ended")
def list_rounds(ex):
    page, per_page = ex.page_args()
    return ex.call(_distribution(ex).list_rounds, ex.args.get("programme") or None,
                   ex.flag("upcoming"), page, per_page)


@routes.route("GET", "/api/v1/rounds/<round_id>", response=RoundOut, tags=TAGS,
              summary="One round")
def get_round(ex, round_id):
    return ex.call(_distribution(ex).get_round, round_id)


@routes.route("POST", "/api/v1/rounds/<round_id>/close", invalidates=ROUNDS,
              role="officer", response=RoundOut,
              tags=TAGS, summary="Close a round: what is still pending becomes not collected")
def close_round(ex, round_id):
    return ex.call(_distribution(ex).close_round, round_id, ex.actor, deadline=GENERATE_DEADLINE)


@routes.route("POST", "/api/v1/rounds/<round_id>/allocations", role="officer",
              response=GenerateOut, tags=TAGS,
              summary="Generate allocations for the eligible (idempotent)")
def generate_allocations(ex, round_id):
    return ex.call(_distribution(ex).generate_allocations, round_id, ex.actor,
                   deadline=GENERATE_DEADLINE)


@routes.route("GET", "/api/v1/rounds/<round_id>/allocations", role="officer",
              query=AllocationQuery, response=AllocationPage, tags=TAGS,
              summary="A round's allocations")
def list_allocations(ex, round_id):
    page, per_page = ex.page_args()
    answer = ex.call(_distribution(ex).list_allocations, round_id, ex.args.get("status"),
                     ex.args.get("rw"), ex.args.get("rt"), page, per_page, ex.args.get("order"))
    _audit_allocations(ex, answer["items"], "read_allocations")
    return answer


@routes.route("GET", "/api/v1/rounds/<round_id>/report", role="officer",
              query=ReportFormatQuery, response=RoundReportOut, csv=True, tags=TAGS,
              summary="Eligible, allocated, waiting, disbursed, cancelled: counts and rupiah "
                      "(format=csv)")
def round_report(ex, round_id):
    if ex.args.get("format") == "csv":
        return csv_response(ex.call(_distribution(ex).round_report, round_id, True),
                            "round-%s.csv" % round_id)
    return ex.call(_distribution(ex).round_report, round_id)


@routes.route("GET", "/api/v1/programmes/<code>/reports/<year>", role="officer",
              query=ReportFormatQuery, response=ProgrammeYearReportOut, csv=True, tags=TAGS,
              summary="A programme's rounds in a year with totals (format=csv)")
def programme_year_report(ex, code, year):
    if ex.args.get("format") == "csv":
        return csv_response(ex.call(_distribution(ex).programme_year_report, code, year, True),
                            "%s-%s.csv" % (code, year))
    return ex.call(_distribution(ex).programme_year_report, code, year)


@routes.route("GET", "/api/v1/reports/disbursements", role="officer",
              query=DisbursementReportQuery, response=DisbursementReportOut, csv=True, tags=TAGS,
              summary="Aid handed over per programme and month of a year (format=csv)",
              description="Counts, rupiah, by a representative and later returned, by the "
                          "month of each handover on the village's calendar (WIB).")
def disbursement_report(ex):
    year = ex.args.get("year")
    if ex.args.get("format") == "csv":
        return csv_response(ex.call(_distribution(ex).disbursement_report, year, True),
                            "disbursements-%s.csv" % year)
    return ex.call(_distribution(ex).disbursement_report, year)


# ------------------------------------------------------------ allocations

@routes.route("GET", "/api/v1/allocations/<allocation_id>", role="officer",
              response=AllocationOut, tags=TAGS, summary="One allocation with its history")
def get_allocation(ex, allocation_id):
    answer = ex.call(_distribution(ex).get_allocation, allocation_id)
    _audit_allocations(ex, [answer], "read_allocation")
    return answer


def _change(ex, method, allocation_id, action, with_body=True):
    args = (allocation_id, ex.body()) if with_body else (allocation_id,)
    answer = ex.call(method, *args, ex.actor)
    shown = [answer["from"], answer["to"]] if "from" in answer else [answer]
    _audit_allocations(ex, shown, action)
    return answer


@routes.route("POST", "/api/v1/allocations/<allocation_id>/disburse", role="officer",
              body=DisbursementIn, response=AllocationOut, tags=TAGS,
              summary="Record the handover, exactly once (409 the second time)",
              description="A handover done on paper (berita acara serah terima) and entered "
                          "later gives handed_over_at, when it happened (ISO 8601 date and "
                          "time with offset; a date alone answers 400). 422 naming "
                          "handed_over_at when it is in the future (5 minutes of clock "
                          "difference allowed), before the round's starts_on (WIB) or after "
                          "the round was closed. disbursement.disbursed_at is when it "
                          "happened (reports count it in that month), "
                          "disbursement.recorded_at when it was entered.")
def disburse(ex, allocation_id):
    return _change(ex, _distribution(ex).disburse, allocation_id, "disburse_allocation")


@routes.route("POST", "/api/v1/allocations/<allocation_id>/cancel", role="officer",
              body=CancelIn, response=AllocationOut, tags=TAGS,
              summary="Cancel a pending or waiting allocation")
def cancel_allocation(ex, allocation_id):
    return _change(ex, _distribution(ex).cancel_allocation, allocation_id, "cancel_allocation")


@routes.route("POST", "/api/v1/allocations/<allocation_id>/return", role="officer",
              body=ReturnIn, response=AllocationOut, tags=TAGS,
              summary="Record that disbursed aid came back")
def return_allocation(ex, allocation_id):
    return _change(ex, _distribution(ex).return_allocation, allocation_id, "return_allocation")


@routes.route("POST", "/api/v1/allocations/<allocation_id>/not-collected", role="officer",
              body=NotCollectedIn, response=AllocationOut, tags=TAGS,
              summary="Close a pending allocation as not collected, with a reason")
def not_collected(ex, allocation_id):
    return _change(ex, _distribution(ex).mark_not_collected, allocation_id, "close_allocation")


@routes.route("POST", "/api/v1/allocations/<allocation_id>/reassign", role="officer",
              response=ReassignOut, tags=TAGS,
              summary="Give a closed allocation's slot to the next waiting household")
def reassign_allocation(ex, allocation_id):
    return _change(ex, _distribution(ex).reassign_allocation, allocation_id,
                   "reassign_allocation", with_body=False)


# ------------------------------------------------------------ people

@routes.route("GET", "/api/v1/eligibility", role="officer", query=EligibilityQuery,
              response=EligibilityOut, tags=TAGS,
              summary="Each criterion with the value seen and the result")
def eligibility(ex):
    nik, code = ex.args.get("nik"), ex.args.get("programme")
    missing = {k: ["is required"] for k, v in (("nik", nik), ("programme", code)) if not v}
    if missing:
        raise InvalidInput("nik and programme are required.", missing)
    answer = ex.call(_distribution(ex).check_eligibility, nik, code, ex.args.get("on") or None)
    ex.audit("read_eligibility", nik)
    return answer


@routes.route("GET", "/api/v1/residents/<nik>/programmes", role="officer",
              response=ResidentProgrammesOut, tags=TAGS,
              summary="Programmes a resident receives: individually, as recipient, as family "
                      "member")
def resident_programmes(ex, nik):
    answer = ex.call(_distribution(ex).programmes_of_resident, nik)
    ex.audit("read_resident_programmes", nik)
    return answer


@routes.route("GET", "/api/v1/families/<kk_number>/programmes", role="officer",
              response=FamilyProgrammesOut, tags=TAGS,
              summary="Every allocation of a family (KK), by programme")
def family_programmes(ex, kk_number):
    answer = ex.call(_distribution(ex).programmes_of_family, kk_number)
    for programme in answer["programmes"]:
        _audit_allocations(ex, programme["allocations"], "read_family_programmes")
    return answer


@routes.route("POST", "/api/v1/status-check", body=StatusCheckIn, response=StatusCheckOut,
              rate_limit=STATUS_CHECK_LIMIT, tags=TAGS,
              summary="Own aid status by NIK + birth date (public, rate limited)",
              description="A wrong birth date answers exactly like an unknown NIK (404).")
def status_check(ex):
    return ex.call(_distribution(ex).status_check, ex.body())


# ------------------------------------------------------------ operations

@routes.route("GET", "/api/v1/admin/distribution/projection", role="admin",
              response=ProjectionStatusOut, tags=["platform"],
              summary="The distribution service's registry projection: counts and last resync")
def distribution_projection(ex):
    return ex.call(_distribution(ex).projection_status)


@routes.route("POST", "/api/v1/admin/distribution/projection/rebuild", role="admin",
              response=RebuildOut, tags=["platform"],
              summary="Re-read the registry's export into the projection")
def rebuild_distribution_projection(ex):
    return ex.call(_distribution(ex).rebuild_projection, deadline=GENERATE_DEADLINE)


@routes.route("POST", "/api/v1/admin/distribution/completions/resync", role="admin",
              response=CompletionsResyncOut, tags=["platform"],
              summary="Re-read the partner programmes residents completed (training to capital)")
def resync_completions(ex):
    return ex.call(_distribution(ex).resync_completions, deadline=GENERATE_DEADLINE)
