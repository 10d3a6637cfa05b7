"""Evaluation surveys as plain functions: the stored survey, a response checked
against its questions, and the summary per question (issue 14 "Participatory
evaluation"; docs/monitoring.md "Surveys").

Question kinds: ``rating`` (an integer 1-5), ``choice`` (one of the question's
``choices`` by ``name``) and ``text``. An unanswered question is left out of a
response; a response answering no question is refused.
"""
import time
import uuid
from collections import Counter

from services.shared import clock
from services.shared.caller import actor_record
from services.shared.errors import InvalidInput

RATINGS = (1, 2, 3, 4, 5)


def new_survey(data, actor, form_id=None):
    """The document of a survey loaded by ``SurveyIn`` (``form_id``: an XLSForm's)."""
    return {"_id": "srv_%s" % uuid.uuid4().hex[:16], "title": data["title"],
            "programme_code": data["programme_code"], "form_id": form_id,
            "questions": [dict(q, choices=q.get("choices") or []) for q in data["questions"]],
            "recorded_at": clock.now_iso(), "recorded_by": actor_record(actor)}


def answer_error(question, value):
    """Why ``value`` cannot answer ``question``, or None when it can."""
    kind = question["kind"]
    if kind == "rating":
        if isinstance(value, bool) or not isinstance(value, int) or value not in RATINGS:
            return "must be a rating from 1 to 5"
    elif kind == "choice":
        names = [c["name"] for c in question["choices"]]
        if value not in names:
            return "must be one of: %s" % ", ".join(names)
    elif not isinstance(value, str) or len(value) > 2000:
        return "must be a text of at most 2000 characters"
    return None


def checked_answers(survey, answers, prefix="answers."):
    """``answers`` (``{question name: value}``, blanks dropped) once every value fits
    its question; InvalidInput naming each bad one (``answers.<name>``) otherwise."""
    questions = {q["name"]: q for q in survey["questions"]}
    kept, errors = {}, {}
    for name, value in answers.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if name not in questions:
            errors[prefix + name] = ["is not a question of this survey"]
            continue
        if isinstance(value, str):
            value = value.strip()
        problem = answer_error(questions[name], value)
        if problem:
            errors[prefix + name] = [problem]
        else:
            kept[name] = value
    if errors:
        raise InvalidInput("Some answers do not fit their questions.", errors)
    if not kept:
        raise InvalidInput("The response answers no question.",
                           {"answers": ["must answer at least one question"]})
    return kept


def new_response(survey, answers, submitted_at=None, source_uuid=None):
    """A response document; with ``source_uuid`` (a KoBoToolbox ``_uuid``) its id is
    derived from it, so importing the same submission again finds it stored."""
    # a time-ordered id: responses given in the same millisecond keep their order
    rid = ("%s:%s" % (survey["_id"], source_uuid) if source_uuid
           else "rsp_%016x%s" % (time.time_ns(), uuid.uuid4().hex[:6]))
    return {"_id": rid, "survey_id": survey["_id"], "answers": answers,
            "submitted_at": submitted_at or clock.now_iso(), "source_uuid": source_uuid}


def view(doc, responses=0):
    """A stored survey as ``SurveyOut``."""
    return dict(doc, id=doc["_id"], responses=responses)


def summary(survey, responses):
    """Per question: ``answered``; rating ``mean`` (2 decimals) and ``distribution``
    ``{"1".."5": n}``; choice ``counts`` ``[{name, label, n}]`` in the form's order;
    text ``answers`` in submission order (``SurveySummaryOut``)."""
    ordered = sorted(responses, key=lambda r: (r["submitted_at"], r["_id"]))
    out = []
    for q in survey["questions"]:
        given = [r["answers"][q["name"]] for r in ordered if q["name"] in r["answers"]]
        row = {"name": q["name"], "label": q["label"], "kind": q["kind"],
               "answered": len(given), "mean": None, "distribution": {}, "counts": [],
               "answers": []}
        if q["kind"] == "rating":
            seen = Counter(given)
            row["distribution"] = {str(n): seen.get(n, 0) for n in RATINGS}
            row["mean"] = round(sum(given) / len(given), 2) if given else None
        elif q["kind"] == "choice":
            seen = Counter(given)
            row["counts"] = [{"name": c["name"], "label": c["label"], "n": seen.get(c["name"], 0)}
                             for c in q["choices"]]
        else:
            row["answers"] = given
        out.append(row)
    return {"survey": view(survey, len(responses)), "responses": len(responses),
            "questions": out}


def year_summary(surveys_with_responses):
    """The report's ``surveys``: ``[{title, programme_code, responses, ratings:
    [{name, label, mean}]}]`` of ``[(survey, responses)]``."""
    rows = []
    for survey, responses in surveys_with_responses:
        questions = summary(survey, responses)["questions"]
        rows.append({"title": survey["title"], "programme_code": survey["programme_code"],
                     "responses": len(responses),
                     "ratings": [{"name": q["name"], "label": q["label"], "mean": q["mean"]}
                                 for q in questions if q["kind"] == "rating"]})
    return rows
