"""What the registry answers: every RPC answer is dumped through one of these,
and the gateway's OpenAPI documents them (``services.shared.contract.Answer``)."""
from marshmallow import fields

from services.shared.contract import Answer, Page
from services.shared.fields import Day, Instant, nullable

MASKED = {"description": "masked unless the caller is an officer or admin"}


class ResidentOut(Answer):
    """A resident as officers see it: the event snapshot plus contact and labels."""

    id = fields.String()
    nik = fields.String(metadata=MASKED)
    nik_temporary = fields.Boolean()
    kk_number = fields.String()
    household_id = fields.String()
    full_name = fields.String()
    sex = fields.String()
    birth_place = fields.String()
    birth_date = Day()
    relationship = fields.String()
    religion = nullable()
    education = nullable()
    occupation_code = fields.Integer(allow_none=True)
    occupation = nullable()
    marital_status = nullable()
    disability = fields.String()
    pregnant = fields.Boolean()
    phone = nullable()
    status = fields.String(metadata={"description": "active or inactive"})
    inactive_reason = nullable()
    inactive_note = nullable()
    quality_flags = fields.List(fields.String())
    rt = fields.String()
    rw = fields.String()
    version = fields.Integer()
    created_at = Instant()
    updated_at = Instant()


class HouseholdOut(Answer):
    """A household (KK); ``members`` (head first) on a single household's answers."""

    id = fields.String()
    kk_number = fields.String()
    street = nullable(metadata={"description": "null where the village addresses by RT/RW only"})
    rt = fields.String()
    rw = fields.String()
    dusun = nullable()
    village_code = nullable()
    welfare_decile = fields.Integer(allow_none=True)
    monthly_income_idr = fields.Integer(allow_none=True)
    house_ownership = nullable()
    floor_type = nullable()
    wall_type = nullable()
    roof_type = nullable()
    water_source = nullable()
    electricity_va = fields.Integer(allow_none=True)
    cooking_fuel = nullable()
    sanitation = nullable()
    has_car = fields.Boolean(allow_none=True)
    status = fields.String()
    member_ids = fields.List(fields.String())
    members = fields.List(fields.Nested(ResidentOut), metadata={
        "optional": "on one household's answers, not in lists"})
    quality_flags = fields.List(fields.String())
    version = fields.Integer()
    created_at = Instant()
    updated_at = Instant()


class ChangeOut(Answer):
    field = fields.String()
    old = fields.Raw(allow_none=True)
    new = fields.Raw(allow_none=True)


class HistoryEntryOut(Answer):
    version = fields.Integer()
    at = Instant()
    by = fields.Dict(metadata={"description": "who: the token's actor record"})
    action = fields.String(metadata={"description": "registered, imported, updated, "
                                                    "deactivated"})
    changes = fields.List(fields.Nested(ChangeOut))
    reason = nullable()
    note = nullable()


HistoryPage = Page(HistoryEntryOut, resident_id=fields.String())


class ImportErrorOut(Answer):
    row = fields.Integer(metadata={"description": "row in the file; the header is row 1"})
    sheet = fields.String(metadata={"optional": "when a workbook has several sheets of "
                                                "residents: the row's sheet"})
    field = fields.String()
    rule = fields.String()


class ImportResultOut(Answer):
    format = fields.String(metadata={"description": "csv or opensid"})
    rows = fields.Integer()
    created_households = fields.Integer()
    created_residents = fields.Integer()
    updated_households = fields.Integer()
    already_present = fields.Integer()
    errors = fields.List(fields.Nested(ImportErrorOut))


class CorrectionOut(Answer):
    """A registry change a resolved data-correction complaint asked for."""

    id = fields.String()
    complaint_id = fields.String()
    subject_nik = fields.String(metadata=MASKED)
    fields_ = fields.Dict(data_key="fields", attribute="fields",
                          metadata={"description": "field -> proposed value"})
    reason = fields.String()
    requested_at = Instant(allow_none=True)
    requested_by = fields.Dict(allow_none=True)
    status = fields.String(metadata={"description": "pending, confirming, confirmed, rejected"})
    decided_at = Instant(allow_none=True)
    decided_by = fields.Dict(allow_none=True)
    decision_note = nullable()


class ImportFailureOut(Answer):
    detail = fields.String(metadata={"description": "what stopped the import, in a sentence"})
    errors = fields.Dict(metadata={"description": "field -> [messages], as in an error answer"})


class ImportJobSummaryOut(Answer):
    """An import job (docs/registry-data.md "Import jobs"), without its row errors."""

    id = fields.String()
    state = fields.String(metadata={"description": "queued (its file arriving), running, "
                                                   "done, failed"})
    filename = fields.String()
    size_bytes = fields.Integer()
    parts_expected = fields.Integer()
    parts_received = fields.Integer()
    format = nullable(metadata={"description": "csv or opensid, once the file is read"})
    rows_total = fields.Integer(allow_none=True, metadata={
        "description": "rows with data in the file, once it is read"})
    rows_processed = fields.Integer()
    percent = fields.Integer(metadata={"description": "of the rows, 0-100 (100 once done)"})
    chunks_total = fields.Integer(allow_none=True)
    chunks_done = fields.Integer()
    created_households = fields.Integer()
    created_residents = fields.Integer()
    updated_households = fields.Integer()
    already_present = fields.Integer()
    errors_total = fields.Integer(metadata={"description": "refused rows' errors so far"})
    failure = fields.Nested(ImportFailureOut, allow_none=True)
    started_by = fields.Dict(metadata={"description": "who: the token's actor record"})
    created_at = Instant()
    started_at = Instant(allow_none=True, metadata={"description": "when its file was complete"})
    finished_at = Instant(allow_none=True)


class ImportJobOut(ImportJobSummaryOut):
    errors = fields.List(fields.Nested(ImportErrorOut), metadata={
        "description": "the first 1,000 errors by row (errors_total counts them all)"})


ImportJobPage = Page(ImportJobSummaryOut)
