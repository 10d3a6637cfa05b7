"""Pending registry changes asked for by resolved data-correction complaints.

The complaints service publishes ``correction_requested`` (docs/events.md,
"complaints") when an officer resolves a ``data_correction`` complaint. The
registry never applies it by itself (issue 4: "no silent edits"): it stores a
pending change, and an officer confirms it (applied through the registry's own
``update_resident``/``update_household``, so history and events are the usual
ones) or rejects it with a reason.

Added by the complaints work as a mixin so that ``service.py`` changes by one
import and one base class. Pending change document (``pending_corrections``):
``{_id: correction id, complaint_id, subject_nik, fields, reason, requested_at,
requested_by, status: pending|confirming|confirmed|rejected, decided_at,
decided_by, decision_note}``.
"""
import datetime

from nameko.extensions import DependencyProvider
from pymongo.errors import DuplicateKeyError

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from services.shared.errors import Conflict, InvalidInput, NotFound, flatten_errors
from services.shared.inbox import consumes
from services.shared.mongo import database_for
from services.shared.pagination import page_args, page_of
from services.shared.rpc import rpc

from services.registry import domain, schemas
from services.registry.schemas import load

HOUSEHOLD_FIELDS = ("street", "rt", "rw")
NOTE_MAX = 500
STATUSES = ("pending", "confirming", "confirmed", "rejected")


def _not_blank(value):
    if not value.strip():
        raise ValidationError("must not be blank")


class ConfirmIn(Schema):
    """``POST /corrections/{id}/confirm``: an optional note."""

    class Meta:
        unknown = RAISE

    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=NOTE_MAX))


class RejectIn(Schema):
    """``POST /corrections/{id}/reject``: the reason (required)."""

    class Meta:
        unknown = RAISE

    reason = fields.String(required=True, validate=[
        validate.Length(min=1, max=NOTE_MAX), _not_blank])


class CorrectionOut(Schema):
    id = fields.String()
    complaint_id = fields.String()
    subject_nik = fields.String()
    fields_ = fields.Dict(data_key="fields")
    reason = fields.String()
    requested_at = fields.String()
    status = fields.String()
    decided_at = fields.String(allow_none=True)
    decision_note = fields.String(allow_none=True)


def _load(schema, payload):
    return load(schema, payload if isinstance(payload, dict) else {})


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _iso(value):
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def _view(doc):
    return {"id": doc["_id"], "complaint_id": doc["complaint_id"], "subject_nik": doc["subject_nik"],
            "fields": doc["fields"], "reason": doc["reason"], "requested_at": doc["requested_at"],
            "requested_by": doc.get("requested_by"), "status": doc["status"],
            "decided_at": _iso(doc.get("decided_at")), "decided_by": doc.get("decided_by"),
            "decision_note": doc.get("decision_note")}


class CorrectionRepository:
    """The registry's pending corrections (its own collection)."""

    def __init__(self, db, notify=None):
        self.pending = db["pending_corrections"]

    @classmethod
    def ensure_indexes(cls, db):
        db["pending_corrections"].create_index([("status", 1), ("requested_at", 1)])

    def store_requested(self, event):
        """Store a ``correction_requested`` once (its ``id`` is the key); True if new."""
        c = event["data"]["correction"]
        try:
            self.pending.insert_one({
                "_id": c["id"], "complaint_id": c["complaint_id"], "subject_nik": c["subject_nik"],
                "fields": dict(c["fields"]), "reason": c.get("reason") or "Koreksi data dari pengaduan",
                "requested_at": c.get("requested_at"), "requested_by": c.get("requested_by"),
                "status": "pending", "decided_at": None, "decided_by": None, "decision_note": None})
        except DuplicateKeyError:
            return False
        return True

    def page(self, status, skip, limit):
        query = {"status": status} if status else {}
        docs = self.pending.find(query).sort([("requested_at", 1), ("_id", 1)]).skip(skip).limit(limit)
        return [_view(d) for d in docs], self.pending.count_documents(query)

    def get(self, correction_id):
        doc = self.pending.find_one({"_id": correction_id})
        if doc is None:
            raise NotFound("No pending correction with id %s." % correction_id)
        return doc

    def claim(self, correction_id):
        """pending (or an interrupted confirming) -> confirming; Conflict if decided."""
        doc = self.pending.find_one_and_update(
            {"_id": correction_id, "status": {"$in": ["pending", "confirming"]}},
            {"$set": {"status": "confirming"}})
        if doc is None:
            raise Conflict("Correction %s was already %s." % (correction_id, self.get(correction_id)["status"]))
        return doc

    def release(self, correction_id):
        """confirming -> pending, after the registry refused to apply it."""
        self.pending.update_one({"_id": correction_id, "status": "confirming"},
                                {"$set": {"status": "pending"}})

    def decide(self, correction_id, status, actor, note, only_from):
        result = self.pending.update_one(
            {"_id": correction_id, "status": {"$in": list(only_from)}},
            {"$set": {"status": status, "decided_at": _now(), "decision_note": note,
                      "decided_by": {"name": (actor or {}).get("name"),
                                     "role": (actor or {}).get("role")}}})
        if result.matched_count == 0:
            raise Conflict("Correction %s was already %s." % (correction_id, self.get(correction_id)["status"]))
        return _view(self.get(correction_id))


class CorrectionStore(DependencyProvider):
    """The registry's database for corrections. Not a MongoStore, so that
    ``get_extension(container, MongoStore)`` still finds the registry's own store."""

    def setup(self):
        self.db = database_for(self.container)
        CorrectionRepository.ensure_indexes(self.db)

    def get_dependency(self, worker_ctx):
        return CorrectionRepository(self.db)


class CorrectionHandling:
    """Mixin for RegistryService: the consumer and the officer's RPCs."""

    corrections = CorrectionStore()

    @consumes("complaints", "correction_requested")
    def handle_correction_requested(self, event):
        self.corrections.store_requested(event)

    @rpc
    def list_pending_corrections(self, status="pending", page=1, per_page=50):
        """Corrections by ``status`` (pending, confirming, confirmed, rejected; empty:
        all), oldest first: ``{items, page, per_page, total}``. InvalidInput."""
        if status and status not in STATUSES:
            raise InvalidInput("Unknown status.", {"status": ["must be one of %s" % ", ".join(STATUSES)]})
        page, per_page, skip = page_args(page, per_page)
        items, total = self.corrections.page(status, skip, per_page)
        return page_of(items, page, per_page, total)

    @rpc
    def confirm_correction(self, correction_id, payload=None, actor=None):
        """Apply a pending correction (``payload``: ``ConfirmIn``) through the
        registry's own updates (history, events) and mark it confirmed; returns it.

        Every part (the resident's fields, the household's street/rt/rw) is
        validated against the current records before anything is written, so a
        refused part leaves the registry as it was; a part whose values are
        already there is skipped (a confirmation interrupted between its two
        writes finishes when confirmed again). NotFound; Conflict when already
        decided; the registry's InvalidInput or Conflict when it refuses a value
        (the correction stays pending).
        """
        note = _load(ConfirmIn(), payload or {})["note"]
        doc = self.corrections.claim(correction_id)
        try:
            nik, resident, household_id, household = self._plan_correction(doc)
            reason = "%s (%s)" % (doc["reason"], doc["complaint_id"])
            if resident:
                nik = self.update_resident(nik, resident, reason, actor)["nik"]
            if household:
                self.update_household(household_id, household, reason, actor)
        except Exception:
            self.corrections.release(correction_id)
            raise
        return self.corrections.decide(correction_id, "confirmed", actor, note, ["confirming"])

    def _plan_correction(self, doc):
        """``(nik, resident changes, household id, household changes)``: each part
        loaded by the registry's own schema and reduced to the fields that would
        change. InvalidInput names every bad field of either part (``fields.<name>``)."""
        resident_doc = self.store.resident_doc(doc["subject_nik"])
        household_doc = self.store.household_doc(resident_doc["household_id"])
        parts, errors = [], {}
        for schema, names, current in (
                (schemas.ResidentPatch, set(doc["fields"]) - set(HOUSEHOLD_FIELDS), resident_doc),
                (schemas.HouseholdPatch, set(doc["fields"]) & set(HOUSEHOLD_FIELDS),
                 household_doc)):
            given = {k: v for k, v in doc["fields"].items() if k in names}
            try:
                loaded = schema().load(dict(given, reason="-"), partial=True)
            except ValidationError as exc:
                errors.update({"fields.%s" % k: v for k, v in flatten_errors(exc.messages).items()})
                continue
            loaded.pop("reason")
            parts.append({k: v for k, v in loaded.items() if current.get(k) != v})
        if errors:
            raise InvalidInput("The correction cannot be applied: a value is not valid for the "
                               "registry.", errors)
        resident, household = parts
        if resident:
            domain.resident_changes(resident_doc, resident)  # the rules across fields
        return resident_doc["nik"], resident, household_doc["_id"], household

    @rpc
    def reject_correction(self, correction_id, payload, actor=None):
        """Reject a pending correction (``payload``: ``RejectIn``, the reason is
        required); returns it. InvalidInput, NotFound, Conflict."""
        reason = _load(RejectIn(), payload)["reason"]
        return self.corrections.decide(correction_id, "rejected", actor, reason, ["pending"])
