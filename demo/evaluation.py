"""Participatory evaluation in the main job's monitoring step: a community
scorecard over two semesters, an evaluation survey imported from a KoBoToolbox
export (``samplegen.kobo``), and the graduation funnel per cohort.

``run(client, out, year)``; running the job again on the same platform adds
nothing (a semester's scorecard answers 409 and is read instead; the import
adds each ``_uuid`` once).
"""
from urllib3 import encode_multipart_formdata

from gateway.client import ApiError
from samplegen import kobo

SERVICE = "Posyandu Melati"
CRITERIA = (("Ketepatan jadwal", (55, 80), (72, 78)),
            ("Keramahan kader", (70, 75), (78, 80)),
            ("Ketersediaan vitamin A", (60, 90), (66, 88)))


def scorecards(client, out, year):
    """Record RW 003's posyandu scorecard for both semesters; print the change."""
    latest = None
    for half, due in ((1, "%d-06-30" % year), (2, "%d-12-15" % year)):
        body = {"rw": "003", "semester": "%d-%d" % (year, half), "service": SERVICE,
                "criteria": [{"criterion": name, "community_score": scores[half - 1][0],
                              "provider_score": scores[half - 1][1]}
                             for name, *scores in CRITERIA],
                "action_plan": [{"action": "Jadwal posyandu ditempel di pos RW dan grup WA",
                                 "owner": "Kader Posyandu Melati", "due_on": due,
                                 "status": "done" if half == 1 else "open"}]}
        try:
            latest = client.post("scorecards", body)
        except ApiError as exc:
            if exc.status != 409:
                raise                     # 409: the job ran before on this platform
            latest = client.get("scorecards", params={
                "year": year, "rw": "003", "service": SERVICE})["items"][-1]
    out("Scorecard %s, RW 003, semester %s (change against the semester before):"
        % (SERVICE, latest["semester"]))
    out.table(latest["criteria"], ["criterion", "community_score", "community_change",
                                   "provider_score", "provider_change"])


def survey(client, out, year):
    """Import the sample XLSForm and its export for PKH; print the summary."""
    body, content_type = encode_multipart_formdata({
        "form": ("evaluasi-pkh.xlsx", kobo.xlsform()),
        "data": ("evaluasi-pkh-data.xlsx", kobo.export(year)), "programme_code": "PKH"})
    done = client.post("surveys/import", data=body, headers={"Content-Type": content_type})
    out("Survey %r imported from KoBoToolbox: %d new responses, %d already there; "
        "skipped columns %s." % (done["survey"]["title"], done["added"],
                                  done["already_there"], done["skipped_columns"]))
    summary = client.get("surveys/%s/summary" % done["survey"]["id"])
    out.table([{"question": q["label"], "kind": q["kind"], "answered": q["answered"],
                "result": q["mean"] if q["kind"] == "rating" else
                ", ".join("%s %d" % (c["label"], c["n"]) for c in q["counts"])
                or "; ".join(q["answers"])} for q in summary["questions"]],
              ["question", "kind", "answered", "result"])


def funnel(client, out):
    """Print the graduation funnel of every cohort."""
    cohorts = client.get("reports/graduation")["cohorts"]
    out("Graduation funnel (residents by the year of their first business capital or "
        "entrepreneurship training):")
    out.table(cohorts, ["cohort", "supported", "verified_sellers", "listed", "sold",
                        "left_improved", "left_deceased_or_moved"])


def run(client, out, year):
    scorecards(client, out, year)
    survey(client, out, year)
    funnel(client, out)
