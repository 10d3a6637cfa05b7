"""What each audience sees of a complaint: officer, complainant, public list, events.

Privacy rules (issue 4, docs/complaints.md):
- the reporter's identity only in ``officer_view``, and only when
  ``domain.reporter_visible(category, role)`` (pungli: admins only);
- the complainant, by tracking code, sees status and public notes only;
- the public list shows an officer's redacted wording, never the complaint's;
- events carry no reporter, no free text, no tracking code (``event_snapshot``).
"""
from services.shared.clock import iso, village_date

from services.complaints import domain, sla


def _deadline_out(item, now):
    return {"name": item["name"], "due_at": iso(item["due_at"]), "met_at": iso(item["met_at"]),
            "days": item["days"], "unit": item["unit"], "source": item["source"],
            "missed": sla.ever_missed([item], now)}


def allocation_view(allocation_id, projection, officer):
    """A linked allocation's current state as this service's projection knows it.

    Officers see the status reason; the complainant only the status (the
    public never sees why an allocation was not collected). ``status`` is
    ``"unknown"`` until distribution's event about it has arrived.
    """
    if not allocation_id:
        return None
    if projection is None:
        return {"id": allocation_id, "status": "unknown"}
    out = {"id": allocation_id, "status": projection.get("status", "unknown"),
           "programme_code": projection.get("programme_code"),
           "round_id": projection.get("round_id"), "amount_idr": projection.get("amount_idr"),
           "as_of_version": projection.get("version")}
    if officer:
        out["status_reason"] = projection.get("status_reason")
    return out


def officer_view(doc, role, now, allocation=None):
    """The whole complaint for an officer or admin; the reporter only if ``role`` may see it."""
    visible = domain.reporter_visible(doc["category"], role)
    reporter = doc.get("reporter") if visible else None
    return {
        "id": doc["_id"], "tracking_code": doc["tracking_code"], "category": doc["category"],
        "description": doc["description"], "programme_code": doc.get("programme_code"),
        "round_id": doc.get("round_id"), "allocation_id": doc.get("allocation_id"),
        "anonymous": doc["anonymous"], "reporter": dict(reporter) if reporter else None,
        "reporter_visible": visible, "correction": doc.get("correction"),
        "status": doc["status"], "version": doc["version"],
        "assigned_to": doc.get("assigned_to"), "forwarded_to": doc.get("forwarded_to"),
        "forwarded_at": iso(doc.get("forwarded_at")), "submitted_at": iso(doc["submitted_at"]),
        "updated_at": iso(doc["updated_at"]), "resolved_at": iso(doc.get("resolved_at")),
        "overdue": domain.is_overdue(doc, now),
        "deadlines": [_deadline_out(d, now) for d in doc["deadlines"]],
        "history": [{"from": h["from"], "to": h["to"], "at": iso(h["at"]),
                     "actor": {"name": h["actor"].get("name"), "role": h["actor"].get("role")},
                     "note": h.get("note"), "internal_note": h.get("internal_note"),
                     "forwarded_to": h.get("forwarded_to"), "assigned_to": h.get("assigned_to")}
                    for h in doc.get("history", [])],
        "notes": [{"id": n["id"], "at": iso(n["at"]), "author": n["author"], "text": n["text"],
                   "public": n["public"], "kind": n["kind"]} for n in doc.get("notes", [])],
        "allocation": allocation_view(doc.get("allocation_id"), allocation, officer=True)
        if doc["category"] == "not_received" else None,
        "publication": _publication_out(doc.get("publication")),
    }


def public_view(doc, allocation=None):
    """What anyone holding the tracking code sees: status and public notes only."""
    open_resolution = [d for d in doc["deadlines"] if d["name"] == "resolution" and d["met_at"] is None]
    linked = None
    if doc["category"] == "not_received" and doc.get("allocation_id"):
        linked = allocation_view(doc["allocation_id"], allocation, officer=False)["status"]
    return {
        "tracking_code": doc["tracking_code"], "category": doc["category"],
        "status": doc["status"], "status_label": domain.STATUS_LABELS[doc["status"]],
        "submitted_at": iso(doc["submitted_at"]), "updated_at": iso(doc["updated_at"]),
        "expected_by": iso(open_resolution[-1]["due_at"]) if open_resolution else None,
        "history": [{"status": "received", "at": iso(doc["submitted_at"])}] + [
            {"status": h["to"], "at": iso(h["at"])} for h in doc.get("history", [])],
        "public_notes": [{"at": iso(n["at"]),
                          "author": "Sistem" if n["kind"] == "system" else "Petugas kelurahan",
                          "text": n["text"]}
                         for n in doc.get("notes", []) if n["public"]],
        "allocation_status": linked,
    }


def submitted_view(doc):
    """The answer to a submission: the tracking code, said plainly in Bahasa Indonesia."""
    out = public_view(doc)
    out["message"] = ("Pengaduan Anda sudah kami terima. Simpan kode pelacakan %s untuk melihat "
                      "perkembangannya." % doc["tracking_code"])
    return out


def published_view(doc):
    """One entry of the public list of resolved complaints: no id, name, code or free text
    of the complainant; only the officer's redacted wording."""
    pub = doc["publication"]
    return {"id": pub["id"], "category": doc["category"],
            "programme_code": doc.get("programme_code"),
            "submitted_month": village_date(doc["submitted_at"]).strftime("%Y-%m"),
            "resolved_on": village_date(doc["resolved_at"]).isoformat(),
            "summary": pub["summary"], "answer": pub["answer"]}


def _publication_out(pub):
    if not pub:
        return None
    return {"id": pub["id"], "summary": pub["summary"], "answer": pub["answer"],
            "published_at": iso(pub["published_at"]), "published_by": pub.get("published_by")}


def event_snapshot(doc, now):
    """The complaint as events carry it: state and links, nothing about the reporter,
    no free text (a description can name people) and no tracking code."""
    return {
        "id": doc["_id"], "category": doc["category"], "status": doc["status"],
        "programme_code": doc.get("programme_code"), "round_id": doc.get("round_id"),
        "allocation_id": doc.get("allocation_id"), "assigned_to": doc.get("assigned_to"),
        "forwarded_to": doc.get("forwarded_to"), "forwarded_at": iso(doc.get("forwarded_at")),
        "submitted_at": iso(doc["submitted_at"]), "updated_at": iso(doc["updated_at"]),
        "resolved_at": iso(doc.get("resolved_at")), "overdue": domain.is_overdue(doc, now),
        "deadlines": [{"name": d["name"], "due_at": iso(d["due_at"]), "met_at": iso(d["met_at"])}
                      for d in doc["deadlines"]],
        "version": doc["version"],
    }
