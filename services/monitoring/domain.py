"""Monitoring's rules as plain functions: what an event puts on a timeline,
which fact it adds to the year's figures, and how facts add up to the annual
counters (docs/monitoring.md).

An event is the envelope the kit's inbox hands over (``data`` loaded by the
publisher's contract). ``person`` is the registry projection's document of the
resident the event is about (or None) and ``household`` that of the family; the
service looks them up, these functions never read storage.
"""
from collections import defaultdict

from services.shared import clock
from services.shared.caller import role_of
from services.shared.errors import Forbidden, InvalidInput

from services.distribution.contract.events import handed_over_at

#: complaints never reach a timeline: their events carry no reporter, and an
#: anonymous or whistleblower complaint must not be traceable to anyone.
NO_TIMELINE_SOURCES = ("complaints",)

DEACTIVATION_REASONS_ID = {"moved_out": "pindah", "deceased": "meninggal",
                           "duplicate": "data ganda", "other": "alasan lain"}
#: why an allocation was not collected or was cancelled (docs/distribution.md), as a
#: resident says it; a code not listed here is shown as it is
STATUS_REASONS_ID = {
    "refused": "menolak", "moved": "pindah", "not_found": "tidak ditemukan",
    "died": "meninggal", "other": "alasan lain", "ineligible": "tidak memenuhi syarat",
    "duplicate": "data ganda", "excluded_programme": "menerima program lain yang tidak boleh "
    "digabung", "household_request": "permintaan keluarga",
    "member_moved_out": "penerima pindah", "member_deceased": "penerima meninggal",
    "member_duplicate": "data penerima ganda", "member_other": "penerima nonaktif",
    "member_inactive": "penerima nonaktif", "no_eligible_component": "tidak ada komponen "
    "yang memenuhi syarat", "no_eligible_recipient": "tidak ada anggota keluarga yang dapat "
    "menerima"}
ALLOCATION_SUMMARIES = {
    "allocation_created": "Ditetapkan sebagai penerima {programme} ({amount})",
    # an allocation created beyond the round's quota waits for a freed place
    "allocation_waiting": "Masuk daftar tunggu {programme} ({amount})",
    "allocation_promoted": "Naik dari daftar tunggu {programme} ({amount})",
    "allocation_cancelled": "Alokasi {programme} dibatalkan ({reason})",
    "allocation_not_collected": "Bantuan {programme} tidak diambil ({reason})",
    "allocation_returned": "Bantuan {programme} dikembalikan",
    "aid_disbursed": "Menerima bantuan {programme} ({amount})",
}


def rupiah(amount):
    """``12500`` -> ``"Rp12.500"`` (Indonesian thousands separator)."""
    return "Rp" + format(int(amount or 0), ",").replace(",", ".")


def village_month(instant):
    """The village (WIB) ``(year, "YYYY-MM")`` of an ISO instant (UTC ``...Z``)."""
    day = clock.village_date(clock.parse_instant(instant))
    return day.year, day.isoformat()[:7]


def happened_at(event):
    """When what ``event`` reports happened (UTC ISO): for ``aid_disbursed`` the
    handover's ``disbursed_at``, which an officer entering a paper record later
    sets days before the event (docs/distribution.md); else its ``occurred_at``."""
    if event["source"] == "distribution" and event["type"] == "aid_disbursed":
        return handed_over_at(event["data"].get("allocation"), event["occurred_at"])
    return event["occurred_at"]


#: the registry's field names as an officer reads them (``resident_updated``'s ``changed``)
FIELD_LABELS_ID = {
    "full_name": "nama", "nik": "NIK", "kk_number": "nomor KK", "sex": "jenis kelamin",
    "birth_place": "tempat lahir", "birth_date": "tanggal lahir",
    "relationship": "hubungan keluarga", "religion": "agama", "education": "pendidikan",
    "marital_status": "status kawin", "disability": "disabilitas",
    "occupation_code": "pekerjaan", "pregnant": "kehamilan", "phone": "nomor HP",
    "status": "status", "household_id": "keluarga", "rt": "RT", "rw": "RW",
}


def _registry_entry(kind, data):
    if "household" in data:
        hh = data["household"]
        text = ("Keluarga terdaftar (KK RW %s)" % (hh.get("rw") or "-")
                if kind == "household_registered" else "Data keluarga diperbarui")
        return text, [], hh["id"]
    res = data["resident"]
    if kind == "resident_registered":
        text = "Terdaftar sebagai warga (RW %s)" % (res.get("rw") or "-")
    elif kind == "resident_updated":
        text = "Data diperbarui: %s" % (", ".join(
            FIELD_LABELS_ID.get(f, f) for f in data.get("changed") or []) or "-")
    else:
        text = "Dinonaktifkan: %s" % DEACTIVATION_REASONS_ID.get(data.get("reason"), "alasan lain")
    return text, [res["id"]], res.get("household_id")


def _allocation_entry(kind, data, member=None):
    al = data["allocation"]
    if kind == "allocation_created" and al.get("status") == "waiting":
        kind = "allocation_waiting"
    text = ALLOCATION_SUMMARIES.get(kind)
    if text is None:                      # allocation_updated: bookkeeping, not a life event
        return None
    programme = al.get("programme_code") or "-"
    if member and member.get("full_name"):
        # a member's own aid (a pupil's PIP) is collected by the family's recipient
        programme = "%s untuk %s" % (programme, member["full_name"])
    text = text.format(programme=programme, amount=rupiah(al.get("amount_idr")),
                       reason=STATUS_REASONS_ID.get(al.get("status_reason"),
                                                    al.get("status_reason") or "-"))
    people = sorted({p for p in (al.get("member_id"), al.get("recipient_id")) if p})
    return text, people, al.get("household_id")


def _partners_entry(kind, data):
    if "resident_id" not in data:         # partner and programme events concern no resident
        return None
    title = data.get("programme_title") or data.get("programme_id") or "-"
    texts = {
        "enrolment_accepted": "Diterima di program %s (%s)" % (title, data.get("partner_name")),
        "enrolment_waitlisted": "Masuk daftar tunggu program %s" % title,
        "enrolment_withdrawn": "Keluar dari program %s" % title,
        "enrolment_completed": "Menyelesaikan program %s: %s" % (title, data.get("outcome")),
        "immunisation_recorded": "Imunisasi %s dosis %s" % (data.get("vaccine"), data.get("dose")),
        "antenatal_visit_recorded": "Pemeriksaan kehamilan %s" % data.get("visit"),
        "appointment_overdue": "Jadwal %s terlewat (jatuh tempo %s)" % (data.get("item"),
                                                                        data.get("due_on")),
    }
    return texts.get(kind, kind), [data["resident_id"]], None


def _marketplace_entry(kind, data):
    seller = data.get("seller") or {}
    if not seller.get("resident_id"):
        return None
    listing = data.get("listing") or {}
    order = data.get("order") or {}
    texts = {
        "seller_registered": "Mendaftar sebagai penjual (%s)" % seller.get("business_name"),
        "seller_verified": "Penjual terverifikasi",
        "seller_suspended": "Toko ditangguhkan (%s)" % data.get("reason"),
        "seller_reinstated": "Toko dibuka kembali",
        "listing_published": "Menjual %s (%s)" % (listing.get("title"),
                                                  rupiah(listing.get("price_idr"))),
        "order_completed": "Pesanan selesai: %s (%s)" % (order.get("listing_title"),
                                                         rupiah(order.get("total_idr"))),
    }
    if kind not in texts:                 # listings hidden, orders placed: the shop's own log
        return None
    return texts[kind], [seller["resident_id"]], None


_ENTRIES = {"registry": _registry_entry, "distribution": _allocation_entry,
            "partners": _partners_entry, "marketplace": _marketplace_entry}


def timeline_entry(event, person=None, member=None):
    """The timeline entry an event makes, or None.

    Returns ``{"_id": event_id, "at" (``happened_at``), "source", "type", "summary" (Bahasa
    Indonesia), "resident_ids": [...], "household_id"}``; the household of a
    resident-only event comes from ``person`` (the registry projection); an
    allocation to one ``member`` of the family names them. An allocation's entry
    names its programme by code and keeps ``programme_code``: the name is put in
    when the timeline is read (``named_programme``), so an entry does not depend on
    whether the programme's own event arrived before it (live) or not (a rebuild).
    Complaints never make one (``NO_TIMELINE_SOURCES``).
    """
    source, kind = event["source"], event["type"]
    if source in NO_TIMELINE_SOURCES or source not in _ENTRIES:
        return None
    if source == "distribution":
        made = _allocation_entry(kind, event["data"], member)
    else:
        made = _ENTRIES[source](kind, event["data"])
    if made is None:
        return None
    summary, resident_ids, household_id = made
    if household_id is None and person:
        household_id = person.get("household_id")
    entry = {"_id": event["event_id"], "at": happened_at(event), "source": source,
             "type": kind, "summary": summary, "resident_ids": resident_ids,
             "household_id": household_id}
    if source == "distribution":
        entry["programme_code"] = (event["data"].get("allocation") or {}).get("programme_code")
    return entry


def named_programme(entry, names):
    """``entry``'s summary with its programme's code replaced by the catalogue's name
    (``names``: ``{code: name}``; "Kartu Jakarta Pintar Plus", not ``KJP_PLUS``).
    The code is the first place it appears: the summaries' own words are lower case."""
    code = entry.get("programme_code")
    name = names.get(code) if code else None
    if name and name != code:
        entry["summary"] = entry["summary"].replace(code, name, 1)
    return entry


def _days_between(start, end):
    if not (start and end):
        return None
    seconds = (clock.parse_instant(end) - clock.parse_instant(start)).total_seconds()
    return round(seconds / 86400, 2)


def fact(event, household=None):
    """The fact an event adds to the year's figures, or None.

    ``{"_id": event_id, "year", "month" ("YYYY-MM", WIB, of ``happened_at``: a
    handover in the month it was handed over), "kind" (the event type), ...}``
    with, by source: ``programme_code, rw, amount_idr, at (``happened_at``), unit
    ("household", or "person" for an allocation to one member), unit_id`` and,
    when the round's year is not ``year``, ``round_year`` (allocations; ``rw``
    from ``household``), ``reason`` (deactivations),
    ``category, resolution_days`` (complaints), ``programme_kind, outcome``
    (enrolments), ``amount_idr`` (orders completed).
    """
    source, kind, data = event["source"], event["type"], event["data"]
    at = happened_at(event)
    year, month = village_month(at)
    base = {"_id": event["event_id"], "year": year, "month": month, "kind": kind}
    if source == "registry" and kind in ("resident_registered", "resident_deactivated"):
        return dict(base, rw=data["resident"].get("rw"), reason=data.get("reason"))
    if source == "distribution" and kind in ("allocation_created", "aid_disbursed",
                                             "allocation_returned", "allocation_cancelled"):
        al = data["allocation"]
        member = al.get("member_id")
        # kept only when it differs from the fact's year, so a year's coverage reads
        # that year's facts and the few of its rounds that spilled into another year
        other_round = {"round_year": al["year"]} if al.get("year") not in (None, year) else {}
        return dict(base, programme_code=al.get("programme_code"),
                    rw=(household or {}).get("rw"), amount_idr=al.get("amount_idr") or 0,
                    at=at, unit="person" if member else "household",
                    unit_id=member or al.get("household_id"), **other_round)
    if source == "complaints" and kind in ("complaint_submitted", "complaint_resolved"):
        c = data["complaint"]
        return dict(base, category=c.get("category"),
                    resolution_days=_days_between(c.get("submitted_at"),
                                                  data.get("resolved_at") or c.get("resolved_at")))
    if source == "partners" and kind.startswith("enrolment_"):
        return dict(base, programme_kind=data.get("programme_kind"), outcome=data.get("outcome"))
    if source == "marketplace" and kind in ("seller_registered", "seller_verified",
                                            "listing_published", "order_completed"):
        return dict(base, amount_idr=(data.get("order") or {}).get("total_idr") or 0)
    return None


def _money_rows(facts, kind):
    rows = defaultdict(lambda: {"count": 0, "amount_idr": 0})
    for f in facts:
        if f["kind"] == kind:
            row = rows[(f.get("programme_code") or "-", f.get("rw") or "-", f["month"])]
            row["count"] += 1
            row["amount_idr"] += f.get("amount_idr") or 0
    return [dict(programme_code=p, rw=rw, month=m, **v) for (p, rw, m), v in sorted(rows.items())]


def _count(facts, kind, key):
    counts = defaultdict(int)
    for f in facts:
        if f["kind"] == kind:
            counts[f.get(key) or "-"] += 1
    return dict(sorted(counts.items()))


def _complaint_rows(facts):
    rows = defaultdict(lambda: {"submitted": 0, "resolved": 0, "days": []})
    for f in facts:
        if f["kind"] == "complaint_submitted":
            rows[f.get("category") or "-"]["submitted"] += 1
        elif f["kind"] == "complaint_resolved":
            row = rows[f.get("category") or "-"]
            row["resolved"] += 1
            if f.get("resolution_days") is not None:
                row["days"].append(f["resolution_days"])
    return [{"category": cat, "submitted": r["submitted"], "resolved": r["resolved"],
             "mean_resolution_days": round(sum(r["days"]) / len(r["days"]), 2) if r["days"]
             else None} for cat, r in sorted(rows.items())]


def annual_counters(facts, year):
    """Add up one year's facts (``fact`` documents, any order).

    Returns ``{"year", "registry": {registrations, deactivations: {reason: n}},
    "distribution": {allocations, disbursements, returns: [{programme_code, rw,
    month, count, amount_idr (rupiah)}]}, "complaints": [{category, submitted,
    resolved, mean_resolution_days}], "partners": {enrolments_accepted: {kind: n},
    outcomes: {outcome: n}, withdrawn, waitlisted}, "marketplace":
    {sellers_registered, sellers_verified, listings_published, orders_completed,
    orders_value_idr}}``.
    """
    facts = [f for f in facts if f["year"] == year]

    def n(kind):
        return sum(1 for f in facts if f["kind"] == kind)
    return {
        "year": year,
        "registry": {"registrations": n("resident_registered"),
                     "deactivations": _count(facts, "resident_deactivated", "reason")},
        "distribution": {"allocations": _money_rows(facts, "allocation_created"),
                         "disbursements": _money_rows(facts, "aid_disbursed"),
                         "returns": _money_rows(facts, "allocation_returned")},
        "complaints": _complaint_rows(facts),
        "partners": {"enrolments_accepted": _count(facts, "enrolment_accepted", "programme_kind"),
                     "outcomes": _count(facts, "enrolment_completed", "outcome"),
                     "withdrawn": n("enrolment_withdrawn"),
                     "waitlisted": n("enrolment_waitlisted")},
        "marketplace": {"sellers_registered": n("seller_registered"),
                        "sellers_verified": n("seller_verified"),
                        "listings_published": n("listing_published"),
                        "orders_completed": n("order_completed"),
                        "orders_value_idr": sum(f.get("amount_idr") or 0 for f in facts
                                                if f["kind"] == "order_completed")},
    }


OFFICER_ROLES = ("officer", "admin")


def require_officer(actor, what="read this"):
    """Raise Forbidden unless ``actor`` is an officer or admin (CONTRACT "Monitoring")."""
    if role_of(actor) not in OFFICER_ROLES:
        raise Forbidden("Only officers and admins may %s." % what)


def parse_year(value):
    """``value`` as a year (int, 2000-2100); InvalidInput naming ``year`` otherwise."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = None
    if year is None or not 2000 <= year <= 2100:
        raise InvalidInput("Invalid year.", {"year": ["must be a year such as 2026"]})
    return year
