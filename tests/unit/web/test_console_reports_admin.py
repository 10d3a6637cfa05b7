"""Reports with charts and CSV downloads; tokens, audit trail, parked events; roles."""
import base64
import re

import pytest

from tests.unit.web import console_data as data
from tests.unit.web.conftest import csrf_of, login
from web import charts
from web.i18n import Messages

t = Messages("id")


def _handed():
    months = ["2026-%02d" % m for m in range(1, 13)]
    cell = lambda m, n: {"month": m, "count": n, "amount_idr": n * 600000,  # noqa: E731
                         "by_representative": 0, "returned": 0}
    row = [cell(m, 2 if m == "2026-08" else 0) for m in months]
    return {"year": 2026, "months": months, "programmes": [
        {"programme_code": "SEMBAKO", "months": row,
         "totals": {"count": 2, "amount_idr": 1200000, "by_representative": 0, "returned": 0}}],
        "months_total": row, "totals": {"count": 2, "amount_idr": 1200000,
                                        "by_representative": 0, "returned": 0}}


def _complaint_report():
    block = {"submitted": 3, "by_category": {"pungli": 1, "not_received": 2},
             "resolved": 2, "hours_to_resolve": {"median": 30.5, "p90": 70.0},
             "overdue_now": 1, "missed_deadline": 1}
    return {"year": 2026, "total": block, "months": [
        dict(block, month="2026-%02d" % m) for m in range(1, 13)]}


@pytest.fixture
def officer(browser, gateway):
    login(browser, gateway)
    gateway.route("GET", "reports/disbursements", _handed())
    gateway.route("GET", "reports/complaints", _complaint_report())
    gateway.route("GET", "reports/feedback", {"year": 2026, "programmes": [
        {"programme_code": "SEMBAKO", "responses": 4, "average_rating": 3.75,
         "ratings": {}, "needs": [{"code": "food", "label": "Food", "count": 3}]}]})
    return browser


def test_the_reports_page_draws_charts_beside_their_tables(officer, gateway):
    html = officer.get("/konsol/laporan?tahun=2026").get_data(as_text=True)
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', html)
    assert len(images) == 3 and all("tabel" in alt for _, alt in images)
    svg = base64.b64decode(images[0][0]).decode("utf-8")
    assert svg.startswith("<?xml") and "Agu" in svg and "Rp1,2 jt" in svg
    assert "Rp1.200.000" in html and "30,5 jam" in html and "3,75" in html
    assert gateway.query("GET", "reports/disbursements") == {"year": 2026}
    assert 'href="/konsol/laporan/unduh/penyaluran.csv?year=2026"' in html


def test_a_year_without_handovers_has_no_chart_and_says_so(officer, gateway):
    empty = _handed()
    empty.update(programmes=[], totals={"count": 0, "amount_idr": 0, "by_representative": 0,
                                        "returned": 0})
    gateway.route("GET", "reports/disbursements", empty)
    html = officer.get("/konsol/laporan").get_data(as_text=True)
    assert "Belum ada serah terima tahun ini." in html


def test_a_csv_download_is_the_apis_own(officer, gateway):
    gateway.route("GET", "rounds/rnd_1/report", b"round_id,metric\nrnd_1,disbursed\n",
                  headers={"Content-Disposition": 'attachment; filename="round-rnd_1.csv"'})
    page = officer.get("/konsol/laporan/unduh/tahap.csv?round=rnd_1")
    assert page.status_code == 200 and page.mimetype == "text/csv"
    assert page.get_data() == b"round_id,metric\nrnd_1,disbursed\n"
    assert "round-rnd_1.csv" in page.headers["Content-Disposition"]
    assert gateway.query("GET", "rounds/rnd_1/report") == {"format": "csv"}
    assert officer.get("/konsol/laporan/unduh/apa-saja.csv?x=1").status_code == 404


def test_the_round_report_shows_each_count(officer, gateway):
    gateway.route("GET", "rounds/rnd_1/report", dict(data.REPORT, totals=data.totals(
        eligible=3, allocated=2, disbursed=1, pending=1, waiting=1, by_representative=1)))
    html = officer.get("/konsol/tahap/rnd_1/laporan").get_data(as_text=True)
    assert "Sudah diterima" in html and "1 diwakili" in html and "data:image/svg+xml" in html


def test_short_rupiah_reads_as_indonesians_write_it():
    assert charts.short_rupiah(1_500_000, t) == "Rp1,5 jt"
    assert charts.short_rupiah(200_000, t) == "Rp200 rb"
    assert charts.short_rupiah(2_000_000_000, t) == "Rp2 M"
    assert charts.short_rupiah(0, t) == "Rp0"


@pytest.fixture
def admin(browser, gateway):
    login(browser, gateway, role="admin")
    gateway.route("GET", "tokens", data.page_of([
        {"id": "tok_1", "role": "partner", "name": "Mitra Puskesmas", "partner_id": "ptn_1",
         "seller_id": None, "created_at": "2026-01-02T03:04:05Z", "revoked_at": None}]))
    return browser


def test_a_new_token_is_shown_once_on_the_answer(admin, gateway):
    html = admin.get("/konsol/admin/token").get_data(as_text=True)
    assert "Mitra Puskesmas" in html and "bt_" not in html
    page = admin.post("/konsol/admin/token", data={"csrf_token": csrf_of(html),
                                                   "role": "partner", "name": "Mitra baru"})
    assert page.status_code == 400 and "Isi ID mitra." in page.get_data(as_text=True)
    gateway.route("POST", "tokens", {"id": "tok_2", "role": "officer", "name": "Integrasi",
                                     "token": "bt_secret_value", "created_at": "x",
                                     "revoked_at": None}, status=201)
    page = admin.post("/konsol/admin/token", data={"csrf_token": csrf_of(html),
                                                   "role": "officer", "name": "Integrasi"})
    assert page.status_code == 201 and "bt_secret_value" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert gateway.last("POST", "tokens")[2] == {"role": "officer", "name": "Integrasi"}
    assert "bt_secret_value" not in admin.get("/konsol/admin/token").get_data(as_text=True)


def test_revoking_a_token(admin, gateway):
    gateway.route("DELETE", "tokens/tok_1", {"id": "tok_1"})
    html = admin.get("/konsol/admin/token").get_data(as_text=True)
    page = admin.post("/konsol/admin/token/tok_1/cabut", data={"csrf_token": csrf_of(html)})
    assert page.status_code == 303 and gateway.last("DELETE", "tokens/tok_1")


def test_the_audit_trail_filters_by_whose_data(admin, gateway):
    gateway.route("GET", "audit", data.page_of([
        {"id": "a1", "at": "2026-08-17T07:30:00Z", "token_id": "ses_1",
         "token_name": "Siti Aminah", "role": "officer", "action": "read_resident",
         "subject": data.NIK, "method": "GET", "path": "/api/v1/residents/%s" % data.NIK,
         "request_id": "r1"}]))
    html = admin.get("/konsol/admin/audit?subjek=3174 0901 0180 0001").get_data(as_text=True)
    assert "Membuka data warga" in html and "Siti Aminah" in html
    assert gateway.query("GET", "audit") == {"page": 1, "per_page": 50, "subject": data.NIK}


def test_a_parked_event_is_replayed(admin, gateway):
    event = {"id": "pk_1", "handler": "handle_resident_deactivated", "error": "Boom",
             "attempts": 3, "parked_at": "2026-08-17T07:30:00Z", "payload": {
                 "type": "resident_deactivated", "source": "registry", "aggregate_id": "res_1",
                 "aggregate_version": 4, "data": {}}}
    gateway.route("GET", "admin/parked-events", {"registry": [], "distribution": [event]})
    html = admin.get("/konsol/admin/peristiwa").get_data(as_text=True)
    assert "resident_deactivated" in html and "Boom" in html
    gateway.route("POST", "admin/parked-events/distribution/pk_1/replay", {"status": 500},
                  status=500)
    page = admin.post("/konsol/admin/peristiwa/distribution/pk_1",
                      data={"csrf_token": csrf_of(html)})
    assert page.status_code == 409 and "gagal lagi" in page.get_data(as_text=True)
    gateway.route("POST", "admin/parked-events/distribution/pk_1/replay",
                  {"replayed": "pk_1"})
    page = admin.post("/konsol/admin/peristiwa/distribution/pk_1",
                      data={"csrf_token": csrf_of(html)})
    assert page.status_code == 303


def test_a_service_that_did_not_answer_is_not_shown_as_having_nothing_parked(admin, gateway):
    gateway.route("GET", "admin/parked-events", {"registry": None, "distribution": []})
    html = admin.get("/konsol/admin/peristiwa").get_data(as_text=True)
    distribution, registry = html.split("<h2>distribution")[1].split("<h2>registry")  # sorted
    assert "tidak menjawab" in registry and "Tidak ada." not in registry
    assert "Tidak ada." in distribution and "tidak menjawab" not in distribution


@pytest.mark.parametrize("path", ["/konsol/admin", "/konsol/admin/token", "/konsol/admin/audit",
                                  "/konsol/admin/peristiwa", "/konsol/akun"])
def test_an_officer_cannot_open_admin_pages(browser, gateway, path):
    login(browser, gateway, role="officer")
    page = browser.get(path)
    assert page.status_code == 403
    assert not [c for c in gateway.calls if c[1] in ("tokens", "audit", "admin/parked-events",
                                                     "accounts")]


def test_an_officer_does_not_see_the_administration_in_the_menu(browser, gateway):
    login(browser, gateway, role="officer")
    gateway.route("GET", "rounds", data.page_of([]))
    html = browser.get("/konsol/").get_data(as_text=True)
    assert "Administrasi" not in html and "Penyaluran" in html and "Laporan" in html
