"""Health schedules through the service (no broker): who gets one, registry events,
recording doses and visits, the cadre's list, overdue announcements."""
import pytest

from services.partners import schedules
from services.shared.envelope import make_envelope
from services.shared.errors import Conflict, NotFound, RuleRefused
from tests.unit.partners.conftest import ADMIN, OFFICER, TODAY, days_ago, partner_actor

UNDER_5 = {"all": [{"attr": "member.age_months", "op": "lt", "value": 60,
                    "label": "Anak di bawah 5 tahun"}]}
PREGNANT = {"all": [{"attr": "member.pregnant", "op": "eq", "value": True,
                     "label": "Ibu hamil"}]}


@pytest.fixture
def puskesmas(service, partner):
    def make(kind="immunisation", criteria=UNDER_5, verify=True):
        owner = partner(kind="health_facility", name="Puskesmas Kelurahan Tanjung Barat",
                        verify=verify)
        body = {"title": "Imunisasi rutin posyandu", "kind": kind, "description": "Imunisasi dasar "
                "dan lanjutan untuk balita.", "location": "Posyandu Melati RW 03",
                "starts_on": days_ago(90), "ends_on": days_ago(-275), "capacity": 1000,
                "criteria": criteria}
        programme = service.create_programme(owner["id"], body, OFFICER)
        assert programme["scheduling"]["status"] == ("pending" if verify else
                                                     "waiting_verification")
        service.scheduled_due()  # the short timer's tick: the schedules are made
        return service.get_programme(programme["id"], OFFICER), owner
    return make


def appointments(repo, person):
    return {a["item"]: a for a in repo.appointments.find({"resident_id": person["id"]})}


def outbox(repo, event_type):
    return [e for d in repo.appointments.find({"_outbox.type": event_type})
            for e in d["_outbox"] if e["type"] == event_type]


def test_every_child_under_5_gets_a_schedule_and_nobody_else(service, repo, registry, puskesmas):
    _, (mother, baby, older) = registry.household(2, [("head", "F", "1995-01-01"),
                                                      ("child", "M", days_ago(200)),
                                                      ("child", "F", days_ago(365 * 6))])
    programme, _ = puskesmas()
    mine = appointments(repo, baby)
    assert len(mine) == 20 and appointments(repo, mother) == {} and appointments(repo, older) == {}
    assert mine["BCG"]["status"] == "unrecorded"  # late before the Puskesmas began tracking
    assert mine["MR 1"]["status"] == "scheduled" and mine["MR 1"]["rw"] == "003"
    assert service.sweep_schedules() == {"requested": 1}
    assert service.scheduled_due() == {"programmes": 1, "created": 0, "changed": 0}  # no twice


def test_publishing_schedules_nobody_inside_the_request_and_the_timer_does_it_once(
        service, repo, registry, partner):
    baby = registry.household(2, [("child", "M", days_ago(30))])[1][0]
    owner = partner(kind="health_facility", name="Puskesmas")
    body = {"title": "Imunisasi", "kind": "immunisation", "description": "Imunisasi dasar.",
            "location": "Posyandu", "starts_on": days_ago(90), "ends_on": days_ago(-275),
            "capacity": 1000, "criteria": UNDER_5}
    published = service.create_programme(owner["id"], body, OFFICER)
    assert appointments(repo, baby) == {}
    assert published["scheduling"]["status"] == "pending" and published["scheduling"][
        "requested_at"] and published["scheduling"]["done_at"] is None
    assert service.list_programmes({"partner_id": owner["id"]}, actor=OFFICER)["items"][0][
        "scheduling"]["status"] == "pending"
    service.scheduled_due()
    assert len(appointments(repo, baby)) == 20
    after = service.get_programme(published["id"], OFFICER)["scheduling"]
    assert after["status"] == "done" and after["created"] == 20 and after["done_at"]
    service.scheduled_due()  # nothing due: the stored counts stay those of the run
    assert service.get_programme(published["id"], OFFICER)["scheduling"] == after
    assert "scheduling" not in service.create_programme(owner["id"], dict(
        body, kind="training", title="Pelatihan"), OFFICER)


def test_a_request_made_while_the_schedules_are_made_keeps_the_programme_due(
        service, repo, registry, puskesmas, monkeypatch):
    from services.partners import schedules
    programme, owner = puskesmas()
    baby = registry.household(2, [("child", "M", days_ago(30))])[1][0]
    service.update_programme(programme["id"], {"ends_on": days_ago(-200)}, OFFICER)
    real = schedules.sweep_programme

    def officer_changes_it_meanwhile(repo_, doc, today=None):
        counts = real(repo_, doc, today)
        service.update_programme(programme["id"], {"ends_on": days_ago(-100)}, OFFICER)
        return counts
    monkeypatch.setattr(schedules, "sweep_programme", officer_changes_it_meanwhile)
    service.scheduled_due()
    assert len(appointments(repo, baby)) == 20
    assert service.get_programme(programme["id"], OFFICER)["scheduling"]["status"] == "pending"
    monkeypatch.setattr(schedules, "sweep_programme", real)
    service.scheduled_due()
    assert service.get_programme(programme["id"], OFFICER)["scheduling"]["status"] == "done"


def test_a_rebuilt_projection_has_every_running_programme_scheduled_again(
        service, repo, registry, puskesmas):
    from services.partners.service import PartnersService
    programme, _ = puskesmas()
    baby = registry.household(2, [("child", "M", days_ago(30))])[1][0]
    registry.change(baby, status="inactive")  # as a rebuild writes it: no event, no handler
    PartnersService.registry_resynced(repo.db)
    assert service.get_programme(programme["id"], OFFICER)["scheduling"]["status"] == "pending"
    assert service.scheduled_due()["programmes"] == 1
    assert appointments(repo, baby) == {}  # never scheduled: inactive when the run came
    registry.change(baby, status="active")
    PartnersService.registry_resynced(repo.db)
    assert service.scheduled_due()["created"] == 20


def test_a_partner_not_yet_verified_schedules_nobody_until_it_is(service, repo, registry,
                                                                 puskesmas):
    baby = registry.household(2, [("child", "M", days_ago(30))])[1][0]
    programme, owner = puskesmas(verify=False)
    assert appointments(repo, baby) == {}
    assert programme["scheduling"]["status"] == "waiting_verification"
    service.verify_partner(owner["id"], {}, ADMIN)
    assert appointments(repo, baby) == {}  # the verification answers at once
    assert service.get_programme(programme["id"], OFFICER)["scheduling"]["status"] == "pending"
    service.scheduled_due()
    assert len(appointments(repo, baby)) == 20
    assert service.get_programme(programme["id"], OFFICER)["scheduling"]["status"] == "done"


def test_a_programme_that_ended_before_its_schedules_were_made_is_cleared_unscheduled(
        service, repo, registry, partner):
    baby = registry.household(2, [("child", "M", days_ago(30))])[1][0]
    owner = partner(kind="health_facility", name="Puskesmas")
    ended = service.create_programme(owner["id"], {
        "title": "Imunisasi 2025", "kind": "immunisation", "description": "Imunisasi dasar.",
        "location": "Posyandu", "starts_on": days_ago(400), "ends_on": days_ago(40),
        "capacity": 1000, "criteria": UNDER_5}, OFFICER)
    service.scheduled_due()
    assert appointments(repo, baby) == {}
    assert service.get_programme(ended["id"], OFFICER)["scheduling"]["status"] == "done"


def test_a_newborn_registered_in_the_registry_gets_its_schedule(service, repo, registry,
                                                                puskesmas):
    puskesmas()
    hh, _ = registry.household(3, [("head", "F", "1996-02-02")])
    newborn = {"id": "res_newborn", "nik": "3174095511260001", "household_id": hh["id"],
               "full_name": "Bayi Siti", "sex": "F", "birth_date": days_ago(3),
               "relationship": "child", "status": "active", "rt": "001", "rw": "003", "version": 1}
    event = make_envelope("resident_registered", "registry", newborn["id"], 1,
                          {"resident": newborn})
    service.handle_resident_registered(event)
    service.handle_resident_registered(event)  # delivered twice
    mine = appointments(repo, newborn)
    assert len(mine) == 20 and mine["HB-0"]["due_on"] == days_ago(3)
    assert mine["HB-0"]["overdue_on"] == days_ago(2)


def test_a_death_cancels_what_is_open_and_keeps_what_was_given(service, repo, registry,
                                                               puskesmas):
    programme, _ = puskesmas()
    baby = registry.household(2, [("child", "M", days_ago(70))])[1][0]
    service.sweep_schedules()
    service.scheduled_due()
    given = appointments(repo, baby)["DPT-HB-Hib 1"]
    service.record_appointment(given["_id"], {"done_on": days_ago(1)}, OFFICER)
    gone = dict(baby, status="inactive", inactive_reason="deceased", version=2)
    service.handle_resident_deactivated(make_envelope(
        "resident_deactivated", "registry", baby["id"], 2, {"resident": gone, "reason": "deceased"}))
    statuses = {a["status"] for i, a in appointments(repo, baby).items() if i != "DPT-HB-Hib 1"}
    assert statuses == {"cancelled"}
    assert appointments(repo, baby)["DPT-HB-Hib 1"]["status"] == "done"


def test_recording_a_dose_announces_it_and_moves_a_later_dose(service, repo, registry,
                                                              puskesmas):
    programme, owner = puskesmas()
    baby = registry.household(2, [("child", "M", days_ago(150))])[1][0]
    service.sweep_schedules()
    service.scheduled_due()
    ipv1 = appointments(repo, baby)["IPV 1"]
    out = service.record_appointment(ipv1["_id"], {"done_on": days_ago(0), "batch": "B-77"},
                                     partner_actor(owner["id"]))
    assert (out["status"], out["done_on"], out["batch"]) == ("done", days_ago(0), "B-77")
    [event] = outbox(repo, "immunisation_recorded")
    assert (event["data"]["vaccine"], event["data"]["dose"], event["data"]["given_on"]) == (
        "IPV", 1, days_ago(0))
    moved = appointments(repo, baby)["IPV 2"]["due_on"]
    assert moved > ipv1["due_on"] and moved >= (TODAY.replace(day=1)).isoformat()
    with pytest.raises(Conflict):
        service.record_appointment(ipv1["_id"], {"done_on": days_ago(0)}, OFFICER)
    with pytest.raises(NotFound):
        service.record_appointment(ipv1["_id"], {"done_on": days_ago(0)}, partner_actor("ptn_x"))


def test_the_cadres_list_and_overdue_announced_once(service, repo, registry, puskesmas):
    programme, _ = puskesmas()
    late = registry.household(2, [("child", "M", days_ago(100))], rw="003")[1][0]
    other_rw = registry.household(2, [("child", "F", days_ago(100))], rw="007")[1][0]
    service.sweep_schedules()
    service.scheduled_due()
    listed = service.list_appointments(programme["id"], {"rw": "3", "view": "overdue"},
                                       actor=OFFICER)
    assert {a["full_name"] for a in listed["items"]} == {late["full_name"]}
    assert listed["rw"] == "003" and listed["counts"]["overdue"] == listed["total"] > 0
    assert all(a["overdue"] for a in listed["items"])
    first = service.announce_overdue()["announced"]
    assert first == len(outbox(repo, "appointment_overdue")) > listed["total"]
    assert service.announce_overdue() == {"announced": 0}
    [event] = [e for e in outbox(repo, "appointment_overdue")
               if e["data"]["resident_id"] == other_rw["id"]][:1]
    assert event["data"]["rw"] == "007" and event["data"]["kind"] == "immunisation"


def test_antenatal_visits_from_the_start_of_the_pregnancy(service, repo, registry, puskesmas):
    programme, _ = puskesmas("antenatal_care", PREGNANT)
    mother = registry.person(27, sex="F", pregnant=True)
    service.sweep_schedules()
    service.scheduled_due()
    assert list(appointments(repo, mother)) == ["K1"]
    out = service.set_pregnancy_start(programme["id"], {"nik": mother["nik"],
                                                        "started_on": days_ago(70)}, OFFICER)
    assert [a["item"] for a in out["appointments"]] == ["K1", "K2", "K3", "K4", "K5", "K6"]
    assert out["appointments"][0]["due_on"] == days_ago(70)
    with pytest.raises(RuleRefused):
        service.set_pregnancy_start(programme["id"], {"nik": registry.person(30, sex="F")["nik"],
                                                      "started_on": days_ago(10)}, OFFICER)
    registry.change(mother, pregnant=False)
    service.handle_resident_updated(make_envelope("resident_updated", "registry", mother["id"],
                                                  mother["version"], {"resident": mother}))
    assert {a["status"] for a in appointments(repo, mother).values()} == {"cancelled"}


def test_a_resident_checks_their_own_appointments(service, registry, puskesmas):
    puskesmas()
    baby = registry.household(2, [("child", "M", days_ago(40))])[1][0]
    service.sweep_schedules()
    service.scheduled_due()
    out = service.appointment_check({"nik": baby["nik"], "birth_date": baby["birth_date"]})
    assert out["full_name"] == baby["full_name"] and len(out["appointments"]) == 20
    assert {a["location"] for a in out["appointments"]} == {"Posyandu Melati RW 03"}
    with pytest.raises(NotFound) as wrong:
        service.appointment_check({"nik": baby["nik"], "birth_date": "2000-01-01"})
    with pytest.raises(NotFound) as unknown:
        service.appointment_check({"nik": "3174091708990001", "birth_date": "2000-01-01"})
    assert wrong.value.detail == unknown.value.detail


def test_a_health_programme_without_criteria_is_for_children_or_mothers_only(service, repo,
                                                                          registry, partner):
    owner = partner(kind="health_facility", name="Puskesmas")
    _, (adult, child) = registry.household(2, [("head", "F", "1990-01-01", {"pregnant": True}),
                                               ("child", "M", days_ago(100))])
    common = {"description": "x", "location": "Posyandu", "starts_on": days_ago(10),
              "ends_on": days_ago(-100), "capacity": 100}
    imm = service.create_programme(owner["id"], dict(common, title="Imunisasi",
                                                     kind="immunisation"), OFFICER)
    anc = service.create_programme(owner["id"], dict(common, title="ANC",
                                                     kind="antenatal_care"), OFFICER)
    assert imm["criteria_text"] == ["Anak di bawah 5 tahun"]
    assert anc["criteria_text"] == ["Ibu hamil"]
    assert service.scheduled_due()["programmes"] == 2
    mine = list(repo.appointments.find({}, {"resident_id": 1, "kind": 1}))
    assert {(a["resident_id"], a["kind"]) for a in mine} == {(child["id"], "immunisation"),
                                                              (adult["id"], "antenatal_care")}


def test_a_scheduling_that_fails_is_shown_tried_later_and_spares_the_others(
        service, repo, registry, puskesmas, monkeypatch):
    """One programme whose schedules cannot be made neither stops the others' nor
    is retried and logged every tick: officers see why and when it is tried again."""
    registry.household(members=[("child", "F", days_ago(300))])
    original = schedules.sweep_programme
    broken = set()

    def sweep(repo_, programme, today=None):
        if programme["_id"] in broken:
            raise RuntimeError("appointments store refused the write")
        return original(repo_, programme, today)
    monkeypatch.setattr("services.partners.schedules.sweep_programme", sweep)
    first, owner = puskesmas()
    assert first["scheduling"]["status"] == "done"
    body = {"title": "Imunisasi kejar", "kind": "immunisation", "description": "Imunisasi "
            "kejar untuk balita yang tertinggal.", "location": "Posyandu Melati RW 03",
            "starts_on": days_ago(10), "ends_on": days_ago(-200), "capacity": 10,
            "criteria": UNDER_5}
    failing = service.create_programme(owner["id"], body, OFFICER)
    working = service.create_programme(owner["id"], dict(body, title="Imunisasi lanjutan"),
                                       OFFICER)
    broken.add(failing["id"])
    assert service.scheduled_due()["programmes"] == 1  # the other one, after it
    shown = service.get_programme(failing["id"], OFFICER)["scheduling"]
    assert shown["status"] == "failed" and shown["attempts"] == 1
    assert "RuntimeError: appointments store refused the write" == shown["error"]
    assert shown["next_attempt_at"] > shown["requested_at"]
    assert service.get_programme(working["id"], OFFICER)["scheduling"]["status"] == "done"
    assert service.scheduled_due()["programmes"] == 0  # not before next_attempt_at
    assert service.get_programme(failing["id"], OFFICER)["scheduling"]["attempts"] == 1
    broken.clear()
    repo.programmes.update_one({"_id": failing["id"]}, {"$set": {
        "schedule_retry_at": "2000-01-01T00:00:00.000Z"}})  # its time has come
    assert service.scheduled_due()["programmes"] == 1
    shown = service.get_programme(failing["id"], OFFICER)["scheduling"]
    assert shown["status"] == "done" and shown["error"] is None and shown["attempts"] == 0


def test_the_wait_before_a_failed_scheduling_doubles_up_to_15_minutes():
    assert [schedules.retry_delay(n) for n in (1, 2, 3, 7, 20)] == [10, 20, 40, 640, 900]
