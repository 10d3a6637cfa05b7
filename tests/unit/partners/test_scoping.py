"""A partner token reaches only its own partner's records (another's ids answer
NotFound, never Forbidden) and sees of a resident the name, RT/RW and NIK only."""
import pytest

from services.shared.errors import Forbidden, NotFound, RuleRefused
from tests.unit.partners.conftest import ADMIN, OFFICER, days_ago, partner_actor


@pytest.fixture
def two(service, registry, training, partner):
    mine, me = training(capacity=3)
    theirs, other = training(owner=partner(name="Yayasan Lain", kind="ngo"))
    person = registry.person(22)
    enrolment = service.enrol(theirs["id"], {"nik": person["nik"]}, OFFICER)
    session = service.add_session(theirs["id"], {
        "held_on": days_ago(0), "starts_at": "09:00", "ends_at": "11:00", "location": "Aula",
        "facilitator": "Pak Budi"}, OFFICER)
    return {"me": partner_actor(me["id"]), "mine": mine, "other": other, "theirs": theirs,
            "enrolment": enrolment, "session": session, "person": person}


@pytest.mark.parametrize("call", [
    lambda s, t: s.get_partner(t["other"]["id"], t["me"]),
    lambda s, t: s.update_partner(t["other"]["id"], {"contact_name": "X"}, t["me"]),
    lambda s, t: s.get_commitment(t["other"]["id"], 2026, t["me"]),
    lambda s, t: s.set_commitment(t["other"]["id"], 2026, {"amount_idr": 1}, t["me"]),
    lambda s, t: s.create_programme(t["other"]["id"], {}, t["me"]),
    lambda s, t: s.get_programme(t["theirs"]["id"], t["me"]),
    lambda s, t: s.update_programme(t["theirs"]["id"], {"capacity": 9}, t["me"]),
    lambda s, t: s.list_programmes({"partner_id": t["other"]["id"]}, actor=t["me"]),
    lambda s, t: s.enrol(t["theirs"]["id"], {"nik": t["person"]["nik"]}, t["me"]),
    lambda s, t: s.list_enrolments(t["theirs"]["id"], actor=t["me"]),
    lambda s, t: s.get_enrolment(t["enrolment"]["id"], t["me"]),
    lambda s, t: s.withdraw_enrolment(t["enrolment"]["id"], {"reason": "other"}, t["me"]),
    lambda s, t: s.complete_enrolment(t["enrolment"]["id"], {"outcome": "other"}, t["me"]),
    lambda s, t: s.add_session(t["theirs"]["id"], {}, t["me"]),
    lambda s, t: s.list_sessions(t["theirs"]["id"], actor=t["me"]),
    lambda s, t: s.record_attendance(t["session"]["id"], {"entries": []}, t["me"]),
    lambda s, t: s.partner_report(t["other"]["id"], 2026, actor=t["me"]),
])
def test_another_partners_ids_answer_not_found(service, two, call):
    with pytest.raises(NotFound):
        call(service, two)
    assert service.get_enrolment(two["enrolment"]["id"], OFFICER)["status"] == "accepted"


def test_a_partner_lists_only_its_own(service, two):
    assert [p["id"] for p in service.list_partners(actor=two["me"])["items"]] == [
        two["me"]["partner_id"]]
    assert [p["id"] for p in service.list_programmes(actor=two["me"])["items"]] == [
        two["mine"]["id"]]
    assert len(service.list_programmes(actor=OFFICER)["items"]) == 2


def test_a_partner_sees_name_rt_rw_and_nik_of_its_enrolled_residents_only(service, two,
                                                                         registry):
    person = registry.person(21, decile=2)
    as_partner = service.enrol(two["mine"]["id"], {"nik": person["nik"]}, two["me"])
    assert as_partner["full_name"] == person["full_name"] and as_partner["rw"] == "003"
    for hidden in ("resident_id", "kk_number", "welfare_decile"):
        assert hidden not in as_partner
    as_officer = service.get_enrolment(as_partner["id"], OFFICER)
    assert as_officer["welfare_decile"] == 2 and as_officer["kk_number"] == person["kk_number"]
    listed = service.list_enrolments(two["mine"]["id"], actor=two["me"])["items"][0]
    assert set(listed) & {"resident_id", "kk_number", "welfare_decile"} == set()
    history = service.get_enrolment(as_partner["id"], two["me"])["history"]
    assert history == [{"at": history[0]["at"], "action": "enrolled", "status": "accepted"}]


def test_roles_that_may_not(service, two):
    with pytest.raises(Forbidden):
        service.register_partner({"name": "X", "kind": "ngo", "contact_name": "Y",
                                  "contact_phone": "0812345678"}, two["me"])
    with pytest.raises(Forbidden):
        service.verify_partner(two["me"]["partner_id"], {}, OFFICER)
    with pytest.raises(Forbidden):
        service.list_programmes(actor={"role": "seller", "seller_id": "s1"})
    with pytest.raises(RuleRefused):
        service.verify_partner(two["me"]["partner_id"], {}, ADMIN)  # verified already


def test_a_suspended_partner_leaves_the_public_list(service, two):
    public = {p["id"] for p in service.list_public_programmes()["items"]}
    assert public == {two["mine"]["id"], two["theirs"]["id"]}
    service.suspend_partner(two["other"]["id"], {"reason": "Laporan penyalahgunaan data"}, ADMIN)
    assert {p["id"] for p in service.list_public_programmes()["items"]} == {two["mine"]["id"]}
    with pytest.raises(NotFound):
        service.get_public_programme(two["theirs"]["id"])
    assert service.get_programme(two["theirs"]["id"], OFFICER)["public"] is False
