"""Marshmallow schemas at the distribution service's boundaries.

Requests are read strictly (unknown fields refused); the shapes of the rules
inside a programme are checked by ``services.shared.rules`` after loading, so
an error names the rule's path (``criteria.all.1.op``). Output schemas exist
for the OpenAPI description; the service returns plain JSON-safe dicts.
"""
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from services.shared.errors import from_marshmallow

KINDS = ("cash_transfer", "staple_food", "business_capital", "in_kind_service")
TARGETS = ("household", "member")
DEPLOYMENTS = ("kelurahan", "desa")
CHANNELS = ("cash", "bank", "post")
RELATIONSHIPS = ("head", "husband", "wife", "child", "child_in_law", "grandchild", "parent",
                 "parent_in_law", "other_relative", "domestic_worker", "other")
#: CONTRACT/issue 3: why an allocation was not collected by the end of its round.
NOT_COLLECTED_REASONS = ("refused", "moved", "not_found", "died", "other")
CANCEL_REASONS = ("ineligible", "duplicate", "excluded_programme", "household_request", "other")
RETURN_REASONS = ("ineligible", "duplicate", "recipient_refused", "payout_error", "other")
CODE_RE = r"^[A-Z][A-Z0-9_]{1,19}$"


class Strict(Schema):
    class Meta:
        unknown = RAISE


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


class ProgrammeOut(Schema):
    """A programme as answered: the published body plus ``version``, ``enabled``."""

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
    published_at = fields.String()
    updated_at = fields.String()


class PageQuery(Schema):
    """``page``/``per_page`` of a list (CONTRACT pagination)."""

    page = fields.Integer()
    per_page = fields.Integer()


class ProgrammeQuery(PageQuery):
    include_disabled = fields.Boolean()


class RoundOut(Schema):
    id = fields.String()
    programme_code = fields.String()
    programme_name = fields.String()
    programme_version = fields.Integer()
    name = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    year = fields.Integer()
    location = fields.String()
    budget_idr = fields.Integer(allow_none=True)
    quota = fields.Integer(allow_none=True)
    status = fields.String(metadata={"description": "scheduled or closed"})
    eligible = fields.Integer(allow_none=True)
    generated_at = fields.String(allow_none=True)
    version = fields.Integer()


class RoundQuery(PageQuery):
    programme = fields.String()
    upcoming = fields.Boolean()


class GenerateOut(Schema):
    round_id = fields.String()
    eligible = fields.Integer()
    created = fields.Integer(metadata={"description": "new allocations with status pending"})
    waiting = fields.Integer(metadata={"description": "new allocations with status waiting"})
    already_allocated = fields.Integer()
    refused = fields.Dict(keys=fields.String(), values=fields.Integer())


class AllocationOut(Schema):
    id = fields.String()
    round_id = fields.String()
    round_name = fields.String()
    programme_code = fields.String()
    year = fields.Integer()
    household_id = fields.String()
    kk_number = fields.String()
    rt = fields.String()
    rw = fields.String()
    welfare_decile = fields.Integer(allow_none=True)
    member_id = fields.String(allow_none=True)
    member_nik = fields.String(allow_none=True)
    member_name = fields.String(allow_none=True)
    recipient_id = fields.String()
    recipient_nik = fields.String()
    recipient_name = fields.String()
    recipient_relationship = fields.String()
    amount_idr = fields.Integer()
    components = fields.List(fields.Dict())
    goods = fields.List(fields.Dict())
    status = fields.String()
    status_reason = fields.String(allow_none=True)
    status_note = fields.String()
    reassigned_from = fields.String(allow_none=True)
    reassigned_to = fields.String(allow_none=True)
    disbursement = fields.Dict(allow_none=True)
    history = fields.List(fields.Dict())
    version = fields.Integer()


class AllocationQuery(PageQuery):
    status = fields.String()
    rw = fields.String()
    rt = fields.String()
    order = fields.String(metadata={"description": "id (default) or priority: the order the "
                                                   "round gives slots and serves its waiting "
                                                   "list (lowest decile, income, KK first)"})


class EligibilityQuery(Schema):
    nik = fields.String(required=True)
    programme = fields.String(required=True)
    on = fields.Date(metadata={"description": "reference date for ages (default today)"})


class CriterionOut(Schema):
    criterion = fields.String()
    path = fields.String()
    value = fields.Raw(allow_none=True)
    passed = fields.Boolean()


class EligibilityOut(Schema):
    nik = fields.String()
    programme_code = fields.String()
    reference_date = fields.Date()
    eligible = fields.Boolean()
    criteria = fields.List(fields.Nested(CriterionOut))
    amount_idr = fields.Integer()
    components = fields.List(fields.Dict())


class StatusCheckOut(Schema):
    full_name = fields.String()
    programmes = fields.List(fields.Dict())
    upcoming = fields.List(fields.Dict())


class DistributionReportQuery(Schema):
    format = fields.String(metadata={"description": "csv for a CSV export"})


class DisbursementReportQuery(DistributionReportQuery):
    year = fields.Integer(required=True, metadata={"description": "calendar year (WIB)"})


class DisbursementCell(Schema):
    month = fields.String(metadata={"description": "YYYY-MM on the village's calendar (WIB)"})
    count = fields.Integer(metadata={"description": "handovers recorded that month"})
    amount_idr = fields.Integer(metadata={"description": "rupiah handed over"})
    by_representative = fields.Integer(metadata={"description": "collected by a family member"})
    returned = fields.Integer(metadata={"description": "of those, later returned"})


class DisbursementTotals(Schema):
    count = fields.Integer()
    amount_idr = fields.Integer()
    by_representative = fields.Integer()
    returned = fields.Integer()


class DisbursementProgramme(Schema):
    programme_code = fields.String()
    months = fields.List(fields.Nested(DisbursementCell))
    totals = fields.Nested(DisbursementTotals)


class DisbursementReportOut(Schema):
    year = fields.Integer()
    months = fields.List(fields.String())
    programmes = fields.List(fields.Nested(DisbursementProgramme))
    months_total = fields.List(fields.Nested(DisbursementCell))
    totals = fields.Nested(DisbursementTotals)


def load(schema_class, payload):
    """Load ``payload`` strictly; raise ``InvalidInput`` naming every bad field."""
    try:
        return schema_class().load(payload if payload is not None else {})
    except ValidationError as exc:
        raise from_marshmallow(exc) from None


# ---------------------------------------------------------------- registry snapshots

class ResidentSnapshot(Schema):
    """Tolerant reader of the registry's resident snapshot (docs/events.md)."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    nik = fields.String(load_default=None, allow_none=True)
    kk_number = fields.String(load_default=None, allow_none=True)
    household_id = fields.String(load_default=None, allow_none=True)
    full_name = fields.String(load_default="")
    sex = fields.String(load_default=None, allow_none=True)
    birth_date = fields.String(load_default=None, allow_none=True)
    relationship = fields.String(load_default=None, allow_none=True)
    religion = fields.String(load_default=None, allow_none=True)
    education = fields.String(load_default=None, allow_none=True)
    occupation_code = fields.Integer(load_default=None, allow_none=True)
    marital_status = fields.String(load_default=None, allow_none=True)
    disability = fields.String(load_default=None, allow_none=True)
    pregnant = fields.Boolean(load_default=False, allow_none=True)
    status = fields.String(load_default="active")
    inactive_reason = fields.String(load_default=None, allow_none=True)
    rt = fields.String(load_default=None, allow_none=True)
    rw = fields.String(load_default=None, allow_none=True)
    version = fields.Integer(load_default=1)


class HouseholdSnapshot(Schema):
    """Tolerant reader of the registry's household snapshot (docs/events.md)."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    kk_number = fields.String(load_default=None, allow_none=True)
    street = fields.String(load_default=None, allow_none=True)
    rt = fields.String(load_default=None, allow_none=True)
    rw = fields.String(load_default=None, allow_none=True)
    dusun = fields.String(load_default=None, allow_none=True)
    village_code = fields.String(load_default=None, allow_none=True)
    welfare_decile = fields.Integer(load_default=None, allow_none=True)
    monthly_income_idr = fields.Integer(load_default=None, allow_none=True)
    house_ownership = fields.String(load_default=None, allow_none=True)
    floor_type = fields.String(load_default=None, allow_none=True)
    wall_type = fields.String(load_default=None, allow_none=True)
    roof_type = fields.String(load_default=None, allow_none=True)
    water_source = fields.String(load_default=None, allow_none=True)
    electricity_va = fields.Integer(load_default=None, allow_none=True)
    cooking_fuel = fields.String(load_default=None, allow_none=True)
    sanitation = fields.String(load_default=None, allow_none=True)
    has_car = fields.Boolean(load_default=False, allow_none=True)
    status = fields.String(load_default="active")
    version = fields.Integer(load_default=1)
