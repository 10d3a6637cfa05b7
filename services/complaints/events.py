"""Building the events this service publishes (types and payloads: ``contract.events``).

Every payload is the CONTRACT envelope with ``source = "complaints"`` and
``aggregate_id`` = the complaint id. ``data["complaint"]`` is
``views.event_snapshot``: state and links only, never the reporter's identity,
the free text or the tracking code.
"""
from services.shared.clock import iso

from services.complaints import views
from services.complaints.contract import events as contract


def _event(event_type, doc, data, now, correlation_id=None):
    data = dict(data, complaint=views.event_snapshot(doc, now))
    return event_type.envelope(doc["_id"], doc["version"], data, correlation_id)


def submitted(doc, now, correlation_id=None):
    """``complaint_submitted``: for the officers on duty (notification work)."""
    return [_event(contract.COMPLAINT_SUBMITTED, doc, {}, now, correlation_id)]


def transitioned(doc, history_entry, now, correlation_id=None):
    """Events of one workflow move, ``doc`` being the complaint after it.

    Always ``complaint_status_changed``; ``complaint_resolved`` when resolved;
    ``correction_requested`` when a data-correction complaint is resolved.
    """
    changed = {"from": history_entry["from"], "to": history_entry["to"],
               "at": iso(history_entry["at"]),
               "by": {"name": history_entry["actor"].get("name"),
                      "role": history_entry["actor"].get("role")}}
    out = [_event(contract.COMPLAINT_STATUS_CHANGED, doc, changed, now, correlation_id)]
    if history_entry["to"] == "resolved":
        out.append(_event(contract.COMPLAINT_RESOLVED, doc, {"resolved_at": iso(now)}, now,
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
        "requested_at": iso(now),
        "requested_by": {"name": history_entry["actor"].get("name"),
                         "role": history_entry["actor"].get("role")}}}
    return contract.CORRECTION_REQUESTED.envelope(doc["_id"], doc["version"], data,
                                                  correlation_id)


def overdue(doc, deadline, now):
    """``complaint_overdue``: one per complaint per missed deadline."""
    data = {"deadline": {"name": deadline["name"], "due_at": iso(deadline["due_at"]),
                         "days": deadline["days"], "unit": deadline["unit"],
                         "source": deadline["source"]}}
    return [_event(contract.COMPLAINT_OVERDUE, doc, data, now)]
