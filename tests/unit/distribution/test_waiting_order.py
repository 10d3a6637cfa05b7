"""A round's allocations in the order it serves them (``order=priority``): the waiting
list reads in the order the service promotes from it, a page at a time."""
import pytest

from services.distribution import allocations, queries
from services.shared.errors import InvalidInput
from tests.unit.distribution.conftest import OFFICER, PKH_FAMILY


def test_the_waiting_list_pages_in_priority_order(repo, registry, publish, schedule):
    publish("SEMBAKO")
    for decile, income in ((5, 900_000), (1, 2_000_000), (3, 500_000), (1, 700_000),
                           (4, 100_000)):
        registry.household(decile=decile, members=PKH_FAMILY, monthly_income_idr=income)
    rnd = schedule("SEMBAKO", quota=0)
    allocations.generate(repo, rnd["id"], OFFICER)
    first = queries.list_allocations(repo, rnd["id"], "waiting", page=1, per_page=3,
                                     order="priority")
    second = queries.list_allocations(repo, rnd["id"], "waiting", page=2, per_page=3,
                                      order="priority")
    seen = [(a["welfare_decile"], a["monthly_income_idr"]) for a in first["items"] + second["items"]]
    assert seen == [(1, 700_000), (1, 2_000_000), (3, 500_000), (4, 100_000), (5, 900_000)]
    assert first["total"] == second["total"] == 5 and "history" not in first["items"][0]
    by_id = queries.list_allocations(repo, rnd["id"], "waiting", per_page=5)
    assert sorted(a["id"] for a in by_id["items"]) == [a["id"] for a in by_id["items"]]
    with pytest.raises(InvalidInput):
        queries.list_allocations(repo, rnd["id"], order="decile")
