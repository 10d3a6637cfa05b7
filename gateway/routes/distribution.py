"""Distribution over HTTP (CONTRACT.md "Distribution"; docs/distribution.md).

The service validates bodies with the schemas named here (the same ones feed
OpenAPI). Every answer that carries a resident's NIK to a token is audited;
public answers drop who published or scheduled.
"""
from services.distribution.schemas import (AllocationOut, AllocationQuery, CancelIn,
                                           DisbursementIn, DisbursementReportOut,
                                           DisbursementReportQuery, DistributionReportQuery,
                                           EligibilityOut, EligibilityQuery, GenerateOut,
                                           NotCollectedIn, ProgrammeIn, ProgrammeOut,
                                           ProgrammeQuery, ReturnIn, RoundIn, RoundOut,
                                           RoundQuery, StatusCheckIn, StatusCheckOut)
from services.shared.errors import InvalidInput

from gateway.http import csv_response, route

TAGS = ["distribution"]
#: per client: NIK + birth date guessing must stay hopeless (issue 3)
STATUS_CHECK_LIMIT = ("status_check", 5, 60)
#: generating a round evaluates the whole registry projection
GENERATE_DEADLINE = 300
ACTOR_FIELDS = ("published_by", "revised_by", "created_by", "closed_by")


def _flag(request, name):
    return request.args.get(name, "").lower() in ("1", "true", "yes")


def _public(principal, value):
    """Drop who-did-it fields for the public."""
    if principal.role is not None or not isinstance(value, dict):
        return value
    if "items" in value:
        return dict(value, items=[_public(principal, v) for v in value["items"]])
    return {k: v for k, v in value.items() if k not in ACTOR_FIELDS}


class DistributionRoutes:
    def _audit_allocations(self, principal, request, allocations, action):
        niks = (alloc.get(key) for alloc in allocations for key in ("recipient_nik", "member_nik"))
        self.audit_many(principal, [(action, nik) for nik in dict.fromkeys(niks) if nik],
                        request)

    # ------------------------------------------------------------ programmes

    @route("GET", "/api/v1/programmes", query=ProgrammeQuery, response=ProgrammeOut, many=True,
           tags=TAGS, summary="Programmes with criteria, benefits, rights and obligations")
    def list_programmes(self, request, principal):
        page, per_page = self.page_args(request)
        return _public(principal, self.call(self.distribution.list_programmes,
                                            _flag(request, "include_disabled"), page, per_page))

    @route("GET", "/api/v1/programmes/<code>", response=ProgrammeOut, tags=TAGS,
           summary="One programme")
    def get_programme(self, request, principal, code):
        return _public(principal, self.call(self.distribution.get_programme, code))

    @route("POST", "/api/v1/programmes", role="officer", body=ProgrammeIn, response=ProgrammeOut,
           status=201, tags=TAGS, summary="Publish a programme (rules validated)")
    def publish_programme(self, request, principal):
        return self.call(self.distribution.publish_programme, self.body(request), principal.actor)

    @route("PUT", "/api/v1/programmes/<code>", role="officer", body=ProgrammeIn,
           response=ProgrammeOut, tags=TAGS,
           summary="Revise a programme (applies to rounds scheduled afterwards)")
    def revise_programme(self, request, principal, code):
        return self.call(self.distribution.revise_programme, code, self.body(request),
                         principal.actor)

    # ------------------------------------------------------------ rounds

    @route("POST", "/api/v1/programmes/<code>/rounds", role="officer", body=RoundIn,
           response=RoundOut, status=201, tags=TAGS, summary="Schedule a round (tahap)")
    def schedule_round(self, request, principal, code):
        return self.call(self.distribution.schedule_round, code, self.body(request),
                         principal.actor)

    @route("GET", "/api/v1/rounds", query=RoundQuery, response=RoundOut, many=True, tags=TAGS,
           summary="Rounds with place and time; upcoming=true for those not ended")
    def list_rounds(self, request, principal):
        page, per_page = self.page_args(request)
        return _public(principal, self.call(self.distribution.list_rounds,
                                            request.args.get("programme") or None,
                                            _flag(request, "upcoming"), page, per_page))

    @route("GET", "/api/v1/rounds/<round_id>", response=RoundOut, tags=TAGS, summary="One round")
    def get_round(self, request, principal, round_id):
        return _public(principal, self.call(self.distribution.get_round, round_id))

    @route("POST", "/api/v1/rounds/<round_id>/close", role="officer", response=RoundOut,
           tags=TAGS, summary="Close a round: what is still pending becomes not collected")
    def close_round(self, request, principal, round_id):
        return self.call(self.distribution.close_round, round_id, principal.actor,
                         deadline=GENERATE_DEADLINE)

    @route("POST", "/api/v1/rounds/<round_id>/allocations", role="officer", response=GenerateOut,
           tags=TAGS, summary="Generate allocations for the eligible (idempotent)")
    def generate_allocations(self, request, principal, round_id):
        return self.call(self.distribution.generate_allocations, round_id, principal.actor,
                         deadline=GENERATE_DEADLINE)

    @route("GET", "/api/v1/rounds/<round_id>/allocations", role="officer", query=AllocationQuery,
           response=AllocationOut, many=True, tags=TAGS, summary="A round's allocations")
    def list_allocations(self, request, principal, round_id):
        page, per_page = self.page_args(request)
        args = request.args
        answer = self.call(self.distribution.list_allocations, round_id, args.get("status"),
                           args.get("rw"), args.get("rt"), page, per_page, args.get("order"))
        self._audit_allocations(principal, request, answer["items"], "read_allocations")
        return answer

    @route("GET", "/api/v1/rounds/<round_id>/report", role="officer",
           query=DistributionReportQuery, tags=TAGS,
           summary="Eligible, allocated, waiting, disbursed, cancelled: counts and rupiah (format=csv)")
    def round_report(self, request, principal, round_id):
        if request.args.get("format") == "csv":
            return csv_response(self.call(self.distribution.round_report, round_id, True),
                                "round-%s.csv" % round_id)
        return self.call(self.distribution.round_report, round_id)

    @route("GET", "/api/v1/programmes/<code>/reports/<year>", role="officer",
           query=DistributionReportQuery, tags=TAGS,
           summary="A programme's rounds in a year with totals (format=csv)")
    def programme_year_report(self, request, principal, code, year):
        if request.args.get("format") == "csv":
            return csv_response(
                self.call(self.distribution.programme_year_report, code, year, True),
                "%s-%s.csv" % (code, year))
        return self.call(self.distribution.programme_year_report, code, year)

    @route("GET", "/api/v1/reports/disbursements", role="officer",
           query=DisbursementReportQuery, response=DisbursementReportOut, tags=TAGS,
           summary="Aid handed over per programme and month of a year (format=csv)",
           description="Counts, rupiah, by a representative and later returned, by the "
                       "month of each handover on the village's calendar (WIB).")
    def disbursement_report(self, request, principal):
        year = request.args.get("year")
        if request.args.get("format") == "csv":
            return csv_response(self.call(self.distribution.disbursement_report, year, True),
                                "disbursements-%s.csv" % year)
        return self.call(self.distribution.disbursement_report, year)

    # ------------------------------------------------------------ allocations

    @route("GET", "/api/v1/allocations/<allocation_id>", role="officer", response=AllocationOut,
           tags=TAGS, summary="One allocation with its history")
    def get_allocation(self, request, principal, allocation_id):
        answer = self.call(self.distribution.get_allocation, allocation_id)
        self._audit_allocations(principal, request, [answer], "read_allocation")
        return answer

    def _change(self, request, principal, method, allocation_id, action, with_body=True):
        args = (allocation_id, self.body(request)) if with_body else (allocation_id,)
        answer = self.call(method, *args, principal.actor)
        shown = [answer["from"], answer["to"]] if "from" in answer else [answer]
        self._audit_allocations(principal, request, shown, action)
        return answer

    @route("POST", "/api/v1/allocations/<allocation_id>/disburse", role="officer",
           body=DisbursementIn, response=AllocationOut, tags=TAGS,
           summary="Record the handover, exactly once (409 the second time)")
    def disburse(self, request, principal, allocation_id):
        return self._change(request, principal, self.distribution.disburse, allocation_id,
                            "disburse_allocation")

    @route("POST", "/api/v1/allocations/<allocation_id>/cancel", role="officer", body=CancelIn,
           response=AllocationOut, tags=TAGS, summary="Cancel a pending or waiting allocation")
    def cancel_allocation(self, request, principal, allocation_id):
        return self._change(request, principal, self.distribution.cancel_allocation,
                            allocation_id, "cancel_allocation")

    @route("POST", "/api/v1/allocations/<allocation_id>/return", role="officer", body=ReturnIn,
           response=AllocationOut, tags=TAGS, summary="Record that disbursed aid came back")
    def return_allocation(self, request, principal, allocation_id):
        return self._change(request, principal, self.distribution.return_allocation,
                            allocation_id, "return_allocation")

    @route("POST", "/api/v1/allocations/<allocation_id>/not-collected", role="officer",
           body=NotCollectedIn, response=AllocationOut, tags=TAGS,
           summary="Close a pending allocation as not collected, with a reason")
    def not_collected(self, request, principal, allocation_id):
        return self._change(request, principal, self.distribution.mark_not_collected,
                            allocation_id, "close_allocation")

    @route("POST", "/api/v1/allocations/<allocation_id>/reassign", role="officer", tags=TAGS,
           summary="Give a closed allocation's slot to the next waiting household")
    def reassign_allocation(self, request, principal, allocation_id):
        return self._change(request, principal, self.distribution.reassign_allocation,
                            allocation_id, "reassign_allocation", with_body=False)

    # ------------------------------------------------------------ people

    @route("GET", "/api/v1/eligibility", role="officer", query=EligibilityQuery,
           response=EligibilityOut, tags=TAGS,
           summary="Each criterion with the value seen and the result")
    def eligibility(self, request, principal):
        nik, code = request.args.get("nik"), request.args.get("programme")
        missing = {k: ["is required"] for k, v in (("nik", nik), ("programme", code)) if not v}
        if missing:
            raise InvalidInput("nik and programme are required.", missing)
        answer = self.call(self.distribution.check_eligibility, nik, code,
                           request.args.get("on") or None)
        self.audit(principal, "read_eligibility", nik, request)
        return answer

    @route("GET", "/api/v1/residents/<nik>/programmes", role="officer", tags=TAGS,
           summary="Programmes a resident receives: individually, as recipient, as family member")
    def resident_programmes(self, request, principal, nik):
        answer = self.call(self.distribution.programmes_of_resident, nik)
        self.audit(principal, "read_resident_programmes", nik, request)
        return answer

    @route("GET", "/api/v1/families/<kk_number>/programmes", role="officer", tags=TAGS,
           summary="Every allocation of a family (KK), by programme")
    def family_programmes(self, request, principal, kk_number):
        answer = self.call(self.distribution.programmes_of_family, kk_number)
        for programme in answer["programmes"]:
            self._audit_allocations(principal, request, programme["allocations"],
                                    "read_family_programmes")
        return answer

    @route("POST", "/api/v1/status-check", body=StatusCheckIn, response=StatusCheckOut,
           rate_limit=STATUS_CHECK_LIMIT, tags=TAGS,
           summary="Own aid status by NIK + birth date (public, rate limited)",
           description="A wrong birth date answers exactly like an unknown NIK (404).")
    def status_check(self, request, principal):
        return self.call(self.distribution.status_check, self.body(request))

    # ------------------------------------------------------------ operations

    @route("GET", "/api/v1/admin/distribution/projection", role="admin", tags=["platform"],
           summary="The distribution service's registry projection: counts and last resync")
    def distribution_projection(self, request, principal):
        return self.call(self.distribution.projection_status)

    @route("POST", "/api/v1/admin/distribution/projection/rebuild", role="admin",
           tags=["platform"], summary="Re-read the registry's export into the projection")
    def rebuild_distribution_projection(self, request, principal):
        return self.call(self.distribution.rebuild_projection, deadline=GENERATE_DEADLINE)
