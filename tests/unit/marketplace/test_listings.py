"""Listings through the service: validation, the public catalogue, moderation."""
import pytest

from services.shared.errors import InvalidInput, NotFound, RuleRefused

from tests.unit.marketplace.conftest import (OFFICER, listing_body, seller_actor, seller_body)


@pytest.mark.parametrize("field, value", [
    ("price_idr", 0), ("price_idr", -500), ("price_idr", 1500.5), ("price_idr", "15000"),
    ("stock", -1), ("stock", 2.5), ("stock", None), ("title", "  "), ("unit", "x" * 31),
    ("category", "weapons"), ("status", "suspended")])
def test_bad_price_stock_and_fields_are_refused_by_name(service, verified_seller, field, value):
    _, me = verified_seller
    with pytest.raises(InvalidInput) as exc:
        service.create_listing(listing_body(**{field: value}), me)
    assert list(exc.value.errors) == [field]
    assert service.store.listings.count_documents({}) == 0


def test_a_listing_of_stock_zero_is_sold_out_and_comes_back(service, verified_seller):
    _, me = verified_seller
    listing = service.create_listing(listing_body(stock=0), me)
    assert listing["status"] == "sold_out" and listing["listed"] is False
    back = service.update_listing(listing["id"], {"stock": 4}, me)
    assert back["status"] == "active" and back["listed"] is True
    assert service.update_listing(listing["id"], {"status": "draft"}, me)["status"] == "draft"


def catalogue(service, **query):
    return service.search_listings(query, 1, 50)


def titles(page):
    return [item["title"] for item in page["items"]]


@pytest.fixture
def market(service, residents):
    """Three verified sellers in two RWs, one pending seller, and their listings."""
    made = {}
    for name, rw, verify in (("Bu Sari", "5", True), ("Pak Udin", "7", True),
                             ("Mbak Rini", "5", False)):
        seller = service.register_seller(seller_body(residents.add()["nik"], business_name=name,
                                                     rw=rw), OFFICER)
        if verify:
            service.verify_seller(seller["id"], {}, OFFICER)
        made[name] = seller_actor(seller["id"])
    for who, title, price, category in (
            ("Bu Sari", "Kripik Singkong Balado", 12000, "food"),
            ("Bu Sari", "Keripik Pisang Coklat", 15000, "food"),
            ("Pak Udin", "Batik Tulis Betawi", 350000, "fashion"),
            ("Pak Udin", "Es Kopi Susu Gula Aren", 18000, "drinks"),
            ("Mbak Rini", "Keripik Tempe", 10000, "food")):
        service.create_listing(listing_body(title=title, price_idr=price, category=category,
                                            description="Buatan warga Tanjung Barat."), made[who])
    service.create_listing(listing_body(title="Keripik Draf", status="draft"), made["Bu Sari"])
    return made


def test_the_catalogue_finds_indonesian_product_words(service, market):
    assert sorted(titles(catalogue(service, q="keripik"))) == ["Keripik Pisang Coklat",
                                                               "Kripik Singkong Balado"]
    assert titles(catalogue(service, q="kripik pisang")) == ["Keripik Pisang Coklat"]
    assert titles(catalogue(service, q="BATIK")) == ["Batik Tulis Betawi"]
    assert titles(catalogue(service, q="kerip")) != []  # a word's beginning matches
    assert catalogue(service, q="sepatu")["total"] == 0


def test_only_verified_sellers_active_listings_appear(service, market):
    everything = catalogue(service)
    assert everything["total"] == 4
    assert "Keripik Tempe" not in titles(everything)  # pending seller
    assert "Keripik Draf" not in titles(everything)
    assert all(item["listed"] and "reserved" not in item for item in everything["items"])


def test_filter_by_category_price_and_rw_sort_and_paginate(service, market):
    assert titles(catalogue(service, category="drinks")) == ["Es Kopi Susu Gula Aren"]
    assert titles(catalogue(service, min_price_idr="13000", max_price_idr="20000",
                            sort="price_asc")) == ["Keripik Pisang Coklat",
                                                   "Es Kopi Susu Gula Aren"]
    assert {i["seller"]["rw"] for i in catalogue(service, rw="7")["items"]} == {"007"}
    prices = [i["price_idr"] for i in catalogue(service, sort="price_desc")["items"]]
    assert prices == sorted(prices, reverse=True)
    newest = catalogue(service)["items"]
    published = [i["published_at"] for i in newest]
    assert published == sorted(published, reverse=True)
    newest = [i["title"] for i in newest]
    second = service.search_listings({"sort": "newest"}, 2, 3)
    assert second["total"] == 4 and titles(second) == newest[3:]
    with pytest.raises(InvalidInput) as exc:
        catalogue(service, sort="cheapest")
    assert list(exc.value.errors) == ["sort"]
    with pytest.raises(InvalidInput) as exc:
        catalogue(service, min_price_idr="20000", max_price_idr="100")
    assert list(exc.value.errors) == ["max_price_idr"]


def test_an_unlisted_listing_is_404_to_the_public_but_not_to_its_seller(service, market):
    draft = service.store.listings.find_one({"title": "Keripik Draf"})
    with pytest.raises(NotFound):
        service.get_listing(draft["_id"], None)
    with pytest.raises(NotFound):
        service.get_listing(draft["_id"], market["Pak Udin"])
    mine = service.get_listing(draft["_id"], market["Bu Sari"])
    assert mine["status"] == "draft" and mine["reserved"] == 0
    with pytest.raises(NotFound):
        service.update_listing(draft["_id"], {"price_idr": 1}, market["Pak Udin"])


def test_an_officer_hides_a_listing_and_shows_it_again(service, listing):
    item, me = listing
    hidden = service.suspend_listing(item["id"], {"reason": "misleading_listing",
                                                  "note": "Foto bukan produk"}, OFFICER)
    assert hidden["status"] == "suspended" and hidden["suspension"]["with_seller"] is False
    with pytest.raises(NotFound):
        service.get_listing(item["id"], None)
    with pytest.raises(RuleRefused):
        service.update_listing(item["id"], {"status": "active"}, me)
    assert service.update_listing(item["id"], {"price_idr": 14000}, me)["status"] == "suspended"
    shown = service.reinstate_listing(item["id"], OFFICER)
    assert shown["status"] == "active" and shown["price_idr"] == 14000
    types = [e["type"] for e in service.store.listings.find_one({"_id": item["id"]})["_outbox"]]
    assert types == ["listing_published", "listing_suspended", "listing_reinstated"]


def test_officers_list_for_a_seller_and_sellers_list_only_for_themselves(service, market):
    seller_id = market["Pak Udin"]["seller_id"]
    made = service.create_listing(listing_body(seller_id=seller_id), OFFICER)
    assert made["seller"]["id"] == seller_id
    with pytest.raises(InvalidInput):
        service.create_listing(listing_body(seller_id=seller_id), market["Bu Sari"])
    with pytest.raises(InvalidInput):
        service.create_listing(listing_body(), OFFICER)  # which seller?
    page = service.seller_listings(seller_id, {}, 1, 50, market["Pak Udin"])
    assert page["total"] == 3 and all("reserved" in i for i in page["items"])


def test_a_stock_edit_is_reapplied_when_an_order_moved_the_stock_meanwhile(service, listing):
    item, me = listing
    repo = service.store
    real_change, raced = repo.change, []

    def change_after_an_order(collection, doc, changes, **kwargs):
        if collection == "listings" and not raced:  # a buyer's reservation lands first
            raced.append(repo.reserve(item["id"], "ord_racer", 5))
        return real_change(collection, doc, changes, **kwargs)
    repo.change = change_after_an_order
    after = service.update_listing(item["id"], {"stock": 8}, me)
    assert raced == [True]
    assert (after["stock"], after["reserved"]) == (3, 5)  # 8 on the shelf, 5 of them held
