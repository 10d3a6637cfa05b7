"""The marketplace follows other services over the real broker: a move-out suspends the
seller, hides the listings and cancels open orders, once however often it is delivered;
its reversal restores what was shown; aid and training reach the seller's profile."""
import pytest
from nameko.standalone.events import event_dispatcher

from services.shared.envelope import make_envelope
from services.shared.errors import RuleRefused

from tests.helpers import wait_for
from tests.integration.marketplace.conftest import (OFFICER, RECEIVED, buyer,
                                                    seller_with_listing)
from tests.support.registry import publish

pytestmark = pytest.mark.integration


def test_a_move_out_cascades_once_and_reinstatement_reverses_it(start, service_config):
    market = start()
    family, seller, listing, me = seller_with_listing(service_config, market, stock=10)
    hidden = market.create_listing({"title": "Jamu Kuat", "description": "x", "price_idr": 5000,
                                    "unit": "botol", "stock": 3, "category": "drinks"}, me)
    market.suspend_listing(hidden["id"], {"reason": "prohibited_product"}, OFFICER)
    placed = market.place_order(listing["id"], buyer(1, 3))
    confirmed = market.place_order(listing["id"], buyer(2, 2))
    market.transition_order(confirmed["id"], {"to": "confirmed"}, me)

    moved_out = family.deactivated(0, "moved_out")
    publish(service_config, moved_out)
    publish(service_config, moved_out)  # delivered twice
    wait_for(lambda: market.get_seller(seller["id"], OFFICER)["status"] == "suspended")
    wait_for(lambda: {market.get_order(o["id"])["status"] for o in (placed, confirmed)}
             == {"cancelled"})
    after = market.get_listing(listing["id"], me)
    assert (after["status"], after["stock"], after["reserved"]) == ("suspended", 10, 0)
    assert market.search_listings({}, 1, 50)["total"] == 0
    reason = market.get_order(placed["id"])["status_reason"]
    assert reason == "seller_unavailable"
    wait_for(lambda: len(RECEIVED["order_cancelled"]) == 2)
    assert len(RECEIVED["seller_suspended"]) == 1
    assert RECEIVED["seller_suspended"][0]["data"]["reason"] == "resident_moved_out"
    assert {e["data"]["listing"]["id"] for e in RECEIVED["listing_suspended"]} == {
        hidden["id"], listing["id"]}  # the officer's, and the cascade's

    publish(service_config, family.updated(0, status="active", inactive_reason=None))
    back = wait_for(lambda: _reinstated(market, seller["id"]))  # once the registry says so
    assert back["status"] == "verified"
    assert market.get_listing(listing["id"], me)["status"] == "active"
    assert market.get_listing(hidden["id"], me)["status"] == "suspended"
    wait_for(lambda: len(RECEIVED["listing_reinstated"]) == 1)
    assert RECEIVED["seller_reinstated"][0]["data"]["listings_restored"] == 1


def _reinstated(market, seller_id):
    """Reinstate the seller; None while the projection still holds the resident inactive."""
    try:
        return market.reinstate_seller(seller_id, {"note": "Kembali tinggal di RW 05"}, OFFICER)
    except RuleRefused:
        return None


def test_aid_and_training_events_reach_the_sellers_path_out_of_aid(start, service_config):
    market = start()
    family, seller, _, _ = seller_with_listing(service_config, market)
    dispatch = event_dispatcher(service_config)
    programme = {"code": "UMKM_DESA", "kind": "business_capital",
                 "name": "Hibah Modal Usaha Mikro Kelurahan", "version": 1}
    allocation = {"id": "al_umkm_1", "round_id": "rd_1", "programme_code": "UMKM_DESA",
                  "household_id": family.hid, "recipient_id": family.members[0]["id"],
                  "amount_idr": 2_500_000, "status": "disbursed", "version": 2,
                  "disbursement": {"channel": "cash"}}
    dispatch("distribution", "aid_disbursed", make_envelope(
        "aid_disbursed", "distribution", "al_umkm_1", 2, {"allocation": allocation}))
    # the programme announced after its disbursement: the order of events does not matter
    dispatch("distribution", "programme_published", make_envelope(
        "programme_published", "distribution", "UMKM_DESA", 1, {"programme": programme}))
    dispatch("partners", "enrolment_completed", make_envelope(
        "enrolment_completed", "partners", "enr_1", 3, {
            "enrolment_id": "enr_1", "programme_id": "pp_1", "programme_kind": "training",
            "programme_title": "Kelas Wirausaha", "topics": ["entrepreneurship"],
            "partner_id": "prt_1", "partner_name": "Koperasi Contoh",
            "resident_id": family.members[0]["id"], "nik": family.members[0]["nik"],
            "kk_number": family.kk, "outcome": "business_started",
            "completed_on": "2026-06-30", "venue": "a field this reader does not know"}))

    def path():
        found = market.get_seller(seller["id"], OFFICER)["path_out_of_aid"]
        return found if found["business_capital"] and found["trainings"] else None
    found = wait_for(path, timeout=20)
    assert found["business_capital"][0]["amount_idr"] == 2_500_000
    assert found["business_capital"][0]["programme_name"] == programme["name"]
    assert found["trainings"][0]["entrepreneurship"] is True
    assert market.list_parked_events() == []

