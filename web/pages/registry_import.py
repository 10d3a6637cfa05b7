"""Console: importing a registry file with progress, and the records to verify.

An import is a background job of the web process (web/jobs.py): the file is
sent in pieces of whole families (web/imports.py), and the job's page shows
how far it is and, at the end, the counts and every refused row in a table
(also as CSV). The records to verify are the registry's data-quality flags
(``GET residents?flagged=true``) and the corrections that resolved
data-correction complaints ask for (``GET corrections``), confirmed or
rejected here.
"""
import csv
import io

from werkzeug.wrappers import Response

from web import forms, imports
from web.api import ApiError, CLIENT_HEADER, together
from web.jobs import FAILED
from web.pages import page

PER_PAGE = 50
ERRORS_SHOWN = 500


@page("/konsol/warga/impor", methods=("GET", "POST"), login="officer")
def registry_import(ctx):
    """GET: the upload form. POST (multipart ``file``): start the import, 303 to its
    page; 400 when no file or one too large was sent."""
    errors = {}
    if ctx.request.method == "POST":
        upload = ctx.request.files.get("file")
        content = upload.read(imports.MAX_BYTES + 1) if upload else b""
        if not upload or not upload.filename or not content:
            errors["file"] = ["imports.errors.missing"]
        elif len(content) > imports.MAX_BYTES:
            errors["file"] = ["imports.errors.too_large"]
        elif not upload.filename.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            errors["file"] = ["imports.errors.type"]
        if not errors:
            filename = upload.filename.replace("\\", "/").rsplit("/", 1)[-1]
            job = _start(ctx, filename, content)
            return ctx.redirect("registry_import_job", job_id=job.id)
    return ctx.render("console/import_form.html", status=400 if errors else 200, errors=errors)


def _start(ctx, filename, content):
    api = ctx.officer_api
    api.headers.pop(CLIENT_HEADER, None)  # the signed address expires in a minute; not needed
    timeout = ctx.settings.import_timeout

    def work(job):
        pieces = imports.split(filename, content)
        return imports.run(api, filename, pieces, job, timeout)
    return ctx.app.jobs.start(ctx.account["id"], "import", filename, work)


def _job(ctx, job_id):
    job = ctx.app.jobs.get(job_id, ctx.account["id"])
    if job is None or job.kind != "import":
        return None
    return job


@page("/konsol/warga/impor/<job_id>", login="officer")
def registry_import_job(ctx, job_id):
    """An import's progress; when done its counts and the refused rows (the first 500;
    all of them in the CSV). 404 for a job of another account or of an earlier start."""
    job = _job(ctx, job_id)
    if job is None:
        return ctx.render("console/error.html", status=404, message_key="imports.gone")
    problem = None
    if job.state == FAILED:
        error = job.error
        if isinstance(error, ApiError) and error.status in (400, 422):
            problem = [s for messages in forms.api_errors(error, ctx.t).values()
                       for s in messages] or [forms.problem_sentence(error, ctx.t)]
        elif isinstance(error, ApiError) and error.status == 401:
            problem = [ctx.t("imports.expired")]
        else:
            problem = [ctx.t("imports.failed")]
    errors = (job.result or {}).get("errors", [])
    return ctx.render("console/import_job.html", job=job, problem=problem,
                      errors=[_worded(ctx, e) for e in errors[:ERRORS_SHOWN]],
                      errors_total=len(errors))


def _worded(ctx, error):
    field = error.get("field") or ""
    return dict(error, label=forms.field_label(field, ctx.t),
                said=forms.words_for_rule(error.get("rule") or "", ctx.t))


@page("/konsol/warga/impor/<job_id>/kesalahan.csv", login="officer")
def registry_import_errors(ctx, job_id):
    """Every refused row of a finished import as CSV: ``row,field,rule`` (the API's
    words) and ``keterangan`` (in the language of the console)."""
    job = _job(ctx, job_id)
    if job is None or not job.result:
        return ctx.render("console/error.html", status=404, message_key="imports.gone")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["row", "field", "rule", ctx.t("imports.csv_words")])
    for error in job.result.get("errors", []):
        writer.writerow([error.get("row"), error.get("field"), error.get("rule"),
                         _worded(ctx, error)["said"]])
    name = "kesalahan-impor-%s.csv" % job.subject.rsplit(".", 1)[0]
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
