"""The mongomock shortcuts answer exactly what plain mongomock answers."""
import mongomock
import pytest

from services.shared.mongomock_fast import install


@pytest.fixture
def coll():
    install()
    c = mongomock.MongoClient().db.things
    c.insert_many([{"_id": "a", "v": 1}, {"_id": "b", "v": 2}, {"_id": "c", "v": 3}, {"_id": 4, "v": 4}])
    return c


@pytest.mark.parametrize("query, ids", [
    ({"_id": "b"}, ["b"]),
    ({"_id": "zz"}, []),
    ({"_id": "b", "v": 3}, []),
    ({"_id": {"$in": ["c", "a", "zz", "a"]}}, ["a", "c"]),
    ({"_id": {"$in": ["a", "b", 4]}, "v": {"$gt": 1}}, ["b", 4]),
    ({"_id": {"$in": []}}, []),
    ({"v": {"$gte": 3}}, ["c", 4]),
])
def test_lookups(coll, query, ids):
    assert sorted(map(str, (d["_id"] for d in coll.find(query)))) == sorted(map(str, ids))


def test_updates_through_the_shortcut(coll):
    assert coll.update_many({"_id": {"$in": ["a", "b"]}, "v": 1}, {"$set": {"w": 1}}).modified_count == 1
    assert coll.find_one({"_id": "a"})["w"] == 1 and "w" not in coll.find_one({"_id": "b"})


def test_cursor_skip_limit(coll):
    assert [d["_id"] for d in coll.find({}).sort("v", 1).skip(1).limit(2)] == ["b", "c"]
