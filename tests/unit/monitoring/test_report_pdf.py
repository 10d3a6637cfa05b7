"""The printable annual report with its charts, and the same page as an A4 PDF
(issue 14: "one printable HTML page (and PDF) with charts")."""
import base64
import re
import shutil
import subprocess
import zlib

import pytest

from services.monitoring import reports
from services.shared.errors import InvalidInput
from tests.unit.monitoring.test_accountability import (COMMITMENT_SET, DELIVERY_RECORDED,
                                                       deliver)
from tests.unit.monitoring.test_monitoring import OFFICER, service  # noqa: F401 - fixture

A4 = "/MediaBox [0 0 595.275591 841.889764]"


def _discussion(day, *needs):
    return {"held_on": day, "rw": "3", "facilitator": "Bu Lurah",
            "participants": {"female": 5, "male": 4},
            "needs": [{"need": n, "priority": 1} for n in needs]}


@pytest.fixture
def year(service):  # noqa: F811
    service.record_discussion(_discussion("2025-03-01", "Air bersih", "Jalan rusak"), OFFICER)
    service.record_discussion(_discussion("2026-03-01", "air bersih"), OFFICER)
    pledge = {"partner_id": "ptn_1", "partner_name": "PT Sumber Rejeki", "year": 2026,
              "amount_idr": 60_000_000, "in_kind_value_idr": 0, "trainer_hours": 20,
              "set_at": "2026-01-10T03:00:00.000Z"}
    deliver(service, COMMITMENT_SET, pledge, aggregate="ptn_1", version=2)
    deliver(service, DELIVERY_RECORDED, {
        "partner_id": "ptn_1", "partner_name": "PT Sumber Rejeki", "delivery_id": "dlv_1",
        "year": 2026, "delivered_on": "2026-03-01", "amount_idr": 15_000_000,
        "in_kind_value_idr": 0, "trainer_hours": 5, "recorded_at": "2026-03-01T03:00:00.000Z"},
        aggregate="ptn_1", version=3)
    return service


def _pdf_objects(pdf):
    """The PDF's bytes with every Flate stream inflated (outlines and pages live in
    compressed object streams)."""
    out = [pdf]
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            continue
    return b"\n".join(out).decode("latin-1")


def test_the_printable_page_charts_beside_its_tables(year):
    page = year.annual_report(2026, "html", OFFICER)
    charts = re.findall(r'<svg [^>]*role="img" aria-labelledby="([a-z]+)-title', page)
    assert charts == ["kontribusi", "kebutuhan"]  # nothing handed over, no coverage yet
    assert "<title id=\"kontribusi-title\">Kontribusi mitra dijanjikan dan terealisasi, " \
           "2026</title>" in page
    trend = page.split("Kebutuhan warga dari tahun ke tahun", 1)[1]
    # told apart case-insensitively, the years side by side beside the chart
    assert "<tr><td>air bersih</td><td>0</td><td>1</td><td>1</td></tr>" in trend
    assert "<th>2024</th><th>2025</th><th>2026</th>" in trend
    assert "Rp60.000.000" in page and "@page{size:A4" in page
    assert "<img" not in page and "src=" not in page  # one file: nothing to fetch


def test_every_chart_when_the_year_has_figures():
    year = {"year": 2026, "registry": {"registrations": 0, "deactivations": {}},
            "distribution": {"allocations": [], "returns": [], "disbursements": [
                {"programme_code": "PKH", "rw": "003", "month": "2026-04", "count": 2,
                 "amount_idr": 1_500_000}]},
            "complaints": [], "partners": {"enrolments_accepted": {}, "outcomes": {},
                                           "waitlisted": 0, "withdrawn": 0},
            "coverage": [{"programme_code": "PKH", "unit": "household", "eligible": 2,
                          "reached": 1, "reached_pct": 50.0, "by_rw": []}],
            "complaint_deadlines": [{"category": "schedule", "resolved": 3,
                                     "within_deadline": 2, "late": 1, "open_past_deadline": 0,
                                     "median_days": 2.0, "p90_days": 4.0}],
            "contributions": [],
            "marketplace": {"sellers_registered": 0, "sellers_verified": 0,
                            "listings_published": 0, "orders_completed": 0,
                            "orders_value_idr": 0},
            "discussions": {"count": 0, "participants": {}, "needs": [], "follow_ups": {}},
            "scorecards": {"count": 0, "cards": []}, "surveys": [], "graduation": []}
    page = reports.html_report(year)
    assert re.findall(r'aria-labelledby="([a-z]+)-title', page) == [
        "tersalur", "cakupan", "tenggat"]
    assert "<tr><td>Apr</td><td>Rp1.500.000</td></tr>" in page
    tenggat = page.split('id="tenggat-title"', 1)[1]
    assert "Jadwal atau tempat" in tenggat and "Tepat waktu" in tenggat


def test_the_pdf_is_the_same_page_on_a4(year):
    pdf = base64.b64decode(year.annual_report(2026, "pdf", OFFICER))
    assert pdf.startswith(b"%PDF-")
    objects = _pdf_objects(pdf)
    # the page's headings are the PDF's outline, in their order
    titles = [t.replace("\\", "") for t in re.findall(r"/Title \(((?:\\.|[^\\)])*)\)",
                                                         objects)]
    assert titles[0] == "Laporan Evaluasi Tahunan 2026"
    assert titles.index("Cakupan bantuan (sasaran dan yang menerima)") < titles.index(
        "Kontribusi mitra: janji dan realisasi")
    assert objects.count(A4) >= 5  # every section on a page of its own, all A4
    if shutil.which("pdftotext"):  # where poppler is installed, read its text too
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                              check=True).stdout.decode()
        assert "Laporan Evaluasi Tahunan 2026" in text and "Rp15.000.000" in text


def test_an_unknown_format_names_the_pdf_among_the_known(service):  # noqa: F811
    with pytest.raises(InvalidInput) as refused:
        service.annual_report(2026, "docx", OFFICER)
    assert refused.value.errors == {"format": ["Must be one of: json, csv, html, pdf."]}


def test_the_needs_trend_tells_needs_apart_case_insensitively_most_mentioned_first():
    from services.monitoring.reports import needs_trend
    trend = needs_trend({2025: [{"need": "air bersih", "mentions": 5},
                                {"need": "Jalan rusak", "mentions": 1}],
                         2026: [{"need": "Air bersih", "mentions": 2}], 2024: []})
    assert trend == {"years": [2024, 2025, 2026], "needs": ["Air bersih", "Jalan rusak"],
                     "mentions": [[0, 5, 2], [0, 1, 0]]}


def test_a_pdf_that_cannot_be_made_here_is_unavailable_not_an_internal_error(monkeypatch):
    from services.shared.rpc import Unavailable

    def no_pango(html):
        raise OSError("cannot load library 'libpango-1.0-0'")
    monkeypatch.setattr(reports, "_render_pdf", no_pango)
    with pytest.raises(Unavailable) as caught:
        reports.pdf_report("<h1>Laporan</h1>")
    assert "libpango" in caught.value.detail and "format=html" in caught.value.detail


def test_the_page_names_codes_in_indonesian_and_writes_a_decimal_comma():
    assert reports._decimal(2.5) == "2,5" and reports._decimal(1234.25) == "1.234,2"
    assert reports._decimal(7) == 7
    assert reports._dash(0.0) == "0,0" and reports._dash(None) == "-"
    assert reports.PARTNER_LABELS["business_started"] == "Memulai usaha"
    assert reports.STATUS_LABELS["in_progress"] == "Sedang dikerjakan"
