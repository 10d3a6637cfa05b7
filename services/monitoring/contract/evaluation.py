"""Participatory evaluation's requests and answers: community scorecards and
evaluation surveys (docs/monitoring.md "Scorecards", "Surveys")."""
from marshmallow import ValidationError, fields, validate, validates_schema

from services.shared.contract import Answer, Page, PageQuery, Strict
from services.shared.fields import AreaNumber, Day, Instant, Text, one_of

ACTION_STATUSES = ("open", "in_progress", "done", "dropped")
SEMESTER = validate.Regexp(r"^20\d\d-[12]$", error="must be a semester such as 2026-1 "
                                                   "(January-June) or 2026-2")
_SCORE = validate.Range(min=0, max=100, error="must be a score from 0 to 100")


class CriterionIn(Strict):
    criterion = Text(200, required=True)
    community_score = fields.Integer(required=True, validate=_SCORE,
                                     metadata={"description": "residents' score, 0-100"})
    provider_score = fields.Integer(required=True, validate=_SCORE,
                                    metadata={"description": "the provider's own score, 0-100"})
    note = Text(500)


class ActionIn(Strict):
    action = Text(300, required=True)
    owner = Text(200, required=True)
    due_on = fields.Date(required=True)
    status = fields.String(load_default="open", validate=one_of(ACTION_STATUSES))


class ScorecardIn(Strict):
    """``POST /scorecards``: one community scorecard of a service for a semester."""

    rw = AreaNumber(load_default=None, allow_none=True,
                    metadata={"description": "the RW, or null for the whole village"})
    semester = fields.String(required=True, validate=SEMESTER)
    service = Text(200, required=True, metadata={"description": "what is evaluated: a "
                                                 "programme code, the posyandu..."})
    criteria = fields.List(fields.Nested(CriterionIn), required=True,
                           validate=validate.Length(min=1, max=50))
    action_plan = fields.List(fields.Nested(ActionIn), load_default=list,
                              validate=validate.Length(max=100))

    @validates_schema
    def _criteria_once(self, data, **kwargs):
        seen = set()
        for i, c in enumerate(data.get("criteria") or []):
            key = c["criterion"].casefold()
            if key in seen:
                raise ValidationError({"criteria": {i: {"criterion": ["is listed twice"]}}})
            seen.add(key)


class ScorecardQuery(PageQuery):
    year = fields.Integer()
    rw = fields.String()
    service = fields.String()


class CriterionOut(Answer):
    criterion = fields.String()
    community_score = fields.Integer()
    provider_score = fields.Integer()
    gap = fields.Integer(metadata={"description": "community minus provider score"})
    note = fields.String(allow_none=True)
    community_change = fields.Integer(allow_none=True, metadata={
        "description": "against the previous semester's scorecard; null without one"})
    provider_change = fields.Integer(allow_none=True)


class ActionOut(Answer):
    action = fields.String()
    owner = fields.String()
    due_on = Day()
    status = fields.String()


class ScorecardOut(Answer):
    id = fields.String()
    rw = fields.String(allow_none=True)
    semester = fields.String()
    service = fields.String()
    previous_id = fields.String(allow_none=True, metadata={
        "description": "the previous semester's scorecard compared with, or null"})
    criteria = fields.List(fields.Nested(CriterionOut))
    action_plan = fields.List(fields.Nested(ActionOut))
    recorded_at = Instant()
    recorded_by = fields.Dict()


ScorecardPage = Page(ScorecardOut)


# ------------------------------------------------------------ surveys

QUESTION_KINDS = ("rating", "choice", "text")


class ChoiceIn(Strict):
    name = Text(100, required=True)
    label = Text(300, required=True)


class QuestionIn(Strict):
    name = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z_][A-Za-z0-9_./-]{0,99}$", error="must be a short name (letters, digits, _)"))
    label = Text(500, required=True)
    kind = fields.String(required=True, validate=one_of(QUESTION_KINDS))
    choices = fields.List(fields.Nested(ChoiceIn), load_default=list)

    @validates_schema
    def _choices(self, data, **kwargs):
        if data.get("kind") == "choice" and not data.get("choices"):
            raise ValidationError({"choices": ["a choice question needs its choices"]})


class SurveyIn(Strict):
    """``POST /surveys``: an evaluation survey of a programme."""

    title = Text(200, required=True)
    programme_code = Text(50, required=True)
    questions = fields.List(fields.Nested(QuestionIn), required=True,
                            validate=validate.Length(min=1, max=200))

    @validates_schema
    def _names_once(self, data, **kwargs):
        seen = set()
        for i, q in enumerate(data.get("questions") or []):
            if q["name"] in seen:
                raise ValidationError({"questions": {i: {"name": ["is used twice"]}}})
            seen.add(q["name"])


class ResponseIn(Strict):
    """``POST /surveys/{id}/responses``: ``answers`` by question name."""

    answers = fields.Dict(keys=fields.String(), required=True)


class QuestionOut(Answer):
    name = fields.String()
    label = fields.String()
    kind = fields.String()
    choices = fields.List(fields.Dict())


class SurveyOut(Answer):
    id = fields.String()
    title = fields.String()
    programme_code = fields.String()
    questions = fields.List(fields.Nested(QuestionOut))
    form_id = fields.String(allow_none=True, metadata={"description": "the XLSForm's form_id "
                                                       "when imported"})
    responses = fields.Integer()
    recorded_at = Instant()


SurveyPage = Page(SurveyOut)


class ResponseOut(Answer):
    id = fields.String()
    survey_id = fields.String()
    answers = fields.Dict()
    submitted_at = Instant()


class QuestionSummaryOut(Answer):
    name = fields.String()
    label = fields.String()
    kind = fields.String()
    answered = fields.Integer()
    mean = fields.Float(allow_none=True, metadata={"description": "rating: mean, 2 decimals"})
    distribution = fields.Dict(metadata={"description": "rating: {\"1\"..\"5\": n}"})
    counts = fields.List(fields.Dict(), metadata={"description": "choice: [{name, label, n}]"})
    answers = fields.List(fields.String(), metadata={"description": "text: every answer"})


class SurveySummaryOut(Answer):
    survey = fields.Nested(SurveyOut)
    responses = fields.Integer()
    questions = fields.List(fields.Nested(QuestionSummaryOut))


class SurveyImportOut(Answer):
    survey = fields.Nested(SurveyOut)
    added = fields.Integer(metadata={"description": "responses new to the survey"})
    already_there = fields.Integer(metadata={"description": "rows whose _uuid was imported"})
    skipped_columns = fields.List(fields.String())
