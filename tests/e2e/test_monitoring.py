"""Monitoring over HTTP: a family's registration and a move-out reach the resident's
and the family's timelines and the year's report (JSON, CSV, printable page, PDF).
Every answer is checked against openapi.json."""
import datetime
import re
import zlib

import pytest

from tests.helpers import wait_for
from tests.support.api import ApiError
from tests.unit.registry import factories

pytestmark = pytest.mark.e2e


def entries(officer, path):
    """The timeline's entries; none while monitoring has not seen the subject yet (404)."""
    try:
        return officer.get(path)["entries"]
    except ApiError as exc:
        if exc.status != 404:
            raise
        return []


def _inflated(pdf):
    """The PDF's compressed streams inflated: its outline (the page's headings) is there."""
    return b"".join(zlib.decompress(m) for m in re.findall(rb"stream\r?\n(.*?)endstream", pdf,
                                                            re.S) if m[:1] == b"x")


def test_timelines_and_the_annual_report(officer, make_client):
    year = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7))).year
    before = officer.get("reports/annual/%d" % year)["registry"]
    household = officer.post("households", factories.household())
    head, spouse = household["members"][0], household["members"][1]

    wait_for(lambda: len(entries(officer, "households/%s/timeline" % household["id"]))
             == 1 + len(household["members"]), timeout=30,
             message="monitoring never saw the family")
    officer.post("residents/%s/deactivate" % spouse["nik"], {"reason": "moved_out",
                                                             "note": "pindah ke Depok"})
    wait_for(lambda: len(officer.get("residents/%s/timeline" % spouse["nik"])["entries"]) == 2,
             timeout=30, message="the move-out never reached the timeline")

    seen = officer.get("residents/%s/timeline" % spouse["nik"])["entries"]
    assert [e["summary"] for e in seen] == [
        "Terdaftar sebagai warga (RW %s)" % household["rw"], "Dinonaktifkan: pindah"]
    assert [e["type"] for e in officer.get("residents/%s/timeline" % head["nik"])["entries"]] \
        == ["resident_registered"]
    after = officer.get("reports/annual/%d" % year)["registry"]
    assert after["registrations"] >= before["registrations"] + len(household["members"])
    assert after["deactivations"].get("moved_out", 0) >= 1

    csv_text = officer.raw("GET", "reports/annual/%d" % year, params={"format": "csv"}).text
    assert csv_text.startswith("table,key,month,count,amount_idr\n")
    page = officer.raw("GET", "reports/annual/%d" % year, params={"format": "html"})
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Laporan Evaluasi Tahunan %d" % year in page.text
    for heading in ("Cakupan bantuan", "Penyelesaian pengaduan terhadap tenggat",
                    "Kontribusi mitra"):
        assert heading in page.text
    assert page.text.count('role="img"') == page.text.count("<svg ")  # charts inline
    pdf = officer.raw("GET", "reports/annual/%d" % year, params={"format": "pdf"})
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert "laporan-tahunan-%d.pdf" % year in pdf.headers["Content-Disposition"]
    assert b"/Title (Laporan Evaluasi Tahunan %d)" % year in _inflated(pdf.content)
    report = officer.get("reports/annual/%d" % year)
    assert {"coverage", "complaint_deadlines", "contributions"} <= set(report)
    for c in report["coverage"]:
        assert 0 <= c["reached"] <= c["eligible"]
        assert sum(r["eligible"] for r in c["by_rw"]) == c["eligible"]

    with pytest.raises(ApiError) as refused:
        make_client("partner", partner_id="ptn_x").get("residents/%s/timeline" % head["nik"])
    assert refused.value.status == 403
    with pytest.raises(ApiError) as bad:
        officer.get("reports/annual/%d" % year, params={"format": "docx"})
    assert bad.value.status == 400


def test_a_discussion_its_follow_up_and_the_year(officer):
    year = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7))).year
    body = {"held_on": "%d-02-14" % year, "rw": "4", "facilitator": "Bu Lurah",
            "participants": {"female": 12, "male": 8, "groups": {"elderly": 3}},
            "needs": [{"need": "Lampu jalan RW 004", "priority": 1}],
            "follow_ups": [{"action": "Usulkan ke Musrenbang", "owner": "Ketua RW",
                            "due_on": "%d-04-01" % year}]}
    made = officer.post("discussions", body)
    assert made["participants"]["groups"] == {"women": 0, "elderly": 3, "youth": 0,
                                              "disabled": 0}
    changed = officer.post("discussions/%s/follow-ups/0/status" % made["id"],
                           {"status": "in_progress"})
    assert changed["follow_ups"][0]["status"] == "in_progress"
    listed = officer.get("discussions", {"year": year, "rw": "004"})
    assert made["id"] in [d["id"] for d in listed["items"]]
    needs = officer.get("reports/annual/%d" % year)["discussions"]["needs"]
    assert {"need": "Lampu jalan RW 004", "mentions": 1, "best_priority": 1} in needs

    with pytest.raises(ApiError) as bad:
        officer.post("discussions", dict(body, rw="abcd", needs=[{"need": "", "priority": 1}]))
    assert bad.value.status == 400
    assert {"rw", "needs.0.need"} <= set(bad.value.problem["errors"])
