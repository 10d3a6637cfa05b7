"""Eligibility explained, the public status check, who receives what, reports."""
import pytest

from services.distribution import allocations, queries, reports
from services.shared.errors import InvalidInput, NotFound
from tests.unit.distribution.conftest import OFFICER, PKH_FAMILY


def test_eligibility_lists_each_criterion_with_the_value_seen(repo, registry, publish):
    publish("PKH", "KJP_PLUS")
    _, people = registry.household(decile=3, members=PKH_FAMILY)
    out = queries.eligibility(repo, people[0]["nik"], "PKH", "kelurahan", on="2026-01-05")
    assert out["eligible"] is True and out["amount_idr"] == 1_725_000
    decile = next(c for c in out["criteria"] if c["path"] == "criteria.all.0")
    assert (decile["value"], decile["passed"]) == (3, True)
    # a car in the family: KJP Plus refused, and the officer sees why
    _, rich = registry.household(decile=3, has_car=True, members=PKH_FAMILY)
    kjp = queries.eligibility(repo, rich[3]["nik"], "KJP_PLUS", "kelurahan", on="2026-01-05")
    car = next(c for c in kjp["criteria"] if c["criterion"] == "Keluarga tidak memiliki mobil")
    assert kjp["eligible"] is False and (car["value"], car["passed"]) == (True, False)


def test_eligibility_errors(repo, registry, publish):
    publish("PKH")
    _, people = registry.household(decile=3, members=PKH_FAMILY)
    with pytest.raises(NotFound):
        queries.eligibility(repo, "3174090000000001", "PKH", "kelurahan")
    with pytest.raises(NotFound):
        queries.eligibility(repo, people[0]["nik"], "NOPE", "kelurahan")
    with pytest.raises(InvalidInput):
        queries.eligibility(repo, people[0]["nik"], "PKH", "kelurahan", on="kemarin")


def test_status_check_needs_the_right_birth_date_and_says_nothing_else(repo, registry, publish,
                                                                       schedule):
    publish("SEMBAKO")
    _, people = registry.household(decile=1, members=PKH_FAMILY)
    registry.household(decile=1, members=PKH_FAMILY)
    rnd = schedule("SEMBAKO", starts_on="2099-01-05", ends_on="2099-01-30")
    allocations.generate(repo, rnd["id"], OFFICER)
    child = people[3]
    out = queries.status_check(repo, {"nik": child["nik"], "birth_date": child["birth_date"]})
    assert [p["programme_code"] for p in out["programmes"]] == ["SEMBAKO"]
    assert out["upcoming"][0]["location"] == "Balai RW 03"
    text = repr(out)
    assert people[1]["nik"] not in text and people[1]["full_name"] not in text
    with pytest.raises(NotFound) as wrong:
        queries.status_check(repo, {"nik": child["nik"], "birth_date": "2000-01-01"})
    with pytest.raises(NotFound) as unknown:
        queries.status_check(repo, {"nik": "3174090101990001", "birth_date": "2000-01-01"})
    assert wrong.value.detail == unknown.value.detail and wrong.value.errors == unknown.value.errors


def test_programmes_received_as_individual_recipient_and_family(repo, registry, publish, schedule):
    publish("SEMBAKO", "KAJ")
    hh, people = registry.household(decile=1, members=PKH_FAMILY)
    for code in ("SEMBAKO", "KAJ"):
        allocations.generate(repo, schedule(code)["id"], OFFICER)
    mother = queries.programmes_of_resident(repo, people[1]["nik"])
    assert {(p["programme_code"], p["as"]) for p in mother["programmes"]} == {
        ("SEMBAKO", "recipient"), ("KAJ", "recipient")}
    toddler = queries.programmes_of_resident(repo, people[2]["nik"])
    assert {(p["programme_code"], p["as"]) for p in toddler["programmes"]} == {
        ("SEMBAKO", "family_member"), ("KAJ", "individual")}
    family = queries.programmes_of_family(repo, hh["kk_number"])
    assert [p["programme_code"] for p in family["programmes"]] == ["KAJ", "SEMBAKO"]


def test_round_and_year_reports_with_csv(repo, registry, publish, schedule):
    publish("SEMBAKO")
    people = [registry.household(decile=d, members=PKH_FAMILY)[1] for d in (1, 2, 3)]
    rnd = schedule("SEMBAKO", quota=2)
    allocations.generate(repo, rnd["id"], OFFICER)
    first = repo.find_allocations({"round_id": rnd["id"], "welfare_decile": 1})[0]
    allocations.disburse(repo, first["_id"], {"received_by_nik": people[0][0]["nik"],
                                              "channel": "cash", "evidence_ref": "x"}, OFFICER)
    report = reports.round_report(repo, rnd["id"])
    totals = report["totals"]
    assert (totals["eligible"]["count"], totals["allocated"]["count"], totals["waiting"]["count"],
            totals["disbursed"]["count"]) == (3, 2, 1, 1)
    assert totals["disbursed"]["amount_idr"] == 600_000
    assert totals["disbursed"]["by_representative"] == 1
    csv_text = reports.round_csv(report)
    assert csv_text.splitlines()[0] == "round_id,programme_code,round_name,metric,count,amount_idr"
    assert "%s,SEMBAKO,Tahap 1,disbursed,1,600000" % rnd["id"] in csv_text
    year = reports.programme_year_report(repo, "SEMBAKO", "2026")
    assert year["totals"]["eligible"]["count"] == 3 and len(year["rounds"]) == 1
    assert reports.programme_year_csv(year).splitlines()[-1].endswith("returned,0,0")


def test_the_year_report_keeps_each_rounds_allocations_apart(repo, registry, publish, schedule):
    publish("SEMBAKO")
    for decile in (1, 2):
        registry.household(decile=decile, members=PKH_FAMILY)
    first = schedule("SEMBAKO", name="Tahap 1", starts_on="2026-01-05", ends_on="2026-01-30")
    second = schedule("SEMBAKO", name="Tahap 2", starts_on="2026-04-06", ends_on="2026-04-30",
                      quota=1)
    schedule("SEMBAKO", name="Tahap 1", starts_on="2027-01-04", ends_on="2027-01-29")
    for rnd in (first, second):
        allocations.generate(repo, rnd["id"], OFFICER)
    year = reports.programme_year_report(repo, "SEMBAKO", 2026)
    assert [(r["round"]["id"], r["totals"]["eligible"]["count"], r["totals"]["waiting"]["count"])
            for r in year["rounds"]] == [(first["id"], 2, 0), (second["id"], 2, 1)]
    assert year["totals"]["eligible"]["count"] == 4 and year["totals"]["pending"]["count"] == 3


def test_export_pages_every_allocation_for_other_projections(repo, registry, publish, schedule):
    publish("SEMBAKO")
    for decile in (1, 2, 3):
        registry.household(decile=decile, members=PKH_FAMILY)
    allocations.generate(repo, schedule("SEMBAKO")["id"], OFFICER)
    first = queries.export_allocations(repo, 1, 2)
    second = queries.export_allocations(repo, 2, 2)
    assert first["total"] == 3 and len(first["items"]) == 2 and len(second["items"]) == 1
    item = first["items"][0]
    assert {"id", "version", "status", "status_reason", "programme_code", "round_id",
            "amount_idr"} <= set(item) and "history" not in item and "_outbox" not in item
    assert queries.export_allocations(repo, 1, 500)["total"] == 3
    with pytest.raises(InvalidInput):
        queries.export_allocations(repo, 0, 5000)


def test_status_check_shows_each_round_and_nothing_for_an_inactive_resident(
        repo, registry, publish, schedule):
    """Two rounds of one programme: each keeps its own state (a handover in the
    first does not read as 'ready' because the second is pending)."""
    publish("SEMBAKO")
    _, people = registry.household(decile=1, members=PKH_FAMILY)
    first = schedule("SEMBAKO", name="Tahap 1", starts_on="2026-01-05", ends_on="2026-01-30")
    later = schedule("SEMBAKO", name="Tahap 9", starts_on="2099-01-05", ends_on="2099-01-30")
    for rnd in (first, later):
        allocations.generate(repo, rnd["id"], OFFICER)
    done = repo.find_allocations({"round_id": first["id"]})[0]
    allocations.disburse(repo, done["_id"], {"received_by_nik": people[1]["nik"],
                                             "channel": "cash", "evidence_ref": "BAST-9"}, OFFICER)
    mother = people[1]
    out = queries.status_check(repo, {"nik": mother["nik"], "birth_date": mother["birth_date"]})
    assert [(p["round_name"], p["status"]) for p in out["programmes"]] == [
        ("Tahap 9", "dijadwalkan"), ("Tahap 1", "sudah diterima")]
    registry.deactivate(mother)
    with pytest.raises(NotFound):
        queries.status_check(repo, {"nik": mother["nik"], "birth_date": mother["birth_date"]})
