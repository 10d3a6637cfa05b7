"""What others may import of the monitoring service: its answers (docs/monitoring.md).
It publishes no events."""
from marshmallow import fields, validate

from services.shared.contract import Answer, Page, PageQuery, Strict, Tolerant
from services.shared.fields import AreaNumber, Day, Instant, Text, one_of


class TimelineEntryOut(Answer):
    """One event in a person's or family's life, as an officer reads it."""

    at = Instant(metadata={"description": "when it happened (UTC)"})
    source = fields.String(metadata={"description": "the service that recorded it"})
    type = fields.String(metadata={"description": "the event type"})
    summary = fields.String(metadata={"description": "what happened, in Bahasa Indonesia"})
    names = fields.List(fields.String(), metadata={
        "description": "the residents it concerns, by name (a family's timeline has several "
                       "members; empty for the family's own entries)"})


class TimelineOut(Answer):
    """``GET /residents/{nik}/timeline`` and ``GET /households/{id}/timeline``."""

    subject = fields.String(metadata={"description": "resident or household"})
    id = fields.String(metadata={"description": "the resident's or household's registry id"})
    household_id = fields.String(allow_none=True, metadata={
        "description": "a resident's family (registry id), to open the family's timeline"})
    rebuilding_since = Instant(allow_none=True, metadata={
        "description": "set while monitoring is rebuilt from the owners' exports (or after "
                       "a rebuild that did not finish): the entries are partial until it is "
                       "null again"})
    entries = fields.List(fields.Nested(TimelineEntryOut))


class _Coverage(Answer):
    eligible = fields.Integer(metadata={"description": "households (or persons) allocated"})
    reached = fields.Integer(metadata={"description": "of them, those handed their aid"})
    reached_pct = fields.Float(allow_none=True, metadata={
        "description": "reached / eligible in percent, one decimal; null when none eligible"})


class CoverageRwOut(_Coverage):
    rw = fields.String(metadata={"description": "the family's RW (\"-\" when unknown)"})


class CoverageOut(_Coverage):
    """One programme's coverage in the year's rounds: eligible (an allocation,
    waiting beyond the quota included) against reached (disbursed)."""

    programme_code = fields.String()
    unit = fields.String(metadata={"description": "household, or person for a programme "
                                                  "whose allocations go to one member"})
    by_rw = fields.List(fields.Nested(CoverageRwOut))


class ComplaintDeadlinesOut(Answer):
    """One category's complaints against their resolution deadline in the year."""

    category = fields.String()
    resolved = fields.Integer(metadata={"description": "resolved in the year"})
    within_deadline = fields.Integer(metadata={"description": "resolved by the deadline"})
    late = fields.Integer(metadata={"description": "resolved after the deadline"})
    open_past_deadline = fields.Integer(metadata={
        "description": "neither resolved nor rejected at the year's end, deadline passed"})
    median_days = fields.Float(allow_none=True, metadata={
        "description": "days from submission to resolution, median (null: none resolved)"})
    p90_days = fields.Float(allow_none=True, metadata={
        "description": "days from submission to resolution, 90th percentile (nearest rank)"})


class AmountsOut(Answer):
    amount_idr = fields.Integer(metadata={"description": "rupiah"})
    in_kind_value_idr = fields.Integer(metadata={"description": "rupiah value of goods"})
    trainer_hours = fields.Integer()


class DeliveredPctOut(Answer):
    amount_idr = fields.Float(allow_none=True)
    in_kind_value_idr = fields.Float(allow_none=True)
    trainer_hours = fields.Float(allow_none=True)


class ContributionOut(Answer):
    """A partner's pledge for the year against what it delivered in it."""

    partner_id = fields.String()
    partner_name = fields.String()
    pledged = fields.Nested(AmountsOut)
    delivered = fields.Nested(AmountsOut)
    deliveries = fields.Integer(metadata={"description": "deliveries recorded in the year"})
    delivered_pct = fields.Nested(DeliveredPctOut, metadata={
        "description": "delivered / pledged in percent per measure; null when none pledged"})


class AnnualCountersOut(Answer):
    """The year's figures (rupiah amounts in ``amount_idr``/``*_idr``; months WIB)."""

    year = fields.Integer()
    registry = fields.Dict(metadata={"description": "registrations, deactivations by reason"})
    distribution = fields.Dict(metadata={"description": "allocations, disbursements, returns: "
                                         "[{programme_code, rw, month, count, amount_idr}]"})
    complaints = fields.List(fields.Dict(), metadata={
        "description": "[{category, submitted, resolved, mean_resolution_days}]"})
    partners = fields.Dict(metadata={"description": "enrolments by kind, outcomes"})
    coverage = fields.List(fields.Nested(CoverageOut), metadata={
        "description": "per programme and RW, eligible against reached in the year's rounds"})
    complaint_deadlines = fields.List(fields.Nested(ComplaintDeadlinesOut), metadata={
        "description": "per category, complaints against their resolution deadline"})
    contributions = fields.List(fields.Nested(ContributionOut), metadata={
        "description": "per partner, pledged for the year against delivered"})
    marketplace = fields.Dict(metadata={"description": "sellers, listings, orders"})
    discussions = fields.Dict(metadata={
        "description": "{count, participants, needs: [{need, mentions, best_priority}], "
                       "follow_ups: {status: n}}"})
    needs_trend = fields.Dict(metadata={
        "description": "the needs raised in discussions in this year and the two before it: "
                       "{years: [oldest ...], needs: [need ...], mentions: [[count per year] "
                       "per need]}, the most mentioned first (at most 6)"})
    disbursed_by_month = fields.List(fields.Integer(), metadata={
        "description": "rupiah handed over in each month, January first (12 entries)"})
    scorecards = fields.Dict(metadata={
        "description": "{count, cards: [{rw, service, semester, criteria: [{criterion, "
                       "community_score, provider_score, community_change, provider_change}], "
                       "actions: {status: n}}]}"})
    surveys = fields.List(fields.Dict(), metadata={
        "description": "[{title, programme_code, responses, ratings: [{name, label, mean}]}]"})
    graduation = fields.List(fields.Nested(lambda: CohortOut()), metadata={
        "description": "the graduation funnel of every cohort up to the year"})
    rebuilding_since = Instant(allow_none=True, metadata={
        "description": "set while monitoring is rebuilt from the owners' exports (or after "
                       "a rebuild that did not finish): the figures are partial until it is "
                       "null again"})
    programme_names = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "{programme code: name} of every programme monitoring has seen named "
                       "(distribution's programme events and list_programmes), for showing "
                       "names beside the codes; a code missing here is shown as the code"})


class CohortOut(Answer):
    """One cohort of the graduation funnel (residents by the year of their first
    business capital or entrepreneurship training)."""

    cohort = fields.Integer(metadata={"description": "village year of the first support"})
    supported = fields.Integer(metadata={"description": "residents supported"})
    verified_sellers = fields.Integer()
    listed = fields.Integer(metadata={"description": "published a product after the support"})
    sold = fields.Integer(metadata={"description": "completed an order after the support"})
    left_improved = fields.Integer(metadata={
        "description": "families that withdrew from aid (household_request) after the support"})
    left_deceased_or_moved = fields.Integer(metadata={
        "description": "families of supported residents who died or moved (not graduation)"})


class FunnelOut(Answer):
    """``GET /reports/graduation``."""

    cohorts = fields.List(fields.Nested(CohortOut))


class RebuildOut(Answer):
    """``POST /admin/monitoring/rebuild``: what the owners' exports gave back."""

    items = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "items read per export, ``<owner>.<export RPC>``"})
    events = fields.Integer(metadata={"description": "events derived from them and recorded"})
    not_rebuilt = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "what an export cannot give back, and why"})


class FunnelQuery(Tolerant):
    cohort = fields.Integer(metadata={"description": "one cohort's year only"})


class ReportQuery(Tolerant):
    """``GET /reports/annual/{year}``'s query string."""

    format = fields.String(metadata={"description": "json (default), csv, html or pdf"})


# ------------------------------------------------------------ discussions

FOLLOW_UP_STATUSES = ("open", "in_progress", "done", "dropped")
GROUPS = ("women", "elderly", "youth", "disabled")
_COUNT = {"validate": validate.Range(min=0, max=10000), "load_default": 0}


class GroupsIn(Strict):
    """Participants belonging to a group (a person may count in several)."""

    women = fields.Integer(**_COUNT)
    elderly = fields.Integer(**_COUNT)
    youth = fields.Integer(**_COUNT)
    disabled = fields.Integer(**_COUNT)


class ParticipantsIn(Strict):
    female = fields.Integer(required=True, validate=validate.Range(min=0, max=10000))
    male = fields.Integer(required=True, validate=validate.Range(min=0, max=10000))
    groups = fields.Nested(GroupsIn, load_default=lambda: {g: 0 for g in GROUPS})


class NeedIn(Strict):
    need = Text(300, required=True)
    priority = fields.Integer(required=True, validate=validate.Range(min=1, max=5),
                              metadata={"description": "1 (most urgent) to 5"})


class FollowUpIn(Strict):
    action = Text(300, required=True)
    owner = Text(200, required=True)
    due_on = fields.Date(required=True)
    status = fields.String(load_default="open", validate=one_of(FOLLOW_UP_STATUSES))


class DiscussionIn(Strict):
    """``POST /discussions``: a focus-group discussion (musyawarah, rembuk RW)."""

    held_on = fields.Date(required=True)
    rw = AreaNumber(required=True)
    facilitator = Text(200, required=True)
    participants = fields.Nested(ParticipantsIn, required=True)
    needs = fields.List(fields.Nested(NeedIn), load_default=list,
                        validate=validate.Length(max=100))
    follow_ups = fields.List(fields.Nested(FollowUpIn), load_default=list,
                             validate=validate.Length(max=100))


class FollowUpStatusIn(Strict):
    """``POST /discussions/{id}/follow-ups/{n}/status``."""

    status = fields.String(required=True, validate=one_of(FOLLOW_UP_STATUSES))


class DiscussionQuery(PageQuery):
    year = fields.Integer(metadata={"description": "village year of held_on"})
    rw = fields.String()


class GroupsOut(Answer):
    women = fields.Integer()
    elderly = fields.Integer()
    youth = fields.Integer()
    disabled = fields.Integer()


class ParticipantsOut(Answer):
    female = fields.Integer()
    male = fields.Integer()
    groups = fields.Nested(GroupsOut)


class NeedOut(Answer):
    need = fields.String()
    priority = fields.Integer()


class FollowUpOut(Answer):
    action = fields.String()
    owner = fields.String()
    due_on = Day()
    status = fields.String()
    updated_at = Instant(allow_none=True)
    updated_by = fields.Dict(allow_none=True)


class DiscussionOut(Answer):
    id = fields.String()
    held_on = Day()
    rw = fields.String()
    facilitator = fields.String()
    participants = fields.Nested(ParticipantsOut)
    needs = fields.List(fields.Nested(NeedOut))
    follow_ups = fields.List(fields.Nested(FollowUpOut))
    recorded_at = Instant()
    recorded_by = fields.Dict()
    version = fields.Integer()


DiscussionPage = Page(DiscussionOut)


from services.monitoring.contract.evaluation import (  # noqa: E402,F401 - one import path
    ACTION_STATUSES, QUESTION_KINDS, ResponseIn, ResponseOut, ScorecardIn, ScorecardOut,
    ScorecardPage, ScorecardQuery, SurveyImportOut, SurveyIn, SurveyOut, SurveyPage,
    SurveySummaryOut)
