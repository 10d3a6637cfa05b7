"""Complaint rules: codes, the workflow table, tracking codes, who sees what.

Plain functions over plain dicts; no nameko, no pymongo. Instants are aware
UTC datetimes inside, ISO 8601 ``Z`` strings outside (``services.shared.clock``).
Codes are fixed by docs/contract.md ("Codes and fields fixed here") and
declared in the contract.
"""
import re
import secrets

from services.shared import clock
from services.shared.errors import InvalidInput, RuleRefused

from services.complaints import sla
from services.complaints.contract import STATUSES
CLOSED = ("resolved", "rejected")
OPEN = tuple(s for s in STATUSES if s not in CLOSED)

#: The workflow: status -> statuses it may move to (issue 4, "Handling").
#: Verifying assigns an officer; forwarding names the outside authority;
#: resolving or rejecting gives the complainant a readable answer; a closed
#: complaint can only be reopened.
TRANSITIONS = {
    "received": ("verified", "rejected"),
    "verified": ("forwarded", "in_progress", "resolved", "rejected"),
    "forwarded": ("in_progress", "resolved", "rejected"),
    "in_progress": ("forwarded", "resolved", "rejected"),
    "resolved": ("reopened",),
    "rejected": ("reopened",),
    "reopened": ("verified", "forwarded", "in_progress", "resolved", "rejected"),
}

#: Shown to residents (Bahasa Indonesia).
STATUS_LABELS = {
    "received": "Diterima", "verified": "Diverifikasi", "forwarded": "Diteruskan",
    "in_progress": "Sedang ditindaklanjuti", "resolved": "Selesai", "rejected": "Ditolak",
    "reopened": "Dibuka kembali",
}

#: Unambiguous when written by hand: no 0/O, 1/I/L, and no U (Crockford's choice).
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_LENGTH = 10  # 30**10 ~ 5.9e14 codes (~49 bits): not guessable at a rate-limited door

SYSTEM_AUTHOR = "sistem"


def new_tracking_code():
    """A fresh tracking code from ``secrets`` (uniqueness is the store's unique index)."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def normalise_tracking_code(text):
    """Upper-case ``text`` and drop spaces and hyphens; None if it cannot be a code."""
    code = re.sub(r"[\s-]", "", str(text or "")).upper()
    if len(code) != TRACKING_LENGTH or any(c not in TRACKING_ALPHABET for c in code):
        return None
    return code


def reporter_visible(category, role):
    """Whether ``role`` may see who reported a complaint of ``category``.

    Officers and admins see reporters; for pungli only admins, so that an
    accused official (who may hold an officer token) never learns who
    reported them (issue 4, "Handling").
    """
    if category == "pungli":
        return role == "admin"
    return role in ("officer", "admin")


def plan_transition(doc, request, actor, now, levels):
    """Work out a workflow move; the caller writes it conditionally on ``doc``'s version.

    Args:
        doc (dict): the stored complaint.
        request (dict): loaded ``TransitionIn`` (``to``, ``note``, ``internal_note``,
            ``forwarded_to``, ``assigned_to``, ``correction``).
        actor (dict): the principal's actor (``name``, ``role``, ``token_id``).
        now (datetime): aware UTC.
        levels (sla.ServiceLevels): deadline rules.
    Returns:
        dict: ``{"set": {field: value}, "history": entry, "notes": [note...]}``.
    Raises:
        RuleRefused: the move is not in ``TRANSITIONS``, or a data-correction
            complaint would be resolved without the fields to correct.
    """
    current, to = doc["status"], request["to"]
    if to not in TRANSITIONS[current]:
        allowed = ", ".join(TRANSITIONS[current])
        raise RuleRefused("A complaint that is %s cannot become %s; from %s it can become: %s."
                          % (current, to, current, allowed), {"to": ["not allowed from %s" % current]})
    changes = {"status": to, "updated_at": now,
               "deadlines": sla.after_transition(levels, doc["category"], doc["deadlines"], to, now)}
    entry = {"from": current, "to": to, "at": now, "actor": _who(actor),
             "note": request.get("note"), "internal_note": request.get("internal_note")}
    if to == "verified":
        changes["assigned_to"] = request.get("assigned_to") or actor.get("name") or "petugas"
        entry["assigned_to"] = changes["assigned_to"]
    if to == "forwarded":
        changes["forwarded_to"], changes["forwarded_at"] = request["forwarded_to"], now
        entry["forwarded_to"] = request["forwarded_to"]
    if to in CLOSED:
        changes["closed_at"] = now
    if to == "resolved":
        changes["resolved_at"] = now
        if doc["category"] == "data_correction":
            correction = request.get("correction") or doc.get("correction")
            if not correction:
                raise RuleRefused("A data-correction complaint needs the resident's NIK and the "
                                  "fields to correct before it can be resolved.",
                                  {"correction": ["required to resolve a data_correction complaint"]})
            changes["correction"] = correction
    if to == "reopened":
        changes["resolved_at"], changes["closed_at"] = None, None
        changes["publication"] = None  # a reopened complaint leaves the public list
    notes = []
    if request.get("note"):
        notes.append(new_note(request["note"], actor.get("name"), True, now, "transition"))
    if request.get("internal_note"):
        notes.append(new_note(request["internal_note"], actor.get("name"), False, now, "transition"))
    return {"set": changes, "history": entry, "notes": notes}


def new_note(text, author, public, at, kind="officer", note_id=None):
    """A note: ``public`` ones are what the complainant reads by tracking code."""
    return {"id": note_id or "note_" + secrets.token_hex(6), "at": at, "author": author or "petugas",
            "text": text, "public": bool(public), "kind": kind}


def allocation_note(event_type, allocation_id, version, at):
    """The automatic public note for a linked allocation's event, or None.

    Its id is derived from the allocation and its version, so a repeated or
    re-sent event adds it once.
    """
    texts = {
        "aid_disbursed": "Catatan otomatis: bantuan untuk alokasi %s tercatat sudah disalurkan "
                         "pada %s.",
        "allocation_cancelled": "Catatan otomatis: alokasi %s tercatat dibatalkan pada %s. "
                                "Petugas akan menjelaskan alasannya.",
    }
    if event_type not in texts:
        return None
    day = clock.village_date(at).strftime("%d-%m-%Y")
    return new_note(texts[event_type] % (allocation_id, day), SYSTEM_AUTHOR, True, at, "system",
                    note_id="alloc:%s:%s:v%s" % (allocation_id, event_type, version))


def is_overdue(doc, now):
    """True when an open deadline of the complaint has passed."""
    return bool(sla.missed(doc.get("deadlines", []), now))


_NIK_LIKE = re.compile(r"(?<!\d)\d{16}(?!\d)")
_PHONE_LIKE = re.compile(r"(?<![\w+])(?:\+?62|0)8[\d\s.-]{7,14}\d")
REDACTED = "[disamarkan]"


def redact(text, names=()):
    """Blank NIK/KK-like numbers, phone numbers and the given names out of ``text``.

    A safety net under the officer's own rewording of a published answer; it
    cannot find every identifying detail, so publishing stays a human act.
    """
    out = _PHONE_LIKE.sub(REDACTED, _NIK_LIKE.sub(REDACTED, text or ""))
    for name in names:
        if name and len(name.strip()) >= 3:
            out = re.sub(re.escape(name.strip()), REDACTED, out, flags=re.IGNORECASE)
    return out


def _who(actor):
    actor = actor or {}
    return {"name": actor.get("name"), "role": actor.get("role"), "token_id": actor.get("token_id")}


def check_needs(needs, known):
    """Feedback ``needs`` must come from the service's list (data/complaints/
    feedback-needs.json) and not repeat; raises InvalidInput naming each."""
    errors = {}
    for i, need in enumerate(needs or []):
        if need not in known:
            errors["needs.%d" % i] = ["%r is not in the list (%s); write anything else in "
                                      "needs_other" % (need, ", ".join(known))]
    if len(set(needs or [])) != len(needs or []):
        errors.setdefault("needs", []).append("must not repeat a need")
    if errors:
        raise InvalidInput("The request body is invalid.", errors)
