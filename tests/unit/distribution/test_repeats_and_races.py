"""A repeated request answers 409 whatever it names; a round's counts survive races
(issue 8, item 13)."""
import pytest

from services.distribution import allocations
from services.shared.errors import Conflict
from tests.unit.distribution.conftest import OFFICER
from tests.unit.distribution.test_allocations import PAY, _one_pending


@pytest.mark.parametrize("who", ["an outsider", "another member"])
def test_a_second_disbursement_naming_someone_else_is_409(repo, registry, publish, schedule, who):
    alloc, people, _ = _one_pending(repo, registry, publish, schedule)
    allocations.disburse(repo, alloc["_id"], dict(PAY, received_by_nik=people[1]["nik"]), OFFICER)
    _, strangers = registry.household(decile=9, members=(("head", "M", "1980-02-02"),))
    nik = {"an outsider": strangers[0]["nik"], "another member": people[0]["nik"]}[who]
    with pytest.raises(Conflict, match="already disbursed"):
        allocations.disburse(repo, alloc["_id"], dict(PAY, received_by_nik=nik), OFFICER)


class RacingRounds:
    """A round collection where another writer bumps the round's version just before
    each of our writes (an officer revising it, the relay's bookkeeping, ...)."""

    def __init__(self, rounds):
        self._rounds = rounds

    def update_one(self, query, update, *args, **kwargs):
        if "version" in query or "$inc" in update:
            self._rounds.update_one({"_id": query["_id"]}, {"$inc": {"version": 1}})
        return self._rounds.update_one(query, update, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._rounds, name)


def test_the_eligible_count_is_recorded_however_often_the_round_changes(repo, registry, publish,
                                                                        schedule):
    publish("SEMBAKO")
    for decile in (1, 2, 3):
        registry.household(decile=decile, members=(("head", "F", "1970-01-01"),))
    rnd = schedule("SEMBAKO")
    repo.rounds = RacingRounds(repo.rounds)
    summary = allocations.generate(repo, rnd["id"], OFFICER)
    stored = repo.get_round(rnd["id"])
    assert summary["eligible"] == 3 and stored["eligible"] == 3 and stored["generated_at"]
