"""Community scorecards: recorded whole or refused naming the field, compared with
the previous semester's scorecard of the same RW and service, and in the year's report."""
import pytest

from services.monitoring import scorecards
from services.shared.errors import Conflict, InvalidInput
from tests.unit.monitoring.test_monitoring import OFFICER, service  # noqa: F401 - fixture

FIRST = {"rw": "3", "semester": "2026-1", "service": "Posyandu Melati",
         "criteria": [{"criterion": "Ketepatan jadwal", "community_score": 55,
                       "provider_score": 80, "note": "sering mundur"},
                      {"criterion": "Keramahan kader", "community_score": 70,
                       "provider_score": 75}],
         "action_plan": [{"action": "Jadwal ditempel di pos RW", "owner": "Kader Melati",
                          "due_on": "2026-08-01"}]}


def second(**changes):
    return dict(dict(FIRST, semester="2026-2", service="posyandu melati", criteria=[
        {"criterion": "ketepatan jadwal", "community_score": 72, "provider_score": 78},
        {"criterion": "Ketersediaan vitamin A", "community_score": 60, "provider_score": 90}]),
        **changes)


def test_the_next_semester_shows_the_change_per_criterion(service):  # noqa: F811
    first = service.record_scorecard(FIRST, OFFICER)
    assert first["previous_id"] is None and first["criteria"][0]["community_change"] is None
    assert first["criteria"][0]["gap"] == -25

    later = service.record_scorecard(second(), OFFICER)

    assert later["previous_id"] == first["id"]
    on_time, vitamin = later["criteria"]
    assert (on_time["community_change"], on_time["provider_change"]) == (17, -2)
    assert (vitamin["community_change"], vitamin["provider_change"]) == (None, None)
    assert service.get_scorecard(later["id"], OFFICER)["criteria"][0]["community_change"] == 17


def test_another_rw_or_a_skipped_semester_is_not_compared(service):  # noqa: F811
    service.record_scorecard(FIRST, OFFICER)
    elsewhere = service.record_scorecard(second(rw="5"), OFFICER)
    village = service.record_scorecard(second(rw=None), OFFICER)
    a_year_on = service.record_scorecard(second(semester="2027-2"), OFFICER)
    assert [c["previous_id"] for c in (elsewhere, village, a_year_on)] == [None, None, None]
    assert village["rw"] is None


def test_a_bad_scorecard_names_each_field_and_stores_nothing(service):  # noqa: F811
    bad = dict(FIRST, semester="2026-3", criteria=[
        {"criterion": "Jadwal", "community_score": 101, "provider_score": -1}],
        action_plan=[{"action": "x", "owner": "y", "due_on": "2026-02-30", "status": "later"}])
    with pytest.raises(InvalidInput) as refused:
        service.record_scorecard(bad, OFFICER)
    assert set(refused.value.errors) >= {
        "semester", "criteria.0.community_score", "criteria.0.provider_score",
        "action_plan.0.due_on", "action_plan.0.status"}
    with pytest.raises(InvalidInput) as twice:
        service.record_scorecard(dict(FIRST, criteria=FIRST["criteria"] * 2), OFFICER)
    assert "criteria.2.criterion" in twice.value.errors
    assert service.list_scorecards({}, 1, 50, OFFICER)["total"] == 0


def test_one_scorecard_per_rw_service_and_semester(service):  # noqa: F811
    service.record_scorecard(FIRST, OFFICER)
    with pytest.raises(Conflict):
        service.record_scorecard(dict(FIRST, service="  POSYANDU   melati "), OFFICER)
    assert service.list_scorecards({"year": 2026, "rw": "3"}, 1, 50, OFFICER)["total"] == 1


def test_the_year_reports_each_scorecard_with_its_change(service):  # noqa: F811
    service.record_scorecard(FIRST, OFFICER)
    service.record_scorecard(second(action_plan=[]), OFFICER)

    part = service.annual_counters(2026, OFFICER)["scorecards"]

    assert part["count"] == 2
    assert [c["semester"] for c in part["cards"]] == ["2026-1", "2026-2"]
    assert part["cards"][1]["criteria"][0] == {
        "criterion": "ketepatan jadwal", "community_score": 72, "provider_score": 78,
        "community_change": 17, "provider_change": -2}
    assert part["cards"][0]["actions"] == {"open": 1}
    text = service.annual_report(2026, "csv", OFFICER)
    assert ("scorecard_community_change,RW003/posyandu melati/ketepatan jadwal,2026-2,17,"
            in text.splitlines())
    assert "Kartu penilaian warga" in service.annual_report(2026, "html", OFFICER)


def test_the_semester_before_the_first_is_the_previous_years_second():
    assert scorecards.previous_semester("2026-1") == "2025-2"
    assert scorecards.previous_semester("2026-2") == "2026-1"
