"""The seller's own stall (/lapak-saya) as a phone without JavaScript sees it: what the
page shows of the API's answers and what it sends back with the seller's session."""
import pytest

from services.marketplace.contract.requests import (CANCEL_REASONS, MAX_PHOTOS,
                                                    ORDER_STATUSES, PAYMENT_METHODS,
                                                    PHOTO_TYPES, SELLER_LISTING_STATUSES)
from tests.unit.web.conftest import csrf_of, login
from web.pages import seller_portal

SELLER = {"id": "sel_1", "business_name": "Keripik Bu Siti", "category": "food",
          "scale": "micro", "nik": "3174********0001", "full_name": "Siti Aminah",
          "phone": "081234567890", "rt": "003", "rw": "005", "status": "verified",
          "licences": {"spp_irt": {"number": "P-IRT 123", "expires_on": "2026-12-31",
                                   "state": "expiring"}, "halal": None},
          "warnings": [{"code": "spp_irt_expiring", "licence": "spp_irt",
                        "expires_on": "2026-12-31",
                        "message": "SPP-IRT habis pada 31 Desember 2026; perpanjang segera."}]}
CARD = {k: SELLER[k] for k in ("id", "business_name", "category", "rt", "rw")}


def listing(listing_id="lst_1", status="active", listed=True, photos=1):
    return {"id": listing_id, "seller": CARD, "title": "Keripik singkong balado",
            "description": "Renyah, 250 gram.", "price_idr": 15000, "unit": "pcs", "stock": 4,
            "category": "food", "status": status, "listed": listed, "reserved": 1, "sold": 3,
            "version": 7, "photos": [{"id": "ph_%d" % n, "url": "/api/v1/photos/ph_%d" % n,
                                      "width": 640, "height": 480, "bytes": 1000}
                                     for n in range(1, photos + 1)]}


def order(order_id="ord_1", status="placed"):
    return {"id": order_id, "listing_id": "lst_1", "seller": CARD,
            "listing_title": "Keripik singkong balado", "unit": "pcs", "unit_price_idr": 15000,
            "quantity": 2, "total_idr": 30000, "note": "Ambil sore", "status": status,
            "placed_at": "2026-08-17T03:00:00Z", "expires_at": "2026-08-18T03:00:00Z",
            "buyer_name": "Pak Budi", "buyer_phone": "081298765432", "version": 2,
            "payment": None}


def page_of(items, total=None):
    return {"items": items, "page": 1, "per_page": 100,
            "total": len(items) if total is None else total}


@pytest.fixture
def seller(browser, gateway):
    """The browser logged in as the seller sel_1 (landing on /lapak-saya)."""
    gateway.route("GET", "sellers/sel_1", SELLER)
    gateway.route("GET", "sellers/sel_1/listings", page_of([listing(), listing(
        "lst_2", "draft", False)]))
    gateway.route("GET", "sellers/sel_1/orders", page_of([order()], total=3))
    gateway.route("GET", "listings/lst_1", listing())
    gateway.route("GET", "listings/lst_2", listing("lst_2", "draft", False))
    landed = login(browser, gateway, role="seller", next="", seller_id="sel_1")
    assert landed.status_code == 303 and landed.headers["Location"].endswith("/lapak-saya")
    cookie = [c for c in landed.headers.getlist("Set-Cookie") if c.startswith("bt_session=")][0]
    assert "Path=/lapak-saya" in cookie  # never sent to the console's pages
    return browser


def test_the_lists_of_choices_are_the_services_own():
    assert seller_portal.ORDER_STATUSES == ORDER_STATUSES
    assert seller_portal.PAYMENT_METHODS == PAYMENT_METHODS
    assert seller_portal.CANCEL_REASONS == CANCEL_REASONS
    assert seller_portal.SELLER_LISTING_STATUSES == SELLER_LISTING_STATUSES
    assert (seller_portal.PHOTO_TYPES, seller_portal.MAX_PHOTOS) == (PHOTO_TYPES, MAX_PHOTOS)


def test_the_stall_shows_the_profile_the_api_warnings_listings_and_waiting_orders(seller,
                                                                                    gateway):
    page = seller.get("/lapak-saya")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    for text in ("Keripik Bu Siti", "SPP-IRT habis pada 31 Desember 2026; perpanjang segera.",
                 "3174********0001", "P-IRT 123", "Rp15.000", "3 pesanan menunggu konfirmasi",
                 "Tampilkan di pasar", "Jadikan draf", "Keluar"):
        assert text in html, text
    assert gateway.query("GET", "sellers/sel_1/orders") == {"status": "placed", "per_page": 1}
    assert gateway.last("GET", "sellers/sel_1")[3]["Authorization"] == "Bearer bs_session"
    # a shown listing's photo comes from the gateway; a draft's through the seller's session
    assert 'src="/api/v1/photos/ph_1"' in html and 'src="/lapak-saya/foto/ph_1"' in html


def test_the_console_and_the_partner_portal_are_closed_to_a_seller(seller, gateway):
    # the cookie is scoped to /lapak-saya: the console sees a browser without a login
    assert seller.get("/konsol/warga").status_code == 303
    seller.set_cookie("bt_session", "bs_session", path="/mitra-saya")
    assert seller.get("/mitra-saya").status_code == 403


def test_a_new_listing_is_sent_as_typed_and_its_errors_come_back_by_the_field(seller, gateway):
    html = seller.get("/lapak-saya/produk/baru").get_data(as_text=True)
    form = {"csrf_token": csrf_of(html), "title": "Kue lapis", "description": "Satu loyang",
            "category": "food", "price_idr": "Rp25.000", "unit": "loyang", "stock": "5",
            "publish": "1"}
    gateway.route("POST", "listings", listing("lst_9"), status=201)
    page = seller.post("/lapak-saya/produk/baru", data=form)
    assert page.status_code == 303 and page.headers["Location"].endswith(
        "/lapak-saya/produk/lst_9?selesai=created")
    assert gateway.last("POST", "listings")[2] == {
        "title": "Kue lapis", "description": "Satu loyang", "unit": "loyang",
        "category": "food", "price_idr": 25000, "stock": 5, "status": "active"}
    gateway.route("POST", "listings", {"status": 400, "errors": {
        "title": ["must be at most 120 characters"]}}, status=400)
    page = seller.post("/lapak-saya/produk/baru", data=dict(form, publish=""))
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and gateway.last("POST", "listings")[2]["status"] == "draft"
    assert 'id="title-error"' in html and "Nama produk" in html
    sent = len(gateway.calls)
    page = seller.post("/lapak-saya/produk/baru", data=dict(form, stock="lima"))
    assert page.status_code == 400 and "bilangan bulat" in page.get_data(as_text=True)
    assert not [c for c in gateway.calls[sent:] if c[0] == "POST"]  # nothing half-sent


def test_price_stock_and_description_change_with_the_listing_version(seller, gateway):
    html = seller.get("/lapak-saya/produk/lst_1").get_data(as_text=True)
    gateway.route("PATCH", "listings/lst_1", listing())
    page = seller.post("/lapak-saya/produk/lst_1", data={
        "csrf_token": csrf_of(html), "version": "7", "price_idr": "17.500", "stock": "10",
        "description": "Lebih pedas."})
    assert page.status_code == 303 and "selesai=saved" in page.headers["Location"]
    assert gateway.last("PATCH", "listings/lst_1")[2] == {
        "description": "Lebih pedas.", "price_idr": 17500, "stock": 10, "version": 7}
    gateway.route("PATCH", "listings/lst_1", {"status": 409, "detail": "stale version"},
                  status=409)
    page = seller.post("/lapak-saya/produk/lst_1", data={
        "csrf_token": csrf_of(html), "version": "6", "price_idr": "1", "stock": "1",
        "description": "x"})
    assert page.status_code == 409 and "stale version" in page.get_data(as_text=True)


def test_publish_and_draft_send_the_status(seller, gateway):
    html = seller.get("/lapak-saya").get_data(as_text=True)
    gateway.route("PATCH", "listings/lst_2", listing("lst_2"))
    page = seller.post("/lapak-saya/produk/lst_2/status", data={
        "csrf_token": csrf_of(html), "status": "active", "back": "home"})
    assert page.status_code == 303 and page.headers["Location"].endswith(
        "/lapak-saya?selesai=active")
    assert gateway.last("PATCH", "listings/lst_2")[2] == {"status": "active"}
    page = seller.post("/lapak-saya/produk/lst_2/status", data={
        "csrf_token": csrf_of(html), "status": "suspended"})
    assert page.status_code == 400


def test_a_photo_goes_to_the_api_as_a_file_and_a_refusal_reads_beside_the_field(seller,
                                                                               gateway):
    import io
    html = seller.get("/lapak-saya/produk/lst_1").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and "Masih bisa 2 foto lagi" in html
    gateway.route("POST", "listings/lst_1/photos", listing(photos=2), status=201)
    page = seller.post("/lapak-saya/produk/lst_1/foto", data={
        "csrf_token": csrf_of(html), "photo": (io.BytesIO(b"\xff\xd8jpeg"), "kue.jpg",
                                               "image/jpeg")})
    assert page.status_code == 303 and "selesai=photo_added" in page.headers["Location"]
    sent = [f for m, p, f in gateway.files if p == "listings/lst_1/photos"][-1]
    assert sent == {"photo": ("kue.jpg", b"\xff\xd8jpeg", "image/jpeg")}
    gateway.route("POST", "listings/lst_1/photos", {"status": 400, "errors": {
        "photo": ["must be at most 2 MB"]}}, status=400)
    page = seller.post("/lapak-saya/produk/lst_1/foto", data={
        "csrf_token": csrf_of(html), "photo": (io.BytesIO(b"big"), "besar.png", "image/png")})
    assert page.status_code == 400 and 'id="photo-error"' in page.get_data(as_text=True)
    page = seller.post("/lapak-saya/produk/lst_1/foto", data={"csrf_token": csrf_of(html)})
    assert page.status_code == 400 and "Pilih berkas foto" in page.get_data(as_text=True)


def test_a_photo_not_yet_public_is_fetched_with_the_sellers_session(seller, gateway):
    gateway.route("GET", "photos/ph_1", b"\xff\xd8jpeg", headers={"Content-Type": "image/jpeg"})
    page = seller.get("/lapak-saya/foto/ph_1")
    assert page.status_code == 200 and page.data == b"\xff\xd8jpeg"
    assert page.mimetype == "image/jpeg" and page.headers["Cache-Control"].startswith("private")
    assert gateway.last("GET", "photos/ph_1")[3]["Authorization"] == "Bearer bs_session"


def test_orders_by_status_with_their_buttons_and_the_buyers_whatsapp(seller, gateway):
    gateway.route("GET", "sellers/sel_1/orders", page_of([order(status="confirmed")]))
    html = seller.get("/lapak-saya/pesanan?status=confirmed").get_data(as_text=True)
    assert gateway.query("GET", "sellers/sel_1/orders") == {"status": "confirmed",
                                                           "per_page": 100}
    assert 'href="https://wa.me/6281298765432"' in html and "Pak Budi" in html
    assert 'value="completed"' in html and 'value="cancelled"' in html
    assert 'name="to" value="confirmed"' not in html  # a confirmed order is not confirmed again
    gateway.route("POST", "orders/ord_1/transitions", order(status="completed"))
    page = seller.post("/lapak-saya/pesanan/ord_1", data={
        "csrf_token": csrf_of(html), "from": "confirmed", "to": "completed", "payment": "qris",
        "version": "2"})
    assert page.status_code == 303 and "status=confirmed" in page.headers["Location"]
    assert gateway.last("POST", "orders/ord_1/transitions")[2] == {
        "to": "completed", "payment": "qris", "version": 2}
    gateway.route("POST", "orders/ord_1/transitions", {
        "status": 409, "detail": "The order is completed already."}, status=409)
    page = seller.post("/lapak-saya/pesanan/ord_1", data={
        "csrf_token": csrf_of(html), "from": "placed", "to": "cancelled",
        "reason": "out_of_stock"})
    assert page.status_code == 409 and "completed already" in page.get_data(as_text=True)
    assert gateway.last("POST", "orders/ord_1/transitions")[2] == {
        "to": "cancelled", "reason": "out_of_stock"}


def test_a_form_without_its_csrf_token_is_refused(seller, gateway):
    page = seller.post("/lapak-saya/pesanan/ord_1", data={"to": "confirmed"})
    assert page.status_code == 403
    assert not [c for c in gateway.calls if c[1] == "orders/ord_1/transitions"]


def test_a_seller_logs_out_from_the_stall(seller, gateway):
    gateway.route("DELETE", "sessions/current", None, status=204)
    html = seller.get("/lapak-saya").get_data(as_text=True)
    page = seller.post("/lapak-saya/keluar", data={"csrf_token": csrf_of(html)})
    assert page.status_code == 303
    assert gateway.last("DELETE", "sessions/current")[3]["Authorization"] == "Bearer bs_session"
    assert any(c.startswith("bt_session=;") and "Path=/lapak-saya" in c
               for c in page.headers.getlist("Set-Cookie"))
