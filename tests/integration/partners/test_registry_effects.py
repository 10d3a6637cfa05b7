"""The partners service over the real RabbitMQ, following the registry: a deactivation
withdraws enrolments (the place passed on) and cancels appointments, a newborn gets
a schedule with no officer action, a change that breaks a rule flags the enrolment."""
import pytest

from tests.helpers import wait_for
from tests.integration.partners.conftest import (OFFICER, born_years_ago, caught_up, days_ago,
                                                 immunisation, seen, training,
                                                 verified_partner)
from tests.support.registry import Family, publish

pytestmark = pytest.mark.integration


def appointments(partners, programme, nik):
    return {a["item"]: a for a in partners.list_appointments(
        programme["id"], {"view": "all"}, 1, 200, OFFICER)["items"] if a["nik"] == nik}


def test_a_deactivation_withdraws_enrolments_and_cancels_appointments(start, proxy,
                                                                      service_config):
    family = Family(service_config, decile=2, people=(
        ("head", "F", born_years_ago(30)), ("child", "M", days_ago(150))))
    neighbour = Family(service_config, decile=1, people=(("head", "M", born_years_ago(25)),))
    for f in (family, neighbour):
        f.export()
    start()
    partners = proxy()
    caught_up(partners, 3)
    owner = verified_partner(partners)
    course = training(partners, owner, capacity=1)
    mother, child = family.members
    held = partners.enrol(course["id"], {"nik": mother["nik"]}, OFFICER)
    waiting = partners.enrol(course["id"], {"nik": neighbour.members[0]["nik"]}, OFFICER)
    health = immunisation(partners, verified_partner(partners, "health_facility", "Puskesmas"))
    assert len(appointments(partners, health, child["nik"])) == 20

    publish(service_config, family.deactivated(0, "moved_out"))
    publish(service_config, family.deactivated(1, "moved_out"))
    wait_for(lambda: partners.get_enrolment(waiting["id"], OFFICER)["status"] == "accepted",
             timeout=30)
    gone = partners.get_enrolment(held["id"], OFFICER)
    assert (gone["status"], gone["withdraw_reason"]) == ("withdrawn", "resident_inactive")
    wait_for(lambda: {a["status"] for a in appointments(partners, health, child["nik"]).values()}
             == {"cancelled"}, timeout=30)
    assert {a["cancel_reason"] for a in appointments(partners, health, child["nik"]).values()} \
        == {"resident_inactive"}
    withdrawn = wait_for(lambda: seen("enrolment_withdrawn"), timeout=30)
    assert withdrawn[0]["data"]["reason"] == "resident_inactive"
    promoted = wait_for(lambda: [e for e in seen("enrolment_accepted") if e["data"]["promoted"]],
                        timeout=30)
    assert promoted[0]["data"]["enrolment_id"] == waiting["id"]
    assert partners.list_parked_events() == []


def test_a_newborn_registered_in_the_registry_gets_its_schedule(start, proxy, service_config):
    family = Family(service_config, decile=3, people=(("head", "F", born_years_ago(28)),))
    family.export()
    start()
    partners = proxy()
    caught_up(partners, 1)
    health = immunisation(partners, verified_partner(partners, "health_facility", "Puskesmas"))
    baby = family.add("child", "F", days_ago(2))
    publish(service_config, family.registered(1))
    schedule = wait_for(lambda: appointments(partners, health, baby["nik"]), timeout=30)
    assert len(schedule) == 20 and schedule["HB-0"]["due_on"] == days_ago(2)
    assert schedule["BCG"]["due_on"] > days_ago(2)
    assert appointments(partners, health, family.members[0]["nik"]) == {}


def test_a_change_that_breaks_a_rule_flags_the_enrolment_and_keeps_it(start, proxy,
                                                                      service_config):
    family = Family(service_config, decile=2, people=(("head", "M", born_years_ago(22)),))
    family.export()
    start()
    partners = proxy()
    caught_up(partners, 1)
    youth = {"attr": "member.age", "op": "between", "value": [15, 30], "label": "Usia 15-30"}
    course = training(partners, verified_partner(partners), capacity=5, criteria=youth)
    enrolment = partners.enrol(course["id"], {"nik": family.members[0]["nik"]}, OFFICER)
    publish(service_config, family.updated(0, birth_date=born_years_ago(40)))
    flagged = wait_for(lambda: partners.get_enrolment(enrolment["id"], OFFICER)["flags"],
                       timeout=30)
    assert flagged == [{"criterion": "Usia 15-30", "path": "criteria", "value": 40}]
    assert partners.get_enrolment(enrolment["id"], OFFICER)["status"] == "accepted"
