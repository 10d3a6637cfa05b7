"""The market and partner programme pages (resident) as a browser without JavaScript sees them."""
from services.marketplace.contract.requests import CATEGORIES as API_CATEGORIES
from services.marketplace.contract.requests import SORTS as API_SORTS
from services.partners.contract import PROGRAMME_KINDS
from tests.unit.web.conftest import csrf_of
from web.pages import activities, market

SIGNED = "203.0.113.7;9999999999;abc"
SELLER = {"id": "sel_1", "business_name": "Keripik Bu Siti", "category": "food", "rt": "003",
          "rw": "005", "whatsapp_url": "https://wa.me/6281234567890"}
LISTING = {"id": "lst_1", "seller": SELLER, "title": "Keripik singkong balado",
           "description": "Renyah, 250 gram.", "price_idr": 1500000, "unit": "pcs",
           "stock": 4, "category": "food", "status": "active", "listed": True,
           "photos": [{"id": "ph_1", "url": "/api/v1/photos/ph_1", "width": 640,
                       "height": 480, "bytes": 1000, "thumb_url": "/api/v1/photos/ph_1?size=thumb",
                       "thumb_width": 320, "thumb_height": 240}]}
ORDER = {"id": "ord_1", "listing_id": "lst_1", "seller": SELLER,
         "listing_title": "Keripik singkong balado", "unit": "pcs", "unit_price_idr": 1500000,
         "quantity": 2, "total_idr": 3000000, "note": None, "status": "placed",
         "status_message": "Menunggu konfirmasi penjual", "placed_at": "2026-08-17T03:00:00Z",
         "expires_at": "2026-08-18T03:00:00Z",
         "whatsapp_url": "https://wa.me/6281234567890?text=Pesanan%20ord_1"}
PROGRAMME = {"id": "pp_1", "title": "Pelatihan wirausaha kuliner", "kind": "training",
             "partner_name": "PT Sumber Rejeki", "partner_kind": "company",
             "description": "Delapan sesi.", "location": "Aula RW 05",
             "starts_on": "2026-09-01", "ends_on": "2026-09-30", "capacity": 20,
             "places_left": 0, "waitlisted": 7,
             "criteria_text": ["Umur 15 sampai 30 tahun", "Desil kesejahteraan 1-4"],
             "topics": ["entrepreneurship"]}


def test_the_lists_of_choices_are_the_services_own():
    assert market.CATEGORIES == API_CATEGORIES and market.SORTS == API_SORTS
    assert activities.KINDS == PROGRAMME_KINDS


def test_the_catalogue_sends_the_search_and_shows_price_seller_and_stock(browser, gateway):
    gateway.route("GET", "listings", {"items": [LISTING], "page": 2, "per_page": 12,
                                      "total": 30})
    page = browser.get("/pasar?q=keripik&kategori=food&harga_min=20.000&harga_maks=Rp5000"
                       "&rw=5&urut=price_asc&halaman=2", headers={"X-Bansos-Client": SIGNED})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert gateway.query("GET", "listings") == {
        "per_page": 12, "sort": "price_asc", "q": "keripik", "category": "food",
        "min_price_idr": 5000, "max_price_idr": 20000, "rw": "005", "page": 2}
    assert gateway.last("GET", "listings")[3]["X-Bansos-Client"] == SIGNED
    for text in ("Keripik singkong balado", "Rp1.500.000", "Keripik Bu Siti", "RT 003/RW 005",
                 "Tersedia 4 pcs", "30 produk"):
        assert text in html
    # a photo is about 120 KB: twelve of them would not fit a phone's first page (150 KB);
    # the card shows its thumbnail, sized before it arrives, fetched as it scrolls into view
    assert ('<img src="/api/v1/photos/ph_1?size=thumb" width="320" height="240" '
            'alt="Foto 1 Keripik singkong balado" loading="lazy">') in html
    assert 'src="/api/v1/photos/ph_1"' not in html
    assert "1 foto" not in html  # one photo: the card shows it, no count
    assert "q=keripik" in html and "halaman=3" in html and "halaman=1" in html


def test_a_bad_filter_is_left_out_rather_than_refused(browser, gateway):
    gateway.route("GET", "listings", {"items": [], "page": 1, "per_page": 12, "total": 0})
    page = browser.get("/pasar?kategori=weapons&urut=drop&rw=abc&halaman=-1")
    assert page.status_code == 200 and "Tidak ada produk" in page.get_data(as_text=True)
    assert gateway.query("GET", "listings") == {"per_page": 12, "sort": "newest", "page": 1}


def test_ordering_redirects_to_the_order_with_its_whatsapp_link(browser, gateway):
    gateway.route("GET", "listings/lst_1", LISTING)
    gateway.route("POST", "listings/lst_1/orders", ORDER, status=201)
    gateway.route("GET", "orders/ord_1", ORDER)
    html = browser.get("/pasar/lst_1").get_data(as_text=True)
    assert "Rp1.500.000" in html and 'for="buyer_phone"' in html
    assert 'src="/api/v1/photos/ph_1"' in html
    page = browser.post("/pasar/lst_1", data={
        "csrf_token": csrf_of(html), "idempotency_key": "k-1", "buyer_name": " Ani ",
        "buyer_phone": "0812-3456 7890", "quantity": "2", "note": "Ambil sore"})
    assert page.status_code == 303 and page.headers["Location"].endswith("/pasar/pesanan/ord_1?baru=1")
    _, _, body, headers = gateway.last("POST", "listings/lst_1/orders")
    assert body == {"buyer_name": "Ani", "buyer_phone": "081234567890", "quantity": 2,
                    "note": "Ambil sore"}
    assert headers["Idempotency-Key"] == "k-1"
    html = browser.get("/pasar/pesanan/ord_1?baru=1").get_data(as_text=True)
    assert "Pesanan terkirim" in html and "Rp3.000.000" in html
    assert "https://wa.me/6281234567890?text=Pesanan%20ord_1" in html
    assert "Menunggu konfirmasi penjual" in html and "18 Agustus 2026 10.00 WIB" in html


def test_stock_short_is_a_sentence_with_what_is_left(browser, gateway):
    gateway.route("GET", "listings/lst_1", dict(LISTING, stock=3))
    gateway.route("POST", "listings/lst_1/orders",
                  {"status": 409, "errors": {"quantity": ["only 3 left"]}}, status=409)
    token = csrf_of(browser.get("/pasar/lst_1").get_data(as_text=True))
    page = browser.post("/pasar/lst_1", data={"csrf_token": token, "buyer_name": "Ani",
                                              "buyer_phone": "081234567890", "quantity": "5",
                                              "idempotency_key": "k-short"})
    html = page.get_data(as_text=True)
    assert page.status_code == 409
    assert "stok tidak cukup: tinggal 3 pcs" in html
    assert 'value="Ani"' in html  # what the buyer typed stays
    # the corrected order is another order: it must not reuse the refused one's key
    assert 'name="idempotency_key" value="k-short"' not in html


def test_order_fields_are_checked_before_sending_and_the_apis_errors_are_on_their_fields(
        browser, gateway):
    gateway.route("GET", "listings/lst_1", LISTING)
    token = csrf_of(browser.get("/pasar/lst_1").get_data(as_text=True))
    page = browser.post("/pasar/lst_1", data={"csrf_token": token, "quantity": "0"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Isi nama Anda." in html and "Isi jumlah dengan angka" in html
    assert not [c for c in gateway.calls if c[0] == "POST"]
    gateway.route("POST", "listings/lst_1/orders",
                  {"status": 400, "errors": {"buyer_phone": ["must be 8 to 15 digits"]}},
                  status=400)
    page = browser.post("/pasar/lst_1", data={"csrf_token": token, "buyer_name": "Ani",
                                              "buyer_phone": "12", "quantity": "1"})
    assert page.status_code == 400
    assert 'id="buyer_phone-error"' in page.get_data(as_text=True)


def test_an_unknown_listing_or_order_is_the_404_page(browser, gateway):
    assert browser.get("/pasar/nope").status_code == 404
    assert browser.get("/pasar/pesanan/nope").status_code == 404


def test_partner_programmes_say_for_whom_when_where_and_places_left(browser, gateway):
    gateway.route("GET", "partner-programmes", {"items": [PROGRAMME], "page": 1,
                                                "per_page": 100, "total": 1})
    gateway.route("GET", "partner-programmes/pp_1", PROGRAMME)
    html = browser.get("/kegiatan?jenis=training").get_data(as_text=True)
    assert gateway.query("GET", "partner-programmes") == {"per_page": 100, "kind": "training"}
    for text in ("Pelatihan wirausaha kuliner", "oleh PT Sumber Rejeki",
                 "Umur 15 sampai 30 tahun", "1-30 September 2026", "Aula RW 05",
                 "Tempat sudah penuh", "7 orang menunggu"):
        assert text in html
    html = browser.get("/kegiatan/pp_1").get_data(as_text=True)
    assert "Desil kesejahteraan 1-4" in html and "Cara ikut" in html
    assert "daftar tunggu" in html


def test_a_health_programme_tells_how_to_take_part_without_enrolling(browser, gateway):
    gateway.route("GET", "partner-programmes/pp_2", dict(PROGRAMME, id="pp_2",
                                                         kind="immunisation"))
    html = browser.get("/kegiatan/pp_2").get_data(as_text=True)
    assert "tidak perlu mendaftar" in html and "Datang ke posyandu" in html
    assert "daftar tunggu" not in html and 'href="/kegiatan/jadwal-saya"' in html


def test_own_appointments_by_nik_and_birth_date(browser, gateway):
    gateway.route("POST", "appointment-check", {"full_name": "Bayu", "appointments": [
        {"programme_title": "Imunisasi Posyandu Melati", "item": "DPT-HB-Hib 1",
         "due_on": "2026-10-02", "status": "terjadwal", "location": "Posyandu Melati"}]})
    token = csrf_of(browser.get("/kegiatan/jadwal-saya").get_data(as_text=True))
    page = browser.post("/kegiatan/jadwal-saya", headers={"X-Bansos-Client": SIGNED}, data={
        "csrf_token": token, "nik": "3174 0910 0526 0001", "day": "2", "month": "8",
        "year": "2026"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "DPT-HB-Hib 1" in html and "2 Oktober 2026" in html and "Posyandu Melati" in html
    _, _, body, headers = gateway.last("POST", "appointment-check")
    assert body == {"nik": "3174091005260001", "birth_date": "2026-08-02"}
    assert headers["X-Bansos-Client"] == SIGNED
    assert "3174091005260001" not in html  # the form is emptied once answered


def test_unknown_person_and_the_limit_read_plainly(browser, gateway):
    gateway.route("POST", "appointment-check", {"status": 404}, status=404)
    token = csrf_of(browser.get("/kegiatan/jadwal-saya").get_data(as_text=True))
    data = {"csrf_token": token, "nik": "3174091005260001", "day": "2", "month": "8",
            "year": "2026"}
    assert "tidak menemukan jadwal" in browser.post("/kegiatan/jadwal-saya", data=data
                                                    ).get_data(as_text=True)
    gateway.route("POST", "appointment-check", {"status": 429}, status=429,
                  headers={"Retry-After": "60"})
    page = browser.post("/kegiatan/jadwal-saya", data=data)
    assert page.status_code == 429 and "1 menit" in page.get_data(as_text=True)


def test_a_health_programme_says_everyone_eligible_gets_a_schedule_not_places(browser, gateway):
    health = dict(PROGRAMME, id="pp_2", title="Imunisasi Posyandu", kind="immunisation",
                  places_left=2000, capacity=2000, waitlisted=0)
    gateway.route("GET", "partner-programmes", {"items": [health], "page": 1, "per_page": 100,
                                                "total": 1})
    html = browser.get("/kegiatan").get_data(as_text=True)
    assert "tidak perlu mendaftar" in html and "Sisa tempat" not in html
