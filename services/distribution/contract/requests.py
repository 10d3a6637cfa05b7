"""What comes into the distribution service: read strictly (unknown fields refused).

The shapes of the rules inside a programme are checked by
``services.shared.rules`` after loading, so an error names the rule's path
(``criteria.all.1.op``).
"""
from marshmallow import EXCLUDE, ValidationError, fields, validate, validates_schema

from services.shared import codes
from services.shared.contract import PageQuery, Strict
from services.shared.fields import InstantIn

KINDS = ("cash_transfer", "staple_food", "business_capital", "in_kind_service")
TARGETS = ("household", "member")
DEPLOYMENTS = ("kelurahan", "desa")
CHANNELS = ("cash", "bank", "post")
RELATIONSHIPS = codes.RELATIONSHIPS
#: docs/contract.md, allocation ``status``.
ALLOCATION_STATUSES = ("pending", "waiting", "disbursed", "not_collected", "cancelled",
                       "returned")
#: Why an allocation was not collected by the end of its round (issue 3).
NOT_COLLECTED_REASONS = ("refused", "moved", "not_found", "died", "other")
CANCEL_REASONS = ("ineligible", "duplicate", "excluded_programme", "household_request", "other")
RETURN_REASONS = ("ineligible", "duplicate", "recipient_refused", "payout_error", "other")
CODE_RE = r"^[A-Z][A-Z0-9_]{1,19}$"


class ProgrammeSource(Strict):
    """Where a published figure comes from (kept with the figure in the data file)."""

    figure = fields.String(load_default=None)
    text = fields.String(required=True, validate=validate.Length(min=1, max=500))
    date = fields.String(required=True, metadata={"description": "YYYY or YYYY-MM[-DD]"})
    verified = fields.Boolean(required=True)


class ProgrammeComponent(Strict):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$"))
    label = fields.String(required=True, validate=validate.Length(min=1, max=120))
    when = fields.Dict(required=True, metadata={"description": "a rule over one member"})
    amount_idr = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    published = fields.String(load_default=None, metadata={"description": "the figure as published"})
    source = fields.Nested(ProgrammeSource, load_default=None)


class ProgrammeGoods(Strict):
    item = fields.String(required=True)
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    unit = fields.String(required=True)


class ProgrammeBenefit(Strict):
    description = fields.String(required=True, validate=validate.Length(min=1, max=1000),
                                metadata={"description": "Bahasa Indonesia, for residents"})
    amount_idr = fields.Integer(load_default=None, strict=True, validate=validate.Range(min=0),
                                metadata={"description": "rupiah per round per target unit"})
    published = fields.String(load_default=None)
    source = fields.Nested(ProgrammeSource, load_default=None)
    components = fields.List(fields.Dict(), load_default=list)
    max_components = fields.Integer(load_default=None, strict=True, validate=validate.Range(min=1))
    goods = fields.List(fields.Nested(ProgrammeGoods), load_default=list)

    @validates_schema
    def amount_given(self, data, **kwargs):
        if data["amount_idr"] is None and not data["components"] and not data["goods"]:
            raise ValidationError("give amount_idr, components or goods", "amount_idr")
        if data["amount_idr"] is not None and data["components"]:
            raise ValidationError("give either amount_idr or components, not both", "amount_idr")


class ProgrammeFrequency(Strict):
    rounds_per_year = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=12))
    description = fields.String(required=True)


class ProgrammeRecipient(Strict):
    relationships = fields.List(fields.String(validate=validate.OneOf(RELATIONSHIPS)),
                                required=True, validate=validate.Length(min=1))
    prefer_sex = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(("M", "F")))
    min_age = fields.Integer(load_default=17, strict=True, validate=validate.Range(min=0, max=100))


class ProgrammeRights(Strict):
    rights = fields.List(fields.String(validate=validate.Length(min=1)), required=True,
                         validate=validate.Length(min=1))
    obligations = fields.List(fields.String(validate=validate.Length(min=1)), required=True)


class ProgrammeIn(Strict):
    """A programme as published (``POST /programmes``, the files in data/programmes/)."""

    code = fields.String(required=True, validate=validate.Regexp(CODE_RE))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    description = fields.String(load_default="")
    level = fields.String(load_default="national",
                          validate=validate.OneOf(("national", "province", "village")))
    target = fields.String(required=True, validate=validate.OneOf(TARGETS),
                           metadata={"description": "one allocation per household or per member"})
    benefit = fields.Nested(ProgrammeBenefit, required=True)
    frequency = fields.Nested(ProgrammeFrequency, required=True)
    funding_source = fields.String(required=True)
    excludes = fields.List(fields.String(validate=validate.Regexp(CODE_RE)), load_default=list,
                           metadata={"description": "codes this programme may not be combined with"})
    criteria = fields.Dict(required=True, metadata={"description": "a rule (services/shared/rules/)"})
    recipient = fields.Nested(ProgrammeRecipient, load_default=None)
    rights_and_obligations = fields.Nested(ProgrammeRights, required=True)
    applies_to = fields.List(fields.String(validate=validate.OneOf(DEPLOYMENTS)),
                             load_default=lambda: list(DEPLOYMENTS), validate=validate.Length(min=1))
    sources = fields.List(fields.Nested(ProgrammeSource), load_default=list)
    notes = fields.List(fields.String(), load_default=list)


class RoundIn(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    location = fields.String(required=True, validate=validate.Length(min=1, max=300))
    budget_idr = fields.Integer(load_default=None, allow_none=True, strict=True,
                                validate=validate.Range(min=0))
    quota = fields.Integer(load_default=None, allow_none=True, strict=True,
                           validate=validate.Range(min=0))

    @validates_schema
    def period(self, data, **kwargs):
        if data["ends_on"] < data["starts_on"]:
            raise ValidationError("must not be before starts_on", "ends_on")


class DisbursementIn(Strict):
    received_by_nik = fields.String(required=True, validate=validate.Regexp(r"^\d{16}$"))
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    evidence_ref = fields.String(required=True, validate=validate.Length(min=1, max=200))
    location = fields.String(load_default=None, validate=validate.Length(max=300))
    note = fields.String(load_default="", validate=validate.Length(max=500))
    handed_over_at = InstantIn(load_default=None, metadata={
        "description": "when the aid was handed over, for a handover recorded later from "
                       "its paper record (berita acara serah terima): ISO 8601 date and "
                       "time with offset, e.g. 2026-03-02T09:30:00+07:00 (a date alone is "
                       "refused). Not in the future, not before the round's starts_on "
                       "(WIB), not after the round was closed. Default: now"})


class _ReasonedIn(Strict):
    """An allocation closed with a ``reason`` (each subclass its own list) and a note."""

    note = fields.String(load_default="", validate=validate.Length(max=500))


class CancelIn(_ReasonedIn):
    reason = fields.String(required=True, validate=validate.OneOf(CANCEL_REASONS))


class ReturnIn(_ReasonedIn):
    reason = fields.String(required=True, validate=validate.OneOf(RETURN_REASONS))


class NotCollectedIn(_ReasonedIn):
    reason = fields.String(required=True, validate=validate.OneOf(NOT_COLLECTED_REASONS),
                           metadata={"description": "never shown to the public"})


class StatusCheckIn(Strict):
    nik = fields.String(required=True, validate=validate.Regexp(r"^\d{16}$"))
    birth_date = fields.Date(required=True)


class ProgrammeQuery(PageQuery):
    include_disabled = fields.Boolean()


class RoundQuery(PageQuery):
    programme = fields.String()
    upcoming = fields.Boolean()


class AllocationQuery(PageQuery):
    status = fields.String()
    rw = fields.String()
    rt = fields.String()
    order = fields.String(metadata={"description": "id (default) or priority: the order the "
                                                   "round gives slots and serves its waiting "
                                                   "list (lowest decile, income, KK first)"})


class EligibilityQuery(Strict):
    class Meta:
        unknown = EXCLUDE

    nik = fields.String(required=True)
    programme = fields.String(required=True)
    on = fields.Date(metadata={"description": "reference date for ages (default today, WIB)"})


class ReportFormatQuery(Strict):
    class Meta:
        unknown = EXCLUDE

    format = fields.String(metadata={"description": "csv for a CSV export"})


class DisbursementReportQuery(ReportFormatQuery):
    year = fields.Integer(required=True, metadata={"description": "calendar year (WIB)"})
