"""The marketplace over HTTP: a resident becomes a seller, lists with a photo, 50 buyers
order at once from stock 20, the seller works the orders, scoping holds, a move-out hides
everything. Each test makes its own family and seller, so shared data never counts."""
import concurrent.futures
import io
import uuid

import pytest
from PIL import Image

from gateway.client import ApiError
from tests.helpers import wait_for
from tests.unit.registry import factories

pytestmark = pytest.mark.e2e


def fails(call, status):
    with pytest.raises(ApiError) as exc:
        call()
    assert exc.value.status == status, exc.value
    return exc.value


def seller_body(nik, **extra):
    return dict({"nik": nik, "business_name": "Keripik Bu Sari %s" % uuid.uuid4().hex[:4],
                 "category": "food", "phone": "081234567890", "rt": "2", "rw": "6"}, **extra)


def register(officer, seller_client):
    """A family in the registry whose wife registers herself as a seller with her token
    (the marketplace learns of her from the registry's events); verified by an officer."""
    household = officer.post("households", factories.household())
    wife = household["members"][1]

    def registered():
        try:
            return seller_client.post("sellers", seller_body(wife["nik"]))
        except ApiError as exc:
            if exc.status == 422 and "No resident" in exc.detail:
                return None  # the registry's event has not arrived yet
            raise
    seller = wait_for(registered, timeout=30)
    officer.post("sellers/%s/verify" % seller["id"])
    return household, wife, seller


@pytest.fixture
def shop(officer, make_client):
    seller_id = "slr_e2e_" + uuid.uuid4().hex[:10]
    me = make_client("seller", seller_id=seller_id)
    household, wife, seller = register(officer, me)
    assert seller["id"] == seller_id and seller["nik"].count("*") > 0  # masked for the seller
    return me, household, wife, seller


def listing_body(**extra):
    return dict({"title": "Keripik Singkong Balado %s" % uuid.uuid4().hex[:4],
                 "description": "Pedas manis, 200 g", "price_idr": 12000, "unit": "bungkus",
                 "stock": 20, "category": "food"}, **extra)


def jpeg():
    out = io.BytesIO()
    Image.new("RGB", (2400, 1800), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def test_fifty_buyers_at_once_through_the_gateway(shop, public):
    me, _, _, seller = shop
    listing = me.post("listings", listing_body(stock=20))

    def order(i):
        return public.raw("POST", "listings/%s/orders" % listing["id"], json={
            "buyer_name": "Pembeli %d" % i, "buyer_phone": "0813%08d" % i, "quantity": 1},
            headers={"X-Forwarded-For": "buyer-%s-%d" % (uuid.uuid4().hex[:6], i)})
    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(order, range(50)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(201) == 20 and statuses.count(409) == 30, statuses
    for answer in answers:
        if answer.status_code == 409:
            assert answer.json()["errors"] == {"quantity": ["only 0 left"]}
            assert answer.headers["Content-Type"] == "application/problem+json"
    after = me.get("listings/%s" % listing["id"])
    assert (after["stock"], after["reserved"], after["status"]) == (0, 20, "sold_out")
    orders = me.get("sellers/%s/orders" % seller["id"], {"per_page": 200})
    assert orders["total"] == 20 and sum(o["quantity"] for o in orders["items"]) == 20


def test_a_listing_with_a_photo_is_found_ordered_and_worked(shop, public, officer, make_client):
    me, _, _, seller = shop
    listing = me.post("listings", listing_body(title="Kripik Pisang Lumer"))
    fake = fails(lambda: me.upload("listings/%s/photos" % listing["id"], b"not an image at all",
                                   "image/jpeg"), 400)
    assert "photo" in fake.errors
    with_photo = me.upload("listings/%s/photos" % listing["id"], jpeg(), "image/jpeg")
    [photo] = with_photo["photos"]
    assert (photo["width"], photo["height"]) == (1280, 960)
    image = public.raw("GET", photo["url"], headers={"Accept": "image/jpeg"})
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(image.content)).size == (1280, 960)
    assert image.headers["Cache-Control"].startswith("public")
    again = public.raw("GET", photo["url"], headers={"If-None-Match": image.headers["ETag"]})
    assert again.status_code == 304 and not again.content
    thumb = public.raw("GET", photo["thumb_url"], headers={"Accept": "image/jpeg"})
    assert thumb.status_code == 200 and thumb.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(thumb.content)).size == (320, 240) == (
        photo["thumb_width"], photo["thumb_height"])
    assert thumb.headers["Cache-Control"] == image.headers["Cache-Control"]
    assert thumb.headers["ETag"] != image.headers["ETag"]  # a cache keeps both
    assert public.raw("GET", photo["thumb_url"], headers={
        "If-None-Match": thumb.headers["ETag"]}).status_code == 304
    assert public.raw("GET", photo["url"] + "?size=huge").status_code == 400

    found = public.get("listings", {"q": "keripik lumer", "rw": "6"})
    assert [i["id"] for i in found["items"]] == [listing["id"]]
    placed = public.post("listings/%s/orders" % listing["id"], {
        "buyer_name": "Rina", "buyer_phone": "081311112222", "quantity": 2},
        headers={"Idempotency-Key": "e2e-" + uuid.uuid4().hex})
    assert placed["status"] == "placed" and placed["total_idr"] == 24000
    assert "buyer_phone" not in public.get("orders/%s" % placed["id"])
    assert me.get("orders/%s" % placed["id"])["buyer_phone"] == "081311112222"
    me.post("orders/%s/transitions" % placed["id"], {"to": "confirmed"})
    done = me.post("orders/%s/transitions" % placed["id"], {"to": "completed",
                                                            "payment": "cash"})
    assert done["status"] == "completed"
    report = me.get("sellers/%s/report" % seller["id"], {"year": done["completed_at"][:4]})
    assert report["totals"]["revenue_idr"] == 24000
    csv = me.raw("GET", "sellers/%s/report" % seller["id"],
                 params={"year": done["completed_at"][:4], "format": "csv"})
    assert csv.headers["Content-Type"].startswith("text/csv") and "TOTAL" in csv.text

    other = make_client("seller", seller_id="slr_e2e_other_" + uuid.uuid4().hex[:6])
    fails(lambda: other.patch("listings/%s" % listing["id"], {"price_idr": 1}), 404)
    fails(lambda: other.get("sellers/%s/orders" % seller["id"]), 404)
    fails(lambda: other.post("orders/%s/transitions" % placed["id"], {"to": "cancelled",
                                                                     "reason": "other"}), 404)
    assert "buyer_phone" not in other.get("orders/%s" % placed["id"])
    assert "nik" not in public.get("sellers/%s" % seller["id"])
    assert officer.get("sellers/%s" % seller["id"])["nik"].count("*") == 0


def test_bad_input_is_a_400_naming_each_field(shop):
    me, _, _, _ = shop
    problem = fails(lambda: me.post("listings", listing_body(price_idr=0, stock=-2,
                                                             category="senjata")), 400)
    assert set(problem.errors) == {"price_idr", "stock", "category"}


def test_a_move_out_hides_the_listings_and_cancels_open_orders(shop, officer, public):
    me, _, wife, seller = shop
    listing = me.post("listings", listing_body(stock=5))
    placed = public.post("listings/%s/orders" % listing["id"], {
        "buyer_name": "Dodi", "buyer_phone": "081399998888", "quantity": 3})
    officer.post("residents/%s/deactivate" % wife["nik"], {"reason": "moved_out",
                                                           "note": "Pindah ke Depok"})
    wait_for(lambda: public.get("orders/%s" % placed["id"])["status"] == "cancelled",
             timeout=30)
    fails(lambda: public.get("listings/%s" % listing["id"]), 404)
    profile = officer.get("sellers/%s" % seller["id"])
    assert profile["status"] == "suspended"
    assert profile["suspension"]["reason"] == "resident_moved_out"
    assert me.get("listings/%s" % listing["id"])["stock"] == 5
    fails(lambda: officer.post("sellers/%s/reinstate" % seller["id"]), 422)


def test_the_village_report_and_the_openapi(officer, public):
    report = officer.get("reports/marketplace", {"year": 2026})
    assert set(report["sellers"]) == {"pending", "verified", "suspended"}
    paths = public.get("openapi.json")["paths"]
    for path in ("/api/v1/sellers", "/api/v1/sellers/{seller_id}/verify", "/api/v1/listings",
                 "/api/v1/listings/{listing_id}", "/api/v1/listings/{listing_id}/orders",
                 "/api/v1/orders/{order_id}/transitions", "/api/v1/photos/{photo_id}"):
        assert path in paths, path
