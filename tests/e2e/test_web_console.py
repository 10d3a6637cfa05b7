"""The officers' console in a real headless Chromium at a laptop's size.

A logged-out browser never reaches a console page; an officer logs in with a
user name and password, finds a resident by name, NIK and RT/RW, reads their
family and change history, and logs out; an admin makes an account; repeated
wrong passwords lock an account, and every attempt is in the audit trail.
"""
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.e2e import chromium
from tests.e2e.test_distribution import register

pytestmark = pytest.mark.e2e

PASSWORD = "kata-sandi-uji-1"


@pytest.fixture(scope="module", autouse=True)
def _results():
    yield
    chromium.write_results()


def make_account(admin, role="officer"):
    username = "uji.%s" % uuid.uuid4().hex[:8]
    admin.post("accounts", {"username": username, "display_name": "Petugas %s" % username[-4:],
                            "role": role, "password": PASSWORD})
    return username


@pytest.fixture
def laptop():
    chromium.require()
    driver = chromium.start(javascript=True, size=chromium.LAPTOP)
    chromium.as_client(driver, "e2e-console-%s" % uuid.uuid4().hex[:10])
    yield driver
    driver.quit()




def log_in(driver, url, username, password=PASSWORD):
    driver.get(url + "/konsol/masuk")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()


def test_a_logged_out_browser_cannot_reach_console_pages(laptop, platform):
    url = platform[0]
    for path in ("/konsol/", "/konsol/warga?q=a", "/konsol/warga/3174090101010001",
                 "/konsol/akun"):
        laptop.get(url + path)
        assert laptop.current_url.startswith(url + "/konsol/masuk"), path
        assert "Data warga" not in laptop.find_element(By.TAG_NAME, "body").text
    chromium.check_page(laptop, "console-login")


def test_an_officer_logs_in_finds_a_resident_and_reads_the_history(laptop, platform, admin,
                                                                  officer):
    url = platform[0]
    household = register(officer)
    head = household["members"][0]
    username = make_account(admin)
    log_in(laptop, url, username)
    chromium.wait_text(laptop, "Selamat bekerja")
    assert "Akun pengguna" not in laptop.find_element(By.TAG_NAME, "nav").text  # admins only
    chromium.check_page(laptop, "console-home")

    laptop.find_element(By.LINK_TEXT, "Data warga").click()
    chromium.check_page(laptop, "console-search")
    laptop.find_element(By.ID, "q").send_keys(head["full_name"])
    laptop.find_element(By.CSS_SELECTOR, "form.search button").click()
    chromium.wait_text(laptop, "warga ditemukan")
    assert head["nik"] in laptop.find_element(By.TAG_NAME, "table").text  # officers see it whole
    chromium.check_page(laptop, "console-search-results")

    laptop.find_element(By.LINK_TEXT, head["full_name"]).click()
    chromium.wait_text(laptop, "Riwayat perubahan")
    page = laptop.find_element(By.TAG_NAME, "body").text
    assert household["kk_number"] in page and "Didaftarkan" in page
    assert all(m["full_name"] in page for m in household["members"])
    chromium.check_page(laptop, "console-resident")

    # by NIK, and by RT/RW
    laptop.get(url + "/konsol/warga?q=%s" % head["nik"])
    chromium.wait_text(laptop, "1 warga ditemukan")
    laptop.get(url + "/konsol/warga")
    laptop.find_element(By.ID, "rt").send_keys(household["rt"])
    laptop.find_element(By.ID, "rw").send_keys(household["rw"])
    Select(laptop.find_element(By.ID, "status")).select_by_value("active")
    laptop.find_element(By.CSS_SELECTOR, "form.search button").click()
    chromium.wait_text(laptop, "warga ditemukan")

    chromium.resize(laptop, chromium.ZOOMED)
    assert chromium.no_sideways_scroll(laptop)
    chromium.resize(laptop, chromium.LAPTOP)
    laptop.find_element(By.CSS_SELECTOR, "form.logout button").click()
    chromium.wait_text(laptop, "Masuk konsol petugas")
    laptop.get(url + "/konsol/warga")
    assert laptop.current_url.startswith(url + "/konsol/masuk")


def test_wrong_passwords_lock_the_account_and_every_attempt_is_audited(laptop, platform, admin):
    url = platform[0]
    username = make_account(admin)
    for _ in range(4):
        log_in(laptop, url, username, "salah-salah-salah")
        chromium.wait_text(laptop, "Nama pengguna atau kata sandi salah.")
    chromium.check_page(laptop, "console-login-wrong")
    log_in(laptop, url, username, "salah-salah-salah")
    chromium.wait_text(laptop, "Akun dikunci sementara")
    log_in(laptop, url, username)  # the right password, too late
    chromium.wait_text(laptop, "Akun dikunci sementara")
    chromium.check_page(laptop, "console-login-locked")
    actions = [a["action"] for a in admin.get("audit", {"subject": "account:" + username})["items"]]
    assert actions.count("login_failed") == 4 and actions.count("login_locked") == 2
    assert "login" not in actions


def test_an_admin_makes_an_account_that_can_log_in(laptop, platform, admin):
    url = platform[0]
    log_in(laptop, url, make_account(admin, role="admin"))
    chromium.wait_text(laptop, "Selamat bekerja")
    laptop.find_element(By.LINK_TEXT, "Administrasi").click()
    laptop.find_element(By.LINK_TEXT, "Akun pengguna").click()
    chromium.wait_text(laptop, "Buat akun baru")
    chromium.check_page(laptop, "console-accounts")
    username = "baru.%s" % uuid.uuid4().hex[:6]
    laptop.find_element(By.ID, "username").send_keys(username)
    laptop.find_element(By.ID, "display_name").send_keys("Petugas Baru")
    Select(laptop.find_element(By.ID, "role")).select_by_value("officer")
    laptop.find_element(By.ID, "password").send_keys("pendek")
    laptop.find_element(By.CSS_SELECTOR, "form.narrow button").click()
    chromium.wait_text(laptop, "Ada yang perlu diperbaiki")
    chromium.check_page(laptop, "console-accounts-error")
    laptop.find_element(By.ID, "password").send_keys(PASSWORD)
    laptop.find_element(By.CSS_SELECTOR, "form.narrow button").click()
    chromium.wait_text(laptop, "Akun %s sudah dibuat." % username)
    assert username in laptop.find_element(By.TAG_NAME, "table").text
    laptop.find_element(By.CSS_SELECTOR, "form.logout button").click()
    chromium.wait_text(laptop, "Masuk konsol petugas")
    log_in(laptop, url, username)
    chromium.wait_text(laptop, "Selamat bekerja, Petugas Baru")
