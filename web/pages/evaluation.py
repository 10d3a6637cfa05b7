"""Console: participatory evaluation under Pemantauan (docs/monitoring.md):
community scorecards (list by year, form for a new one) and evaluation surveys
(list, summary per question, the XLSForm/KoBoToolbox import). Officers and admins.

A form has a fixed number of criterion, action and question rows; blank rows
are left out, so an officer fills as many as the meeting agreed.
"""
import datetime
from urllib.parse import quote

from urllib3 import encode_multipart_formdata

from web import forms
from web.api import ApiError
from web.pages import page

CRITERIA_ROWS = 6
ACTION_ROWS = 4
QUESTION_ROWS = 6
QUESTION_KINDS = ("rating", "choice", "text")
MAX_UPLOAD = 5 * 1024 * 1024


def _now_wib():
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)


def semesters():
    """The current semester and the three before it (``2026-2``, ``2026-1``, ...)."""
    now = _now_wib()
    year, half = now.year, 1 if now.month <= 6 else 2
    out = []
    for _ in range(4):
        out.append("%d-%d" % (year, half))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return out


def _row_id(path):
    """API field path -> form field id: ``criteria.0.community_score`` ->
    ``c0-community_score``, ``action_plan.1.due_on`` -> ``a1-due_on``,
    ``questions.2.choices`` -> ``q2-choices``."""
    head, _, rest = path.partition(".")
    index, _, name = rest.partition(".")
    prefix = {"criteria": "c", "action_plan": "a", "questions": "q"}.get(head)
    if prefix and index.isdigit():
        return "%s%s-%s" % (prefix, index, name or head)
    return path.rpartition(".")[2]


def _rows(form, prefix, count, names):
    """The filled rows (``[(row number, {name: text})]``) of a repeated part of a form."""
    out = []
    for i in range(count):
        row = {n: form.get("%s%d-%s" % (prefix, i, n), "").strip() for n in names}
        if any(row.values()):
            out.append((i, row))
    return out


def _number(text):
    return int(text) if text.lstrip("-").isdigit() else text


def scorecard_body(form):
    """The ``POST scorecards`` body of the scorecard form, and ``{row index in the
    body: row index in the form}`` for criteria and actions (blank rows dropped)."""
    criteria = _rows(form, "c", CRITERIA_ROWS, ("criterion", "community_score",
                                                 "provider_score", "note"))
    actions = _rows(form, "a", ACTION_ROWS, ("action", "owner", "due_on"))
    body = {"rw": form.get("rw", "").strip() or None, "semester": form.get("semester", ""),
            "service": form.get("service", "").strip(),
            "criteria": [dict(row, community_score=_number(row["community_score"]),
                              provider_score=_number(row["provider_score"]),
                              note=row["note"] or None) for _, row in criteria],
            "action_plan": [row for _, row in actions]}
    return body, {"criteria": [i for i, _ in criteria], "action_plan": [i for i, _ in actions]}


def _renumber(errors, rows):
    """API errors of body rows renumbered to the form's rows."""
    out = {}
    for path, rules in errors.items():
        head, _, rest = path.partition(".")
        index, _, name = rest.partition(".")
        if head in rows and index.isdigit() and int(index) < len(rows[head]):
            path = "%s.%d.%s" % (head, rows[head][int(index)], name)
        out[path] = rules
    return out


def _scorecards_page(ctx, form=None, errors=None, status=200, notice=None):
    year = ctx.request.args.get("tahun", "")
    year = int(year) if year.isdigit() else _now_wib().year
    listed = ctx.officer_api.get("scorecards", {"year": year, "per_page": 100})["items"]
    return ctx.render("console/scorecards.html", status=status, items=listed, year=year,
                      form=form or {}, errors=errors or {},
                      semester_options=[(s, s) for s in semesters()],
                      criteria_rows=range(CRITERIA_ROWS), action_rows=range(ACTION_ROWS),
                      notice=notice)


@page("/konsol/pemantauan/kartu-penilaian", methods=("GET", "POST"), login="officer")
def scorecards(ctx):
    """GET: the year's scorecards (``?tahun=``) with the change per criterion, and the
    form for a new one. POST: record it (``POST scorecards``), then 303 back; 400
    with the rows to correct, 409 when the semester has a scorecard already."""
    if ctx.request.method == "GET":
        notice = ctx.t("evaluation.saved") if ctx.request.args.get("selesai") else None
        return _scorecards_page(ctx, notice=notice)
    body, rows = scorecard_body(ctx.form)
    try:
        made = ctx.officer_api.post("scorecards", body)
    except ApiError as exc:
        if exc.status == 409:
            return _scorecards_page(ctx, ctx.form, {"semester": ["evaluation.duplicate"]}, 409)
        if exc.status != 400:
            raise
        exc.problem["errors"] = _renumber(exc.errors, rows)
        return _scorecards_page(ctx, ctx.form, forms.api_errors(exc, ctx.t, _row_id), 400)
    return ctx.redirect_to(ctx.url_for("scorecards") + "?tahun=%s&selesai=1"
                           % made["semester"][:4])


def survey_body(form):
    """The ``POST surveys`` body of the survey form (choices one per line,
    ``name=label`` or a label whose name is made from it), and the row map."""
    questions = _rows(form, "q", QUESTION_ROWS, ("label", "kind", "choices"))
    out = []
    for i, row in questions:
        choices = []
        for line in row["choices"].splitlines():
            name, sep, label = line.partition("=")
            if line.strip():
                label = label.strip() if sep else name.strip()
                choices.append({"name": "_".join(name.strip().lower().split()) or label,
                                "label": label})
        out.append({"name": "q%d" % (i + 1), "label": row["label"], "kind": row["kind"],
                    "choices": choices})
    body = {"title": form.get("title", "").strip(),
            "programme_code": form.get("programme_code", "").strip(), "questions": out}
    return body, {"questions": [i for i, _ in questions]}


def _surveys_page(ctx, form=None, errors=None, status=200, notice=None, imported=None):
    listed = ctx.officer_api.get("surveys", {"per_page": 100})["items"]
    return ctx.render("console/surveys.html", status=status, items=listed, form=form or {},
                      errors=errors or {}, question_rows=range(QUESTION_ROWS),
                      kinds=[(k, ctx.t("evaluation.kinds." + k)) for k in QUESTION_KINDS],
                      notice=notice, imported=imported)


@page("/konsol/pemantauan/survei", methods=("GET", "POST"), login="officer")
def surveys(ctx):
    """GET: the surveys with their responses, the form for a new one and the import
    form. POST: create it (``POST surveys``), then 303 to its summary; 400 with the
    rows to correct."""
    if ctx.request.method == "GET":
        return _surveys_page(ctx)
    body, rows = survey_body(ctx.form)
    try:
        made = ctx.officer_api.post("surveys", body)
    except ApiError as exc:
        if exc.status != 400:
            raise
        exc.problem["errors"] = _renumber(exc.errors, rows)
        return _surveys_page(ctx, ctx.form, forms.api_errors(exc, ctx.t, _row_id), 400)
    return ctx.redirect("survey_summary", survey_id=made["id"])


@page("/konsol/pemantauan/survei/impor", methods=("POST",), login="officer")
def survey_import(ctx):
    """POST (multipart ``form``, ``data``, ``programme_code``): import an XLSForm and
    its KoBoToolbox export (``POST surveys/import``); the survey list with what was
    added, or 400 naming the file, sheet and column to correct."""
    errors, parts = {}, {}
    for name in ("form", "data"):
        upload = ctx.request.files.get(name)
        content = upload.read(MAX_UPLOAD + 1) if upload else b""
        if not content:
            errors[name] = ["evaluation.errors.missing_file"]
        elif len(content) > MAX_UPLOAD:
            errors[name] = ["evaluation.errors.too_large"]
        else:
            parts[name] = (upload.filename or name + ".xlsx", content,
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    programme = ctx.form.get("programme_code", "").strip()
    if not programme:
        errors["programme_code"] = ["evaluation.errors.programme"]
    if errors:
        return _surveys_page(ctx, ctx.form, errors, 400)
    body, content_type = encode_multipart_formdata(dict(parts, programme_code=programme))
    try:
        done = ctx.officer_api.post("surveys/import", data=body,
                                    headers={"Content-Type": content_type}, timeout=120)
    except ApiError as exc:
        if exc.status not in (400, 413):
            raise
        said = {path: ["%s: %s" % (path, "; ".join(map(str, rules)))]
                for path, rules in (exc.errors or {}).items()}
        return _surveys_page(ctx, ctx.form, {"import": [s for v in said.values() for s in v]
                                             or [forms.problem_sentence(exc, ctx.t)]}, 400)
    return _surveys_page(ctx, imported=done)


@page("/konsol/pemantauan/survei/<survey_id>", login="officer")
def survey_summary(ctx, survey_id):
    """One survey's summary per question (``GET surveys/{id}/summary``); 404 when unknown."""
    summary = ctx.officer_api.get("surveys/%s/summary" % quote(survey_id, safe=""))
    return ctx.render("console/survey.html", summary=summary)
