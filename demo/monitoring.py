"""Monitoring step of the main job: a resident's timeline, two focus-group
discussions and the year's report, through the gateway.

``run(client, out)``: wait until monitoring has counted every handover that
distribution reports for this year (the two must agree), print the timeline of
a resident who received aid, record two discussions (rembuk RW) with their
needs and follow-ups and move one follow-up on, record a community scorecard
over two semesters, import an evaluation survey from a KoBoToolbox export and
print the graduation funnel (``demo.evaluation``), then print the year's key
figures and save the printable report and its PDF
(``var/reports/laporan-tahunan-<year>.html`` and ``.pdf``).
"""
import datetime
import os
import time

from demo import evaluation
from demo.distribution import rupiah
from demo.partner_tools import poll

WIB = datetime.timezone(datetime.timedelta(hours=7))
#: seconds the PDF may take (monitoring lays the page out and draws its charts)
PDF_TIMEOUT = 90.0
REPORT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "var", "reports")
DISCUSSIONS = (
    {"rw": "003", "facilitator": "Bu Sri (Ketua PKK)",
     "participants": {"female": 18, "male": 11,
                      "groups": {"women": 18, "elderly": 6, "youth": 7, "disabled": 2}},
     "needs": [{"need": "Air bersih", "priority": 1},
               {"need": "Pelatihan usaha untuk pemuda", "priority": 2}],
     "follow_ups": [{"action": "Usulkan sumur bor ke Musrenbang kelurahan",
                     "owner": "Ketua RW 003", "due_on": "%d-03-31"}]},
    {"rw": "005", "facilitator": "Pak Budi (LPM)",
     "participants": {"female": 9, "male": 14,
                      "groups": {"women": 9, "elderly": 4, "youth": 5, "disabled": 1}},
     "needs": [{"need": "air bersih", "priority": 2}, {"need": "Lampu jalan", "priority": 3}],
     "follow_ups": [{"action": "Data titik gelap untuk lampu jalan", "owner": "Karang Taruna",
                     "due_on": "%d-05-31"}]},
)


def agreed_disbursements(client, out, year):
    """Monitoring's handovers of ``year`` once they equal distribution's report, month
    by month (both date a handover by when it happened, not when it was entered)."""
    report = client.get("reports/disbursements", params={"year": year})
    owner = {c["month"]: (c["count"], c["amount_idr"]) for c in report["months_total"]
             if c["count"]}

    def counted():
        rows = client.get("reports/annual/%d" % year)["distribution"]["disbursements"]
        mine = {}
        for r in rows:
            count, amount = mine.get(r["month"], (0, 0))
            mine[r["month"]] = (count + r["count"], amount + r["amount_idr"])
        return [mine] if mine == owner else None      # a list: no handovers is an answer too
    [months] = poll(counted, "monitoring to count distribution's handovers month by month", 120)
    out("Handovers %d: %d, %s in %d months (distribution reports the same, month by month)."
        % (year, sum(c for c, _ in months.values()),
           rupiah(sum(a for _, a in months.values())), len(months)))


def a_recipient(client):
    """The NIK of someone who received aid in a round, or None."""
    for rnd in client.get("rounds", params={"per_page": 20})["items"]:
        for alloc in client.get("rounds/%s/allocations" % rnd["id"],
                                params={"per_page": 50})["items"]:
            if alloc["status"] == "disbursed" and alloc.get("recipient_nik"):
                return alloc["recipient_nik"]
    return None


def run(client, out):
    year = datetime.datetime.now(WIB).year
    out.section("Monitoring: timelines, discussions and the annual report")
    agreed_disbursements(client, out, year)
    nik = a_recipient(client)
    if nik:
        timeline = client.get("residents/%s/timeline" % nik)
        out("Timeline of resident %s (%d entries):" % (timeline["id"], len(timeline["entries"])))
        out.table(timeline["entries"], ["at", "source", "summary"])
    held = [d["held_on"] for d in client.get("discussions", params={"year": year})["items"]]
    for month, body in zip((2, 8), DISCUSSIONS, strict=True):
        held_on = "%d-%02d-14" % (year, month)
        if held_on in held:
            continue                      # the job ran before on this platform
        body = dict(body, held_on=held_on, follow_ups=[
            dict(f, due_on=f["due_on"] % year) for f in body["follow_ups"]])
        made = client.post("discussions", body)
        client.post("discussions/%s/follow-ups/0/status" % made["id"], {"status": "in_progress"})
        out("Discussion in RW %s on %s recorded: %d needs, %d follow-ups." % (
            made["rw"], made["held_on"], len(made["needs"]), len(made["follow_ups"])))
    evaluation.run(client, out, year)
    report = client.get("reports/annual/%d" % year)
    talks = report["discussions"]
    gone = report["registry"]["deactivations"]
    out("Year %d: %d residents registered, %s; %d complaint categories; "
        "%d discussions, top need: %s." % (
            year, report["registry"]["registrations"], ", ".join(
                "%d %s" % (n, why.replace("_", " ")) for why, n in sorted(gone.items()))
            or "nobody deactivated",
            len(report["complaints"]), talks["count"],
            talks["needs"][0]["need"] if talks["needs"] else "-"))
    out("Coverage counts every household (or person) allocated in a round of the year, "
        "waiting lists included, as monitoring saw it all year: more than a round's table "
        "earlier in this job, since families that became eligible later (for UMKM_DESA, "
        "after an entrepreneurship training) joined the waiting list.")
    for c in report["coverage"]:
        out("Coverage of %s: %d of %d %ss reached (%s%%)." % (
            c["programme_code"], c["reached"], c["eligible"], c["unit"],
            "-" if c["reached_pct"] is None else c["reached_pct"]))
    for c in report["complaint_deadlines"]:
        out("Complaints '%s': %d resolved (%d within the deadline, %d late), %d open past "
            "it; median %s days." % (c["category"], c["resolved"], c["within_deadline"],
                                     c["late"], c["open_past_deadline"],
                                     "-" if c["median_days"] is None else c["median_days"]))
    for given in report["contributions"]:
        out("%s: pledged %s, delivered %s; trainer-hours %d of %d." % (
            given["partner_name"], rupiah(given["pledged"]["amount_idr"]),
            rupiah(given["delivered"]["amount_idr"]),
            given["delivered"]["trainer_hours"],
            given["pledged"]["trainer_hours"]))
    os.makedirs(REPORT_DIR, exist_ok=True)
    path = os.path.join(REPORT_DIR, "laporan-tahunan-%d.html" % year)
    began = time.monotonic()
    page = client.raw("GET", "reports/annual/%d" % year, params={"format": "html"})
    took = time.monotonic() - began
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(page.text)
    out("The printable annual report: %s (%.1f s)" % (path, took))
    began = time.monotonic()
    pdf = client.raw("GET", "reports/annual/%d" % year, params={"format": "pdf"},
                     timeout=PDF_TIMEOUT)
    took = time.monotonic() - began
    if pdf.status_code != 200 or not pdf.content.startswith(b"%PDF-"):
        raise RuntimeError("the annual report as PDF answered %s: %s" % (
            pdf.status_code, pdf.text[:300]))
    path = os.path.join(REPORT_DIR, "laporan-tahunan-%d.pdf" % year)
    with open(path, "wb") as handle:
        handle.write(pdf.content)
    out("The annual report as PDF: %s (%d KB, %.1f s)" % (path, len(pdf.content) // 1024, took))
