"""Generating allocations, disbursing exactly once, closing, reassigning."""
import pytest

from services.distribution import allocations, queries
from services.shared.errors import Conflict, InvalidInput, NotFound, RuleRefused
from tests.unit.distribution.conftest import OFFICER, PKH_FAMILY

PAY = {"channel": "cash", "evidence_ref": "BAST-001"}


def allocs(repo, round_id, **query):
    return repo.find_allocations(dict({"round_id": round_id}, **query), sort=(("welfare_decile", 1),))


def test_pkh_pays_per_member_component_to_the_mother(repo, registry, publish, schedule):
    publish("PKH")
    hh, people = registry.household(decile=2, members=PKH_FAMILY)
    registry.household(decile=7, members=PKH_FAMILY)  # too rich
    registry.household(decile=1, members=(("head", "M", "1990-01-01"),))  # no component
    rnd = schedule("PKH")
    out = allocations.generate(repo, rnd["id"], OFFICER)
    assert (out["eligible"], out["created"], out["waiting"]) == (1, 1, 0)
    [alloc] = allocs(repo, rnd["id"])
    assert alloc["household_id"] == hh["id"] and alloc["status"] == "pending"
    assert sorted(c["code"] for c in alloc["components"]) == ["early_childhood", "pregnant", "sd"]
    assert alloc["amount_idr"] == 750_000 + 750_000 + 225_000
    assert alloc["recipient_nik"] == people[1]["nik"]  # the wife: PKH pays the caretaker


def test_generation_is_idempotent(repo, registry, publish, schedule):
    publish("SEMBAKO")
    for decile in (1, 2, 3):
        registry.household(decile=decile, members=PKH_FAMILY)
    rnd = schedule("SEMBAKO")
    first = allocations.generate(repo, rnd["id"], OFFICER)
    again = allocations.generate(repo, rnd["id"], OFFICER)
    assert first["created"] == 3
    assert (again["created"], again["waiting"], again["already_allocated"]) == (0, 0, 3)
    assert repo.count_allocations({"round_id": rnd["id"]}) == 3


def test_short_budget_lists_the_rest_as_waiting_lowest_deciles_first(repo, registry, publish,
                                                                     schedule):
    publish("SEMBAKO")
    for decile in (5, 1, 3, 2):
        registry.household(decile=decile, members=PKH_FAMILY)
    rnd = schedule("SEMBAKO", budget_idr=1_300_000)
    out = allocations.generate(repo, rnd["id"], OFFICER)
    assert (out["created"], out["waiting"]) == (2, 2)
    assert [(a["welfare_decile"], a["status"]) for a in allocs(repo, rnd["id"])] == [
        (1, "pending"), (2, "pending"), (3, "waiting"), (5, "waiting")]
    # a member joining later and a rerun never push anyone out
    registry.household(decile=1, members=PKH_FAMILY)
    assert allocations.generate(repo, rnd["id"], OFFICER)["waiting"] == 1


def test_per_member_programme_allocates_each_qualifying_member(repo, registry, publish, schedule):
    publish("KLJ")
    hh, people = registry.household(decile=2, members=(
        ("head", "M", "1950-01-01"), ("wife", "F", "1955-05-05"), ("child", "M", "1990-01-01")))
    rnd = schedule("KLJ")
    assert allocations.generate(repo, rnd["id"], OFFICER)["created"] == 2
    got = {a["member_nik"]: (a["recipient_nik"], a["amount_idr"]) for a in allocs(repo, rnd["id"])}
    assert got == {people[0]["nik"]: (people[0]["nik"], 1_800_000),
                   people[1]["nik"]: (people[1]["nik"], 1_800_000)}


def test_an_excluded_programme_refuses_with_the_reason(repo, registry, publish, schedule):
    publish("KLJ", "KPDJ")
    registry.household(decile=2, members=(("head", "M", "1950-01-01", {"disability": "blind"}),))
    klj = schedule("KLJ")
    allocations.generate(repo, klj["id"], OFFICER)
    out = allocations.generate(repo, schedule("KPDJ")["id"], OFFICER)
    assert out["created"] == 0 and out["refused"] == {"excluded_by_KLJ": 1}


def _one_pending(repo, registry, publish, schedule, code="SEMBAKO"):
    publish(code)
    hh, people = registry.household(decile=1, members=PKH_FAMILY)
    rnd = schedule(code)
    allocations.generate(repo, rnd["id"], OFFICER)
    return allocs(repo, rnd["id"])[0], people, rnd


def test_disbursement_happens_exactly_once(repo, registry, publish, schedule):
    alloc, people, _ = _one_pending(repo, registry, publish, schedule)
    done = allocations.disburse(repo, alloc["_id"], dict(PAY, received_by_nik=people[1]["nik"]),
                                OFFICER)
    assert done["status"] == "disbursed" and done["disbursement"]["representative"] is False
    assert done["disbursement"]["location"] == "Balai RW 03"
    with pytest.raises(Conflict):
        allocations.disburse(repo, alloc["_id"], dict(PAY, received_by_nik=people[1]["nik"]),
                             OFFICER)


def test_a_concurrent_second_disbursement_loses_the_race(repo, registry, publish, schedule):
    alloc, people, _ = _one_pending(repo, registry, publish, schedule)
    stale = repo.get_allocation(alloc["_id"])
    allocations.disburse(repo, alloc["_id"], dict(PAY, received_by_nik=people[1]["nik"]), OFFICER)
    # what the second request would write, from the same read: it matches nothing
    assert repo.change_allocation(stale, {"status": "disbursed"}, "aid_disbursed",
                                  {"by": OFFICER}, {"status": "pending"}) is None
    assert len(repo.allocations.find_one({"_id": alloc["_id"]})["_outbox"]) == 2


def test_a_household_member_may_stand_in_an_outsider_may_not(repo, registry, publish, schedule):
    alloc, people, _ = _one_pending(repo, registry, publish, schedule)
    _, strangers = registry.household(decile=1, members=(("head", "M", "1970-01-01"),))
    with pytest.raises(RuleRefused) as exc:
        allocations.disburse(repo, alloc["_id"], dict(PAY, received_by_nik=strangers[0]["nik"]),
                             OFFICER)
    assert "received_by_nik" in exc.value.errors
    done = allocations.disburse(repo, alloc["_id"], dict(PAY, received_by_nik=people[0]["nik"]),
                                OFFICER)
    assert done["disbursement"]["representative"] is True
    assert done["disbursement"]["received_by_relationship"] == "head"


def test_disbursement_input_is_checked(repo, registry, publish, schedule):
    alloc, people, _ = _one_pending(repo, registry, publish, schedule)
    with pytest.raises(InvalidInput) as exc:
        allocations.disburse(repo, alloc["_id"], {"received_by_nik": "12", "channel": "pigeon"},
                             OFFICER)
    assert set(exc.value.errors) == {"received_by_nik", "channel", "evidence_ref"}
    with pytest.raises(NotFound):
        allocations.disburse(repo, "al_nope", dict(PAY, received_by_nik=people[1]["nik"]), OFFICER)


def test_not_collected_then_reassigned_to_the_next_waiting(repo, registry, publish, schedule):
    publish("SEMBAKO")
    for decile in (1, 2, 3):
        registry.household(decile=decile, members=PKH_FAMILY)
    rnd = schedule("SEMBAKO", quota=2)
    allocations.generate(repo, rnd["id"], OFFICER)
    first, second, third = allocs(repo, rnd["id"])
    assert third["status"] == "waiting"
    with pytest.raises(RuleRefused):
        allocations.reassign(repo, first["_id"], OFFICER)  # still pending
    gone = allocations.mark_not_collected(repo, first["_id"], {"reason": "moved", "note": "pindah"},
                                          OFFICER)
    assert gone["status"] == "not_collected" and gone["status_reason"] == "moved"
    out = allocations.reassign(repo, first["_id"], OFFICER)
    assert out["to"]["id"] == third["_id"] and out["to"]["status"] == "pending"
    assert out["from"]["reassigned_to"] == third["_id"]
    with pytest.raises(Conflict):
        allocations.reassign(repo, first["_id"], OFFICER)
    history = queries.get_allocation(repo, first["_id"])["history"]
    assert [h["action"] for h in history] == ["created", "not_collected", "reassigned"]


def test_cancel_and_return_keep_the_record(repo, registry, publish, schedule):
    alloc, people, _ = _one_pending(repo, registry, publish, schedule)
    allocations.disburse(repo, alloc["_id"], dict(PAY, received_by_nik=people[1]["nik"]), OFFICER)
    with pytest.raises(RuleRefused):
        allocations.cancel(repo, alloc["_id"], {"reason": "ineligible"}, OFFICER)
    back = allocations.return_allocation(repo, alloc["_id"], {"reason": "ineligible",
                                                              "note": "punya mobil"}, OFFICER)
    assert back["status"] == "returned" and back["disbursement"]["evidence_ref"] == "BAST-001"
    with pytest.raises(InvalidInput):
        allocations.cancel(repo, alloc["_id"], {"reason": "bored"}, OFFICER)


def test_closing_a_round_marks_pending_as_not_collected(repo, registry, publish, schedule):
    from services.distribution import catalogue
    alloc, people, rnd = _one_pending(repo, registry, publish, schedule)
    closed = catalogue.close_round(repo, rnd["id"], OFFICER)
    assert closed["status"] == "closed"
    assert repo.get_allocation(alloc["_id"])["status"] == "not_collected"
    with pytest.raises(RuleRefused):
        allocations.generate(repo, rnd["id"], OFFICER)


def test_a_member_who_joins_brings_their_programmes_to_the_exclusivity_check(
        repo, registry, publish, schedule, seeds):
    from services.distribution import catalogue
    publish("KLJ")
    umkm = dict(seeds["UMKM_DESA"], excludes=["KLJ"])
    catalogue.publish_programme(repo, umkm, OFFICER, "kelurahan")
    _, [grandma] = registry.household(decile=2, members=(("head", "F", "1950-01-01"),))
    allocations.generate(repo, schedule("KLJ")["id"], OFFICER)
    hh, people = registry.household(decile=2, members=(("head", "M", "1980-01-01",
                                                        {"occupation_code": 84}),))
    repo.apply_resident(dict(grandma, household_id=hh["id"], relationship="parent", version=2))
    out = allocations.generate(repo, schedule("UMKM_DESA", "Tahun 2026")["id"], OFFICER)
    assert out["refused"] == {"excluded_by_KLJ": 1} and out["created"] == 0


def test_round_lease_serialises_budget_work(repo=None):
    """Generation and reassignment take the round's lease; a second holder is refused
    until it is released or expires."""
    import mongomock
    from services.distribution.store import DistributionRepository
    store = DistributionRepository(mongomock.MongoClient().db, lambda *a, **k: None)
    store.rounds.insert_one({"_id": "r1", "version": 1})
    assert store.lock_round("r1", "a")
    assert not store.lock_round("r1", "b")
    store.unlock_round("r1", "b")          # not the holder: nothing changes
    assert not store.lock_round("r1", "b")
    store.unlock_round("r1", "a")
    assert store.lock_round("r1", "b")
    assert store.lock_round("r1", "c", seconds=0) is False
    store.rounds.update_one({"_id": "r1"}, {"$set": {"lease.until": 0}})  # b's lease ran out
    assert store.lock_round("r1", "c")



def test_no_handover_before_the_round_starts(repo, registry, publish, schedule):
    """A handover recorded before the round's first day is refused (422); nothing changes."""
    publish("SEMBAKO")
    _, people = registry.household(decile=1, members=PKH_FAMILY)
    rnd = schedule("SEMBAKO", name="Tahap depan", starts_on="2099-01-05", ends_on="2099-01-30")
    allocations.generate(repo, rnd["id"], OFFICER)
    alloc = allocs(repo, rnd["id"])[0]
    with pytest.raises(RuleRefused, match="starts on 2099-01-05"):
        allocations.disburse(repo, alloc["_id"], dict(PAY, received_by_nik=people[1]["nik"]),
                             OFFICER)
    assert repo.get_allocation(alloc["_id"])["status"] == "pending"
