"""Enrolments through the service (no broker): places, the waiting list by need,
the rule engine's refusals, withdrawal and completion."""
import pytest

from services.shared.errors import Conflict, InvalidInput, NotFound, RuleRefused
from tests.unit.partners.conftest import OFFICER, days_ago, partner_actor


def enrol(service, programme, person, actor=OFFICER):
    return service.enrol(programme["id"], {"nik": person["nik"]}, actor)


def test_places_are_given_then_people_wait(service, registry, training):
    programme, _ = training(capacity=2)
    people = [registry.person(20 + i) for i in range(3)]
    answers = [enrol(service, programme, p) for p in people]
    assert [a["status"] for a in answers] == ["accepted", "accepted", "waitlisted"]
    assert answers[2]["waitlist_position"] == 1
    assert service.get_programme(programme["id"], OFFICER)["places_left"] == 0
    public = service.list_public_programmes()["items"][0]
    assert (public["places_left"], public["waitlisted"]) == (0, 1)


def test_the_waiting_list_is_ordered_by_need_then_by_time(service, registry, training):
    programme, _ = training(capacity=1)
    enrol(service, programme, registry.person(25, decile=2))
    early = enrol(service, programme, registry.person(21, decile=4))
    poorer = enrol(service, programme, registry.person(22, decile=1))
    later = enrol(service, programme, registry.person(23, decile=4))
    listed = service.list_enrolments(programme["id"], {"status": "waitlisted"}, actor=OFFICER)
    assert [e["id"] for e in listed["items"]] == [poorer["id"], early["id"], later["id"]]
    assert [e["waitlist_position"] for e in listed["items"]] == [1, 2, 3]
    assert "desil" in listed["waitlist_order"]


def test_a_withdrawal_gives_the_place_to_the_first_waiting(service, registry, training):
    programme, _ = training(capacity=1)
    first = enrol(service, programme, registry.person(25))
    waiting = enrol(service, programme, registry.person(22, decile=1))
    out = service.withdraw_enrolment(first["id"], {"reason": "resident_request"}, OFFICER)
    assert (out["status"], out["withdraw_reason"]) == ("withdrawn", "resident_request")
    promoted = service.get_enrolment(waiting["id"], OFFICER)
    assert (promoted["status"], promoted["promoted"]) == ("accepted", True)
    assert [h["action"] for h in promoted["history"]] == ["enrolled", "promoted"]
    with pytest.raises(RuleRefused):
        service.withdraw_enrolment(first["id"], {"reason": "other"}, OFFICER)


def test_a_refusal_names_each_failed_criterion_with_the_value_seen(service, registry, training):
    programme, _ = training()
    with pytest.raises(RuleRefused) as refused:
        enrol(service, programme, registry.person(45, decile=7))
    assert refused.value.errors == {
        "criteria.all.0": ["Usia 15-30 tahun (nilai: 45)"],
        "criteria.all.1": ["Desil kesejahteraan 1-4 (nilai: 7)"]}


def test_a_partner_sees_the_criterion_but_not_the_residents_data(service, registry, training):
    programme, owner = training()
    with pytest.raises(RuleRefused) as refused:
        enrol(service, programme, registry.person(45, decile=2), partner_actor(owner["id"]))
    assert refused.value.errors == {"criteria.all.0": ["Usia 15-30 tahun"]}


def test_who_cannot_be_enrolled(service, registry, training, partner):
    programme, _ = training()
    person = registry.person(22)
    enrol(service, programme, person)
    with pytest.raises(Conflict):
        enrol(service, programme, person)
    with pytest.raises(NotFound):
        service.enrol(programme["id"], {"nik": "3174091708990001"}, OFFICER)
    gone = registry.change(registry.person(23), status="inactive", inactive_reason="deceased")
    with pytest.raises(RuleRefused) as inactive:
        enrol(service, programme, gone)
    assert "deceased" in inactive.value.errors["nik"][0]
    with pytest.raises(InvalidInput) as bad:
        service.enrol(programme["id"], {"nik": "12", "extra": 1}, OFFICER)
    assert set(bad.value.errors) == {"nik", "extra"}
    pending, _ = training(owner=partner(name="Yayasan Baru", kind="ngo", verify=False))
    with pytest.raises(RuleRefused):
        enrol(service, pending, registry.person(24))


def test_a_retried_request_answers_the_first_enrolment(service, registry, training):
    programme, _ = training()
    person = registry.person(22)
    actor = dict(OFFICER, request_id="req-7")
    first = enrol(service, programme, person, actor)
    again = enrol(service, programme, person, actor)
    assert again["id"] == first["id"]
    assert service.get_programme(programme["id"], OFFICER)["accepted"] == 1


def test_not_already_in_an_overlapping_programme(service, registry, training):
    rule = {"all": [{"attr": "member.overlapping_enrolments", "op": "eq", "value": 0,
                     "label": "Tidak sedang ikut program lain pada waktu yang sama"}]}
    first, owner = training(criteria=rule)
    same_time, _ = training(owner=owner, criteria=rule)
    later, _ = training(owner=owner, criteria=rule, starts_on=days_ago(-90),
                        ends_on=days_ago(-120))
    person = registry.person(22)
    enrol(service, first, person)
    with pytest.raises(RuleRefused) as refused:
        enrol(service, same_time, person)
    assert refused.value.errors == {"criteria.all.0": [
        "Tidak sedang ikut program lain pada waktu yang sama (nilai: 1)"]}
    assert enrol(service, later, person)["status"] == "accepted"


def test_completion_needs_the_required_attendance(service, registry, training):
    programme, _ = training(capacity=3)
    people = [registry.person(20 + i) for i in range(2)]
    good, poor = [enrol(service, programme, p) for p in people]
    with pytest.raises(RuleRefused) as none_held:
        service.complete_enrolment(good["id"], {"outcome": "certificate"}, OFFICER)
    assert "attendance" in none_held.value.errors
    for i in range(5):
        session = service.add_session(programme["id"], {
            "held_on": days_ago(0), "starts_at": "09:00", "ends_at": "12:00",
            "location": "Balai RW 03", "facilitator": "Chef Ani", "topic": "Sesi %d" % i}, OFFICER)
        service.record_attendance(session["id"], {"entries": [
            {"enrolment_id": good["id"], "status": "attended"},
            {"enrolment_id": poor["id"], "status": "attended" if i < 3 else "excused",
             "reason": "sakit"}]}, OFFICER)
    done = service.complete_enrolment(good["id"], {"outcome": "certificate"}, OFFICER)
    assert (done["status"], done["outcome"], done["attendance"]["attendance_pct"]) == (
        "completed", "certificate", 100)
    with pytest.raises(RuleRefused) as short:
        service.complete_enrolment(poor["id"], {"outcome": "certificate"}, OFFICER)
    assert short.value.errors == {"attendance": ["60% of sessions attended, 80% required"]}


def test_a_larger_capacity_admits_the_waiting_and_a_smaller_one_is_refused(service, registry,
                                                                          training):
    programme, _ = training(capacity=2)
    enrol(service, programme, registry.person(25))
    enrol(service, programme, registry.person(24))
    waiting = enrol(service, programme, registry.person(22))
    with pytest.raises(RuleRefused) as refused:
        service.update_programme(programme["id"], {"capacity": 1}, OFFICER)
    assert refused.value.errors == {"capacity": ["must be at least 2 (places taken)"]}
    with pytest.raises(InvalidInput):
        service.update_programme(programme["id"], {"ends_on": "1999-01-01"}, OFFICER)
    out = service.update_programme(programme["id"], {"capacity": 3}, OFFICER)
    assert (out["capacity"], out["accepted"], out["waitlisted"]) == (3, 3, 0)
    assert service.get_enrolment(waiting["id"], OFFICER)["status"] == "accepted"
