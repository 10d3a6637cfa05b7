"""No overselling over the real broker: many buyers at once, two instances expiring orders
at once; the stock never goes below zero and returns exactly once.

With TEST_MONGO_URI set (a real MongoDB wire server, e.g. SecantusDB) the same
tests run against it instead of the in-process store.
"""
import eventlet
import pytest

from services.shared.errors import Conflict

from tests.helpers import wait_for
from tests.integration.marketplace.conftest import RECEIVED, buyer, seller_with_listing

pytestmark = pytest.mark.integration


def burst(market, reader, listing_id, quantities):
    """Place one order per quantity at once; returns ``(placed orders, conflicts, the
    lowest stock ``reader`` (another proxy) saw meanwhile)``."""
    seen, done = [], []

    def watch():
        while not done:
            seen.append(reader.get_listing(listing_id)["stock"])
            eventlet.sleep(0)
    watcher = eventlet.spawn(watch)
    replies = [market.place_order.call_async(listing_id, buyer(i, q)) for i, q in
               enumerate(quantities)]
    placed, refused = [], []
    for reply in replies:
        try:
            placed.append(reply.result())
        except Conflict as exc:
            refused.append(exc)
    done.append(True)
    watcher.wait()
    return placed, refused, min(seen)


def test_fifty_buyers_at_once_on_stock_twenty(start, service_config):
    market = start()
    _, _, listing, me = seller_with_listing(service_config, market, stock=20)
    placed, refused, lowest = burst(market, start.proxy(), listing["id"], [1] * 50)
    assert len(placed) == 20 and len(refused) == 30
    assert {str(exc.errors) for exc in refused} == {"{'quantity': ['only 0 left']}"}
    assert lowest >= 0
    after = market.get_listing(listing["id"], me)
    assert (after["stock"], after["reserved"], after["status"]) == (0, 20, "sold_out")
    assert market.seller_orders(me["seller_id"], {}, 1, 200, me)["total"] == 20
    wait_for(lambda: len(RECEIVED["order_placed"]) == 20)


def test_mixed_quantities_never_take_more_than_the_stock(start, service_config):
    market = start()
    _, _, listing, me = seller_with_listing(service_config, market, stock=20)
    quantities = [1 + i % 3 for i in range(30)]
    placed, refused, lowest = burst(market, start.proxy(), listing["id"], quantities)
    sold = sum(order["quantity"] for order in placed)
    after = market.get_listing(listing["id"], me)
    assert sold <= 20 and after["stock"] == 20 - sold and after["reserved"] == sold
    assert lowest >= 0 and refused
    for exc in refused:  # each refusal names what was left, less than was asked
        left = int(exc.errors["quantity"][0].split()[1])
        assert left < 3 and left <= after["stock"] + 2


def test_two_instances_expire_each_order_once(start, service_config):
    market = start(instances=2, MARKETPLACE_ORDER_EXPIRY_HOURS="0.0003",
                   MARKETPLACE_SWEEP_SECONDS="0.05")
    _, _, listing, me = seller_with_listing(service_config, market, stock=20)
    orders = [market.place_order(listing["id"], buyer(i, 2)) for i in range(6)]
    assert market.get_listing(listing["id"], me)["stock"] == 8

    def all_expired():
        return all(market.get_order(o["id"])["status"] == "expired" for o in orders)
    wait_for(all_expired, timeout=30)
    after = market.get_listing(listing["id"], me)
    assert (after["stock"], after["reserved"], after["status"]) == (20, 0, "active")
    wait_for(lambda: len(RECEIVED["order_cancelled"]) >= 6)
    assert sorted(e["aggregate_id"] for e in RECEIVED["order_cancelled"]) == sorted(
        o["id"] for o in orders)
    assert {e["data"]["reason"] for e in RECEIVED["order_cancelled"]} == {"expired"}
