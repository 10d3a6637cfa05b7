"""The complaints queue with deadline badges, one complaint, moves, notes, publication."""
import datetime

import pytest

from tests.unit.web import console_data as data
from tests.unit.web.conftest import csrf_of, login
from web.pages.complaints_console import TRANSITIONS, deadline_badge

NOW = datetime.datetime(2026, 8, 20, 3, 0, tzinfo=datetime.timezone.utc)


def _due(hours, met=None, missed=False, name="resolution"):
    at = (NOW + datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"name": name, "due_at": at, "met_at": met, "missed": missed}


@pytest.mark.parametrize("status, overdue, deadlines, state", [
    ("verified", False, [_due(72)], "on_time"),
    ("verified", False, [_due(10)], "at_risk"),
    ("verified", False, [_due(-1)], "late"),
    ("verified", True, [_due(48)], "late"),
    ("in_progress", False, [_due(-5, met="x", missed=True), _due(100)], "on_time"),
    ("resolved", False, [_due(-5, met="x", missed=True)], "closed_late"),
    ("rejected", False, [_due(5, met="x")], "closed_on_time"),
])
def test_a_badge_tells_the_next_open_deadline(status, overdue, deadlines, state):
    badge = deadline_badge(data.complaint(status=status, overdue=overdue,
                                          deadlines=deadlines), NOW)
    assert badge["state"] == state


def test_the_console_workflow_is_the_services():
    from services.complaints.domain import TRANSITIONS as SERVICE
    assert TRANSITIONS == SERVICE


@pytest.fixture
def officer(browser, gateway):
    login(browser, gateway)
    gateway.route("GET", "complaints/cmp_1", data.complaint())
    return browser


def test_the_queue_filters_and_badges(officer, gateway):
    gateway.route("GET", "complaints", dict(data.page_of([
        data.complaint(deadlines=[_due(-1, name="triage")], overdue=True)]),
        counts={"received": 4, "overdue": 1}))
    html = officer.get("/konsol/pengaduan?status=received&category=pungli&terlambat=1"
                       "&kode=k7qx 2m9hpa").get_data(as_text=True)
    assert "K7QX2M9HPA" in html and "Terlambat" in html and "pemeriksaan awal" in html
    assert "<strong>4</strong> baru" in html
    assert gateway.query("GET", "complaints") == {
        "status": "received", "category": "pungli", "overdue": "true",
        "tracking_code": "K7QX2M9HPA", "page": 1, "per_page": 25}


def test_a_pungli_reporter_is_said_hidden_not_shown(officer, gateway):
    gateway.route("GET", "complaints/cmp_1", data.complaint(
        category="pungli", reporter=None, reporter_visible=False))
    html = officer.get("/konsol/pengaduan/cmp_1").get_data(as_text=True)
    assert "Disembunyikan" in html and data.WIFE not in html


def test_a_move_offers_only_the_workflows_next_statuses_and_sends_the_version(officer,
                                                                              gateway):
    html = officer.get("/konsol/pengaduan/cmp_1").get_data(as_text=True)
    assert 'value="verified"' in html and 'value="resolved"' not in html
    gateway.route("POST", "complaints/cmp_1/transitions", data.complaint(status="verified"))
    page = officer.post("/konsol/pengaduan/cmp_1", data={
        "csrf_token": csrf_of(html), "action": "transition", "t-to": "verified",
        "t-version": "4", "t-note": "", "t-internal_note": "Cek data penerima",
        "t-assigned_to": "Budi"})
    assert page.status_code == 303 and "ok=transition" in page.headers["Location"]
    assert gateway.last("POST", "complaints/cmp_1/transitions")[2] == {
        "to": "verified", "internal_note": "Cek data penerima", "assigned_to": "Budi",
        "version": 4}


def test_resolving_needs_the_answer_for_the_reporter(officer, gateway):
    gateway.route("GET", "complaints/cmp_1", data.complaint(status="in_progress"))
    html = officer.get("/konsol/pengaduan/cmp_1").get_data(as_text=True)
    page = officer.post("/konsol/pengaduan/cmp_1", data={
        "csrf_token": csrf_of(html), "action": "transition", "t-to": "resolved",
        "t-version": "4"})
    assert page.status_code == 400
    assert "Tulis jawaban untuk pelapor." in page.get_data(as_text=True)
    assert not [c for c in gateway.calls if c[0] == "POST" and "transitions" in c[1]]


def test_a_lost_race_is_said_in_words(officer, gateway):
    gateway.route("POST", "complaints/cmp_1/transitions", {
        "status": 409, "detail": "Another officer changed this complaint meanwhile: it is now "
                                 "rejected."}, status=409)
    html = officer.get("/konsol/pengaduan/cmp_1").get_data(as_text=True)
    page = officer.post("/konsol/pengaduan/cmp_1", data={
        "csrf_token": csrf_of(html), "action": "transition", "t-to": "rejected",
        "t-note": "Bukan wewenang kelurahan", "t-version": "4"})
    assert page.status_code == 400
    assert "petugas lain baru saja mengubah" in page.get_data(as_text=True)


def test_notes_and_publication(officer, gateway):
    gateway.route("POST", "complaints/cmp_1/notes", data.complaint(), status=201)
    html = officer.get("/konsol/pengaduan/cmp_1").get_data(as_text=True)
    page = officer.post("/konsol/pengaduan/cmp_1", data={
        "csrf_token": csrf_of(html), "action": "note", "n-text": "Sudah ditelepon",
        "n-public": "1"})
    assert page.status_code == 303
    assert gateway.last("POST", "complaints/cmp_1/notes")[2] == {"text": "Sudah ditelepon",
                                                                  "public": True}
    gateway.route("GET", "complaints/cmp_1", data.complaint(status="resolved"))
    html = officer.get("/konsol/pengaduan/cmp_1").get_data(as_text=True)
    assert "Terbitkan" in html
    gateway.route("POST", "complaints/cmp_1/publication", data.complaint(status="resolved"))
    page = officer.post("/konsol/pengaduan/cmp_1", data={
        "csrf_token": csrf_of(html), "action": "publish", "p-summary": "Bantuan terlambat",
        "p-answer": "Sudah disalurkan"})
    assert page.status_code == 303
    assert gateway.last("POST", "complaints/cmp_1/publication")[2] == {
        "summary": "Bantuan terlambat", "answer": "Sudah disalurkan"}
