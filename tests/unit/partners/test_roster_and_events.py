"""The roster under lost races, the registry's effects on enrolments, and the
events queued with each change (the outbox of the programme's document)."""
import pytest

from services.partners import enrolments
from services.shared.envelope import make_envelope
from services.shared.errors import Conflict
from tests.unit.partners.conftest import OFFICER, partner_actor


def outbox(repo, programme):
    return repo.programmes.find_one({"_id": programme["id"]})["_outbox"]


def test_a_write_made_from_a_stale_roster_is_planned_again(service, repo, registry, training,
                                                           monkeypatch):
    """Two requests read the same roster with one place left: one takes the place,
    the other, whose write matches nothing, plans again and waits."""
    programme, _ = training(capacity=1)
    first, second = registry.person(22), registry.person(23)
    real = repo.write_programme
    raced, started = [], []

    def interleaved(doc, changes, events=None):
        if not started:  # another request wins between this one's read and its write
            started.append(True)
            raced.append(service.enrol(programme["id"], {"nik": second["nik"]}, OFFICER))
        return real(doc, changes, events)
    monkeypatch.setattr(repo, "write_programme", interleaved)
    mine = service.enrol(programme["id"], {"nik": first["nik"]}, OFFICER)
    assert (raced[0]["status"], mine["status"]) == ("accepted", "waitlisted")
    doc = repo.get_programme(programme["id"])
    assert (doc["accepted"], doc["waitlisted"], len(doc["enrolments"])) == (1, 1, 2)


def test_a_programme_that_stays_busy_answers_conflict_and_writes_nothing(service, repo,
                                                                         registry, training,
                                                                         monkeypatch):
    programme, _ = training()
    monkeypatch.setattr(repo, "write_programme", lambda *args, **kwargs: None)
    monkeypatch.setattr(enrolments, "MAX_ATTEMPTS", 3)
    with pytest.raises(Conflict):
        service.enrol(programme["id"], {"nik": registry.person(22)["nik"]}, OFFICER)
    assert repo.get_programme(programme["id"])["enrolments"] == []


def test_each_change_queues_its_event_with_the_fields_others_rely_on(service, repo, registry,
                                                                    training):
    programme, owner = training(capacity=1)
    first = service.enrol(programme["id"], {"nik": registry.person(22)["nik"]}, OFFICER)
    waiting_person = registry.person(23)
    waiting = service.enrol(programme["id"], {"nik": waiting_person["nik"]}, OFFICER)
    service.withdraw_enrolment(first["id"], {"reason": "not_attending"}, OFFICER)
    events = [e for e in outbox(repo, programme) if e["type"].startswith("enrolment_")]
    assert [(e["type"], e["aggregate_id"], e["aggregate_version"]) for e in events] == [
        ("enrolment_accepted", first["id"], 1), ("enrolment_waitlisted", waiting["id"], 1),
        ("enrolment_withdrawn", first["id"], 2), ("enrolment_accepted", waiting["id"], 2)]
    promoted = events[-1]["data"]
    assert promoted["promoted"] is True and promoted["nik"] == waiting_person["nik"]
    assert set(promoted) >= {"enrolment_id", "programme_id", "programme_kind", "partner_id",
                             "resident_id", "nik", "kk_number", "status", "changed_on"}
    assert events[2]["data"]["reason"] == "not_attending"
    assert events[1]["data"]["waitlist_position"] == 1
    published = [e for e in outbox(repo, programme) if e["type"] == "partner_programme_published"]
    assert published[0]["data"]["topics"] == ["entrepreneurship", "culinary"]
    assert published[0]["data"]["contribution"]["amount_idr"] == 25_000_000
    partner_events = repo.partners.find_one({"_id": owner["id"]})["_outbox"]
    assert [e["type"] for e in partner_events] == ["partner_registered", "partner_verified"]


def test_a_completion_carries_what_distribution_and_the_marketplace_read(service, repo,
                                                                        registry, training):
    programme, owner = training(required_attendance_pct=0)
    person = registry.person(22)
    enrolment = service.enrol(programme["id"], {"nik": person["nik"]}, OFFICER)
    service.add_session(programme["id"], {"held_on": programme["starts_on"], "starts_at": "08:00",
                                          "ends_at": "10:00", "location": "Aula",
                                          "facilitator": "Chef Ani"}, OFFICER)
    service.complete_enrolment(enrolment["id"], {"outcome": "business_started"}, OFFICER)
    [event] = [e for e in outbox(repo, programme) if e["type"] == "enrolment_completed"]
    assert event["data"] == {
        "enrolment_id": enrolment["id"], "programme_id": programme["id"],
        "programme_kind": "training", "programme_title": programme["title"],
        "topics": ["entrepreneurship", "culinary"], "partner_id": owner["id"],
        "partner_name": owner["name"], "resident_id": person["id"], "nik": person["nik"],
        "kk_number": person["kk_number"], "outcome": "business_started",
        "completed_on": event["data"]["completed_on"], "status": "completed"}
    assert service.export_completions()["items"] == [event["data"]]


def test_a_deactivated_resident_is_withdrawn_and_the_place_passed_on(service, repo, registry,
                                                                     training):
    programme, _ = training(capacity=1)
    person = registry.person(22)
    held = service.enrol(programme["id"], {"nik": person["nik"]}, OFFICER)
    waiting = service.enrol(programme["id"], {"nik": registry.person(23)["nik"]}, OFFICER)
    gone = dict(person, status="inactive", inactive_reason="moved_out", version=2)
    event = make_envelope("resident_deactivated", "registry", person["id"], 2,
                          {"resident": gone, "reason": "moved_out"})
    service.handle_resident_deactivated(event)
    service.handle_resident_deactivated(event)  # twice: nothing more happens
    after = {e["id"]: e for e in repo.get_programme(programme["id"])["enrolments"]}
    assert (after[held["id"]]["status"], after[held["id"]]["withdraw_reason"]) == (
        "withdrawn", "resident_inactive")
    assert after[waiting["id"]]["status"] == "accepted"
    assert sum(e["type"] == "enrolment_withdrawn" for e in outbox(repo, programme)) == 1


def test_a_registry_change_that_breaks_a_rule_flags_but_keeps_the_enrolment(service, repo,
                                                                           registry, training):
    programme, owner = training()
    hh, [person] = registry.household(3, [("head", "M", "2002-05-05")])
    enrolment = service.enrol(programme["id"], {"nik": person["nik"]}, OFFICER)
    richer = dict(hh, welfare_decile=8, version=2)
    repo.apply_household(richer)
    service.handle_household_updated(make_envelope("household_updated", "registry", hh["id"], 2,
                                                   {"household": richer, "changed": ["welfare_decile"]}))
    flagged = service.get_enrolment(enrolment["id"], OFFICER)
    assert flagged["status"] == "accepted" and flagged["welfare_decile"] == 8
    assert flagged["flags"] == [{"criterion": "Desil kesejahteraan 1-4",
                                 "path": "criteria.all.1", "value": 8}]
    mine = service.list_enrolments(programme["id"], {"flagged": "true"},
                                   actor=partner_actor(owner["id"]))["items"]
    assert mine[0]["flags"] == [{"criterion": "Desil kesejahteraan 1-4", "path": "criteria.all.1"}]
    back = dict(richer, welfare_decile=3, version=3)
    repo.apply_household(back)
    service.handle_household_updated(make_envelope("household_updated", "registry", hh["id"], 3,
                                                   {"household": back}))
    assert service.get_enrolment(enrolment["id"], OFFICER)["flags"] == []
