"""A member's deactivation (registry event) on open allocations; the past is never rewritten."""
from services.distribution import allocations
from tests.unit.distribution.conftest import OFFICER, PKH_FAMILY

PAY = {"channel": "bank", "evidence_ref": "TRX-9"}


def only(repo, round_id):
    [doc] = repo.find_allocations({"round_id": round_id})
    return doc


def leave(repo, registry, person, reason="deceased"):
    gone = registry.deactivate(person, reason)
    return allocations.on_resident_deactivated(repo, gone, reason, "ev-1")


def test_a_member_programme_is_cancelled_for_the_member_who_left(repo, registry, publish, schedule):
    publish("KLJ")
    _, people = registry.household(decile=2, members=(("head", "M", "1950-01-01"),
                                                      ("wife", "F", "1952-01-01")))
    rnd = schedule("KLJ")
    allocations.generate(repo, rnd["id"], OFFICER)
    assert leave(repo, registry, people[0]) == 1
    by_member = {a["member_id"]: a for a in repo.find_allocations({"round_id": rnd["id"]})}
    assert by_member[people[0]["id"]]["status"] == "cancelled"
    assert by_member[people[0]["id"]]["status_reason"] == "member_deceased"
    assert by_member[people[1]["id"]]["status"] == "pending"


def test_the_family_allocation_passes_to_the_next_adult(repo, registry, publish, schedule):
    publish("SEMBAKO")
    _, people = registry.household(decile=1, members=PKH_FAMILY)
    rnd = schedule("SEMBAKO")
    allocations.generate(repo, rnd["id"], OFFICER)
    assert only(repo, rnd["id"])["recipient_id"] == people[1]["id"]  # the mother
    leave(repo, registry, people[1], "moved_out")
    alloc = only(repo, rnd["id"])
    assert alloc["status"] == "pending" and alloc["recipient_id"] == people[0]["id"]
    assert alloc["amount_idr"] == 600_000
    assert leave(repo, registry, people[1], "moved_out") == 0  # replay: nothing left to do


def test_no_adult_left_cancels_the_family_allocation(repo, registry, publish, schedule):
    publish("SEMBAKO")
    _, people = registry.household(decile=1, members=(("head", "F", "1940-01-01"),
                                                      ("grandchild", "M", "2015-01-01")))
    rnd = schedule("SEMBAKO")
    allocations.generate(repo, rnd["id"], OFFICER)
    leave(repo, registry, people[0])
    alloc = only(repo, rnd["id"])
    assert (alloc["status"], alloc["status_reason"]) == ("cancelled", "no_eligible_recipient")


def test_pkh_loses_only_that_members_component(repo, registry, publish, schedule):
    publish("PKH")
    _, people = registry.household(decile=1, members=PKH_FAMILY)
    rnd = schedule("PKH")
    allocations.generate(repo, rnd["id"], OFFICER)
    leave(repo, registry, people[2])  # the 3-year-old
    alloc = only(repo, rnd["id"])
    assert alloc["status"] == "pending"
    assert sorted(c["code"] for c in alloc["components"]) == ["pregnant", "sd"]
    assert alloc["amount_idr"] == 750_000 + 225_000


def test_a_past_disbursement_is_never_rewritten(repo, registry, publish, schedule):
    publish("SEMBAKO")
    _, people = registry.household(decile=1, members=PKH_FAMILY)
    rnd = schedule("SEMBAKO")
    allocations.generate(repo, rnd["id"], OFFICER)
    before = allocations.disburse(repo, only(repo, rnd["id"])["_id"],
                                  dict(PAY, received_by_nik=people[1]["nik"]), OFFICER)
    assert leave(repo, registry, people[1]) == 0
    after = only(repo, rnd["id"])
    assert after["status"] == "disbursed" and after["recipient_id"] == people[1]["id"]
    assert after["version"] == before["version"]


def test_a_waiting_allocation_follows_too(repo, registry, publish, schedule):
    publish("KLJ")
    _, people = registry.household(decile=2, members=(("head", "M", "1950-01-01"),))
    rnd = schedule("KLJ", quota=0)
    allocations.generate(repo, rnd["id"], OFFICER)
    assert only(repo, rnd["id"])["status"] == "waiting"
    leave(repo, registry, people[0])
    assert only(repo, rnd["id"])["status"] == "cancelled"
