"""The events this service publishes (schema_version 1; documented in docs/events.md).

Every payload is the CONTRACT envelope with ``source = "complaints"`` and
``aggregate_id`` = the complaint id. ``data["complaint"]`` is
``views.event_snapshot``: state and links only, never the reporter's identity,
the free text or the tracking code.
"""
from services.shared.envelope import make_envelope

from services.complaints import domain, views

SOURCE = "complaints"

COMPLAINT_SUBMITTED = "complaint_submitted"
COMPLAINT_STATUS_CHANGED = "complaint_status_changed"
COMPLAINT_RESOLVED = "complaint_resolved"
COMPLAINT_OVERDUE = "complaint_overdue"
CORRECTION_REQUESTED = "correction_requested"


def _event(event_type, doc, data, now, correlation_id=None):
    data = dict(data, complaint=views.event_snapshot(doc, now))
    return make_envelope(event_type, SOURCE, doc["_id"], doc["version"], data,
                         correlation_id=correlation_id)


def submitted(doc, now, correlation_id=None):
    """``complaint_submitted``: for the officers on duty (notification work)."""
    return [_event(COMPLAINT_SUBMITTED, doc, {}, now, correlation_id)]


def transitioned(doc, history_entry, now, correlation_id=None):
    """Events of one workflow move, ``doc`` being the complaint after it.

    Always ``complaint_status_changed``; ``complaint_resolved`` when resolved;
    ``correction_requested`` when a data-correction complaint is resolved.
    """
    changed = {"from": history_entry["from"], "to": history_entry["to"],
               "at": domain.iso(history_entry["at"]),
               "by": {"name": history_entry["actor"].get("name"),
                      "role": history_entry["actor"].get("role")}}
    out = [_event(COMPLAINT_STATUS_CHANGED, doc, changed, now, correlation_id)]
    if history_entry["to"] == "resolved":
        out.append(_event(COMPLAINT_RESOLVED, doc, {"resolved_at": domain.iso(now)}, now,
                          correlation_id))
        if doc["category"] == "data_correction" and doc.get("correction"):
            out.append(correction_requested(doc, history_entry, now, correlation_id))
    return out


def correction_requested(doc, history_entry, now, correlation_id=None):
    """``correction_requested``: the registry stores it as a pending change an officer
    confirms. It names the record (``subject_nik``) and the proposed values; it
    says nothing of who reported (the subject may or may not be the reporter)."""
    correction = doc["correction"]
    data = {"correction": {
        "id": "corr_%s_v%d" % (doc["_id"], doc["version"]), "complaint_id": doc["_id"],
        "subject_nik": correction["subject_nik"], "fields": dict(correction["fields"]),
        "reason": "Pengaduan koreksi data %s diselesaikan" % doc["_id"],
        "requested_at": domain.iso(now),
        "requested_by": {"name": history_entry["actor"].get("name"),
                         "role": history_entry["actor"].get("role")}}}
    return make_envelope(CORRECTION_REQUESTED, SOURCE, doc["_id"], doc["version"], data,
                         correlation_id=correlation_id)


def overdue(doc, deadline, now):
    """``complaint_overdue``: one per complaint per missed deadline."""
    data = {"deadline": {"name": deadline["name"], "due_at": domain.iso(deadline["due_at"]),
                         "days": deadline["days"], "unit": deadline["unit"],
                         "source": deadline["source"]}}
    return [_event(COMPLAINT_OVERDUE, doc, data, now)]
