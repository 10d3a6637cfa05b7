"""Evaluation surveys: questions and answers checked, the summary per question, and
the import of an XLSForm with its KoBoToolbox export (good, bad sheets, re-import)."""
import base64

import pytest

from samplegen import kobo
from services.shared.errors import InvalidInput, NotFound
from tests.unit.monitoring.test_monitoring import OFFICER, service  # noqa: F401 - fixture

SURVEY = {"title": "Kepuasan penerima BPNT", "programme_code": "BPNT", "questions": [
    {"name": "tepat_waktu", "label": "Bantuan tepat waktu?", "kind": "rating"},
    {"name": "tempat", "label": "Tempat pengambilan", "kind": "choice",
     "choices": [{"name": "kantor", "label": "Kantor kelurahan"},
                 {"name": "warung", "label": "E-warong"}]},
    {"name": "saran", "label": "Saran", "kind": "text"}]}


def b64(content):
    return base64.b64encode(content).decode("ascii")


def test_the_summary_gives_mean_distribution_counts_and_texts(service):  # noqa: F811
    made = service.create_survey(SURVEY, OFFICER)
    for rating, place, note in ((4, "kantor", "Antre lama"), (5, "kantor", ""),
                                (2, "warung", "Stok kurang")):
        service.add_response(made["id"], {"answers": {
            "tepat_waktu": rating, "tempat": place, "saran": note}}, OFFICER)

    summary = service.survey_summary(made["id"], OFFICER)

    rating, place, text = summary["questions"]
    assert summary["responses"] == 3
    assert (rating["mean"], rating["distribution"]) == (3.67, {"1": 0, "2": 1, "3": 0, "4": 1,
                                                               "5": 1})
    assert [(c["name"], c["n"]) for c in place["counts"]] == [("kantor", 2), ("warung", 1)]
    assert (text["answered"], text["answers"]) == (2, ["Antre lama", "Stok kurang"])


def test_bad_questions_and_answers_name_the_field_and_store_nothing(service):  # noqa: F811
    bad = dict(SURVEY, questions=[dict(SURVEY["questions"][0], kind="scale"),
                                  {"name": "tempat", "label": "Tempat", "kind": "choice"}])
    with pytest.raises(InvalidInput) as refused:
        service.create_survey(bad, OFFICER)
    assert set(refused.value.errors) >= {"questions.0.kind", "questions.1.choices"}
    assert service.list_surveys(1, 50, OFFICER)["total"] == 0

    made = service.create_survey(SURVEY, OFFICER)
    with pytest.raises(InvalidInput) as wrong:
        service.add_response(made["id"], {"answers": {"tepat_waktu": 6, "tempat": "pasar",
                                                      "umur": 40}}, OFFICER)
    assert set(wrong.value.errors) == {"answers.tepat_waktu", "answers.tempat", "answers.umur"}
    assert service.survey_summary(made["id"], OFFICER)["responses"] == 0
    with pytest.raises(NotFound):
        service.add_response("srv_none", {"answers": {"saran": "x"}}, OFFICER)


def test_a_kobo_export_imports_its_questions_and_answers_once(service):  # noqa: F811
    first = service.import_survey(b64(kobo.xlsform()), b64(kobo.export()), "PKH", OFFICER)

    survey = first["survey"]
    assert (survey["title"], survey["form_id"], first["added"]) == (
        "Evaluasi PKH 2026", kobo.FORM_ID, 4)
    assert [(q["name"], q["kind"]) for q in survey["questions"]] == [
        ("rw", "choice"), ("layanan/antre", "rating"), ("layanan/informasi", "rating"),
        ("layanan/potongan", "choice"), ("saran", "text")]
    assert first["skipped_columns"] == ["kebutuhan"]
    summary = service.survey_summary(survey["id"], OFFICER)["questions"]
    assert summary[1]["mean"] == 4.0 and summary[2]["distribution"]["2"] == 1
    assert [(c["name"], c["n"]) for c in summary[3]["counts"]] == [("ya", 1), ("tidak", 3)]
    assert summary[4]["answers"] == ["Antrean per RT agar tidak berdesakan",
                                     "Jadwal diumumkan lewat grup WhatsApp RW"]

    again = service.import_survey(b64(kobo.xlsform()), b64(kobo.export()), "PKH", OFFICER)
    assert (again["survey"]["id"], again["added"], again["already_there"]) == (
        survey["id"], 0, 4)
    assert service.list_surveys(1, 50, OFFICER)["total"] == 1
    assert service.annual_counters(2026, OFFICER)["surveys"][0]["responses"] == 4


def test_a_form_without_settings_is_found_again_by_its_questions(service):  # noqa: F811
    form = b64(kobo.xlsform(settings=None))
    first = service.import_survey(form, b64(kobo.export()), "PKH", OFFICER)
    again = service.import_survey(form, b64(kobo.export()), "PKH", OFFICER)
    assert (first["added"], again["added"]) == (4, 0)
    assert again["survey"]["id"] == first["survey"]["id"]
    responses = service.survey_summary(first["survey"]["id"], OFFICER)
    assert responses["responses"] == 4


def test_a_form_without_its_survey_sheet_is_refused_by_name(service):  # noqa: F811
    with pytest.raises(InvalidInput) as refused:
        service.import_survey(b64(kobo.xlsform(survey=None)), b64(kobo.export()), "PKH",
                              OFFICER)
    assert "form.survey" in refused.value.errors
    assert "questions" in refused.value.errors["form.survey"][0]
    assert service.list_surveys(1, 50, OFFICER)["total"] == 0


@pytest.mark.parametrize(("form", "data", "field"), [
    (kobo.xlsform(choices=[("list_name", "name", "label")]), kobo.export(),
     "form.choices.list_name"),
    (kobo.xlsform(), kobo.export(rows=[r[:10] for r in kobo.export_rows()]), "data._uuid"),
    (kobo.xlsform(), kobo.export(submissions=[("rw_003", 7, 5, "tidak", "", "")]),
     "data.layanan/antre"),
    (kobo.xlsform(), b"not a workbook", "data"),
])
def test_a_bad_file_names_the_sheet_or_column_and_stores_nothing(service, form, data,  # noqa: F811
                                                                  field):
    with pytest.raises(InvalidInput) as refused:
        service.import_survey(b64(form), b64(data), "PKH", OFFICER)
    assert field in refused.value.errors
    assert service.list_surveys(1, 50, OFFICER)["total"] == 0
