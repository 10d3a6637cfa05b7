"""The registry over HTTP (docs/contract.md "Registry"; docs/registry-data.md).

Every route is for officers (and admins). Each read or change of a
resident's personal data writes an audit entry per resident it shows or
touches; an import writes one entry naming the file. The registry's side of
data corrections (asked for by resolved complaints) is here too.
"""
import base64

from werkzeug.exceptions import RequestEntityTooLarge

from services.registry.contract import (IMPORT_JOB_MAX_BYTES, IMPORT_PART_BYTES, ConfirmIn,
                                        CorrectionOut, DeactivateIn, HistoryPage, HouseholdIn,
                                        HouseholdOut, HouseholdPatch, ImportJobOut,
                                        ImportJobPage, ImportResultOut, RejectIn,
                                        ResidentFields, ResidentOut, ResidentPatch, SearchQuery)
from services.shared.contract import Page
from services.shared.errors import InvalidInput

from gateway import limits
from gateway.errors import PayloadTooLarge
from gateway.http import RouteTable

routes = RouteTable()
TAGS = ["registry"]
CSV_TYPES = ("text/csv", "application/csv", "text/plain")
XLSX_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              "application/vnd.ms-excel.sheet.macroEnabled.12", "application/octet-stream")
MAX_IMPORT_BYTES = limits.MAX_UPLOAD_BYTES
IMPORT_TYPES = ["text/csv", XLSX_TYPES[0], XLSX_TYPES[1], "multipart/form-data"]
JOBS_PATH = "/api/v1/imports/registry/jobs"
SEARCH_ARGS = ("q", "rt", "rw", "status", "flagged", "kk_number")


def upload(request, max_bytes=MAX_IMPORT_BYTES):
    """``(filename, bytes)`` of an import: a raw CSV/xlsx body or a multipart ``file``
    of at most ``max_bytes``.

    Refused by ``Content-Length`` before reading (413); a body without a length
    is read no further than the limit (``limits``); a multipart form is parsed
    by werkzeug as a stream, its file spooled to disk past 500 KB.
    """
    limits.refuse_oversized(request, max_bytes)
    mimetype = request.mimetype or ""
    if mimetype == "multipart/form-data":
        try:
            stored = request.files.get("file") or next(iter(request.files.values()), None)
        except RequestEntityTooLarge:
            raise PayloadTooLarge("The file is too large.",
                                  {"file": ["must be at most %d MB" % (max_bytes // 2 ** 20)]}
                                  ) from None
        if stored is None:
            raise InvalidInput("No file in the form.", {"file": ["send the file as 'file'"]})
        return stored.filename or "upload", stored.read()
    if mimetype in CSV_TYPES:
        default = "upload.csv"
    elif mimetype in XLSX_TYPES:
        default = "upload.xlsx"
    else:
        raise InvalidInput("Unsupported Content-Type %r." % mimetype, {"file": [
            "send text/csv, an .xlsx/.xlsm media type, or multipart/form-data with 'file'"]})
    return request.args.get("filename") or default, limits.read_body(request, max_bytes)


def _audit_all(ex, action, residents):
    ex.audit_many([(action, r["nik"]) for r in residents])


@routes.route("POST", "/api/v1/households", role="officer", body=HouseholdIn,
              response=HouseholdOut, status=201, tags=TAGS,
              summary="Register a family (KK) with its members",
              description="A member without `nik` gets a flagged temporary number. 409 names "
                          "the record that already holds the KK number or a NIK.")
def register_household(ex):
    household = ex.call(ex.services.registry.register_household, ex.body(), ex.actor)
    _audit_all(ex, "register_resident", household["members"])
    return household


@routes.route("GET", "/api/v1/households", role="officer", response=Page(HouseholdOut),
              tags=TAGS, summary="Households by kk_number, rt, rw, status")
def search_households(ex):
    page, per_page = ex.page_args()
    args = {k: ex.args.get(k) or None for k in ("kk_number", "rt", "rw", "status")}
    return ex.call(ex.services.registry.search_households, args["kk_number"], args["rt"],
                   args["rw"], args["status"], page, per_page)


@routes.route("GET", "/api/v1/households/<household_id>", role="officer",
              response=HouseholdOut, tags=TAGS, summary="A household with its members")
def get_household(ex, household_id):
    household = ex.call(ex.services.registry.get_household, household_id)
    _audit_all(ex, "read_resident", household["members"])
    return household


@routes.route("PATCH", "/api/v1/households/<household_id>", role="officer", body=HouseholdPatch,
              response=HouseholdOut, tags=TAGS, summary="Change a household (with a reason)")
def update_household(ex, household_id):
    body = ex.body()
    reason = body.pop("reason", None)
    household = ex.call(ex.services.registry.update_household, household_id, body, reason,
                        ex.actor)
    _audit_all(ex, "update_household", household["members"])
    return household


@routes.route("POST", "/api/v1/households/<household_id>/members", role="officer",
              body=ResidentFields, response=ResidentOut, status=201, tags=TAGS,
              summary="Add a member to a household")
def add_member(ex, household_id):
    resident = ex.call(ex.services.registry.add_member, household_id, ex.body(), ex.actor)
    ex.audit("register_resident", resident["nik"])
    return resident


@routes.route("GET", "/api/v1/residents", role="officer", query=SearchQuery,
              response=Page(ResidentOut), tags=TAGS, summary="Search residents",
              description="`q`: the beginnings of words of the name (`sit ami` finds "
                          "Siti Aminah; case and accents aside), or the start of a NIK or "
                          "KK number; "
                          "`flagged=true`: records with data-quality flags to verify.")
def search_residents(ex):
    page, per_page = ex.page_args()
    args = {k: ex.args.get(k) or None for k in SEARCH_ARGS}
    answer = ex.call(ex.services.registry.search_residents, args["q"], args["rt"], args["rw"],
                     args["status"], args["flagged"], page, per_page, args["kk_number"])
    _audit_all(ex, "search_residents", answer["items"])
    return answer


@routes.route("GET", "/api/v1/residents/<nik>", role="officer", response=ResidentOut, tags=TAGS,
              summary="A resident by NIK (or temporary number)")
def get_resident(ex, nik):
    resident = ex.call(ex.services.registry.get_resident, nik)
    ex.audit("read_resident", nik)
    return resident


@routes.route("PATCH", "/api/v1/residents/<nik>", role="officer", body=ResidentPatch,
              response=ResidentOut, tags=TAGS, summary="Change a resident (with a reason)")
def update_resident(ex, nik):
    body = ex.body()
    reason = body.pop("reason", None)
    resident = ex.call(ex.services.registry.update_resident, nik, body, reason, ex.actor)
    ex.audit("update_resident", nik)
    if resident["nik"] != nik:
        ex.audit("update_resident", resident["nik"])
    return resident


@routes.route("POST", "/api/v1/residents/<nik>/deactivate", role="officer", body=DeactivateIn,
              response=ResidentOut, tags=TAGS,
              summary="Deactivate a resident (moved_out, deceased, duplicate, other)")
def deactivate_resident(ex, nik):
    body = ex.body()
    unknown = sorted(set(body) - {"reason", "note"})
    if unknown:
        raise InvalidInput("Unknown fields.", {k: ["Unknown field."] for k in unknown})
    resident = ex.call(ex.services.registry.deactivate_resident, nik, body.get("reason"),
                       body.get("note"), ex.actor)
    ex.audit("deactivate_resident", nik)
    return resident


@routes.route("GET", "/api/v1/residents/<nik>/history", role="officer", response=HistoryPage,
              tags=TAGS, summary="Who changed what, when and why")
def resident_history(ex, nik):
    page, per_page = ex.page_args()
    answer = ex.call(ex.services.registry.resident_history, nik, page, per_page)
    ex.audit("read_resident_history", nik)
    return answer


@routes.route("POST", "/api/v1/imports/registry", role="officer", response=ImportResultOut,
              tags=TAGS, content_types=IMPORT_TYPES,
              summary="Import residents from a CSV or an OpenSID spreadsheet",
              description="Body: the CSV of docs/registry-data.md (`text/csv`), OpenSID's "
                          "resident spreadsheet (an .xlsx/.xlsm media type), or a multipart "
                          "form with `file`. Answers counts and per-row errors "
                          "`{row, field, rule}`; importing a file again adds nothing.")
def import_registry(ex):
    filename, content = upload(ex.request)
    result = ex.call(ex.services.registry.import_registry, filename,
                     base64.b64encode(content).decode("ascii"), ex.actor,
                     deadline=ex.settings.import_deadline)
    ex.audit("import_registry", "file:%s" % filename)
    return result


@routes.route("POST", JOBS_PATH, role="officer", response=ImportJobOut, status=202, tags=TAGS,
              content_types=IMPORT_TYPES, max_body=IMPORT_JOB_MAX_BYTES,
              headers={"Location": "the job's address, to poll"},
              summary="Start an import of a whole registry file as a job",
              description="The body as for `POST /imports/registry`, up to %d MB (a "
                          "50,000-family file). Answers at once with the job (`queued` or "
                          "`running`); poll `Location` until `done` or `failed`. One import "
                          "job runs at a time: 409 names the one that is open."
                          % (IMPORT_JOB_MAX_BYTES // 2 ** 20))
def start_import_job(ex):
    filename, content = upload(ex.request, IMPORT_JOB_MAX_BYTES)
    registry = ex.services.registry
    job = ex.call(registry.start_import_job, filename, len(content), ex.actor)
    # the file travels in parts: each one RPC message well under the broker's limit
    for index in range(job["parts_expected"]):
        part = content[index * IMPORT_PART_BYTES:(index + 1) * IMPORT_PART_BYTES]
        job = ex.call(registry.add_import_part, job["id"], index,
                      base64.b64encode(part).decode("ascii"))
    ex.audit("import_registry", "file:%s" % filename)
    ex.headers["Location"] = "%s/%s" % (JOBS_PATH, job["id"])
    return job


@routes.route("GET", JOBS_PATH, role="officer", response=ImportJobPage, tags=TAGS,
              summary="Recent registry import jobs, newest first (without row errors)")
def list_import_jobs(ex):
    page, per_page = ex.page_args()
    return ex.call(ex.services.registry.list_import_jobs, page, per_page)


@routes.route("GET", JOBS_PATH + "/<job_id>", role="officer", response=ImportJobOut, tags=TAGS,
              summary="An import job: state, percent of rows, counts, errors so far")
def get_import_job(ex, job_id):
    return ex.call(ex.services.registry.get_import_job, job_id)


# ---- data corrections asked for by resolved complaints (services/registry/corrections.py) ----

CORRECTION_TAGS = ["complaints"]


@routes.route("GET", "/api/v1/corrections", role="officer", response=Page(CorrectionOut),
              tags=CORRECTION_TAGS,
              summary="Registry changes asked for by resolved data-correction complaints",
              description="?status=pending (default), confirming, confirmed, rejected, or "
                          "empty for all.")
def list_corrections(ex):
    page, per_page = ex.page_args()
    answer = ex.call(ex.services.registry.list_pending_corrections,
                     ex.args.get("status", "pending"), page, per_page)
    ex.audit_many([("read_correction", item["subject_nik"]) for item in answer["items"]])
    return answer


@routes.route("POST", "/api/v1/corrections/<correction_id>/confirm", role="officer",
              body=ConfirmIn, response=CorrectionOut, tags=CORRECTION_TAGS,
              summary="Apply a requested correction to the registry (with history and events)")
def confirm_correction(ex, correction_id):
    answer = ex.call(ex.services.registry.confirm_correction, correction_id,
                     ex.body() if ex.request.get_data() else {}, ex.actor)
    ex.audit("confirm_correction", answer["subject_nik"])
    return answer


@routes.route("POST", "/api/v1/corrections/<correction_id>/reject", role="officer",
              body=RejectIn, response=CorrectionOut, tags=CORRECTION_TAGS,
              summary="Reject a requested correction with a reason")
def reject_correction(ex, correction_id):
    answer = ex.call(ex.services.registry.reject_correction, correction_id, ex.body(), ex.actor)
    ex.audit("reject_correction", answer["subject_nik"])
    return answer
