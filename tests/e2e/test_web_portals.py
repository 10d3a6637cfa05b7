"""Partner and seller self-service: accounts scoped like their tokens, and the portals
(/lapak-saya, /mitra-saya) in headless Chromium at a phone's size.

Over HTTP: an account of the role partner or seller must name an existing partner
or seller (400 naming the field), and a partner's session sees its own programme
and a 404 for another partner's, as a partner token does. In the browser: a seller
logs in, lands on their stall and confirms an order; a partner's staff log in,
publish a programme from its draft and enrol a resident. axe-core finds nothing
on any of these pages.
"""
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.e2e import chromium
from tests.e2e.test_marketplace import jpeg, listing_body, register as register_seller
from tests.e2e.test_partners import course, days, fails, family, partner, youth
from tests.e2e.test_web_console import PASSWORD, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", autouse=True)
def _results():
    yield
    chromium.write_results()


def account(admin, role, **scope):
    """A fresh account of ``role`` (with ``partner_id`` / ``seller_id``); its user name."""
    username = "%s.%s" % (role, uuid.uuid4().hex[:8])
    admin.post("accounts", dict({"username": username, "display_name": "Uji %s" % role,
                                 "role": role, "password": PASSWORD}, **scope))
    return username


def session(admin, username):
    """An API client holding ``username``'s session token."""
    return admin.with_token(admin.post("sessions", {"username": username,
                                                    "password": PASSWORD})["token"])


@pytest.fixture(scope="module")
def world(admin, officer, public, make_client):
    """A verified seller with a listing and a placed order; two verified partners, each
    with a training for the same young resident."""
    seller_id = "slr_e2e_portal_" + uuid.uuid4().hex[:8]
    shop = make_client("seller", seller_id=seller_id)
    _, _, seller = register_seller(officer, shop)
    listing = shop.post("listings", listing_body(stock=5))
    draft = shop.post("listings", listing_body(stock=1, status="draft"))
    shop.upload("listings/%s/photos" % draft["id"], jpeg(), "image/jpeg")
    order = public.post("listings/%s/orders" % listing["id"], {
        "buyer_name": "Pak Budi", "buyer_phone": "081311112222", "quantity": 2},
        headers={"X-Forwarded-For": "e2e-portal-%s" % uuid.uuid4().hex[:8]})
    ours, theirs = partner(admin, officer), partner(admin, officer)
    household = family(officer, youth(2004))
    kks = [household["kk_number"]]
    return {"seller": seller, "listing": listing, "draft": draft, "order": order, "partner": ours,
            "other": theirs, "resident": household["members"][0], "kks": kks,
            "mine": course(officer, ours, kks), "foreign": course(officer, theirs, kks)}


def test_a_scoped_account_names_an_existing_partner_or_seller_of_its_own_role(admin, world):
    body = {"username": "x.%s" % uuid.uuid4().hex[:6], "display_name": "X",
            "password": PASSWORD}
    problem = fails(lambda: admin.post("accounts", dict(body, role="partner")), 400)
    assert "partner_id" in problem["errors"]
    problem = fails(lambda: admin.post("accounts", dict(body, role="partner",
                                                        partner_id="prt_nobody")), 400)
    assert problem["errors"] == {"partner_id": ["no partner with this id"]}
    problem = fails(lambda: admin.post("accounts", dict(
        body, role="partner", partner_id=world["partner"]["id"],
        seller_id=world["seller"]["id"])), 400)
    assert "seller_id" in problem["errors"]
    problem = fails(lambda: admin.post("accounts", dict(body, role="seller",
                                                        seller_id="slr_nobody")), 400)
    assert problem["errors"] == {"seller_id": ["no seller with this id"]}


def test_a_partner_session_sees_its_own_programme_and_404_for_another_partners(admin,
                                                                               world):
    staff = session(admin, account(admin, "partner", partner_id=world["partner"]["id"]))
    me = staff.get("sessions/current")["account"]
    assert (me["role"], me["partner_id"]) == ("partner", world["partner"]["id"])
    own = staff.get("partners/%s/programmes" % world["partner"]["id"])["items"]
    assert [p["id"] for p in own] == [world["mine"]["id"]]
    staff.get("partner-programmes/%s/enrolments" % world["mine"]["id"])
    fails(lambda: staff.get("partners/%s" % world["other"]["id"]), 404)
    fails(lambda: staff.get("partner-programmes/%s/enrolments" % world["foreign"]["id"]), 404)
    fails(lambda: staff.post("partner-programmes/%s/enrolments" % world["foreign"]["id"],
                             {"nik": world["resident"]["nik"]}), 404)
    fails(lambda: staff.get("residents"), 403)


def test_a_seller_session_reaches_its_own_orders_only(admin, world):
    stall = session(admin, account(admin, "seller", seller_id=world["seller"]["id"]))
    orders = stall.get("sellers/%s/orders" % world["seller"]["id"])["items"]
    assert world["order"]["id"] in [o["id"] for o in orders]
    assert all(o["buyer_phone"] for o in orders)
    fails(lambda: stall.get("sellers/slr_someone_else/orders"), 404)
    fails(lambda: stall.get("sellers"), 403)


@pytest.fixture
def phone():
    chromium.require()
    driver = chromium.start(javascript=True)
    chromium.as_client(driver, "e2e-portals-%s" % uuid.uuid4().hex[:10])
    yield driver
    driver.quit()


def clean(driver, name):
    """axe finds no violation at all on the page (check_page fails on serious ones), and
    the page fits the phone's width (nothing to scroll sideways)."""
    found = chromium.check_page(driver, name)
    assert found == [], found
    assert chromium.no_sideways_scroll(driver), name


def test_a_seller_logs_in_to_their_stall_and_confirms_an_order(phone, platform, admin,
                                                                world):
    url = platform[0]
    log_in(phone, url, account(admin, "seller", seller_id=world["seller"]["id"]))
    chromium.wait_text(phone, "Produk saya")
    assert phone.current_url == url + "/lapak-saya"
    assert world["listing"]["title"] in chromium.page_text(phone)
    # a draft's photo is not public: it loads through the stall with the seller's session
    thumb = phone.find_element(By.CSS_SELECTOR, "#listing-%s img" % world["draft"]["id"])
    assert thumb.get_attribute("src").startswith(url + "/lapak-saya/foto/")
    phone.execute_script("arguments[0].scrollIntoView()", thumb)  # it loads lazily
    WebDriverWait(phone, 20).until(lambda d: d.execute_script(
        "return arguments[0].complete", thumb))
    assert phone.execute_script("return arguments[0].naturalWidth", thumb) > 0
    clean(phone, "seller-home")
    phone.get(url + "/lapak-saya/produk/%s" % world["listing"]["id"])
    chromium.wait_text(phone, "Foto produk")
    clean(phone, "seller-listing")
    phone.get(url + "/lapak-saya/produk/baru")
    chromium.wait_text(phone, "Langsung tampilkan")
    clean(phone, "seller-listing-new")
    phone.get(url + "/lapak-saya/pesanan")
    chromium.wait_text(phone, "Pak Budi")
    link = phone.find_element(By.CSS_SELECTOR, "#o-%s a[href^='https://wa.me/']"
                              % world["order"]["id"]).get_attribute("href")
    assert link == "https://wa.me/6281311112222"
    clean(phone, "seller-orders")
    phone.find_element(By.CSS_SELECTOR, "#o-%s button[type=submit]" % world["order"]["id"]
                       ).click()
    chromium.wait_text(phone, "Pesanan dikonfirmasi")
    assert admin.get("orders/%s" % world["order"]["id"])["status"] == "confirmed"
    # the console stays closed to this login: its cookie is the stall's only
    phone.get(url + "/konsol/")
    assert phone.current_url.startswith(url + "/konsol/masuk")


def test_a_partner_publishes_a_programme_from_its_draft_and_enrols_a_resident(
        phone, platform, admin, world):
    url = platform[0]
    log_in(phone, url, account(admin, "partner", partner_id=world["partner"]["id"]))
    chromium.wait_text(phone, "Program kami")
    assert phone.current_url == url + "/mitra-saya"
    clean(phone, "partner-home")
    phone.find_element(By.LINK_TEXT, "Buat program baru").click()
    chromium.wait_text(phone, "periksa drafnya")
    clean(phone, "partner-programme-new")
    title = "Kelas Menjahit %s" % uuid.uuid4().hex[:4]
    for field, value in (("title", title), ("description", "Empat sesi menjahit."),
                         ("location", "Balai RW 02"), ("capacity", "10")):
        phone.find_element(By.ID, field).send_keys(value)
    Select(phone.find_element(By.ID, "kind")).select_by_value("training")
    for field, value in (("starts_on", days(7)), ("ends_on", days(-40))):
        phone.execute_script("document.getElementById(arguments[0]).value = arguments[1]",
                             field, value)
    phone.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    chromium.wait_text(phone, "belum terkirim")
    clean(phone, "partner-programme-draft")
    phone.find_element(By.XPATH, "//button[normalize-space(.)='Terbitkan program']").click()
    chromium.wait_text(phone, "Program sudah diterbitkan.")
    mine = admin.get("partners/%s/programmes" % world["partner"]["id"])["items"]
    created = next(p for p in mine if p["title"] == title)
    assert created["capacity"] == 10 and created["public"] is True
    clean(phone, "partner-programme")
    phone.find_element(By.ID, "nik").send_keys(world["resident"]["nik"])
    phone.find_element(By.CSS_SELECTOR, "#enrol + form button[type=submit]").click()
    chromium.wait_text(phone, world["resident"]["full_name"])
    roster = admin.get("partner-programmes/%s/enrolments" % created["id"])["items"]
    assert [e["status"] for e in roster] == ["accepted"]
    masked = phone.find_element(By.CSS_SELECTOR, "#g-accepted + ul").text
    assert world["resident"]["nik"] not in masked and world["resident"]["nik"][:4] in masked
    phone.find_element(By.ID, "s-facilitator").send_keys("Bu Sari")
    for field, value in (("s-held_on", days(1)), ("s-starts_at", "09:00"),
                         ("s-ends_at", "11:00")):
        phone.execute_script("document.getElementById(arguments[0]).value = arguments[1]",
                             field, value)
    phone.find_element(By.CSS_SELECTOR, "#new-session + form button[type=submit]").click()
    chromium.wait_text(phone, "Sesi sudah ditambahkan.")
    phone.find_element(By.CSS_SELECTOR, "#sessions + ul a").click()
    chromium.wait_text(phone, "Daftar hadir")
    clean(phone, "partner-session")
    phone.find_element(By.CSS_SELECTOR, "input[type=radio][value=attended]").click()
    phone.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    chromium.wait_text(phone, "Daftar hadir sudah disimpan.")
    held = admin.get("partner-programmes/%s/sessions" % created["id"])["items"]
    assert [a["status"] for a in held[0]["attendance"]] == ["attended"]
    phone.get(url + "/mitra-saya/laporan")
    chromium.wait_text(phone, "Laporan mitra")
    clean(phone, "partner-report")


@pytest.fixture
def laptop():
    chromium.require()
    driver = chromium.start(javascript=True, size=chromium.LAPTOP)
    chromium.as_client(driver, "e2e-portals-admin-%s" % uuid.uuid4().hex[:10])
    yield driver
    driver.quit()


def test_an_admin_makes_a_partner_account_on_the_accounts_page(laptop, platform, admin, world):
    url = platform[0]
    log_in(laptop, url, account(admin, "admin"))
    chromium.wait_text(laptop, "Selamat bekerja")
    laptop.get(url + "/konsol/akun")
    chromium.wait_text(laptop, "Buat akun baru")
    found = chromium.check_page(laptop, "console-accounts-scoped")
    assert found == [], found
    username = "mitra.%s" % uuid.uuid4().hex[:6]
    laptop.find_element(By.ID, "username").send_keys(username)
    laptop.find_element(By.ID, "display_name").send_keys("Staf Mitra")
    Select(laptop.find_element(By.ID, "role")).select_by_value("partner")
    laptop.find_element(By.ID, "password").send_keys(PASSWORD)
    laptop.find_element(By.CSS_SELECTOR, "form.narrow button").click()
    chromium.wait_text(laptop, "Ada yang perlu diperbaiki")  # no partner picked: not sent
    assert "Pilih mitra yang terdaftar" in chromium.page_text(laptop)
    Select(laptop.find_element(By.ID, "partner_id")).select_by_value(world["partner"]["id"])
    laptop.find_element(By.ID, "password").send_keys(PASSWORD)
    laptop.find_element(By.CSS_SELECTOR, "form.narrow button").click()
    chromium.wait_text(laptop, "Akun %s sudah dibuat." % username)
    made = [a for a in admin.get("accounts", {"per_page": 200})["items"]
            if a["username"] == username]
    assert [(a["role"], a["partner_id"]) for a in made] == [("partner",
                                                            world["partner"]["id"])]
