"""Console monitoring pages: a resident's timeline by NIK, the year's report and its
printable page, as the API answers them."""
import pytest

from tests.unit.web.conftest import login


def annual_page(officer, gateway, year):
    """The console's annual page for 2026 with ``year`` as monitoring's answer."""
    gateway.route("GET", "reports/annual/2026", year)
    return officer.get("/konsol/pemantauan/tahunan?tahun=2026").get_data(as_text=True)


def section(html, title):
    """What the page shows after the heading ``title``."""
    return html.split(title, 1)[1]

NIK = "3174094203850001"
YEAR = {"year": 2026, "registry": {"registrations": 3, "deactivations": {"moved_out": 1}},
        "distribution": {"allocations": [], "returns": [], "disbursements": [
            {"programme_code": "PKH", "rw": "003", "month": "2026-04", "count": 2,
             "amount_idr": 1500000}]},
        "complaints": [{"category": "not_received", "submitted": 4, "resolved": 3,
                        "mean_resolution_days": 2.5}],
        "partners": {"enrolments_accepted": {}, "outcomes": {}, "withdrawn": 0,
                     "waitlisted": 0},
        "marketplace": {"sellers_registered": 1, "sellers_verified": 1,
                        "listings_published": 2, "orders_completed": 5,
                        "orders_value_idr": 125000},
        "discussions": {"count": 2, "participants": {}, "follow_ups": {},
                        "needs": [{"need": "Air bersih", "mentions": 2, "best_priority": 1}]},
        "needs_trend": {"years": [2026], "needs": ["Air bersih"], "mentions": [[2]]},
        "disbursed_by_month": [0, 0, 0, 1500000, 0, 0, 0, 0, 0, 0, 0, 0],
        "graduation": [{"cohort": 2026, "supported": 12, "verified_sellers": 5, "listed": 4,
                        "sold": 3, "left_improved": 2, "left_deceased_or_moved": 1}]}


@pytest.fixture
def officer(browser, gateway):
    login(browser, gateway)
    return browser


def test_a_timeline_lists_what_happened_oldest_first(officer, gateway):
    gateway.route("GET", "residents/%s/timeline" % NIK, {
        "subject": "resident", "id": "res_1", "entries": [
            {"at": "2026-01-05T02:01:00.000Z", "source": "registry",
             "type": "resident_registered", "summary": "Terdaftar sebagai warga (RW 003)"},
            {"at": "2026-04-02T03:00:00.000Z", "source": "distribution",
             "type": "aid_disbursed", "summary": "Menerima bantuan PKH (Rp750.000)"}]})
    html = officer.get("/konsol/pemantauan?nik=%s" % NIK).get_data(as_text=True)
    assert html.index("Terdaftar sebagai warga") < html.index("Menerima bantuan PKH")
    assert "2026-04-02" in html


def test_an_unknown_nik_says_so_with_404(officer, gateway):
    gateway.route("GET", "residents/3174090000000000/timeline",
                  {"title": "Not found", "status": 404, "detail": "No resident."}, status=404)
    page = officer.get("/konsol/pemantauan?nik=3174090000000000")
    assert page.status_code == 404
    assert "belum tercatat di pemantauan" in page.get_data(as_text=True)


def test_the_year_shows_key_figures_and_links_the_printable_page(officer, gateway):
    html = annual_page(officer, gateway, YEAR)
    assert "Rp1.500.000" in html and "Air bersih (2)" in html
    assert 'href="/konsol/pemantauan/tahunan/2026/cetak"' in html
    assert '<a href="/konsol/pemantauan/tahunan/2026/laporan.pdf" download>Unduh PDF</a>' in html
    assert "Keluarga keluar dari bantuan karena membaik" in html
    assert "<td>2026</td><td>12</td><td>5</td><td>4</td><td>3</td><td>2</td><td>1</td>" in html
    assert "Kebutuhan warga dari tahun ke tahun" in html  # 2024 and 2025 unknown: 2026 alone


def test_the_needs_of_three_years_side_by_side_and_the_months_charted(officer, gateway):
    import copy
    year = copy.deepcopy(YEAR)
    year["needs_trend"] = {"years": [2025, 2026], "needs": ["Air bersih", "Jalan rusak"],
                           "mentions": [[5, 2], [1, 0]]}
    html = annual_page(officer, gateway, year)
    trend = html.split("Kebutuhan warga dari tahun ke tahun", 1)[1]
    assert "<th scope=\"col\">2025</th><th scope=\"col\">2026</th>" in trend
    assert trend.index("<td>Air bersih</td><td>5</td><td>2</td>") < trend.index("Jalan rusak")
    assert 'src="data:image/svg+xml;base64,' in trend
    assert "Bantuan tersalurkan per bulan" in html
    gateway.route("GET", "reports/annual/2026", b"<!DOCTYPE html><h1>Laporan</h1>")
    printable = officer.get("/konsol/pemantauan/tahunan/2026/cetak")
    assert printable.mimetype == "text/html" and b"<h1>Laporan</h1>" in printable.get_data()
    # its style and its inline charts may be styled inline; nothing may run
    csp = printable.headers["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in csp and "default-src 'none'" in csp
    assert "script-src" not in csp


def test_a_family_timeline_shows_its_members_entries_and_is_linked(officer, gateway):
    gateway.route("GET", "residents/%s/timeline" % NIK, {
        "subject": "resident", "id": "res_1", "household_id": "hh_1", "entries": []})
    html = officer.get("/konsol/pemantauan?nik=%s" % NIK).get_data(as_text=True)
    assert 'href="/konsol/pemantauan/keluarga/hh_1"' in html
    gateway.route("GET", "households/hh_1/timeline", {
        "subject": "household", "id": "hh_1", "household_id": "hh_1", "entries": [
            {"at": "2026-01-05T02:00:00.000Z", "source": "registry",
             "type": "household_registered", "summary": "Keluarga terdaftar (KK RW 003)"},
            {"at": "2026-01-05T02:01:00.000Z", "source": "registry", "names": ["Siti Aminah"],
             "type": "resident_registered", "summary": "Terdaftar sebagai warga (RW 003)"},
            {"at": "2026-04-02T03:00:00.000Z", "source": "distribution", "names": ["Ani"],
             "type": "aid_disbursed", "summary": "Menerima bantuan PIP untuk Ani (Rp450.000)"}]})
    page = officer.get("/konsol/pemantauan/keluarga/hh_1")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Linimasa keluarga" in html
    assert html.index("Keluarga terdaftar") < html.index("PIP untuk Ani")
    assert "<td>Siti Aminah</td><td>Kependudukan</td>" in html  # who, and the service in Bahasa
    assert "<td>Bantuan sosial</td>" in html and ">registry<" not in html
    assert 'href="/konsol/keluarga/hh_1"' in html


def test_an_unknown_family_says_so_with_404(officer, gateway):
    gateway.route("GET", "households/hh_x/timeline",
                  {"title": "Not found", "status": 404, "detail": "No household."}, status=404)
    page = officer.get("/konsol/pemantauan/keluarga/hh_x")
    assert page.status_code == 404
    assert "Keluarga ini belum tercatat di pemantauan" in page.get_data(as_text=True)


def test_the_year_shows_coverage_deadlines_and_contributions(officer, gateway):
    import copy
    year = copy.deepcopy(YEAR)
    year["coverage"] = [{"programme_code": "PKH", "unit": "household", "eligible": 3,
                         "reached": 2, "reached_pct": 66.7, "by_rw": [
                             {"rw": "003", "eligible": 2, "reached": 2, "reached_pct": 100.0},
                             {"rw": "005", "eligible": 1, "reached": 0, "reached_pct": 0.0}]},
                        {"programme_code": "PIP", "unit": "person", "eligible": 0,
                         "reached": 0, "reached_pct": None, "by_rw": []}]
    year["complaint_deadlines"] = [{"category": "schedule", "resolved": 3,
                                    "within_deadline": 2, "late": 1, "open_past_deadline": 1,
                                    "median_days": 4.0, "p90_days": 10.5}]
    year["contributions"] = [{"partner_id": "ptn_1", "partner_name": "PT Sumber Rejeki",
                              "deliveries": 2,
                              "pledged": {"amount_idr": 100000000, "in_kind_value_idr": 0,
                                          "trainer_hours": 40},
                              "delivered": {"amount_idr": 40000000,
                                            "in_kind_value_idr": 5000000,
                                            "trainer_hours": 30},
                              "delivered_pct": {"amount_idr": 40.0, "in_kind_value_idr": None,
                                                "trainer_hours": 75.0}}]

    html = annual_page(officer, gateway, year)

    covered = section(html, "Cakupan bantuan, sasaran dan yang menerima")
    assert ("<th scope=\"row\">PKH</th><td>Semua RW</td><td>keluarga</td><td>3</td><td>2</td>"
            "<td>66,7%</td>") in covered
    assert "<td>RW 005</td><td>keluarga</td><td>1</td><td>0</td><td>0%</td>" in covered
    assert "<td>orang</td><td>0</td><td>0</td><td>-</td>" in covered
    assert 'src="data:image/svg+xml;base64,' in covered.split("</figure>", 1)[0]
    timely = html.split("Penyelesaian pengaduan terhadap tenggat", 1)[1]
    assert ("<td>Jadwal atau tempat</td><td>3</td><td>2</td><td>1</td><td>1</td>"
            "<td>4</td><td>10,5</td>") in timely
    given = html.split("Kontribusi mitra, janji dan realisasi", 1)[1]
    assert "Rp100.000.000" in given and "Rp40.000.000 (40%)" in given
    assert "Rp5.000.000 (-)" in given and "<td>30 (75%)</td>" in given


def test_the_coverage_names_the_programmes_monitoring_knows_by_name(officer, gateway):
    import base64
    import copy
    year = copy.deepcopy(YEAR)
    year["coverage"] = [{"programme_code": code, "unit": "household", "eligible": 2,
                         "reached": 1, "reached_pct": 50.0, "by_rw": [
                             {"rw": "003", "eligible": 2, "reached": 1, "reached_pct": 50.0}]}
                        for code in ("PKH", "BLT_DD")]
    year["programme_names"] = {"PKH": "Program Keluarga Harapan"}

    html = annual_page(officer, gateway, year)

    covered = section(html, "Cakupan bantuan, sasaran dan yang menerima")
    assert ('<th scope="row">Program Keluarga Harapan <small>PKH</small></th>'
            "<td>Semua RW</td>") in covered
    assert "<td>Program Keluarga Harapan <small>PKH</small></td><td>RW 003</td>" in covered
    # one monitoring never saw named keeps its code
    assert '<th scope="row">BLT_DD</th>' in covered and "<td>BLT_DD</td>" in covered
    chart = covered.split('src="data:image/svg+xml;base64,', 1)[1].split('"', 1)[0]
    drawn = base64.b64decode(chart).decode("utf-8")
    assert "Program Keluarga Harapan (PKH)" in drawn and "BLT_DD" in drawn


def test_a_year_without_them_says_there_is_nothing_yet(officer, gateway):
    html = annual_page(officer, gateway, YEAR)
    assert html.count("Belum ada data tahun ini.") == 3


def test_figures_read_while_monitoring_is_rebuilt_say_they_are_partial(officer, gateway):
    assert "belum lengkap" not in annual_page(officer, gateway, YEAR)
    html = annual_page(officer, gateway, dict(YEAR, rebuilding_since="2026-12-07T03:04:05Z"))
    assert "belum lengkap" in html and "sejak 2026-12-07 03:04 UTC" in html
    gateway.route("GET", "residents/%s/timeline" % NIK, {
        "subject": "resident", "id": "res_1", "entries": [],
        "rebuilding_since": "2026-12-07T03:04:05Z"})
    assert "belum lengkap" in officer.get("/konsol/pemantauan?nik=%s" % NIK).get_data(
        as_text=True)


def test_the_pdf_link_downloads_what_monitoring_renders(officer, gateway):
    gateway.route("GET", "reports/annual/2026", b"%PDF-1.7 laporan")
    answer = officer.get("/konsol/pemantauan/tahunan/2026/laporan.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.get_data() == b"%PDF-1.7 laporan"
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="laporan-tahunan-2026.pdf"')
    assert gateway.query("GET", "reports/annual/2026") == {"format": "pdf"}
