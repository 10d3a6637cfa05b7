"""Reading an XLSForm and its KoBoToolbox data export (docs/monitoring.md "Surveys").

The form (https://xlsform.org): sheet ``survey`` (``type``, ``name``, ``label``
or ``label::<language>``; ``begin group``/``end group`` nest names as
``group/name``), sheet ``choices`` (``list_name``, ``name``, ``label``) and
optionally ``settings`` (``form_title``, ``form_id``). KoBoToolbox's XLSX
export: the first sheet, one column per question named by its path (or by its
bare name when exported without groups), and ``_id``, ``_uuid``,
``_submission_time`` (UTC). A form without ``form_id`` is known by its
questions (``fingerprint``). Mapping: ``select_one <list>`` -> ``choice``,
``integer`` and ``range`` (1-5) -> ``rating``, ``text`` -> ``text``; notes,
``start``/``end`` and metadata are skipped, as is any other type (listed in
``skipped``). Every problem is an InvalidInput naming the sheet and column
(``form.survey.type``, ``data._uuid``) and, for a cell, its row.
"""
import datetime
import hashlib
import io
import json
import zipfile

from openpyxl import load_workbook

from services.shared import clock
from services.shared.errors import InvalidInput

#: XLSForm types that carry no answer of the resident's
SKIPPED_TYPES = {"note", "start", "end", "today", "deviceid", "subscriberid", "simserial",
                 "phonenumber", "username", "email", "audit", "calculate", "hidden",
                 "start-geopoint", "background-audio"}
RATING_TYPES = {"integer", "range"}


def _refuse(field, rule):
    raise InvalidInput("The file cannot be imported: %s %s." % (field, rule), {field: [rule]})


def _book(content, which):
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        _refuse(which, "must be an .xlsx workbook")


def _rows(sheet):
    """``(header, [(row number, {column: value})])`` of a sheet; blank rows dropped."""
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    out = []
    for number, values in enumerate(rows, start=2):
        cells = {h: v for h, v in zip(header, values, strict=False) if h and v not in (None, "")}
        if cells:
            out.append((number, cells))
    return header, out


def _label_column(header, sheet):
    for h in header:
        if h == "label" or h.startswith("label::"):
            return h
    _refuse("form.%s.label" % sheet, "is missing (a label or label::<language> column)")


def _require(header, sheet, names):
    for name in names:
        if name not in header:
            _refuse("form.%s.%s" % (sheet, name), "is missing")


def _choices(book):
    if "choices" not in book.sheetnames:
        return {}
    header, rows = _rows(book["choices"])
    _require(header, "choices", ("list_name", "name"))
    label = _label_column(header, "choices")
    lists = {}
    for _number, cells in rows:
        if "list_name" in cells and "name" in cells:
            lists.setdefault(str(cells["list_name"]).strip(), []).append(
                {"name": str(cells["name"]).strip(),
                 "label": str(cells.get(label) or cells["name"]).strip()})
    return lists


def _range_is_1_to_5(cells, number):
    params = dict(part.split("=", 1) for part in str(cells.get("parameters") or "").split()
                  if "=" in part)
    if (params.get("start", "1"), params.get("end", "5"), params.get("step", "1")) != (
            "1", "5", "1"):
        _refuse("form.survey.parameters", "of row %d must be start=1 end=5 (a rating)" % number)


def fingerprint(questions):
    """A form's id when its ``settings`` name none: the same questions give the same id,
    so importing the same form and export again still finds its survey."""
    digest = hashlib.sha256(json.dumps(questions, sort_keys=True).encode("utf-8"))
    return "form-" + digest.hexdigest()[:16]


def read_form(content):
    """The survey an XLSForm defines: ``{"title", "form_id", "questions": [{name (the
    path), label, kind, choices}], "skipped": [paths]}``; InvalidInput naming the
    sheet and column of what is wrong."""
    book = _book(content, "form")
    if "survey" not in book.sheetnames:
        _refuse("form.survey", "sheet is missing (found: %s)" % ", ".join(book.sheetnames))
    header, rows = _rows(book["survey"])
    _require(header, "survey", ("type", "name"))
    label = _label_column(header, "survey")
    lists = _choices(book)
    groups, questions, skipped = [], [], []
    for number, cells in rows:
        kind = " ".join(str(cells.get("type", "")).split())
        name = str(cells.get("name", "")).strip()
        if kind in ("begin group", "begin_group", "begin repeat", "begin_repeat"):
            groups.append(name)
            continue
        if kind in ("end group", "end_group", "end repeat", "end_repeat"):
            if groups:
                groups.pop()
            continue
        if not kind or kind in SKIPPED_TYPES:
            continue
        if not name:
            _refuse("form.survey.name", "is empty on row %d" % number)
        path = "/".join(groups + [name])
        text = str(cells.get(label) or name).strip()
        if kind.startswith("select_one ") or kind.startswith("select_one_"):
            list_name = kind.split(" ", 1)[1].strip() if " " in kind else kind[len("select_one_"):]
            if list_name not in lists:
                _refuse("form.choices.list_name", "has no list %r (row %d of survey)"
                        % (list_name, number))
            questions.append({"name": path, "label": text, "kind": "choice",
                              "choices": lists[list_name]})
        elif kind in RATING_TYPES:
            if kind == "range":
                _range_is_1_to_5(cells, number)
            questions.append({"name": path, "label": text, "kind": "rating", "choices": []})
        elif kind == "text":
            questions.append({"name": path, "label": text, "kind": "text", "choices": []})
        else:
            skipped.append(path)
    if not questions:
        _refuse("form.survey.type", "has no rating, select_one or text question")
    settings = {}
    if "settings" in book.sheetnames:
        _, s_rows = _rows(book["settings"])
        settings = s_rows[0][1] if s_rows else {}
    return {"title": str(settings.get("form_title") or "").strip() or None,
            "form_id": str(settings.get("form_id") or "").strip() or fingerprint(questions),
            "questions": questions, "skipped": skipped}


def _instant(value, number):
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            _refuse("data._submission_time", "of row %d is not a date and time" % number)
    return clock.iso(moment)              # a naive time is UTC, as KoBoToolbox writes it


def _cell(question, value, column, number):
    if question["kind"] == "rating":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or value not in (1, 2, 3, 4, 5):
            _refuse("data.%s" % column, "of row %d must be a rating from 1 to 5" % number)
        return value
    value = str(value).strip()
    if question["kind"] == "choice":
        by_label = {c["label"]: c["name"] for c in question["choices"]}
        names = {c["name"] for c in question["choices"]}
        if value in names:
            return value
        if value in by_label:                  # exported with labels instead of XML values
            return by_label[value]
        _refuse("data.%s" % column, "of row %d is not one of the form's choices" % number)
    return value


def read_export(content, form):
    """The submissions of a data export for ``form`` (``read_form``):
    ``[{"uuid", "submitted_at" (UTC ISO), "answers": {question name: value}}]``;
    InvalidInput naming ``data.<column>`` (and row) of what is wrong."""
    book = _book(content, "data")
    sheet = book[book.sheetnames[0]]
    header, rows = _rows(sheet)
    for needed in ("_uuid", "_submission_time"):
        if needed not in header:
            _refuse("data.%s" % needed, "column is missing from sheet %r" % sheet.title)
    by_path = {q["name"]: q for q in form["questions"]}
    by_name = {q["name"].rsplit("/", 1)[-1]: q for q in form["questions"]}
    columns = {}
    for column in header:
        question = by_path.get(column) or by_name.get(column)
        if question:
            columns[column] = question
    if not columns:
        _refuse("data", "sheet %r has no column named like a question of the form" % sheet.title)
    submissions = []
    for number, cells in rows:
        if "_uuid" not in cells:
            _refuse("data._uuid", "is empty on row %d" % number)
        answers = {columns[c]["name"]: _cell(columns[c], v, c, number)
                   for c, v in cells.items() if c in columns}
        submissions.append({"uuid": str(cells["_uuid"]).strip(),
                            "submitted_at": _instant(cells["_submission_time"], number)
                            if "_submission_time" in cells else None,
                            "answers": answers})
    return submissions
