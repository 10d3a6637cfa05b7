"""Focus-group discussions: recorded whole or refused naming the field, follow-ups
tracked, and the year's report summing them."""
import pytest

from services.shared.errors import InvalidInput, NotFound
from tests.unit.monitoring.test_monitoring import OFFICER, service  # noqa: F401 - fixture

BODY = {"held_on": "2026-02-14", "rw": "3", "facilitator": "Bu Lurah",
        "participants": {"female": 14, "male": 9, "groups": {"women": 14, "elderly": 5,
                                                             "youth": 6, "disabled": 2}},
        "needs": [{"need": "Air bersih", "priority": 1}, {"need": "Pelatihan usaha",
                                                          "priority": 2}],
        "follow_ups": [{"action": "Ajukan sumur bor ke Musrenbang", "owner": "Ketua RW 003",
                        "due_on": "2026-03-31"}]}


def test_a_discussion_is_recorded_and_its_follow_up_tracked(service):  # noqa: F811
    made = service.record_discussion(BODY, OFFICER)
    assert (made["rw"], made["held_on"], made["follow_ups"][0]["status"]) == (
        "003", "2026-02-14", "open")

    done = service.set_follow_up_status(made["id"], 0, {"status": "done"}, OFFICER)
    assert done["follow_ups"][0]["status"] == "done"
    assert done["follow_ups"][0]["updated_by"]["name"] == "petugas"
    listed = service.list_discussions({"year": 2026}, 1, 50, OFFICER)
    assert [d["id"] for d in listed["items"]] == [made["id"]]
    assert listed["items"][0]["follow_ups"][0]["status"] == "done"
    assert service.list_discussions({"year": 2025}, 1, 50, OFFICER)["total"] == 0
    with pytest.raises(NotFound):
        service.set_follow_up_status(made["id"], 1, {"status": "done"}, OFFICER)


def test_a_bad_discussion_names_each_field_and_stores_nothing(service):  # noqa: F811
    bad = dict(BODY, held_on="14/02/2026", needs=[{"need": "Air", "priority": 9}],
               participants={"female": -1, "male": 2})
    with pytest.raises(InvalidInput) as refused:
        service.record_discussion(bad, OFFICER)
    assert set(refused.value.errors) >= {"held_on", "needs.0.priority", "participants.female"}
    assert service.list_discussions({}, 1, 50, OFFICER)["total"] == 0


def test_the_year_sums_participants_and_ranks_needs(service):  # noqa: F811
    service.record_discussion(BODY, OFFICER)
    service.record_discussion(dict(BODY, rw="5", needs=[{"need": "air bersih", "priority": 2}],
                                   follow_ups=[]), OFFICER)

    summary = service.annual_counters(2026, OFFICER)["discussions"]

    assert summary["count"] == 2
    assert summary["participants"] == {"female": 28, "male": 18, "women": 28, "elderly": 10,
                                       "youth": 12, "disabled": 4}
    assert summary["needs"][0] == {"need": "Air bersih", "mentions": 2, "best_priority": 1}
    assert summary["follow_ups"] == {"open": 1}
