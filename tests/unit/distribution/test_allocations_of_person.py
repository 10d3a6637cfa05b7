"""A person's allocations by key answer what the one ``$or`` query answered."""
import itertools

import pytest

from services.shared.mongomock_fast import install


@pytest.fixture
def allocations(repo):
    install()
    repo.allocations.create_index("household_id")
    people, households = ["p1", "p2", None], ["h1", "h2", None]
    rows = itertools.product(people, people, households, ["pending", "cancelled"])
    for n, (member, recipient, household, status) in enumerate(rows):
        doc = {"_id": "a%03d" % (100 - n), "programme_code": "X", "round_id": "r",
               "status": status, "household_id": household, "recipient_id": recipient}
        if member is not None:
            doc["member_id"] = member
        repo.allocations.insert_one(doc)
    return repo


@pytest.mark.parametrize("person, household", [("p1", "h1"), ("p2", "h2"), ("p1", "h2"),
                                               ("p3", "h1"), ("p1", None)])
def test_same_answer_as_the_or_query(allocations, person, household):
    keys = [{"member_id": person}, {"recipient_id": person}]
    if household is not None:
        keys.append({"household_id": household, "member_id": None})
    expected = allocations.find_allocations({"status": {"$ne": "cancelled"}, "$or": keys})
    found = allocations.allocations_of_person(person, household,
                                              extra={"status": {"$ne": "cancelled"}})
    assert found == expected and found
