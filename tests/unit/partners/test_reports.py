"""Pledged vs delivered, and a partner's year (issue 11, "Reports")."""
import csv
import io

import pytest

from services.shared.errors import Forbidden, InvalidInput
from tests.unit.partners.conftest import OFFICER, TODAY, days_ago, partner_actor


def test_pledged_against_delivered(service, partner):
    owner = partner()
    me = partner_actor(owner["id"])
    out = service.set_commitment(owner["id"], TODAY.year, {
        "amount_idr": 100_000_000, "in_kind": "Peralatan dapur", "in_kind_value_idr": 15_000_000,
        "trainer_hours": 120}, me)
    assert out["pledged"] == {"amount_idr": 100_000_000, "in_kind_value_idr": 15_000_000,
                              "trainer_hours": 120}
    service.record_delivery(owner["id"], {"delivered_on": days_ago(0), "amount_idr": 40_000_000,
                                          "trainer_hours": 30}, me)
    out = service.record_delivery(owner["id"], {"delivered_on": days_ago(0),
                                                "in_kind_value_idr": 5_000_000,
                                                "in_kind": "2 kompor"}, OFFICER)
    assert out["delivered"] == {"amount_idr": 40_000_000, "in_kind_value_idr": 5_000_000,
                                "trainer_hours": 30}
    assert len(out["deliveries"]) == 2
    with pytest.raises(InvalidInput) as empty:
        service.record_delivery(owner["id"], {"delivered_on": days_ago(0)}, me)
    assert "amount_idr" in empty.value.errors
    with pytest.raises(InvalidInput):
        service.record_delivery(owner["id"], {"delivered_on": days_ago(-3), "amount_idr": 1}, me)
    with pytest.raises(InvalidInput):
        service.set_commitment(owner["id"], "tahun ini", {}, me)


def test_a_partners_year_counts_people_once_by_sex_age_rw_and_aid(service, repo, registry,
                                                                  training):
    programme, owner = training(capacity=3, required_attendance_pct=50)
    young = registry.person(20, sex="F", rw="005")
    older = registry.person(29, sex="M", rw="003")
    repo.apply_aid({"id": "al_1", "household_id": young["household_id"], "programme_code": "PKH",
                    "status": "disbursed", "year": TODAY.year, "version": 1})
    a = service.enrol(programme["id"], {"nik": young["nik"]}, OFFICER)
    b = service.enrol(programme["id"], {"nik": older["nik"]}, OFFICER)
    session = service.add_session(programme["id"], {
        "held_on": days_ago(0), "starts_at": "09:00", "ends_at": "12:00", "location": "Aula",
        "facilitator": "Chef Ani"}, OFFICER)
    service.record_attendance(session["id"], {"entries": [
        {"enrolment_id": a["id"], "status": "attended"},
        {"enrolment_id": b["id"], "status": "absent"}]}, OFFICER)
    service.complete_enrolment(a["id"], {"outcome": "business_started"}, OFFICER)
    report = service.partner_report(owner["id"], TODAY.year, actor=partner_actor(owner["id"]))
    assert report["reached"] == {"total": 2, "by_sex": {"F": 1, "M": 1},
                                 "by_age_band": {"15-29": 2}, "by_rw": {"003": 1, "005": 1},
                                 "by_aid": {"not_receiving": 1, "receiving": 1}}
    assert (report["sessions_held"], report["session_hours"], report["attendance_pct"]) == (1, 3, 50)
    assert report["enrolments"]["completed"] == 1 and report["outcomes"]["business_started"] == 1
    assert report["programmes"][0]["enrolments"]["accepted"] == 1
    rows = list(csv.reader(io.StringIO(service.partner_report(owner["id"], TODAY.year, True,
                                                              OFFICER))))
    assert ["reached", "total", "2"] in rows and ["reached_aid", "receiving", "1"] in rows
    assert rows[-1][:3] == [programme["id"], programme["title"], "training"]


def test_officers_see_every_partners_year_side_by_side(service, registry, training, partner):
    programme, owner = training()
    service.enrol(programme["id"], {"nik": registry.person(22)["nik"]}, OFFICER)
    service.set_commitment(owner["id"], TODAY.year, {"amount_idr": 9_000_000}, OFFICER)
    other = partner(name="Yayasan Peduli", kind="ngo")
    overview = service.partners_year(TODAY.year, actor=OFFICER)
    rows = {r["partner_id"]: r for r in overview["partners"]}
    assert (rows[owner["id"]]["reached"], rows[owner["id"]]["programmes"]) == (1, 1)
    assert rows[other["id"]]["reached"] == 0
    assert overview["totals"] == {"pledged_idr": 9_000_000, "delivered_idr": 0, "reached": 1,
                                  "programmes": 1}
    lines = service.partners_year(TODAY.year, True, OFFICER).splitlines()
    assert len(lines) == 3 and lines[0].startswith("partner_id,name,kind")
    with pytest.raises(Forbidden):
        service.partners_year(TODAY.year, actor=partner_actor(owner["id"]))


def test_a_pledge_and_a_delivery_each_queue_their_event_and_come_back_in_the_export(
        service, repo, partner):
    owner = partner(name="PT Dapur Sehat")
    me = partner_actor(owner["id"])
    service.set_commitment(owner["id"], TODAY.year, {
        "amount_idr": 10_000_000, "in_kind": "Kompor", "in_kind_value_idr": 2_000_000,
        "trainer_hours": 12, "note": "Disampaikan oleh Pak Budi"}, me)
    service.set_commitment(owner["id"], TODAY.year, {"amount_idr": 12_000_000}, OFFICER)
    service.record_delivery(owner["id"], {"delivered_on": days_ago(0), "amount_idr": 4_000_000,
                                          "trainer_hours": 6, "note": "tahap 1"}, me)

    queued = [e for e in repo.partners.find_one({"_id": owner["id"]})["_outbox"]
              if e["type"] in ("commitment_set", "delivery_recorded")]
    assert [e["type"] for e in queued] == ["commitment_set", "commitment_set",
                                           "delivery_recorded"]
    first, replaced, delivered = (e["data"] for e in queued)
    assert (first["amount_idr"], first["in_kind_value_idr"], first["trainer_hours"]) == (
        10_000_000, 2_000_000, 12)
    assert (replaced["amount_idr"], replaced["in_kind_value_idr"], replaced["year"]) == (
        12_000_000, 0, TODAY.year)
    assert delivered["partner_name"] == "PT Dapur Sehat" and delivered["trainer_hours"] == 6
    assert delivered["year"] == TODAY.year and delivered["delivered_on"] == days_ago(0)
    # free text and the staff who typed it stay in the partners service
    for data in (first, delivered):
        assert not {"note", "set_by", "recorded_by"} & set(data)
    versions = [e["aggregate_version"] for e in queued]
    assert versions == sorted(set(versions)), "each change raises the partner's version"

    [item] = [i for i in service.export_contributions()["items"]
              if i["partner_id"] == owner["id"]]
    assert item["commitments"] == [replaced]
    assert item["deliveries"] == [delivered]
