"""The resident pages in a real headless Chromium at a 360x740 phone viewport.

A resident finds a programme, checks their status and files a complaint, then
reads its tracking code; the same with JavaScript disabled. Every page is
screenshotted under var/screenshots/ and checked by axe-core (0 serious or
critical violations), and reflows at 200% zoom.
"""
import datetime
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.e2e import chromium
from tests.e2e.test_distribution import programme_for, register
from tests.helpers import wait_for

pytestmark = pytest.mark.e2e

FIRST_PAGE_LIMIT = 150 * 1024  # issue 13: the first resident page, compressed


@pytest.fixture(scope="module", autouse=True)
def _results():
    yield
    chromium.write_results()


@pytest.fixture(scope="module")
def beneficiary(officer):
    """A family with a programme of its own and a round starting today (via the API)."""
    household = register(officer)
    wife = household["members"][1]
    body = programme_for([household["kk_number"]])
    body["name"] = "Bantuan Uji %s" % body["code"][-4:]
    officer.post("programmes", body)
    today = datetime.date.today()
    rnd = officer.post("programmes/%s/rounds" % body["code"], {
        "name": "Tahap 1 uji", "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=6)).isoformat(),
        "location": "Balai Warga RW 03"})
    officer.post("rounds/%s/allocations" % rnd["id"])
    return {"programme": body, "person": wife, "round": rnd}


@pytest.fixture(params=[True, False], ids=["with-js", "without-js"])
def phone(request):
    chromium.require()
    driver = chromium.start(javascript=request.param)
    chromium.as_client(driver, "e2e-web-%s" % uuid.uuid4().hex[:10])
    yield driver
    driver.quit()


def name(driver, page):
    return "resident-%s-%s" % (page, "js" if driver.javascript else "nojs")




def test_a_resident_finds_a_programme_checks_their_status_and_files_a_complaint(
        phone, platform, beneficiary):
    url = platform[0]
    programme, person = beneficiary["programme"], beneficiary["person"]
    phone.get(url + "/")
    assert phone.find_element(By.TAG_NAME, "h1").text == "Bantuan sosial untuk warga"
    transferred = chromium.transferred_bytes(phone)
    chromium.RESULTS["first page bytes on the wire (%s)" % name(phone, "home")] = transferred
    assert 0 < transferred < FIRST_PAGE_LIMIT
    chromium.check_page(phone, name(phone, "home"))

    # finds the programme, reads who it is for and what is forbidden
    phone.find_element(By.LINK_TEXT, programme["name"]).click()  # the list at the top
    assert phone.current_url.endswith("#p-%s" % programme["code"])
    phone.find_element(By.CSS_SELECTOR, "#p-%s-name a" % programme["code"]).click()
    chromium.wait_text(phone, "Yang dilarang")
    body = phone.find_element(By.TAG_NAME, "body").text
    assert "Desil 1-4" in body and "Rp600.000 per tahap" in body
    assert "Balai Warga RW 03" in body and "Menerima bantuan" in body
    chromium.check_page(phone, name(phone, "programme"))

    # checks their status with NIK and birth date
    phone.find_element(By.LINK_TEXT, "Cek status").click()
    born = datetime.date.fromisoformat(person["birth_date"])
    phone.find_element(By.ID, "nik").send_keys(person["nik"])
    phone.find_element(By.ID, "day").send_keys(str(born.day))
    Select(phone.find_element(By.ID, "month")).select_by_value(str(born.month))
    phone.find_element(By.ID, "year").send_keys(str(born.year))
    phone.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    chromium.wait_text(phone, "Anda terdaftar di %s, Tahap 1 uji. Ambil di Balai Warga RW 03" %
              programme["name"])
    chromium.check_page(phone, name(phone, "status-found"))

    # files an anonymous complaint and keeps its tracking code
    phone.find_element(By.LINK_TEXT, "Pengaduan").click()
    chromium.check_page(phone, name(phone, "complaint-form"))
    phone.find_element(By.CSS_SELECTOR, "label[for=category-not_received]").click()
    Select(phone.find_element(By.ID, "programme_code")).select_by_value(programme["code"])
    phone.find_element(By.ID, "description").send_keys("Bantuan tahap ini belum saya terima.")
    phone.find_element(By.CSS_SELECTOR, "#complaint-form button[type=submit]").click()
    chromium.wait_text(phone, "Pengaduan Anda sudah diterima")
    code = phone.find_element(By.ID, "tracking-code").text
    assert len(code) == 10 and code.isalnum()
    share = phone.find_element(By.CSS_SELECTOR, "a.whatsapp").get_attribute("href")
    assert share.startswith("https://wa.me/?text=") and code in share
    copy = phone.find_element(By.CSS_SELECTOR, "button[data-copy]")
    assert copy.is_displayed() is phone.javascript  # JavaScript only adds the copy button
    font = phone.execute_script(
        "return parseFloat(getComputedStyle(document.getElementById('tracking-code')).fontSize)")
    assert font >= 28  # large enough to read out or write down
    chromium.check_page(phone, name(phone, "complaint-filed"))

    # tracks it later by its code
    phone.get(url + "/pengaduan/lacak")
    phone.find_element(By.ID, "kode").send_keys(code.lower())
    phone.find_element(By.CSS_SELECTOR, "main form button").click()
    chromium.wait_text(phone, "Status: Diterima")
    assert phone.find_element(By.ID, "tracking-code").text == code
    chromium.check_page(phone, name(phone, "complaint-tracked"))


def test_an_unknown_person_and_bad_input_read_plainly(phone, platform):
    phone.get(platform[0] + "/cek-status")
    phone.find_element(By.ID, "nik").send_keys("12345")
    phone.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    chromium.wait_text(phone, "Ada yang perlu diperbaiki")
    assert phone.find_element(By.ID, "nik").get_attribute("aria-invalid") == "true"
    chromium.check_page(phone, name(phone, "status-errors"))
    phone.find_element(By.ID, "nik").clear()
    phone.find_element(By.ID, "nik").send_keys("3174090101010001")
    phone.find_element(By.ID, "day").send_keys("1")
    Select(phone.find_element(By.ID, "month")).select_by_value("1")
    phone.find_element(By.ID, "year").send_keys("1901")
    phone.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    chromium.wait_text(phone, "Data tidak ditemukan")
    chromium.check_page(phone, name(phone, "status-not-found"))


def test_the_schedule_feedback_and_offline_pages(phone, platform, beneficiary):
    url = platform[0]
    phone.get(url + "/jadwal")
    chromium.wait_text(phone, beneficiary["programme"]["name"])
    chromium.check_page(phone, name(phone, "schedule"))
    phone.get(url + "/masukan?program=%s" % beneficiary["programme"]["code"])
    phone.find_element(By.CSS_SELECTOR, "label[for=rating-4]").click()
    phone.find_element(By.CSS_SELECTOR, "label[for=need-food]").click()
    chromium.check_page(phone, name(phone, "feedback"))
    phone.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    chromium.wait_text(phone, "Terima kasih")
    chromium.check_page(phone, name(phone, "feedback-thanks"))
    phone.get(url + "/offline")
    chromium.check_page(phone, name(phone, "offline"))


def test_resident_pages_reflow_at_200_percent_zoom_and_at_320_pixels(platform, beneficiary):
    chromium.require()
    driver = chromium.start(javascript=True)
    code = beneficiary["programme"]["code"]
    try:
        for size in (chromium.ZOOMED, chromium.REFLOW):
            chromium.resize(driver, size)
            for path in ("/", "/program/%s" % code, "/cek-status", "/pengaduan", "/jadwal",
                         "/pengaduan/lacak", "/masukan"):
                driver.get(platform[0] + path)
                assert chromium.no_sideways_scroll(driver), (size, path)
    finally:
        driver.quit()


def test_a_form_posted_without_its_csrf_token_is_refused(platform):
    chromium.require()
    driver = chromium.start(javascript=True)
    try:
        driver.get(platform[0] + "/pengaduan")
        driver.execute_script("document.querySelector('[name=csrf_token]').remove()")
        driver.find_element(By.CSS_SELECTOR, "label[for=category-other]").click()
        driver.find_element(By.ID, "description").send_keys("Tanpa token")
        driver.find_element(By.CSS_SELECTOR, "#complaint-form button[type=submit]").click()
        chromium.wait_text(driver, "kedaluwarsa")
        chromium.check_page(driver, "resident-csrf-refused")
    finally:
        driver.quit()


def test_the_programme_list_stays_readable_offline_and_an_offline_complaint_is_sent_later(
        platform, beneficiary):
    chromium.require()
    relay = chromium.Relay(platform[0])
    url = relay.url
    driver = chromium.start(javascript=True)
    try:
        chromium.as_client(driver, "e2e-offline-%s" % uuid.uuid4().hex[:8])
        driver.get(url + "/")
        wait_for(lambda: driver.execute_script(
            "return !!navigator.serviceWorker.controller") or driver.refresh(), timeout=30,
            interval=0.5, message="the service worker never took control")
        driver.get(url + "/pengaduan")  # seen once with a connection: kept for later
        driver.get(url + "/jadwal")
        relay.cut()
        driver.get(url + "/")
        chromium.wait_text(driver, beneficiary["programme"]["name"])
        chromium.screenshot(driver, "resident-home-offline")
        driver.get(url + "/jadwal")
        chromium.wait_text(driver, "Tahap 1 uji")
        # really cut: a page never seen is the offline page
        driver.get(url + "/program/%s" % beneficiary["programme"]["code"])
        chromium.wait_text(driver, "Tidak ada sinyal")
        chromium.check_page(driver, "resident-offline-fallback")

        driver.get(url + "/pengaduan")
        driver.find_element(By.CSS_SELECTOR, "label[for=category-schedule]").click()
        driver.find_element(By.ID, "description").send_keys("Ditulis tanpa sinyal.")
        driver.find_element(By.CSS_SELECTOR, "#complaint-form button[type=submit]").click()
        chromium.wait_text(driver, "disimpan di HP ini")
        chromium.screenshot(driver, "resident-complaint-queued-offline")

        relay.restore()
        driver.get(url + "/")
        chromium.wait_text(driver, "sudah terkirim", timeout=30)
        code = driver.find_element(By.CSS_SELECTOR, "#notices a.code").text
        chromium.screenshot(driver, "resident-complaint-sent-after-offline")
        driver.get(url + "/pengaduan/%s" % code)
        chromium.wait_text(driver, "Status: Diterima")
    finally:
        driver.quit()
        relay.cut()
