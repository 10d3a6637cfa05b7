"""Suspension and its reversal, the registry's deactivation cascade, and the sweep that
finishes a cascade a crash interrupted (no broker: the handlers' effects called directly)."""
import pytest

from services.marketplace import consistency, sellers
from services.shared import clock
from services.shared.errors import Conflict, NotFound, RuleRefused

from tests.unit.marketplace.conftest import OFFICER, listing_body, order_body, seller_body


@pytest.fixture
def shop(service, residents):
    """A verified seller with an active, a sold-out, a draft and an officer-hidden
    listing, and two open orders: ``(seller, actor, person, listings by name, orders)``."""
    person = residents.add()
    seller = service.register_seller(seller_body(person["nik"]), OFFICER)
    service.verify_seller(seller["id"], {}, OFFICER)
    me = {"role": "seller", "seller_id": seller["id"], "name": "Bu Sari"}
    made = {name: service.create_listing(listing_body(title=name, **extra), me)
            for name, extra in (("Keripik", {}), ("Rempeyek", {"stock": 0}),
                                ("Kue Baru", {"status": "draft"}), ("Jamu", {}))}
    service.suspend_listing(made["Jamu"]["id"], {"reason": "prohibited_product"}, OFFICER)
    placed = service.place_order(made["Keripik"]["id"], order_body(3), None, None)
    confirmed = service.place_order(made["Keripik"]["id"], order_body(2), None, None)
    service.transition_order(confirmed["id"], {"to": "confirmed"}, me)
    return seller, me, person, made, [placed, confirmed]


def statuses(service, me):
    return {i["title"]: i["status"] for i in
            service.seller_listings(me["seller_id"], {}, 1, 50, me)["items"]}


def test_an_officers_suspension_hides_listings_and_reinstatement_restores_only_those(
        service, shop):
    seller, me, _, made, open_orders = shop
    suspended = service.suspend_seller(seller["id"], {"reason": "complaint",
                                                      "note": "Laporan warga"}, OFFICER)
    assert suspended["status"] == "suspended" and suspended["suspension"]["source"] == "officer"
    assert set(statuses(service, me).values()) == {"suspended"}
    assert service.search_listings({}, 1, 50)["total"] == 0
    with pytest.raises(NotFound):
        service.get_listing(made["Keripik"]["id"], None)
    assert {service.get_order(o["id"], None)["status"] for o in open_orders} == {
        "placed", "confirmed"}  # an officer's suspension leaves the orders to the seller
    with pytest.raises(Conflict):
        service.suspend_seller(seller["id"], {"reason": "complaint"}, OFFICER)
    back = service.reinstate_seller(seller["id"], {}, OFFICER)
    assert back["status"] == "verified" and back["suspension"] is None
    assert statuses(service, me) == {"Keripik": "active", "Rempeyek": "sold_out",
                                     "Kue Baru": "draft", "Jamu": "suspended"}
    with pytest.raises(RuleRefused):
        service.reinstate_seller(seller["id"], {}, OFFICER)


def test_a_move_out_suspends_hides_and_cancels_open_orders_once(service, residents, shop):
    seller, me, person, made, open_orders = shop
    gone = residents.deactivate(person, "moved_out")
    for _ in range(2):  # a redelivered event changes nothing more
        consistency.on_resident_deactivated(service.store, dict(gone, id=gone["id"]),
                                            "moved_out", "evt-1", clock.now())
    profile = service.get_seller(seller["id"], OFFICER)
    assert profile["status"] == "suspended"
    assert profile["suspension"]["reason"] == "resident_moved_out"
    assert profile["suspension"]["source"] == "registry"
    assert set(statuses(service, me).values()) == {"suspended"}
    for order in open_orders:
        seen = service.get_order(order["id"], None)
        assert seen["status"] == "cancelled" and seen["status_reason"] == "seller_unavailable"
        assert "tidak lagi berjualan" in seen["status_message"]
    keripik = service.get_listing(made["Keripik"]["id"], me)
    assert (keripik["stock"], keripik["reserved"]) == (20, 0)
    outbox = service.store.sellers.find_one({"_id": seller["id"]})["_outbox"]
    assert [e["type"] for e in outbox].count("seller_suspended") == 1
    with pytest.raises(RuleRefused) as exc:
        service.reinstate_seller(seller["id"], {}, OFFICER)  # still moved out
    assert "nik" in exc.value.errors


def test_a_reinstated_seller_after_the_registry_reactivates(service, residents, shop):
    seller, me, person, _, _ = shop
    gone = residents.deactivate(person, "duplicate")
    consistency.on_resident_deactivated(service.store, gone, "duplicate", "e", clock.now())
    residents.repo.apply_resident(dict(gone, status="active", inactive_reason=None,
                                       version=gone["version"] + 1))
    assert service.reinstate_seller(seller["id"], {}, OFFICER)["status"] == "verified"
    assert statuses(service, me)["Keripik"] == "active"


def test_a_resident_who_is_no_seller_changes_nothing(service, residents, shop):
    stranger = residents.deactivate(residents.add(), "deceased")
    assert consistency.on_resident_deactivated(service.store, stranger, "deceased", "e",
                                               clock.now()) is None


def test_the_sweep_finishes_a_cascade_a_crash_interrupted(service, residents, shop):
    seller, me, person, made, open_orders = shop
    repo = service.store
    # the seller was suspended, then the process died before the listings and orders
    doc = repo.seller(seller["id"])
    repo.change("sellers", doc, {"status": "suspended", "suspension": {
        "reason": "resident_deceased", "note": None, "source": "registry", "at": clock.now(),
        "by": {"name": "registry event", "role": "system"}, "previous_status": "verified"}})
    assert statuses(service, me)["Keripik"] == "active"
    done = consistency.sweep(repo, clock.now())
    assert done["repaired"] == 3 + 2  # three listings hidden, two orders cancelled
    assert set(statuses(service, me).values()) == {"suspended"}
    assert {service.get_order(o["id"], None)["status"] for o in open_orders} == {"cancelled"}
    assert consistency.sweep(repo, clock.now()) == {"expired": 0, "repaired": 0}


def test_the_sweep_brings_back_listings_a_crashed_reinstatement_left_hidden(service, shop):
    seller, me, _, _, _ = shop
    service.suspend_seller(seller["id"], {"reason": "complaint"}, OFFICER)
    repo = service.store
    doc = repo.seller(seller["id"])
    repo.change("sellers", doc, {"status": "verified", "suspension": None})  # then died
    consistency.sweep(repo, clock.now())
    assert statuses(service, me)["Keripik"] == "active"
    assert statuses(service, me)["Jamu"] == "suspended"


def test_a_suspended_seller_lists_nothing(service, shop):
    seller, me, _, _, _ = shop
    sellers.suspend(service.store, seller["id"], "fraud", None, "officer", OFFICER, "c",
                    clock.now())
    with pytest.raises(RuleRefused):
        service.create_listing(listing_body(), me)
