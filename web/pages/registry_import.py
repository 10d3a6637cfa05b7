"""Console: importing a registry file with progress, and the records to verify.

An import is the registry's import job (docs/registry-data.md "Import jobs"):
the officer's file is uploaded once, whole, to ``POST imports/registry/jobs``,
and the job's page polls ``GET imports/registry/jobs/<id>`` to show how many
rows are done and, at the end, the counts and the refused rows in a table
(also as CSV). The records to verify are the registry's data-quality flags
(``GET residents?flagged=true``) and the corrections that resolved
data-correction complaints ask for (``GET corrections``), confirmed or
rejected here.
"""
import csv
import io

from werkzeug.wrappers import Response

from services.registry.contract import IMPORT_JOB_MAX_BYTES

from web import forms
from web.api import ApiError, CLIENT_HEADER, together
from web.pages import page

PER_PAGE = 50
ERRORS_SHOWN = 500
MAX_BYTES = IMPORT_JOB_MAX_BYTES
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JOBS = "imports/registry/jobs"


@page("/konsol/warga/impor", methods=("GET", "POST"), login="officer")
def registry_import(ctx):
    """GET: the upload form. POST (multipart ``file``): upload it as an import job, 303
    to its page; 400 when no file, one too large or of another type was sent, or
    the registry refused it; 409 (the form, naming it) while another import runs."""
    errors, status = {}, 200
    if ctx.request.method == "POST":
        upload = ctx.request.files.get("file")
        content = upload.read(MAX_BYTES + 1) if upload else b""
        if not upload or not upload.filename or not content:
            errors["file"] = ["imports.errors.missing"]
        elif len(content) > MAX_BYTES:
            errors["file"] = ["imports.errors.too_large"]
        elif not upload.filename.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            errors["file"] = ["imports.errors.type"]
        if not errors:
            filename = upload.filename.replace("\\", "/").rsplit("/", 1)[-1]
            try:
                job = _start(ctx, filename, content)
                return ctx.redirect("registry_import_job", job_id=job["id"])
            except ApiError as exc:
                if exc.status not in (400, 409, 413, 422):
                    raise
                status = exc.status  # 409: another import job is open; the API names it
                said = [s for messages in forms.api_errors(exc, ctx.t).values()
                        for s in messages] if exc.status == 400 else []
                errors["file"] = said[:1] or [forms.problem_sentence(exc, ctx.t)]
        if errors and status == 200:
            status = 400
    return ctx.render("console/import_form.html", status=status, errors=errors)


def _start(ctx, filename, content):
    api = ctx.officer_api
    api.headers.pop(CLIENT_HEADER, None)  # the signed address expires in a minute; not needed
    kind = XLSX_TYPE if filename.lower().endswith((".xlsx", ".xlsm")) else "text/csv"
    return api.post(JOBS, data=content, params={"filename": filename},
                    headers={"Content-Type": kind}, timeout=ctx.settings.import_timeout)


def _job(ctx, job_id):
    """The registry's job, or None when it knows no such job."""
    try:
        return ctx.officer_api.get("%s/%s" % (JOBS, job_id))
    except ApiError as exc:
        if exc.status in (400, 404):
            return None
        raise


@page("/konsol/warga/impor/<job_id>", login="officer")
def registry_import_job(ctx, job_id):
    """An import's progress (the page polls while it is queued or running); when done
    its counts and the refused rows (the first 500; the CSV has every row the job
    keeps). 404 for a job the registry does not know."""
    job = _job(ctx, job_id)
    if job is None:
        return ctx.render("console/error.html", status=404, message_key="imports.gone")
    problem = None
    if job["state"] == "failed":
        failure = job.get("failure") or {}
        problem = [words for messages in (failure.get("errors") or {}).values()
                   for words in (forms.words_for_rule(m, ctx.t) for m in messages)] or [
            forms.words_for_rule(failure.get("detail") or "", ctx.t) or ctx.t("imports.failed")]
    errors = job.get("errors") or []
    return ctx.render("console/import_job.html", job=job, problem=problem,
                      errors=[_worded(ctx, e) for e in errors[:ERRORS_SHOWN]],
                      errors_total=job["errors_total"], errors_kept=len(errors))


def _worded(ctx, error):
    field = error.get("field") or ""
    return dict(error, label=forms.field_label(field, ctx.t),
                said=forms.words_for_rule(error.get("rule") or "", ctx.t))


@page("/konsol/warga/impor/<job_id>/kesalahan.csv", login="officer")
def registry_import_errors(ctx, job_id):
    """The refused rows of a finished import (the first 1,000 the job keeps) as CSV:
    ``row,field,rule`` (the API's words) and ``keterangan`` (in the console's language)."""
    job = _job(ctx, job_id)
    if job is None or job["state"] != "done":
        return ctx.render("console/error.html", status=404, message_key="imports.gone")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["row", "field", "rule", ctx.t("imports.csv_words")])
    for error in job.get("errors") or []:
        writer.writerow([error.get("row"), error.get("field"), error.get("rule"),
                         _worded(ctx, error)["said"]])
    name = "kesalahan-impor-%s.csv" % job["filename"].rsplit(".", 1)[0]
    return Response(out.getvalue().encode("utf-8-sig"), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=\"%s\"" % name.replace('"', "")})


@page("/konsol/warga/periksa", login="officer")
def to_verify(ctx):
    """Residents with data-quality flags (NIK and birth date or sex disagreeing, a
    temporary number), 50 a page, and the corrections waiting for a decision."""
    try:
        page_no = max(1, int(ctx.request.args.get("page", 1)))
    except ValueError:
        page_no = 1
    notice = {"dikonfirmasi": "verify.confirmed", "ditolak": "verify.rejected"}
    shown = next((ctx.t(key) for arg, key in notice.items() if ctx.request.args.get(arg)), None)
    return ctx.render("console/verify.html", notice=shown, errors={},
                      **_verify_values(ctx, page_no))


def _verify_values(ctx, page_no):
    api = ctx.officer_api
    flagged, corrections = together(
        lambda: api.get("residents", {"flagged": "true", "page": page_no, "per_page": PER_PAGE}),
        lambda: api.get("corrections", {"status": "pending", "per_page": 100}))
    return {"flagged": flagged, "corrections": corrections["items"],
            "corrections_total": corrections["total"], "page_no": page_no,
            "pages": (flagged["total"] + PER_PAGE - 1) // PER_PAGE}


@page("/konsol/koreksi/<correction_id>", methods=("POST",), login="officer")
def correction_decide(ctx, correction_id):
    """Confirm (``action=confirm``, optional ``note``) or reject (``action=reject`` with a
    ``reason``) a requested correction; 303 back to the list, or the list (400) with the
    refusal next to that correction."""
    action = ctx.form.get("action")
    problem = "errors.invalid_field"
    try:
        if action == "confirm":
            note = ctx.form.get("note", "").strip()
            ctx.officer_api.post("corrections/%s/confirm" % correction_id,
                                 {"note": note} if note else {})
            return ctx.redirect("to_verify", dikonfirmasi="1")
        if action == "reject":
            reason = ctx.form.get("reason", "").strip()
            if reason:
                ctx.officer_api.post("corrections/%s/reject" % correction_id,
                                     {"reason": reason})
                return ctx.redirect("to_verify", ditolak="1")
            problem = "verify.errors.reason"
    except ApiError as exc:
        if exc.status not in (400, 409, 422):
            raise
        problem = forms.problem_sentence(exc, ctx.t)
    return ctx.render("console/verify.html", status=400, notice=None,
                      errors={"correction-%s" % correction_id: [problem]},
                      **_verify_values(ctx, 1))
