"""Console evaluation pages: scorecards (list with the change, the form and its
errors by row), surveys (list, new survey, summary) and the KoBoToolbox import."""
import io
import re

import pytest

from samplegen import kobo
from tests.unit.web.conftest import csrf_of, login
from web.pages import evaluation

CARD = {"id": "scd_1", "rw": "003", "semester": "2026-2", "service": "Posyandu Melati",
        "previous_id": "scd_0", "recorded_at": "2026-08-01T02:00:00.000Z", "recorded_by": {},
        "criteria": [{"criterion": "Ketepatan jadwal", "community_score": 72,
                      "provider_score": 78, "gap": -6, "note": None, "community_change": 17,
                      "provider_change": -2}],
        "action_plan": [{"action": "Jadwal ditempel di pos RW", "owner": "Kader",
                         "due_on": "2026-09-01", "status": "done"}]}
SURVEY = {"id": "srv_1", "title": "Evaluasi PKH 2026", "programme_code": "PKH",
          "form_id": kobo.FORM_ID, "responses": 4, "recorded_at": "2026-03-10T02:00:00.000Z",
          "questions": []}
SUMMARY = {"survey": SURVEY, "responses": 4, "questions": [
    {"name": "layanan/antre", "label": "Tertib antrean", "kind": "rating", "answered": 4,
     "mean": 4.0, "distribution": {"1": 0, "2": 0, "3": 1, "4": 2, "5": 1}, "counts": [],
     "answers": []},
    {"name": "layanan/potongan", "label": "Ada potongan?", "kind": "choice", "answered": 4,
     "mean": None, "distribution": {}, "counts": [{"name": "ya", "label": "Ya", "n": 1},
                                                  {"name": "tidak", "label": "Tidak", "n": 3}],
     "answers": []},
    {"name": "saran", "label": "Saran", "kind": "text", "answered": 1, "mean": None,
     "distribution": {}, "counts": [], "answers": ["Antrean per RT"]}]}


@pytest.fixture
def officer(browser, gateway):
    login(browser, gateway)
    gateway.route("GET", "scorecards", {"items": [CARD], "page": 1, "per_page": 100,
                                        "total": 1})
    gateway.route("GET", "surveys", {"items": [SURVEY], "page": 1, "per_page": 100,
                                     "total": 1})
    gateway.route("GET", "surveys/srv_1/summary", SUMMARY)
    return browser


def test_scorecards_show_the_change_and_a_new_one_is_sent_without_blank_rows(officer,
                                                                             gateway):
    html = officer.get("/konsol/pemantauan/kartu-penilaian?tahun=2026").get_data(as_text=True)
    assert "Posyandu Melati" in html and "+17" in html and "-2" in html
    assert gateway.query("GET", "scorecards")["year"] == 2026
    gateway.route("POST", "scorecards", CARD, status=201)
    page = officer.post("/konsol/pemantauan/kartu-penilaian", data={
        "csrf_token": csrf_of(html), "service": "Posyandu Melati", "rw": "3",
        "semester": evaluation.semesters()[0],
        "c2-criterion": "Ketepatan jadwal", "c2-community_score": "72",
        "c2-provider_score": "78", "a1-action": "Tempel jadwal", "a1-owner": "Kader",
        "a1-due_on": "2026-09-01"})
    assert page.status_code == 303 and "selesai=1" in page.headers["Location"]
    sent = gateway.last("POST", "scorecards")[2]
    assert sent["criteria"] == [{"criterion": "Ketepatan jadwal", "community_score": 72,
                                 "provider_score": 78, "note": None}]
    assert sent["action_plan"] == [{"action": "Tempel jadwal", "owner": "Kader",
                                    "due_on": "2026-09-01"}]


def test_a_refused_score_is_shown_on_the_row_the_officer_filled(officer, gateway):
    html = officer.get("/konsol/pemantauan/kartu-penilaian").get_data(as_text=True)
    gateway.route("POST", "scorecards", {"status": 400, "errors": {
        "criteria.0.community_score": ["must be a score from 0 to 100"]}}, status=400)
    page = officer.post("/konsol/pemantauan/kartu-penilaian", data={
        "csrf_token": csrf_of(html), "service": "PKH", "semester": "2026-2",
        "c3-criterion": "Tepat waktu", "c3-community_score": "150", "c3-provider_score": "80"})
    body = page.get_data(as_text=True)
    assert page.status_code == 400
    assert 'id="c3-community_score-error"' in body and 'value="150"' in body


def test_the_survey_list_and_its_summary_per_question(officer, gateway):
    html = officer.get("/konsol/pemantauan/survei").get_data(as_text=True)
    assert "Evaluasi PKH 2026" in html and 'href="/konsol/pemantauan/survei/srv_1"' in html
    summary = officer.get("/konsol/pemantauan/survei/srv_1").get_data(as_text=True)
    assert "Rata-rata" in summary and "4.0" in summary
    assert "Tidak: 3" in summary and "Antrean per RT" in summary


def test_a_new_survey_sends_its_questions_and_choices(officer, gateway):
    html = officer.get("/konsol/pemantauan/survei").get_data(as_text=True)
    gateway.route("POST", "surveys", SURVEY, status=201)
    page = officer.post("/konsol/pemantauan/survei", data={
        "csrf_token": csrf_of(html), "title": "Kepuasan BPNT", "programme_code": "BPNT",
        "q0-label": "Tepat waktu?", "q0-kind": "rating",
        "q1-label": "Tempat", "q1-kind": "choice", "q1-choices": "kantor=Kantor kelurahan\nE-warong"})
    assert page.status_code == 303 and page.headers["Location"].endswith("/survei/srv_1")
    questions = gateway.last("POST", "surveys")[2]["questions"]
    assert questions[1]["choices"] == [{"name": "kantor", "label": "Kantor kelurahan"},
                                       {"name": "e-warong", "label": "E-warong"}]


def test_the_import_uploads_both_files_and_says_what_was_added(officer, gateway):
    html = officer.get("/konsol/pemantauan/survei").get_data(as_text=True)
    gateway.route("POST", "surveys/import", {"survey": SURVEY, "added": 4, "already_there": 0,
                                             "skipped_columns": ["kebutuhan"]})
    page = officer.post("/konsol/pemantauan/survei/impor", data={
        "csrf_token": csrf_of(html), "programme_code": "PKH",
        "form": (io.BytesIO(kobo.xlsform()), "form.xlsx"),
        "data": (io.BytesIO(kobo.export()), "data.xlsx")},
        content_type="multipart/form-data")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "4 jawaban baru" in body and "kebutuhan" in body
    sent = gateway.last("POST", "surveys/import")[3]["Content-Type"]
    assert re.match(r"multipart/form-data; boundary=", sent)


def test_an_import_missing_a_file_or_refused_says_why(officer, gateway):
    html = officer.get("/konsol/pemantauan/survei").get_data(as_text=True)
    page = officer.post("/konsol/pemantauan/survei/impor", data={
        "csrf_token": csrf_of(html), "programme_code": "PKH"},
        content_type="multipart/form-data")
    assert page.status_code == 400 and 'id="form-error"' in page.get_data(as_text=True)
    gateway.route("POST", "surveys/import", {"status": 400, "errors": {
        "form.survey": ["sheet is missing (found: questions)"]}}, status=400)
    page = officer.post("/konsol/pemantauan/survei/impor", data={
        "csrf_token": csrf_of(html), "programme_code": "PKH",
        "form": (io.BytesIO(b"x"), "form.xlsx"),
        "data": (io.BytesIO(b"y"), "data.xlsx")},
        content_type="multipart/form-data")
    assert page.status_code == 400
    assert "form.survey: sheet is missing" in page.get_data(as_text=True)


def test_an_unknown_survey_is_404_and_a_second_scorecard_is_refused(officer, gateway):
    gateway.route("GET", "surveys/srv_x/summary", {"status": 404, "detail": "No survey."},
                  status=404)
    assert officer.get("/konsol/pemantauan/survei/srv_x").status_code == 404
    html = officer.get("/konsol/pemantauan/kartu-penilaian").get_data(as_text=True)
    gateway.route("POST", "scorecards", {"status": 409, "detail": "exists"}, status=409)
    page = officer.post("/konsol/pemantauan/kartu-penilaian", data={
        "csrf_token": csrf_of(html), "service": "PKH", "semester": "2026-2",
        "c0-criterion": "Tepat waktu", "c0-community_score": "70", "c0-provider_score": "80"})
    assert page.status_code == 409
    assert "sudah punya kartu penilaian" in page.get_data(as_text=True)
