"""Participatory evaluation over HTTP: a scorecard compared with the semester before,
a KoBoToolbox survey imported twice (the second adds nothing), and the graduation
funnel in its own route and the annual report. Every answer is checked against
openapi.json."""
import uuid

import pytest
from urllib3 import encode_multipart_formdata

from samplegen import kobo
from tests.support.api import ApiError

pytestmark = pytest.mark.e2e


def test_a_scorecard_shows_the_change_since_the_last_semester(officer):
    service = "Posyandu e2e %s" % uuid.uuid4().hex[:6]
    body = {"rw": "7", "semester": "2026-1", "service": service, "criteria": [
        {"criterion": "Ketepatan jadwal", "community_score": 50, "provider_score": 80}]}
    officer.post("scorecards", body)
    later = officer.post("scorecards", dict(body, semester="2026-2", criteria=[
        {"criterion": "Ketepatan jadwal", "community_score": 65, "provider_score": 75}]))
    assert later["criteria"][0]["community_change"] == 15
    with pytest.raises(ApiError) as twice:
        officer.post("scorecards", body)
    assert twice.value.status == 409
    with pytest.raises(ApiError) as bad:
        officer.post("scorecards", dict(body, semester="2025-2", criteria=[
            {"criterion": "x", "community_score": 140, "provider_score": 1}]))
    assert "criteria.0.community_score" in bad.value.problem["errors"]
    listed = officer.get("scorecards", params={"year": 2026, "service": service})
    assert [c["semester"] for c in listed["items"]] == ["2026-1", "2026-2"]
    cards = officer.get("reports/annual/2026")["scorecards"]["cards"]
    assert any(c["service"] == service and c["semester"] == "2026-2" for c in cards)


def test_a_kobo_export_imports_once_and_a_bad_form_names_its_sheet(officer):
    form_id = "e2e_%s" % uuid.uuid4().hex[:8]
    settings = [kobo.SETTINGS[0], ("Evaluasi e2e", form_id, "1", "Indonesian (id)")]
    body, content_type = encode_multipart_formdata({
        "form": ("form.xlsx", kobo.xlsform(settings=settings)),
        "data": ("data.xlsx", kobo.export()), "programme_code": "PKH"})
    headers = {"Content-Type": content_type}
    first = officer.post("surveys/import", data=body, headers=headers)
    again = officer.post("surveys/import", data=body, headers=headers)
    assert (first["added"], again["added"], again["already_there"]) == (4, 0, 4)
    summary = officer.get("surveys/%s/summary" % first["survey"]["id"])
    assert summary["responses"] == 4 and summary["questions"][1]["mean"] == 4.0

    bad, bad_type = encode_multipart_formdata({
        "form": ("form.xlsx", kobo.xlsform(survey=None)), "data": ("data.xlsx", kobo.export()),
        "programme_code": "PKH"})
    with pytest.raises(ApiError) as refused:
        officer.post("surveys/import", data=bad, headers={"Content-Type": bad_type})
    assert refused.value.status == 400 and "form.survey" in refused.value.problem["errors"]


def test_the_graduation_funnel_answers_per_cohort(officer, make_client):
    cohorts = officer.get("reports/graduation")["cohorts"]
    assert all(c["supported"] >= c["sold"] for c in cohorts)
    with pytest.raises(ApiError) as refused:
        make_client("partner", partner_id="ptn_x").get("reports/graduation")
    assert refused.value.status == 403
