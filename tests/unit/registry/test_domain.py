"""Registry rules as plain functions (services/registry/domain.py)."""
import datetime
import os
import re

import pytest

from services.shared.errors import Conflict, InvalidInput
from services.registry import domain
from services.registry.contract import HouseholdIn
from services.shared.contract import load

from tests.unit.registry import factories

NOW = "2026-11-29T08:00:00.000Z"
DOCS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "docs", "events.md")


def _members(*relationships):
    return load(HouseholdIn(), factories.household(
        members=[factories.person(r) for r in relationships]))["members"]


def test_a_new_family_has_exactly_one_head():
    assert domain.check_new_members(_members("head", "wife")) == {}
    assert "members" in domain.check_new_members(_members("wife", "child"))
    assert "members" in domain.check_new_members(_members("head", "head"))


def test_an_added_member_may_not_be_a_second_head():
    assert domain.check_new_members(_members("head"), existing_head=True) == {
        "relationship": ["the family already has an active head"]}
    assert domain.check_new_members(_members("head"), existing_head=False) == {}


def test_the_same_person_twice_in_one_family_is_refused():
    members = _members("head", "child")
    members[1]["nik"] = members[0]["nik"]
    assert "members.1.nik" in domain.check_new_members(members)
    twins = load(HouseholdIn(), factories.household(members=[
        factories.person("head"), factories.person("child", nik=False, full_name="Adi"),
        factories.person("child", nik=False, full_name="  ADI ", birth_date=None)]))["members"]
    twins[2]["birth_date"] = twins[1]["birth_date"]
    assert "members.2.full_name" in domain.check_new_members(twins)


def _resident(**person):
    data = load(HouseholdIn(), factories.household(members=[factories.person("head", **person)]))
    household = {"_id": "hh_1", "kk_number": data["kk_number"], "rt": data["rt"], "rw": data["rw"]}
    member = data["members"][0]
    return domain.build_resident(member, member["nik"] or "0317409100500001", household,
                                 "res_1", NOW, {"name": "x"})


def test_a_resident_document_is_json_safe_and_flags_mismatches():
    doc = _resident(sex="F", birth_date=datetime.date(1990, 5, 17),
                    nik="3174091705900001")   # encodes a man born that day
    assert doc["birth_date"] == "1990-05-17" and doc["version"] == 1
    assert doc["quality_flags"] == ["nik_sex_mismatch"]
    assert doc["history"][0]["action"] == "registered"


def test_a_no_nik_resident_gets_a_person_key_and_the_temporary_flag():
    doc = _resident(nik=False)
    assert doc["nik_temporary"] and doc["quality_flags"] == ["temporary_nik"]
    assert doc["temp_key"].count("|") == 2


def test_changes_list_old_and_new_and_recompute_flags():
    doc = _resident(sex="M", birth_date=datetime.date(1990, 5, 17), nik="3174091705900001")
    update, diff = domain.resident_changes(doc, {"birth_date": datetime.date(1990, 5, 18),
                                                 "full_name": doc["full_name"]})
    assert diff == [{"field": "birth_date", "old": "1990-05-17", "new": "1990-05-18"}]
    assert update["quality_flags"] == ["nik_birth_date_mismatch"]


def test_a_change_that_changes_nothing_or_removes_the_nik_is_refused():
    doc = _resident()
    with pytest.raises(InvalidInput):
        domain.resident_changes(doc, {"full_name": doc["full_name"]})
    with pytest.raises(InvalidInput):
        domain.resident_changes(doc, {"nik": None})
    with pytest.raises(InvalidInput):
        domain.resident_changes(dict(doc, sex="F"), {"sex": "M", "pregnant": True})


def test_deactivating_twice_is_a_conflict():
    doc = _resident()
    assert domain.deactivation(doc, "moved_out", None)["status"] == "inactive"
    with pytest.raises(Conflict):
        domain.deactivation(dict(doc, status="inactive", inactive_reason="moved_out"),
                            "deceased", None)


def test_a_household_is_inactive_only_when_every_member_is():
    assert domain.household_status(["inactive", "inactive"]) == "inactive"
    assert domain.household_status(["inactive", "active"]) == "active"
    assert domain.household_status([]) == "active"


def test_snapshots_carry_exactly_the_fields_docs_events_md_lists():
    text = open(DOCS, encoding="utf-8").read()

    def listed(name):
        block = re.search(name + r" snapshot:\s*`\{([^}]*)\}`", text, re.S).group(1)
        return {f.strip() for f in block.replace("\n", " ").split(",")}

    doc = _resident()
    assert set(domain.resident_snapshot(doc)) == listed("Resident")
    household = domain.build_household(load(HouseholdIn(), factories.household()), "hh_1",
                                       ["res_1"], ["active"], [], NOW, None, "3174091005")
    assert set(domain.household_snapshot(household)) == listed("Household")
    assert "phone" not in domain.resident_snapshot(doc)
