"""The admin's accounts page: a partner's or seller's account picks its partner or seller,
and where a person of each role lands after logging in."""
import pytest

from gateway.accounts import ACCOUNT_ROLES
from tests.unit.web.conftest import csrf_of, login
from web.pages import accounts

PARTNERS = {"items": [{"id": "prt_1", "name": "PT Sumber Rejeki"}], "page": 1,
            "per_page": 100, "total": 1}
SELLERS = {"items": [{"id": "sel_1", "business_name": "Keripik Bu Siti"}], "page": 1,
           "per_page": 100, "total": 1}
RINA = {"id": "acc_2", "username": "rina", "display_name": "Rina", "role": "partner",
        "active": True, "locked_until": None, "last_login_at": None, "partner_id": "prt_1",
        "seller_id": None}


@pytest.fixture
def admin(browser, gateway):
    login(browser, gateway, role="admin")
    gateway.route("GET", "accounts", {"items": [RINA], "page": 1, "per_page": 200, "total": 1})
    gateway.route("GET", "partners", PARTNERS)
    gateway.route("GET", "sellers", SELLERS)
    return browser


def form_of(browser, **fields):
    html = browser.get("/konsol/akun").get_data(as_text=True)
    return dict({"csrf_token": csrf_of(html), "username": "Sri", "display_name": "Sri Wahyuni",
                 "password": "kata-sandi-sri", "partner_id": "", "seller_id": ""}, **fields)


def test_the_roles_are_the_gateways():
    assert accounts.ROLES == ACCOUNT_ROLES


def test_the_page_offers_every_role_and_the_partners_and_sellers_by_name(admin, gateway):
    html = admin.get("/konsol/akun").get_data(as_text=True)
    for text in ('value="partner"', 'value="seller"', "PT Sumber Rejeki", "Keripik Bu Siti",
                 'id="partner_id"', 'id="seller_id"'):
        assert text in html
    row = html.split('id="account_acc_2"')[1].split("</tr>")[0]
    assert "Mitra" in row and "PT Sumber Rejeki" in row  # whose account it is


def test_a_seller_account_is_sent_with_its_seller_only(admin, gateway):
    gateway.route("POST", "accounts", {"id": "acc_3", "username": "sri"}, status=201)
    page = admin.post("/konsol/akun", data=form_of(admin, role="seller", seller_id="sel_1",
                                                   partner_id="prt_1"))
    assert page.status_code == 303 and "dibuat=sri" in page.headers["Location"]
    assert gateway.last("POST", "accounts")[2] == {
        "username": "sri", "display_name": "Sri Wahyuni", "role": "seller",
        "password": "kata-sandi-sri", "seller_id": "sel_1"}


def test_a_partner_account_without_its_partner_is_not_sent(admin, gateway):
    page = admin.post("/konsol/akun", data=form_of(admin, role="partner"))
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and 'id="partner_id-error"' in html
    assert "Pilih mitra yang terdaftar" in html
    assert not [c for c in gateway.calls if c[:2] == ("POST", "accounts")]


def test_the_gateways_refusal_of_the_partner_reads_beside_the_field(admin, gateway):
    gateway.route("POST", "accounts", {"status": 400, "errors": {
        "partner_id": ["no partner with this id"]}}, status=400)
    page = admin.post("/konsol/akun", data=form_of(admin, role="partner", partner_id="prt_x"))
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and 'id="partner_id-error"' in html
    assert "Pilih mitra yang terdaftar" in html


def test_a_role_change_to_seller_names_the_seller(admin, gateway):
    gateway.route("PATCH", "accounts/acc_2", {"id": "acc_2", "username": "rina"})
    html = admin.get("/konsol/akun").get_data(as_text=True)
    page = admin.post("/konsol/akun/acc_2", data={"csrf_token": csrf_of(html), "action": "role",
                                                  "role": "seller", "seller_id": "sel_1"})
    assert page.status_code == 303
    assert gateway.last("PATCH", "accounts/acc_2")[2] == {"role": "seller",
                                                         "seller_id": "sel_1"}


@pytest.mark.parametrize("role, scope, home", [
    ("seller", {"seller_id": "sel_1"}, "/lapak-saya"),
    ("partner", {"partner_id": "prt_1"}, "/mitra-saya"),
    ("officer", {}, "/konsol/")])
def test_each_role_lands_where_it_works_whatever_next_says(browser, gateway, role, scope, home):
    page = login(browser, gateway, role=role, next="/konsol/akun" if role != "officer"
                 else "/lapak-saya", **scope)
    assert page.status_code == 303 and page.headers["Location"].endswith(home)
    cookie = [c for c in page.headers.getlist("Set-Cookie") if c.startswith("bt_session=")][0]
    assert "Path=%s" % home.rstrip("/") in cookie


def test_a_role_change_the_gateway_refuses_says_which_pick_is_missing(admin, gateway):
    gateway.route("PATCH", "accounts/acc_2", {"status": 400, "errors": {
        "seller_id": ["required when role is seller"]}}, status=400)
    html = admin.get("/konsol/akun").get_data(as_text=True)
    assert 'id="role-acc_2"' in html and 'id="seller_id-acc_2"' in html
    page = admin.post("/konsol/akun/acc_2", data={"csrf_token": csrf_of(html), "action": "role",
                                                  "role": "seller", "seller_id": ""})
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and 'id="account_acc_2-error"' in html
    assert "Pilih penjual yang terdaftar" in html
    assert gateway.last("PATCH", "accounts/acc_2")[2] == {"role": "seller"}


def test_accounts_are_managed_while_the_market_is_down(admin, gateway):
    gateway.route("GET", "sellers", {"status": 503, "detail": "marketplace: timeout"},
                  status=503)
    page = admin.get("/konsol/akun")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "rina" in html and "PT Sumber Rejeki" in html
