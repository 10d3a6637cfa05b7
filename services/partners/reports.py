"""A partner's year (issue 11; docs/domain.md "Partners' reporting"): pledged vs
delivered (rupiah, in-kind value, trainer-hours), residents reached by sex,
age band, RW and whether their family receives aid through the platform that
year, sessions held and attendance, enrolments and outcomes, doses given and
visits made. JSON, and CSV for the partner's own annual (TJSL) report.

Reached: a resident accepted into or completing one of the partner's
programmes that run in the year, or given a dose or a visit by it in the
year; counted once however many programmes they were in. Ages are whole years
on 31 December of the year (or today, for the current year).
"""
import csv
import io

from services.shared import clock, rules

from services.partners import views
from services.partners.contract import ENROLMENT_STATUSES, OUTCOMES

AGE_BANDS = ((0, 4, "0-4"), (5, 14, "5-14"), (15, 29, "15-29"), (30, 44, "30-44"),
             (45, 59, "45-59"), (60, 200, "60+"))


def age_band(birth_date, on):
    """The age band (``0-4`` ... ``60+``, ``unknown``) of a birth date (YYYY-MM-DD) on ``on`` (a
    date)."""
    born = rules.parse_date(birth_date)
    if born is None:
        return "unknown"
    age = rules.age_on(born, on)
    return next((label for low, high, label in AGE_BANDS if low <= age <= high), "unknown")


def _count(values):
    out = {}
    for value in values:
        out[value or "unknown"] = out.get(value or "unknown", 0) + 1
    return dict(sorted(out.items()))


def partner_report(repo, partner, year):
    """The report of ``partner`` (a stored document) for ``year`` (an int)."""
    first, last = "%04d-01-01" % year, "%04d-12-31" % year
    today = clock.village_today().isoformat()
    on = rules.parse_date(min(last, today))
    programmes = repo.find_programmes({"partner_id": partner["_id"], "starts_on": {"$lte": last},
                                       "ends_on": {"$gte": first}}, roster=True)[0]
    commitment = views.commitment_view(partner, year)
    people, rows = {}, []
    totals = {"enrolments": {s: 0 for s in ENROLMENT_STATUSES}, "outcomes": {o: 0 for o in OUTCOMES},
              "sessions": 0, "minutes": 0, "attended": 0, "marked": 0, "doses": 0, "visits": 0}
    for programme in programmes:
        row = _programme_row(repo, programme, first, last, today, people, totals)
        rows.append(row)
    reached = list(people.values())
    aid = repo.aid_received({p.get("household_id") for p in reached}, year)
    return {
        "partner_id": partner["_id"], "partner_name": partner["name"], "year": year,
        "pledged": commitment["pledged"], "delivered": commitment["delivered"],
        "reached": {"total": len(reached), "by_sex": _count(p.get("sex") for p in reached),
                    "by_age_band": _count(age_band(p.get("birth_date"), on) for p in reached),
                    "by_rw": _count(p.get("rw") for p in reached),
                    "by_aid": _count("receiving" if aid.get(p.get("household_id")) else
                                     "not_receiving" for p in reached)},
        "sessions_held": totals["sessions"], "session_hours": totals["minutes"] // 60,
        "attendance_pct": (totals["attended"] * 100 // totals["marked"]) if totals["marked"]
        else None,
        "enrolments": totals["enrolments"], "outcomes": totals["outcomes"],
        "doses_given": totals["doses"], "visits_made": totals["visits"], "programmes": rows}


def _programme_row(repo, programme, first, last, today, people, totals):
    enrolments = {s: 0 for s in ENROLMENT_STATUSES}
    outcomes = {}
    for entry in programme["enrolments"]:
        enrolments[entry["status"]] += 1
        totals["enrolments"][entry["status"]] += 1
        if entry["status"] == "completed":
            outcomes[entry["outcome"]] = outcomes.get(entry["outcome"], 0) + 1
            totals["outcomes"][entry["outcome"]] += 1
        if entry["status"] in ("accepted", "completed"):
            people.setdefault(entry["resident_id"], entry)
    held = [s for s in repo.sessions_of(programme["_id"]) if first <= s["held_on"] <= min(last, today)]
    attended = sum(1 for s in held for m in (s.get("attendance") or {}).values()
                   if m["status"] == "attended")
    marked = sum(len(s.get("attendance") or {}) for s in held)
    totals["sessions"] += len(held)
    totals["minutes"] += sum(s["minutes"] for s in held)
    totals["attended"] += attended
    totals["marked"] += marked
    done, _ = repo.find_appointments({"programme_id": programme["_id"], "status": "done",
                                      "done_on": {"$gte": first, "$lte": last}})
    for appointment in done:
        if appointment["resident_id"] not in people:
            person = repo.resident(appointment["resident_id"]) or {}
            people[appointment["resident_id"]] = dict(person, resident_id=appointment["resident_id"])
    totals["doses" if programme["kind"] == "immunisation" else "visits"] += len(done)
    return {"id": programme["_id"], "title": programme["title"], "kind": programme["kind"],
            "capacity": programme["capacity"], "enrolments": enrolments, "outcomes": outcomes,
            "sessions_held": len(held),
            "attendance_pct": attended * 100 // marked if marked else None,
            "doses_or_visits": len(done)}


def partner_report_csv(report):
    """The report as CSV: one ``section,key,value`` line per figure, then one line
    per programme."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "value"])
    writer.writerow(["partner", "name", report["partner_name"]])
    writer.writerow(["partner", "year", report["year"]])
    for section in ("pledged", "delivered"):
        for key, value in report[section].items():
            writer.writerow([section, key, value])
    writer.writerow(["reached", "total", report["reached"]["total"]])
    for group in ("by_sex", "by_age_band", "by_rw", "by_aid"):
        for key, value in report["reached"][group].items():
            writer.writerow(["reached_" + group[3:], key, value])
    for key in ("sessions_held", "session_hours", "attendance_pct", "doses_given", "visits_made"):
        writer.writerow(["activity", key, "" if report[key] is None else report[key]])
    for section in ("enrolments", "outcomes"):
        for key, value in report[section].items():
            writer.writerow([section, key, value])
    writer.writerow([])
    writer.writerow(["programme_id", "title", "kind", "capacity", "accepted", "waitlisted",
                     "withdrawn", "completed", "sessions_held", "attendance_pct",
                     "doses_or_visits"])
    for row in report["programmes"]:
        e = row["enrolments"]
        writer.writerow([row["id"], row["title"], row["kind"], row["capacity"], e["accepted"],
                         e["waitlisted"], e["withdrawn"], e["completed"], row["sessions_held"],
                         "" if row["attendance_pct"] is None else row["attendance_pct"],
                         row["doses_or_visits"]])
    return out.getvalue()


def partners_year(repo, year):
    """Every partner's ``year`` side by side: ``{year, partners: [{partner_id,
    partner_name, kind, verification, pledged, delivered, reached, programmes,
    sessions_held, doses_given, visits_made}], totals}``."""
    rows = []
    for partner in repo.find_partners({}, 0, 0)[0]:
        report = partner_report(repo, partner, year)
        rows.append({"partner_id": partner["_id"], "partner_name": partner["name"],
                     "kind": partner["kind"], "verification": partner["verification"],
                     "pledged": report["pledged"], "delivered": report["delivered"],
                     "reached": report["reached"]["total"],
                     "programmes": len(report["programmes"]),
                     "sessions_held": report["sessions_held"],
                     "doses_given": report["doses_given"], "visits_made": report["visits_made"]})
    totals = {"pledged_idr": sum(r["pledged"]["amount_idr"] + r["pledged"]["in_kind_value_idr"]
                                 for r in rows),
              "delivered_idr": sum(r["delivered"]["amount_idr"]
                                   + r["delivered"]["in_kind_value_idr"] for r in rows),
              "reached": sum(r["reached"] for r in rows),
              "programmes": sum(r["programmes"] for r in rows)}
    return {"year": year, "partners": rows, "totals": totals}


def partners_year_csv(overview):
    """``partners_year`` as CSV, one line per partner."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["partner_id", "name", "kind", "verification", "pledged_idr",
                     "pledged_in_kind_idr", "pledged_trainer_hours", "delivered_idr",
                     "delivered_in_kind_idr", "delivered_trainer_hours", "reached", "programmes",
                     "sessions_held", "doses_given", "visits_made"])
    for r in overview["partners"]:
        writer.writerow([r["partner_id"], r["partner_name"], r["kind"], r["verification"]]
                        + [r[s][k] for s in ("pledged", "delivered")
                           for k in ("amount_idr", "in_kind_value_idr", "trainer_hours")]
                        + [r["reached"], r["programmes"], r["sessions_held"], r["doses_given"],
                           r["visits_made"]])
    return out.getvalue()
