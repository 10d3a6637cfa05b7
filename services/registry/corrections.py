"""Pending registry changes asked for by resolved data-correction complaints.

The complaints service publishes ``correction_requested`` (docs/events.md,
"complaints") when an officer resolves a ``data_correction`` complaint. The
registry never applies it by itself (issue 4: "no silent edits"): it stores a
pending change, and an officer confirms it (applied through the registry's own
resident and household updates, so history and events are the usual ones) or
rejects it with a reason.

Pending change document (``pending_corrections``): ``{_id: correction id,
complaint_id, subject_nik, fields, reason, requested_at, requested_by,
status: pending|confirming|confirmed|rejected, decided_at, decided_by,
decision_note}``.
"""
from pymongo.errors import DuplicateKeyError

from marshmallow import ValidationError

from services.shared import clock
from services.shared.errors import Conflict, InvalidInput, NotFound, flatten_errors

from services.registry import domain
from services.registry.contract import CORRECTION_STATUSES, HouseholdPatch, ResidentPatch

HOUSEHOLD_FIELDS = ("street", "rt", "rw")


def _view(doc):
    return {"id": doc["_id"], "complaint_id": doc["complaint_id"], "subject_nik": doc["subject_nik"],
            "fields": doc["fields"], "reason": doc["reason"], "requested_at": doc["requested_at"],
            "requested_by": doc.get("requested_by"), "status": doc["status"],
            "decided_at": clock.iso(doc.get("decided_at")), "decided_by": doc.get("decided_by"),
            "decision_note": doc.get("decision_note")}


class CorrectionRepository:
    """The registry's pending corrections (its own collection)."""

    def __init__(self, db):
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
            raise Conflict("Correction %s was already %s."
                           % (correction_id, self.get(correction_id)["status"]))
        return doc

    def release(self, correction_id):
        """confirming -> pending, after the registry refused to apply it."""
        self.pending.update_one({"_id": correction_id, "status": "confirming"},
                                {"$set": {"status": "pending"}})

    def decide(self, correction_id, status, actor, note, only_from):
        result = self.pending.update_one(
            {"_id": correction_id, "status": {"$in": list(only_from)}},
            {"$set": {"status": status, "decided_at": clock.now(), "decision_note": note,
                      "decided_by": {"name": (actor or {}).get("name"),
                                     "role": (actor or {}).get("role")}}})
        if result.matched_count == 0:
            raise Conflict("Correction %s was already %s."
                           % (correction_id, self.get(correction_id)["status"]))
        return _view(self.get(correction_id))


def confirm(store, correction_id, note, actor, update_resident, update_household):
    """Apply a pending correction through the registry's own updates and mark it confirmed.

    ``update_resident(nik, changes, reason, actor)`` and ``update_household(
    household_id, changes, reason, actor)`` are the service's updates (history,
    events). Every part (the resident's fields, the household's street/rt/rw)
    is validated against the current records before anything is written, so a
    refused part leaves the registry as it was; a part whose values are
    already there is skipped (a confirmation interrupted between its two
    writes finishes when confirmed again). Returns the correction. Raises
    NotFound; Conflict when already decided; the registry's InvalidInput
    (``fields.<name>`` for each bad value) or Conflict when it refuses a value
    (the correction stays pending).
    """
    doc = store.corrections.claim(correction_id)
    try:
        nik, resident, household_id, household = plan(store, doc)
        reason = "%s (%s)" % (doc["reason"], doc["complaint_id"])
        if resident:
            nik = update_resident(nik, resident, reason, actor)["nik"]
        if household:
            update_household(household_id, household, reason, actor)
    except Exception:
        store.corrections.release(correction_id)
        raise
    return store.corrections.decide(correction_id, "confirmed", actor, note, ["confirming"])


def plan(store, doc):
    """``(nik, resident changes, household id, household changes)`` of a correction:
    each part loaded by the registry's own schema and reduced to the fields that
    would change. InvalidInput names every bad field of either part (``fields.<name>``)."""
    resident_doc = store.resident_doc(doc["subject_nik"])
    household_doc = store.household_doc(resident_doc["household_id"])
    parts, errors = [], {}
    for schema, names, current in (
            (ResidentPatch, set(doc["fields"]) - set(HOUSEHOLD_FIELDS), resident_doc),
            (HouseholdPatch, set(doc["fields"]) & set(HOUSEHOLD_FIELDS), household_doc)):
        given = {k: v for k, v in doc["fields"].items() if k in names}
        try:
            instance = schema()
            loaded = instance.load(dict(given, reason="-"), partial=tuple(instance.fields))
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


def check_status(status):
    """An empty status (all) or one of ``CORRECTION_STATUSES``; InvalidInput otherwise."""
    if status and status not in CORRECTION_STATUSES:
        raise InvalidInput("Unknown status.", {"status": [
            "must be one of %s" % ", ".join(CORRECTION_STATUSES)]})
    return status or None
