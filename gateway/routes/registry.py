"""The registry over HTTP (CONTRACT.md "Registry"; docs/registry-data.md).

Every route is for officers (and admins). Each read or change of a
resident's personal data writes an audit entry per resident it shows or
touches; an import writes one entry naming the file.
"""
import base64

from werkzeug.exceptions import RequestEntityTooLarge

from services.registry.schemas import (DeactivateIn, HistoryEntryOut, HouseholdIn, HouseholdOut,
                                       HouseholdPatch, ImportResultOut, ResidentFields,
                                       ResidentOut, ResidentPatch, SearchQuery)
from services.shared.errors import InvalidInput

from gateway import limits
from gateway.errors import PayloadTooLarge
from gateway.http import route

TAGS = ["registry"]
CSV_TYPES = ("text/csv", "application/csv", "text/plain")
XLSX_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              "application/vnd.ms-excel.sheet.macroEnabled.12", "application/octet-stream")
MAX_IMPORT_BYTES = limits.MAX_UPLOAD_BYTES
SEARCH_ARGS = ("q", "rt", "rw", "status", "flagged", "kk_number")


def upload(request):
    """``(filename, bytes)`` of an import: a raw CSV/xlsx body or a multipart ``file``.

    Refused by ``Content-Length`` before reading (413); a body without a length
    is read no further than the limit (``limits``); a multipart form is parsed
    by werkzeug as a stream, its file spooled to disk past 500 KB.
    """
    limits.refuse_oversized(request, MAX_IMPORT_BYTES)
    mimetype = request.mimetype or ""
    if mimetype == "multipart/form-data":
        try:
            stored = request.files.get("file") or next(iter(request.files.values()), None)
        except RequestEntityTooLarge:
            raise PayloadTooLarge("The file is too large.",
                                  {"file": ["must be at most 20 MB"]}) from None
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
    return request.args.get("filename") or default, limits.read_body(request, MAX_IMPORT_BYTES)


class RegistryRoutes:
    def _audit_all(self, principal, request, action, residents):
        self.audit_many(principal, [(action, r["nik"]) for r in residents], request)

    @route("POST", "/api/v1/households", role="officer", body=HouseholdIn,
           response=HouseholdOut, status=201, tags=TAGS,
           summary="Register a family (KK) with its members",
           description="A member without `nik` gets a flagged temporary number. 409 names "
                       "the record that already holds the KK number or a NIK.")
    def register_household(self, request, principal):
        household = self.call(self.registry.register_household, self.body(request),
                              principal.actor)
        self._audit_all(principal, request, "register_resident", household["members"])
        return household

    @route("GET", "/api/v1/households", role="officer", response=HouseholdOut, many=True,
           tags=TAGS, summary="Households by kk_number, rt, rw, status")
    def search_households(self, request, principal):
        page, per_page = self.page_args(request)
        args = {k: request.args.get(k) or None for k in ("kk_number", "rt", "rw", "status")}
        return self.call(self.registry.search_households, args["kk_number"], args["rt"],
                         args["rw"], args["status"], page, per_page)

    @route("GET", "/api/v1/households/<household_id>", role="officer", response=HouseholdOut,
           tags=TAGS, summary="A household with its members")
    def get_household(self, request, principal, household_id):
        household = self.call(self.registry.get_household, household_id)
        self._audit_all(principal, request, "read_resident", household["members"])
        return household

    @route("PATCH", "/api/v1/households/<household_id>", role="officer", body=HouseholdPatch,
           response=HouseholdOut, tags=TAGS, summary="Change a household (with a reason)")
    def update_household(self, request, principal, household_id):
        body = self.body(request)
        reason = body.pop("reason", None)
        household = self.call(self.registry.update_household, household_id, body, reason,
                              principal.actor)
        self._audit_all(principal, request, "update_household", household["members"])
        return household

    @route("POST", "/api/v1/households/<household_id>/members", role="officer",
           body=ResidentFields, response=ResidentOut, status=201, tags=TAGS,
           summary="Add a member to a household")
    def add_member(self, request, principal, household_id):
        resident = self.call(self.registry.add_member, household_id, self.body(request),
                             principal.actor)
        self.audit(principal, "register_resident", resident["nik"], request)
        return resident

    @route("GET", "/api/v1/residents", role="officer", query=SearchQuery, response=ResidentOut,
           many=True, tags=TAGS, summary="Search residents",
           description="`q`: part of the name, or the start of a NIK or KK number; "
                       "`flagged=true`: records with data-quality flags to verify.")
    def search_residents(self, request, principal):
        page, per_page = self.page_args(request)
        args = {k: request.args.get(k) or None for k in SEARCH_ARGS}
        answer = self.call(self.registry.search_residents, args["q"], args["rt"], args["rw"],
                           args["status"], args["flagged"], page, per_page, args["kk_number"])
        self._audit_all(principal, request, "search_residents", answer["items"])
        return answer

    @route("GET", "/api/v1/residents/<nik>", role="officer", response=ResidentOut, tags=TAGS,
           summary="A resident by NIK (or temporary number)")
    def get_resident(self, request, principal, nik):
        resident = self.call(self.registry.get_resident, nik)
        self.audit(principal, "read_resident", nik, request)
        return resident

    @route("PATCH", "/api/v1/residents/<nik>", role="officer", body=ResidentPatch,
           response=ResidentOut, tags=TAGS, summary="Change a resident (with a reason)")
    def update_resident(self, request, principal, nik):
        body = self.body(request)
        reason = body.pop("reason", None)
        resident = self.call(self.registry.update_resident, nik, body, reason, principal.actor)
        self.audit(principal, "update_resident", nik, request)
        if resident["nik"] != nik:
            self.audit(principal, "update_resident", resident["nik"], request)
        return resident

    @route("POST", "/api/v1/residents/<nik>/deactivate", role="officer", body=DeactivateIn,
           response=ResidentOut, tags=TAGS,
           summary="Deactivate a resident (moved_out, deceased, duplicate, other)")
    def deactivate_resident(self, request, principal, nik):
        body = self.body(request)
        unknown = sorted(set(body) - {"reason", "note"})
        if unknown:
            raise InvalidInput("Unknown fields.", {k: ["Unknown field."] for k in unknown})
        resident = self.call(self.registry.deactivate_resident, nik, body.get("reason"),
                             body.get("note"), principal.actor)
        self.audit(principal, "deactivate_resident", nik, request)
        return resident

    @route("GET", "/api/v1/residents/<nik>/history", role="officer", response=HistoryEntryOut,
           many=True, tags=TAGS, summary="Who changed what, when and why")
    def resident_history(self, request, principal, nik):
        page, per_page = self.page_args(request)
        answer = self.call(self.registry.resident_history, nik, page, per_page)
        self.audit(principal, "read_resident_history", nik, request)
        return answer

    @route("POST", "/api/v1/imports/registry", role="officer", response=ImportResultOut,
           tags=TAGS, content_types=["text/csv", XLSX_TYPES[0], XLSX_TYPES[1],
                                     "multipart/form-data"],
           summary="Import residents from a CSV or an OpenSID spreadsheet",
           description="Body: the CSV of docs/registry-data.md (`text/csv`), OpenSID's "
                       "resident spreadsheet (an .xlsx/.xlsm media type), or a multipart "
                       "form with `file`. Answers counts and per-row errors "
                       "`{row, field, rule}`; importing a file again adds nothing.")
    def import_registry(self, request, principal):
        filename, content = upload(request)
        result = self.call(self.registry.import_registry, filename,
                           base64.b64encode(content).decode("ascii"), principal.actor,
                           deadline=self.settings.import_deadline)
        self.audit(principal, "import_registry", "file:%s" % filename, request)
        return result
