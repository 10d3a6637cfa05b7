"""Orders through the service: reservation, 409 naming what is left, idempotency, the
state machine, who sees the buyer, and expiry returning the stock exactly once."""
import pytest

from services.marketplace import orders
from services.marketplace.consistency import PLACING_GRACE as GRACE
from services.shared.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleRefused

from tests.unit.marketplace.conftest import OFFICER, later, listing_body, order_body


def stock(service, listing_id, actor):
    found = service.get_listing(listing_id, actor)
    return found["stock"], found["reserved"], found["sold"], found["status"]


def test_an_order_reserves_stock_and_the_last_units_sell_out(service, listing):
    item, me = listing
    order = service.place_order(item["id"], order_body(12, note="Tanpa MSG"), None, None)
    assert order["status"] == "placed" and order["total_idr"] == 12 * 15000
    assert order["whatsapp_url"].startswith("https://wa.me/6281234567890?text=Halo%20")
    assert "buyer_phone" not in order and "history" not in order
    assert stock(service, item["id"], me) == (8, 12, 0, "active")
    with pytest.raises(Conflict) as short:
        service.place_order(item["id"], order_body(9), None, None)
    assert short.value.errors == {"quantity": ["only 8 left"]}
    service.place_order(item["id"], order_body(8), None, None)
    assert stock(service, item["id"], me) == (0, 20, 0, "sold_out")
    with pytest.raises(Conflict) as none_left:
        service.place_order(item["id"], order_body(1), None, None)
    assert none_left.value.errors == {"quantity": ["only 0 left"]}
    assert service.store.orders.count_documents({"status": "placing"}) == 0


def test_bad_orders_are_refused_by_name(service, listing):
    item, _ = listing
    with pytest.raises(InvalidInput) as exc:
        service.place_order(item["id"], {"buyer_name": "", "buyer_phone": "call me",
                                         "quantity": 0}, None, None)
    assert set(exc.value.errors) == {"buyer_name", "buyer_phone", "quantity"}
    with pytest.raises(NotFound):
        service.place_order("lst_nope", order_body(), None, None)


def test_the_same_idempotency_key_and_body_is_one_order(service, listing):
    item, me = listing
    first = service.place_order(item["id"], order_body(3), "k-123", None)
    again = service.place_order(item["id"], order_body(3), "k-123", None)
    assert again["id"] == first["id"] and stock(service, item["id"], me)[0] == 17
    with pytest.raises(Conflict) as exc:
        service.place_order(item["id"], order_body(4), "k-123", None)
    assert list(exc.value.errors) == ["Idempotency-Key"]
    assert service.store.orders.count_documents({}) == 1


def test_an_idempotency_key_is_remembered_for_a_day_then_forgotten(service, listing):
    item, me = listing
    first = service.place_order(item["id"], order_body(3), "k-day", None)
    claim = service.store.request_keys.find_one({})
    held_for = claim["expires_at"] - service.store.orders.find_one({})["placed_at"]
    assert held_for.total_seconds() == pytest.approx(24 * 3600, abs=5)
    # a day later the sweep forgets it, and the key places a new order
    service.expire_orders({"as_of": later(25).isoformat()}, OFFICER)
    assert service.store.request_keys.count_documents({}) == 0
    second = service.place_order(item["id"], order_body(4), "k-day", None)
    # (the first order, unconfirmed for 25 h, expired in the same sweep: 20 - 4 left)
    assert second["id"] != first["id"] and stock(service, item["id"], me)[0] == 16


def test_the_seller_confirms_and_completes_and_sees_the_buyer(service, listing):
    item, me = listing
    order = service.place_order(item["id"], order_body(2), None, None)
    confirmed = service.transition_order(order["id"], {"to": "confirmed"}, me)
    assert confirmed["buyer_phone"] == "081298765432" and confirmed["confirmed_at"]
    with pytest.raises(InvalidInput):
        service.transition_order(order["id"], {"to": "completed"}, me)  # how was it paid?
    done = service.transition_order(order["id"], {"to": "completed", "payment": "qris"}, me)
    assert done["status"] == "completed" and "QRIS" in done["status_message"]
    assert stock(service, item["id"], me) == (18, 0, 2, "active")
    with pytest.raises(RuleRefused):
        service.transition_order(order["id"], {"to": "cancelled", "reason": "other"}, me)
    types = [e["type"] for e in service.store.orders.find_one({"_id": order["id"]})["_outbox"]]
    assert types == ["order_placed", "order_confirmed", "order_completed"]
    assert [h["status"] for h in done["history"]] == ["placed", "confirmed", "completed"]


def test_a_buyer_cancels_with_the_phone_and_the_stock_returns(service, listing):
    item, me = listing
    order = service.place_order(item["id"], order_body(5), None, None)
    with pytest.raises(Forbidden):
        service.transition_order(order["id"], {"to": "cancelled"}, None)
    with pytest.raises(Forbidden):
        service.transition_order(order["id"], {"to": "cancelled",
                                               "buyer_phone": "081200000000"}, None)
    with pytest.raises(Forbidden):
        service.transition_order(order["id"], {"to": "confirmed",
                                               "buyer_phone": "081298765432"}, None)
    cancelled = service.transition_order(order["id"], {"to": "cancelled",
                                                       "buyer_phone": "081298765432"}, None)
    assert cancelled["status_reason"] == "buyer_request"
    assert "pembeli" in cancelled["status_message"] and "buyer_phone" not in cancelled
    assert stock(service, item["id"], me) == (20, 0, 0, "active")


def test_another_seller_gets_404_on_an_order(service, listing):
    item, _ = listing
    order = service.place_order(item["id"], order_body(), None, None)
    stranger = {"role": "seller", "seller_id": "slr_other", "name": "x"}
    with pytest.raises(NotFound):
        service.transition_order(order["id"], {"to": "confirmed"}, stranger)
    assert "buyer_phone" not in service.get_order(order["id"], stranger)
    assert service.get_order(order["id"], OFFICER)["buyer_name"] == "Budi"


def test_expiry_returns_the_stock_exactly_once(service, listing):
    item, me = listing
    waiting = service.place_order(item["id"], order_body(4), None, None)
    confirmed = service.place_order(item["id"], order_body(3), None, None)
    service.transition_order(confirmed["id"], {"to": "confirmed"}, me)
    early = service.expire_orders({"as_of": later(23).isoformat()}, OFFICER)
    assert early["expired"] == 0 and stock(service, item["id"], me)[0] == 13
    due = later(24.01).isoformat()
    assert service.expire_orders({"as_of": due}, OFFICER)["expired"] == 1
    assert service.expire_orders({"as_of": due}, OFFICER)["expired"] == 0
    orders.expire_due(service.store, later(30))  # the timer running again
    assert stock(service, item["id"], me) == (17, 3, 0, "active")
    expired = service.get_order(waiting["id"], None)
    assert expired["status"] == "expired" and "kedaluwarsa" in expired["status_message"].lower()
    with pytest.raises(RuleRefused):
        service.transition_order(waiting["id"], {"to": "confirmed"}, me)
    [event] = [e for e in service.store.orders.find_one({"_id": waiting["id"]})["_outbox"]
               if e["type"] == "order_cancelled"]
    assert event["data"]["reason"] == "expired" and event["data"]["order"]["status"] == "expired"


def test_a_settled_hold_is_never_settled_again(service, listing):
    item, me = listing
    order = service.place_order(item["id"], order_body(6), None, None)
    service.transition_order(order["id"], {"to": "cancelled", "reason": "out_of_stock"}, me)
    doc = service.store.order(order["id"])
    orders.settle(service.store, doc, "release")  # a repair or a retry doing it again
    service.store.orders.update_one({"_id": order["id"]}, {"$set": {"hold_open": True}})
    orders.finish_interrupted(service.store, later(1), GRACE)
    assert stock(service, item["id"], me) == (20, 0, 0, "active")


def test_an_interrupted_placement_is_finished_or_undone(service, listing):
    item, me = listing
    repo = service.store
    # the buyer's request died after the order was stored, before the stock was taken
    service.place_order(item["id"], order_body(2), "k-a", None)
    lost = repo.orders.find_one({})
    repo.orders.update_one({"_id": lost["_id"]}, {"$set": {"status": "placing"}})
    repo.settle(item["id"], lost["_id"], 2, "release")
    # ... and another after the stock was taken, before the order was placed
    held = service.place_order(item["id"], order_body(5), "k-b", None)
    repo.orders.update_one({"_id": held["id"]}, {"$set": {"status": "placing", "version": 0}})
    assert service.get_listing(item["id"], me)["stock"] == 15
    orders.finish_interrupted(repo, later(0.1), GRACE)
    assert repo.order(lost["_id"]) is None  # never got its stock: dropped
    assert repo.order(held["id"])["status"] == "placed"
    assert stock(service, item["id"], me) == (15, 5, 0, "active")
    again = service.place_order(item["id"], order_body(2), "k-a", None)  # the buyer retries
    assert again["status"] == "placed" and stock(service, item["id"], me)[0] == 13


def test_orders_of_a_seller_newest_first_with_buyers(service, listing):
    item, me = listing
    for quantity in (1, 2, 3):
        service.place_order(item["id"], order_body(quantity), None, None)
    page = service.seller_orders(me["seller_id"], {"status": "placed"}, 1, 2, me)
    assert page["total"] == 3 and len(page["items"]) == 2
    assert all(o["buyer_phone"] == "081298765432" for o in page["items"])


def test_a_draft_or_unverified_listing_cannot_be_ordered(service, verified_seller):
    _, me = verified_seller
    draft = service.create_listing(listing_body(status="draft"), me)
    with pytest.raises(NotFound):
        service.place_order(draft["id"], order_body(), None, None)
