"""The monitoring service's participatory-evaluation RPCs: community scorecards,
evaluation surveys and their XLSForm/KoBoToolbox import (docs/monitoring.md).
A mixin of ``MonitoringService``; the rules are in ``scorecards``, ``surveys``
and ``xlsform``."""
import base64
import binascii

from services.shared.contract import dump, dump_page, load
from services.shared.errors import Conflict, InvalidInput, NotFound
from services.shared.pagination import page_args, page_of
from services.shared.rpc import command, rpc

from services.monitoring import domain, scorecards, surveys, xlsform
from services.monitoring.contract.evaluation import (ResponseIn, ResponseOut, ScorecardIn,
                                                     ScorecardOut, SurveyImportOut, SurveyIn,
                                                     SurveyOut, SurveySummaryOut)


def _bytes(value, field):
    try:
        return base64.b64decode(value or "", validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("%s is not base64." % field, {field: ["must be base64"]}) from None


def year_bounds(year):
    """``[since, until)`` UTC instants of a village (WIB) year, as stored strings."""
    return "%d-12-31T17:00:00.000Z" % (year - 1), "%d-12-31T17:00:00.000Z" % year


class Evaluation:
    # ------------------------------------------------------------ scorecards

    def _scorecard_view(self, doc):
        return scorecards.view(doc, self.store.find_scorecard(scorecards.previous_query(doc)))

    @command
    def record_scorecard(self, body, actor=None):
        """Record a community scorecard (``ScorecardIn``); ``ScorecardOut`` with the
        change against the previous semester. Officers and admins; InvalidInput
        naming each bad field (``criteria.0.community_score``), nothing stored;
        Conflict when the RW, service and semester have a scorecard already."""
        domain.require_officer(actor, "record a scorecard")
        doc = scorecards.new_scorecard(load(ScorecardIn, body), actor)
        if not self.store.insert_scorecard(doc):
            raise Conflict("RW %s already has a scorecard of %s for %s." % (
                doc["rw"] or "(desa)", doc["service"], doc["semester"]))
        return dump(ScorecardOut, self._scorecard_view(doc))

    @rpc
    def get_scorecard(self, scorecard_id, actor=None):
        """One scorecard (``ScorecardOut``); NotFound for an unknown id."""
        domain.require_officer(actor, "read scorecards")
        doc = self.store.find_scorecard({"_id": scorecard_id})
        if doc is None:
            raise NotFound("No scorecard with id %s." % scorecard_id)
        return dump(ScorecardOut, self._scorecard_view(doc))

    @rpc
    def list_scorecards(self, filters=None, page=1, per_page=50, actor=None):
        """A page of scorecards by semester (``filters``: ``year`` int, ``rw`` (``-``
        for village-wide), ``service``)."""
        domain.require_officer(actor, "read scorecards")
        page, per_page, skip = page_args(page, per_page)
        filters, query = filters or {}, {}
        if filters.get("year") not in (None, ""):
            query["year"] = domain.parse_year(filters["year"])
        if filters.get("rw"):
            query["rw"] = None if filters["rw"] == "-" else str(filters["rw"]).zfill(3)
        if filters.get("service"):
            query["service_key"] = scorecards.service_key(filters["service"])
        docs, total = self.store.find_scorecards(query, skip, per_page)
        return dump_page(ScorecardOut, page_of([self._scorecard_view(d) for d in docs], page,
                                                per_page, total))

    def scorecards_of_year(self, year):
        """The report's ``scorecards`` part (``scorecards.year_summary``)."""
        docs, _ = self.store.find_scorecards({"year": year}, 0, 0)
        return scorecards.year_summary([self._scorecard_view(d) for d in docs])

    # ------------------------------------------------------------ surveys

    def _survey(self, survey_id):
        doc = self.store.get_survey(survey_id)
        if doc is None:
            raise NotFound("No survey with id %s." % survey_id)
        return doc

    @command
    def create_survey(self, body, actor=None):
        """Create an evaluation survey (``SurveyIn``); ``SurveyOut``. InvalidInput naming
        each bad field (``questions.1.choices``)."""
        domain.require_officer(actor, "create a survey")
        doc = self.store.insert_survey(surveys.new_survey(load(SurveyIn, body), actor))
        return dump(SurveyOut, surveys.view(doc))

    @rpc
    def list_surveys(self, page=1, per_page=50, actor=None):
        """A page of surveys, newest first, each with its count of responses."""
        domain.require_officer(actor, "read surveys")
        page, per_page, skip = page_args(page, per_page)
        docs, total = self.store.find_surveys({}, skip, per_page)
        items = [surveys.view(d, self.store.count_responses(d["_id"])) for d in docs]
        return dump_page(SurveyOut, page_of(items, page, per_page, total))

    @command
    def add_response(self, survey_id, body, actor=None):
        """Record one response (``ResponseIn``); ``ResponseOut``. NotFound for an unknown
        survey; InvalidInput naming each bad answer (``answers.<question>``)."""
        domain.require_officer(actor, "record a survey response")
        survey = self._survey(survey_id)
        answers = surveys.checked_answers(survey, load(ResponseIn, body)["answers"])
        doc = surveys.new_response(survey, answers)
        self.store.add_responses([doc])
        return dump(ResponseOut, doc)

    @rpc
    def survey_summary(self, survey_id, actor=None):
        """Per question: mean rating and distribution, choice counts, text answers
        (``SurveySummaryOut``). NotFound for an unknown survey."""
        domain.require_officer(actor, "read surveys")
        survey = self._survey(survey_id)
        return dump(SurveySummaryOut, surveys.summary(survey,
                                                      self.store.responses_of(survey_id)))

    @command
    def import_survey(self, form_base64, data_base64, programme_code, actor=None):
        """Import an XLSForm (``form_base64``) and its KoBoToolbox XLSX export
        (``data_base64``) for ``programme_code``: the survey is the one of the form's
        ``form_id`` (created on the first import) and each submission is added once
        by its ``_uuid``. ``SurveyImportOut``. InvalidInput naming the sheet and
        column (``form.survey``, ``data._uuid``) before anything is stored."""
        domain.require_officer(actor, "import a survey")
        if not (programme_code or "").strip():
            raise InvalidInput("Name the programme the survey evaluates.",
                               {"programme_code": ["is required"]})
        form = xlsform.read_form(_bytes(form_base64, "form"))
        submissions = xlsform.read_export(_bytes(data_base64, "data"), form)
        survey = self.store.survey_of_form(form["form_id"])
        if survey is None:
            survey = surveys.new_survey(
                {"title": form["title"] or form["form_id"],
                 "programme_code": programme_code.strip(), "questions": form["questions"]},
                actor, form_id=form["form_id"])
        docs = [surveys.new_response(survey, surveys.checked_answers(
                    survey, s["answers"], prefix="data."), s["submitted_at"], s["uuid"])
                for s in submissions if s["answers"]]
        if self.store.get_survey(survey["_id"]) is None:
            self.store.insert_survey(survey)
        added = self.store.add_responses(docs)
        return dump(SurveyImportOut, {
            "survey": surveys.view(survey, self.store.count_responses(survey["_id"])),
            "added": added, "already_there": len(docs) - added,
            "skipped_columns": form["skipped"]})

    def surveys_of_year(self, year):
        """The report's ``surveys`` part: surveys answered in ``year``, with that year's
        responses only (``surveys.year_summary``)."""
        since, until = year_bounds(year)
        pairs = [(self.store.get_survey(sid), self.store.responses_of(sid, since, until))
                 for sid in self.store.surveys_answered_between(since, until)]
        return surveys.year_summary([(s, r) for s, r in pairs if s])
