"""What the distribution service answers: each RPC answer is dumped through one of
these, and the gateway's OpenAPI documents them (``services.shared.contract.Answer``)."""
from marshmallow import fields

from services.shared.contract import Answer, Page
from services.shared.fields import Day, Instant, nullable
# the registry projection is the shared component's; its answers are too
from services.shared.registry_projection import ProjectionStatusOut, RebuildOut  # noqa: F401

PUBLIC_HIDES = "not shown to the public"
MASKED = {"description": "masked unless the caller is an officer or admin"}


class ProgrammeOut(Answer):
    """A programme as answered: the published body plus ``version``, ``enabled``."""

    id = fields.String()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    description = fields.String()
    level = fields.String()
    target = fields.String()
    benefit = fields.Dict()
    frequency = fields.Dict()
    funding_source = fields.String()
    excludes = fields.List(fields.String())
    criteria = fields.Dict()
    recipient = fields.Dict(allow_none=True)
    rights_and_obligations = fields.Dict()
    applies_to = fields.List(fields.String())
    sources = fields.List(fields.Dict())
    notes = fields.List(fields.String())
    version = fields.Integer()
    enabled = fields.Boolean(metadata={"description": "applies to this deployment (desa/kelurahan)"})
    published_at = Instant()
    updated_at = Instant()
    published_by = fields.Dict(allow_none=True, metadata={"optional": PUBLIC_HIDES})
    revised_by = fields.Dict(allow_none=True, metadata={
        "optional": "after a revision; " + PUBLIC_HIDES})


class RoundOut(Answer):
    id = fields.String()
    programme_code = fields.String()
    programme_name = fields.String()
    programme_version = fields.Integer()
    name = fields.String()
    starts_on = Day()
    ends_on = Day()
    year = fields.Integer()
    location = fields.String()
    budget_idr = nullable(fields.Integer)
    quota = nullable(fields.Integer)
    status = fields.String(metadata={"description": "scheduled or closed"})
    eligible = nullable(fields.Integer)
    generated_at = Instant(allow_none=True)
    refused = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "optional": "after allocations were generated: ineligible households by reason"})
    created_at = Instant()
    created_by = fields.Dict(allow_none=True, metadata={"optional": PUBLIC_HIDES})
    closed_at = Instant(metadata={"optional": "once closed"})
    closed_by = fields.Dict(allow_none=True, metadata={"optional": "once closed; " + PUBLIC_HIDES})
    version = fields.Integer()


class GenerateOut(Answer):
    round_id = fields.String()
    eligible = fields.Integer()
    created = fields.Integer(metadata={"description": "new allocations with status pending"})
    waiting = fields.Integer(metadata={"description": "new allocations with status waiting"})
    already_allocated = fields.Integer()
    refused = fields.Dict(keys=fields.String(), values=fields.Integer())


class AllocationOut(Answer):
    id = fields.String()
    round_id = fields.String()
    round_name = fields.String()
    programme_code = fields.String()
    year = fields.Integer()
    household_id = fields.String()
    kk_number = nullable()
    rt = nullable()
    rw = nullable()
    welfare_decile = nullable(fields.Integer)
    monthly_income_idr = nullable(fields.Integer)
    member_id = nullable()
    member_nik = fields.String(allow_none=True, metadata=MASKED)
    member_name = nullable()
    recipient_id = fields.String()
    recipient_nik = fields.String(allow_none=True, metadata=MASKED)
    recipient_name = nullable()
    recipient_relationship = nullable()
    amount_idr = fields.Integer()
    components = fields.List(fields.Dict())
    goods = fields.List(fields.Dict())
    status = fields.String()
    status_reason = nullable()
    status_note = fields.String()
    allotted = fields.Boolean(metadata={"description": "given a slot within budget and quota"})
    reassigned_from = nullable()
    reassigned_to = nullable()
    disbursement = fields.Dict(allow_none=True)
    created_at = Instant()
    updated_at = Instant()
    history = fields.List(fields.Dict(), metadata={"optional": "on one allocation's answer"})
    version = fields.Integer()


class CompletionsResyncOut(Answer):
    applied = fields.Integer(metadata={"description": "completed partner programmes read"})


class ReassignOut(Answer):
    from_ = fields.Nested(AllocationOut, data_key="from", attribute="from")
    to = fields.Nested(AllocationOut)


class CriterionOut(Answer):
    criterion = fields.String()
    path = fields.String()
    value = fields.Raw(allow_none=True)
    passed = fields.Boolean(allow_none=True)


class EligibleComponentOut(Answer):
    code = fields.String()
    label = fields.String()
    member_nik = fields.String(allow_none=True, metadata=MASKED)
    amount_idr = fields.Integer()


class EligibilityOut(Answer):
    nik = fields.String(metadata=MASKED)
    programme_code = fields.String()
    reference_date = Day()
    eligible = fields.Boolean()
    criteria = fields.List(fields.Nested(CriterionOut))
    amount_idr = fields.Integer()
    components = fields.List(fields.Nested(EligibleComponentOut))


class StatusLineOut(Answer):
    programme_code = fields.String()
    programme_name = fields.String()
    round_name = nullable()
    starts_on = Day(allow_none=True)
    status = fields.String(metadata={"description": "Bahasa Indonesia"})


class UpcomingOut(StatusLineOut):
    ends_on = Day()
    location = fields.String()
    amount_idr = fields.Integer()


class StatusCheckOut(Answer):
    full_name = fields.String()
    programmes = fields.List(fields.Nested(StatusLineOut))
    upcoming = fields.List(fields.Nested(UpcomingOut))


class ResidentProgrammeOut(Answer):
    programme_code = fields.String()
    as_ = fields.String(data_key="as", attribute="as", metadata={
        "description": "individual, recipient, family_member, household_member"})
    allocations = fields.List(fields.Nested(AllocationOut))


class ResidentProgrammesOut(Answer):
    nik = fields.String(metadata=MASKED)
    resident_id = fields.String()
    household_id = nullable()
    programmes = fields.List(fields.Nested(ResidentProgrammeOut))


class FamilyProgrammeOut(Answer):
    programme_code = fields.String()
    allocations = fields.List(fields.Nested(AllocationOut))


class FamilyProgrammesOut(Answer):
    kk_number = fields.String()
    household_id = fields.String()
    programmes = fields.List(fields.Nested(FamilyProgrammeOut))


class RoundHeadOut(Answer):
    id = fields.String()
    programme_code = fields.String()
    name = fields.String()
    starts_on = Day()
    ends_on = Day()
    location = fields.String()
    status = fields.String()
    budget_idr = nullable(fields.Integer)
    quota = nullable(fields.Integer)


TOTALS = {"description": "metric (eligible, allocated, pending, waiting, disbursed, "
                         "not_collected, cancelled, returned) -> {count, amount_idr}"}


class RoundReportOut(Answer):
    round = fields.Nested(RoundHeadOut)
    totals = fields.Dict(keys=fields.String(), values=fields.Dict(), metadata=TOTALS)
    reasons = fields.Dict(keys=fields.String(), values=fields.Dict(),
                          metadata={"description": "status -> {reason: count}"})


class RoundTotalsOut(Answer):
    round = fields.Nested(RoundHeadOut)
    totals = fields.Dict(keys=fields.String(), values=fields.Dict(), metadata=TOTALS)


class ProgrammeYearReportOut(Answer):
    programme_code = fields.String()
    year = fields.Integer()
    rounds = fields.List(fields.Nested(RoundTotalsOut))
    totals = fields.Dict(keys=fields.String(), values=fields.Dict(), metadata=TOTALS)


class DisbursementTotalsOut(Answer):
    count = fields.Integer(metadata={"description": "handovers recorded"})
    amount_idr = fields.Integer(metadata={"description": "rupiah handed over"})
    by_representative = fields.Integer(metadata={"description": "collected by a family member"})
    returned = fields.Integer(metadata={"description": "of those, later returned"})


class DisbursementCellOut(DisbursementTotalsOut):
    month = fields.String(metadata={"description": "YYYY-MM on the village's calendar (WIB)"})


class DisbursementProgrammeOut(Answer):
    programme_code = fields.String()
    months = fields.List(fields.Nested(DisbursementCellOut))
    totals = fields.Nested(DisbursementTotalsOut)


class DisbursementReportOut(Answer):
    year = fields.Integer()
    months = fields.List(fields.String(), metadata={"description": "the 12 months, YYYY-MM"})
    programmes = fields.List(fields.Nested(DisbursementProgrammeOut))
    months_total = fields.List(fields.Nested(DisbursementCellOut))
    totals = fields.Nested(DisbursementTotalsOut)


ProgrammePage = Page(ProgrammeOut)
RoundPage = Page(RoundOut)
AllocationPage = Page(AllocationOut)
