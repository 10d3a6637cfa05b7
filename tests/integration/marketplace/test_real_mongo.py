"""No overselling on a real MongoDB wire server, over the real broker.

The in-process store (mongomock) runs each placement without yielding, so it
serialises what a real server does not; here every read and write is a round
trip and the buyers' requests really interleave. The server is the session's
(``real_mongo_uri``, tests/real_mongo.py: TEST_MONGO_URI or a SecantusDB).
"""
import time

import pymongo
import pytest

from tests.helpers import wait_for
from tests.integration.marketplace.conftest import RECEIVED, buyer, seller_with_listing
from tests.integration.marketplace.test_no_overselling import burst

pytestmark = [pytest.mark.integration, pytest.mark.mongo]


@pytest.fixture
def real_mongo(real_mongo_uri, service_config):
    """``service_config`` pointing at the session's real MongoDB wire server."""
    service_config["MONGO_URI"] = real_mongo_uri
    return service_config


def test_fifty_buyers_at_once_on_a_real_server(start, real_mongo):
    market = start()
    _, _, listing, me = seller_with_listing(real_mongo, market, stock=20)
    placed, refused, lowest = burst(market, start.proxy(), listing["id"], [1] * 50)
    assert (len(placed), len(refused), lowest >= 0) == (20, 30, True)
    assert {exc.errors["quantity"][0] for exc in refused} == {"only 0 left"}
    after = market.get_listing(listing["id"], me)
    assert (after["stock"], after["reserved"], after["status"]) == (0, 20, "sold_out")


def test_two_instances_expire_each_order_once_on_a_real_server(start, real_mongo):
    market = start(instances=2, MARKETPLACE_ORDER_EXPIRY_HOURS="0.0003",
                   MARKETPLACE_SWEEP_SECONDS="0.05")
    _, _, listing, me = seller_with_listing(real_mongo, market, stock=20)
    orders = [market.place_order(listing["id"], buyer(i, 3)) for i in range(5)]
    wait_for(lambda: all(market.get_order(o["id"])["status"] == "expired" for o in orders),
             timeout=60)
    after = market.get_listing(listing["id"], me)
    assert (after["stock"], after["reserved"]) == (20, 0)
    wait_for(lambda: len(RECEIVED["order_cancelled"]) >= 5)
    assert sorted(e["aggregate_id"] for e in RECEIVED["order_cancelled"]) == sorted(
        o["id"] for o in orders)
    # the sweep ran on the instance holding its lease (docs/reliability.md)
    client = pymongo.MongoClient(real_mongo["MONGO_URI"], serverSelectionTimeoutMS=5000)
    try:
        db = client["%s_marketplace" % real_mongo["MONGO_DB_PREFIX"]]
        lease = db["_leases"].find_one({"_id": "timer:sweep"})
        assert lease is not None and lease["expires_at"] > time.time()
    finally:
        client.close()
