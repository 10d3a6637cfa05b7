"""Console: the market's sellers, one seller's moves and listings, the graduation list."""
import pytest

from services.marketplace.contract import requests as contract
from tests.unit.web.conftest import csrf_of, login
from web.pages import market_console

SELLER = {"id": "sel_1", "resident_id": "res_1", "nik": "3174091005800001",
          "full_name": "Siti Rahayu", "business_name": "Keripik Bu Siti", "category": "food",
          "scale": "micro", "phone": "081234567890", "whatsapp_url": "https://wa.me/6281234567890",
          "rt": "003", "rw": "005", "licences": {"spp_irt": {
              "number": "P-IRT 2063174010001-26", "expires_on": "2027-01-31",
              "state": "expiring"}, "halal": None},
          "warnings": [{"code": "spp_irt_expiring", "licence": "spp_irt",
                        "expires_on": "2027-01-31",
                        "message": "SPP-IRT berakhir 31 Januari 2027"}],
          "status": "pending", "suspension": None,
          "path_out_of_aid": {"business_capital": [
              {"allocation_id": "al_1", "programme_code": "UMKM_DESA",
               "programme_name": "Modal Usaha Desa", "amount_idr": 2500000,
               "received_on": "2026-03-02", "status": "disbursed"}],
              "trainings": [], "supported_since": "2026-03-02", "first_sale_on": "2026-04-10",
              "sold_after_support": True}}
LISTING = {"id": "lst_1", "title": "Keripik singkong", "price_idr": 15000, "unit": "pcs",
           "stock": 8, "reserved": 2, "status": "active", "listed": True, "suspension": None}


@pytest.fixture
def officer(browser, gateway):
    login(browser, gateway)
    gateway.route("GET", "sellers", {"items": [SELLER], "page": 1, "per_page": 25, "total": 1})
    gateway.route("GET", "sellers/sel_1", SELLER)
    gateway.route("GET", "sellers/sel_1/listings", {"items": [LISTING], "page": 1,
                                                    "per_page": 100, "total": 1})
    return browser


def test_the_lists_are_the_contracts():
    assert market_console.SELLER_STATUSES == contract.SELLER_STATUSES
    assert market_console.SUSPENSION_REASONS == contract.SUSPENSION_REASONS
    assert market_console.LISTING_SUSPENSION_REASONS == contract.LISTING_SUSPENSION_REASONS


def test_the_sellers_list_filters_and_shows_licence_warnings(officer, gateway):
    html = officer.get("/konsol/pasar?status=pending&rw=5&peringatan=1&q=keripik"
                       "&page=x").get_data(as_text=True)
    assert gateway.query("GET", "sellers") == {"page": 1, "per_page": 25, "status": "pending",
                                               "q": "keripik", "rw": "005",
                                               "warnings": "true"}
    assert "Keripik Bu Siti" in html and "SPP-IRT berakhir 31 Januari 2027" in html
    assert "Menunggu verifikasi" in html
    assert gateway.last("GET", "sellers")[3]["Authorization"] == "Bearer bs_session"


def test_a_seller_page_shows_licences_the_path_out_of_aid_and_listings(officer):
    html = officer.get("/konsol/pasar/penjual/sel_1").get_data(as_text=True)
    for text in ("P-IRT 2063174010001-26", "segera habis", "Modal Usaha Desa Rp2.500.000",
                 "Penjualan pertama 10 April 2026", "Sudah berjualan setelah",
                 "Keripik singkong", "2 dipesan", "Verifikasi penjual"):
        assert text in html
    assert "Catatan ini belum lengkap" not in html


def test_a_seller_page_says_when_its_path_out_of_aid_is_being_rebuilt(officer, gateway):
    rebuilding = dict(SELLER, path_out_of_aid=dict(SELLER["path_out_of_aid"],
                                                   rebuilding_since="2026-05-01T01:30:00Z"))
    gateway.route("GET", "sellers/sel_1", rebuilding)
    html = officer.get("/konsol/pasar/penjual/sel_1").get_data(as_text=True)
    assert ("Catatan ini belum lengkap: modal usaha dan pelatihan sedang dibaca ulang dari "
            "layanan pemiliknya sejak 1 Mei 2026 08.30 WIB") in html


def test_verify_and_suspend_send_the_officers_choice(officer, gateway):
    gateway.route("POST", "sellers/sel_1/verify", SELLER)
    gateway.route("POST", "sellers/sel_1/suspend", SELLER)
    token = csrf_of(officer.get("/konsol/pasar/penjual/sel_1").get_data(as_text=True))
    page = officer.post("/konsol/pasar/penjual/sel_1/aksi",
                        data={"csrf_token": token, "action": "verify"})
    assert page.status_code == 303 and "selesai=verify" in page.headers["Location"]
    assert gateway.last("POST", "sellers/sel_1/verify")[2] == {}
    page = officer.post("/konsol/pasar/penjual/sel_1/aksi",
                        data={"csrf_token": token, "action": "suspend"})
    assert page.status_code == 400 and "Pilih alasannya." in page.get_data(as_text=True)
    officer.post("/konsol/pasar/penjual/sel_1/aksi", data={
        "csrf_token": token, "action": "suspend", "reason": "licence_expired",
        "note": "SPP-IRT habis"})
    assert gateway.last("POST", "sellers/sel_1/suspend")[2] == {
        "reason": "licence_expired", "note": "SPP-IRT habis"}
    html = officer.get("/konsol/pasar/penjual/sel_1?selesai=suspend").get_data(as_text=True)
    assert "produknya disembunyikan" in html


def test_a_refused_move_is_said_on_the_sellers_page(officer, gateway):
    gateway.route("POST", "sellers/sel_1/reinstate",
                  {"status": 422, "detail": "the resident is not active in the registry"},
                  status=422)
    token = csrf_of(officer.get("/konsol/pasar/penjual/sel_1").get_data(as_text=True))
    page = officer.post("/konsol/pasar/penjual/sel_1/aksi",
                        data={"csrf_token": token, "action": "reinstate"})
    assert page.status_code == 422 and "not active in the registry" in page.get_data(
        as_text=True)


def test_hiding_a_listing_and_showing_it_again(officer, gateway):
    gateway.route("POST", "listings/lst_1/suspend", LISTING)
    gateway.route("POST", "listings/lst_1/reinstate", LISTING)
    token = csrf_of(officer.get("/konsol/pasar/penjual/sel_1").get_data(as_text=True))
    page = officer.post("/konsol/pasar/produk/lst_1/aksi", data={
        "csrf_token": token, "action": "suspend", "reason": "prohibited_product",
        "seller_id": "sel_1"})
    assert page.status_code == 303 and page.headers["Location"].startswith(
        "/konsol/pasar/penjual/sel_1")
    assert gateway.last("POST", "listings/lst_1/suspend")[2] == {"reason": "prohibited_product"}
    officer.post("/konsol/pasar/produk/lst_1/aksi", data={
        "csrf_token": token, "action": "reinstate", "seller_id": "sel_1"})
    assert gateway.last("POST", "listings/lst_1/reinstate")


def test_the_graduation_list(officer, gateway):
    gateway.route("GET", "reports/marketplace", {"year": 2026, "graduation": [
        {"seller_id": "sel_1", "business_name": "Keripik Bu Siti", "rw": "005",
         "business_capital_on": "2026-03-02", "business_capital_idr": 2500000,
         "training_completed_on": None, "supported_since": "2026-03-02",
         "first_sale_on": "2026-04-10", "orders_completed": 12, "revenue_idr": 840000}]})
    html = officer.get("/konsol/pasar/kelulusan?tahun=2026").get_data(as_text=True)
    assert gateway.query("GET", "reports/marketplace") == {"year": 2026}
    assert "Keripik Bu Siti" in html and "Rp840.000" in html and "10 April 2026" in html
    assert "belum lengkap" not in html
    gateway.route("GET", "reports/marketplace", {"year": 2026, "graduation": [],
                                                  "rebuilding_since": "2026-05-01T01:30:00Z"})
    html = officer.get("/konsol/pasar/kelulusan?tahun=2026").get_data(as_text=True)
    assert ("Daftar ini belum lengkap: catatan modal usaha dan pelatihan sedang dibaca ulang "
            "dari layanan pemiliknya sejak 1 Mei 2026 08.30 WIB") in html


def test_market_console_pages_need_a_login(browser, gateway):
    page = browser.get("/konsol/pasar")
    assert page.status_code in (302, 303) and "/konsol/masuk" in page.headers["Location"]
