"""The officers' work in a real headless Chromium against the running platform.

An officer logs in, finds a resident, records a handover at the desk (collected by a
family member standing in), and sees it in the round's report and the year's
report; enters a handover days later from its paper record (BAST) and sees it dated
when it happened; imports a CSV through the console and reads the refused row; registers a
family; moves a complaint. A form posted without its CSRF token changes nothing,
and an officer cannot open the administration. Screenshots: var/screenshots/.
"""
import datetime
import uuid

import pytest
import requests
from selenium.webdriver.common.by import By

from tests.e2e import chromium
from tests.e2e.test_distribution import programme_for, register, round_body
from tests.e2e.test_web_console import log_in, make_account
from web.format import WIB
from tests.unit.registry import factories

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", autouse=True)
def _results():
    yield
    chromium.write_results()


@pytest.fixture
def laptop():
    chromium.require()
    driver = chromium.start(javascript=True, size=chromium.LAPTOP)
    chromium.as_client(driver, "e2e-console-%s" % uuid.uuid4().hex[:10])
    yield driver
    driver.quit()


def text(driver):
    return chromium.page_text(driver)


def click_text(driver, words):
    driver.find_element(By.LINK_TEXT, words).click()


def test_an_officer_records_a_handover_and_sees_it_in_the_round_report(laptop, platform,
                                                                       admin, officer):
    url = platform[0]
    household = register(officer)
    head, wife, _ = household["members"]
    body = programme_for([household["kk_number"]])
    officer.post("programmes", body)
    rnd = officer.post("programmes/%s/rounds" % body["code"], round_body("Tahap konsol"))
    officer.post("rounds/%s/allocations" % rnd["id"])
    log_in(laptop, url, make_account(admin))
    chromium.wait_text(laptop, "Selamat bekerja")

    # find the resident, and what she receives
    click_text(laptop, "Data warga")
    laptop.find_element(By.ID, "q").send_keys(wife["full_name"])
    laptop.find_element(By.CSS_SELECTOR, "form.search button").click()
    chromium.wait_text(laptop, "warga ditemukan")
    click_text(laptop, wife["full_name"])
    chromium.wait_text(laptop, "Bantuan yang diterima")
    assert "Tahap konsol" in text(laptop)

    # to the round through the programmes, then its desk
    click_text(laptop, "Penyaluran")
    click_text(laptop, body["name"])
    click_text(laptop, "Tahap konsol")
    chromium.wait_text(laptop, "Meja serah terima")
    click_text(laptop, "Meja serah terima")
    laptop.find_element(By.ID, "q").send_keys(wife["nik"])
    laptop.find_element(By.CSS_SELECTOR, "form.search button").click()
    chromium.wait_text(laptop, "Catat serah terima")
    assert laptop.switch_to.active_element.get_attribute("name") == "evidence_ref"
    chromium.check_page(laptop, "console-handover-desk")
    # the head collects for his wife: a representative
    laptop.find_element(By.CSS_SELECTOR, "input[name=received_by_nik][value='%s']"
                        % head["nik"]).click()
    laptop.find_element(By.NAME, "evidence_ref").send_keys("BAST-E2E-KONSOL")
    laptop.find_element(By.CSS_SELECTOR, "form.handover button[type=submit]").click()
    chromium.wait_text(laptop, "Tercatat")
    assert "diwakili anggota keluarga" in text(laptop)
    assert laptop.switch_to.active_element.get_attribute("id") == "q"  # the next person
    chromium.check_page(laptop, "console-handover-done")

    [alloc] = officer.get("rounds/%s/allocations" % rnd["id"])["items"]
    assert alloc["status"] == "disbursed"
    assert alloc["disbursement"]["received_by_nik"] == head["nik"]
    assert alloc["disbursement"]["representative"] is True

    # the round report says so, with its CSV
    laptop.get("%s/konsol/tahap/%s" % (url, rnd["id"]))
    click_text(laptop, "Laporan tahap")
    chromium.wait_text(laptop, "Sudah diterima")
    row = laptop.find_element(By.XPATH, "//tr[th[normalize-space()='Sudah diterima']]").text
    assert "1" in row and "Rp600.000" in row and "1 diwakili" in row
    chromium.check_page(laptop, "console-round-report")
    csv_link = laptop.find_element(By.PARTIAL_LINK_TEXT, "Unduh CSV").get_attribute("href")
    cookies = {c["name"]: c["value"] for c in laptop.get_cookies()}
    answer = requests.get(csv_link, cookies=cookies, timeout=30,
                          headers={"X-Forwarded-For": "e2e-csv-%s" % uuid.uuid4().hex[:6]})
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert "%s,%s,Tahap konsol,disbursed,1,600000" % (rnd["id"], body["code"]) in answer.text

    # and the year's report charts the handover
    laptop.get(url + "/konsol/laporan")
    chromium.wait_text(laptop, "Bantuan tersalur per program dan bulan")
    assert body["name"] in text(laptop)
    assert laptop.find_elements(By.CSS_SELECTOR, "figure img[src^='data:image/svg+xml']")
    chromium.check_page(laptop, "console-reports")


def test_a_handover_entered_later_from_its_paper_record_is_dated_when_it_happened(
        laptop, platform, admin, officer):
    url = platform[0]
    today = datetime.datetime.now(WIB).date()  # the village's day, as the service reads it
    handed_over = today - datetime.timedelta(days=3)
    household = register(officer)
    _, wife, _ = household["members"]
    body = programme_for([household["kk_number"]])
    officer.post("programmes", body)
    rnd = officer.post("programmes/%s/rounds" % body["code"], {
        "name": "Tahap BAST", "starts_on": (today - datetime.timedelta(days=10)).isoformat(),
        "ends_on": (today + datetime.timedelta(days=20)).isoformat(),
        "location": "Balai Warga RW 03"})
    officer.post("rounds/%s/allocations" % rnd["id"])
    log_in(laptop, url, make_account(admin))
    chromium.wait_text(laptop, "Selamat bekerja")

    laptop.get("%s/konsol/tahap/%s/serah-terima" % (url, rnd["id"]))
    laptop.find_element(By.ID, "q").send_keys(wife["nik"])
    laptop.find_element(By.CSS_SELECTOR, "form.search button").click()
    chromium.wait_text(laptop, "Tanggal serah terima")
    # the date from the BAST, no time on it: the picker's typing order follows the
    # browser's locale, so the value is set as the picker itself sends it
    day = laptop.find_element(By.NAME, "handed_over_on")
    laptop.execute_script("arguments[0].value = arguments[1]", day, handed_over.isoformat())
    laptop.find_element(By.NAME, "evidence_ref").send_keys("BAST-E2E-KERTAS")
    chromium.check_page(laptop, "console-handover-paper")
    laptop.find_element(By.CSS_SELECTOR, "form.handover button[type=submit]").click()
    chromium.wait_text(laptop, "Tercatat")

    [alloc] = officer.get("rounds/%s/allocations" % rnd["id"])["items"]
    assert alloc["status"] == "disbursed"
    noon = datetime.datetime.combine(handed_over, datetime.time(12), WIB)
    assert alloc["disbursement"]["disbursed_at"] == noon.astimezone(
        datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    laptop.get("%s/konsol/alokasi/%s" % (url, alloc["id"]))
    chromium.wait_text(laptop, "Diserahkan")
    months = ("Januari Februari Maret April Mei Juni Juli Agustus September Oktober "
              "November Desember").split()
    said = laptop.find_element(By.XPATH, "//dt[normalize-space()='Diserahkan']"
                                         "/following-sibling::dd[1]").text
    assert said.startswith("%d %s %d 12.00 WIB (dicatat %d %s %d" % (
        handed_over.day, months[handed_over.month - 1], handed_over.year,
        today.day, months[today.month - 1], today.year)), said


def test_an_import_through_the_console_shows_progress_and_the_refused_row(laptop, platform,
                                                                          admin, tmp_path):
    good = [factories.household(), factories.household()]
    bad = factories.household()
    bad["members"][0]["birth_date"] = "2999-01-01"
    path = tmp_path / "warga-uji.csv"
    path.write_text(factories.csv_text(good + [bad]), encoding="utf-8")
    log_in(laptop, platform[0], make_account(admin))
    chromium.wait_text(laptop, "Selamat bekerja")
    laptop.get(platform[0] + "/konsol/warga/impor")
    chromium.check_page(laptop, "console-import-form")
    laptop.find_element(By.ID, "file").send_keys(str(path))
    laptop.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    chromium.wait_text(laptop, "Selesai", timeout=60)
    page = text(laptop)
    assert "1 baris ditolak" in page and "tidak boleh tanggal yang akan datang" in page
    row = laptop.find_element(By.XPATH, "//tbody/tr[1]").text
    assert row.startswith("8 ")  # header, 3 + 3 members of the good families, then this one
    chromium.check_page(laptop, "console-import-done")


def test_an_officer_registers_a_family_with_a_member_row_added(laptop, platform, admin,
                                                               officer):
    family = factories.household()
    head, wife = family["members"][:2]
    log_in(laptop, platform[0], make_account(admin))
    chromium.wait_text(laptop, "Selamat bekerja")
    laptop.get(platform[0] + "/konsol/keluarga/baru")
    fill = {"kk_number": family["kk_number"], "street": family["street"], "rt": family["rt"],
            "rw": family["rw"], "m0-nik": head["nik"], "m0-full_name": head["full_name"],
            "m0-birth_place": "Jakarta", "m0-birth_date": head["birth_date"]}
    for field, value in fill.items():
        element = laptop.find_element(By.ID, field)
        if element.get_attribute("type") == "date":  # Chromium's date field: set by script
            laptop.execute_script("arguments[0].value = arguments[1]", element, value)
        else:
            element.send_keys(value)
    laptop.find_element(By.CSS_SELECTOR, "#m0-sex option[value=M]").click()
    laptop.find_element(By.CSS_SELECTOR, "button[value=more]").click()
    chromium.wait_text(laptop, "Anggota 2")
    for field, value in {"m1-full_name": wife["full_name"], "m1-nik": wife["nik"],
                         "m1-birth_place": "Bogor"}.items():
        laptop.find_element(By.ID, field).send_keys(value)
    laptop.execute_script("document.getElementById('m1-birth_date').value = arguments[0]",
                          wife["birth_date"])
    laptop.find_element(By.CSS_SELECTOR, "#m1-sex option[value=F]").click()
    laptop.find_element(By.CSS_SELECTOR, "#m1-relationship option[value=wife]").click()
    chromium.check_page(laptop, "console-register-family")
    laptop.find_element(By.CSS_SELECTOR, "button[value=register]").click()
    chromium.wait_text(laptop, "Keluarga sudah didaftarkan.")
    assert wife["full_name"] in text(laptop)
    found = officer.get("residents", {"q": wife["nik"]})["items"]
    assert [r["kk_number"] for r in found] == [family["kk_number"]]


def test_a_form_without_its_csrf_token_changes_nothing(laptop, platform, admin, officer):
    household = register(officer)
    head = household["members"][0]
    log_in(laptop, platform[0], make_account(admin))
    chromium.wait_text(laptop, "Selamat bekerja")
    laptop.get("%s/konsol/warga/%s/ubah" % (platform[0], head["nik"]))
    laptop.find_element(By.ID, "full_name").clear()
    laptop.find_element(By.ID, "full_name").send_keys("Nama Palsu")
    laptop.find_element(By.ID, "reason").send_keys("uji")
    laptop.execute_script("document.querySelectorAll('main input[name=csrf_token]')"
                          ".forEach(function (e) { e.remove(); })")
    laptop.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    chromium.wait_text(laptop, "kedaluwarsa")
    chromium.check_page(laptop, "console-csrf-refused")
    assert officer.get("residents/%s" % head["nik"])["full_name"] == head["full_name"]


def test_an_officer_cannot_open_the_administration(laptop, platform, admin):
    log_in(laptop, platform[0], make_account(admin))
    chromium.wait_text(laptop, "Selamat bekerja")
    assert "Administrasi" not in laptop.find_element(By.TAG_NAME, "nav").text
    for path in ("/konsol/admin", "/konsol/admin/token", "/konsol/admin/audit",
                 "/konsol/admin/peristiwa", "/konsol/akun"):
        laptop.get(platform[0] + path)
        chromium.wait_text(laptop, "Anda tidak boleh membuka halaman ini.")
    chromium.check_page(laptop, "console-forbidden")


def test_a_complaint_is_verified_with_a_note_from_the_queue(laptop, platform, admin, public,
                                                            client_ip):
    filed = public.post("complaints", {
        "category": "schedule", "anonymous": True,
        "description": "Jadwal pembagian di RW 03 berubah tanpa pemberitahuan."},
        headers={"X-Forwarded-For": client_ip})
    code = filed["tracking_code"]
    log_in(laptop, platform[0], make_account(admin))
    chromium.wait_text(laptop, "Selamat bekerja")
    laptop.get(platform[0] + "/konsol/pengaduan?kode=" + code)
    chromium.wait_text(laptop, "1 pengaduan")
    assert "Tepat waktu" in text(laptop) or "Hampir lewat" in text(laptop)
    chromium.check_page(laptop, "console-complaints")
    click_text(laptop, code)
    laptop.find_element(By.CSS_SELECTOR, "#t-to option[value=verified]").click()
    laptop.find_element(By.ID, "t-internal_note").send_keys("Cek ke Ketua RW 03")
    laptop.find_element(By.CSS_SELECTOR, "#move ~ form button[type=submit]").click()
    chromium.wait_text(laptop, "Tindak lanjut sudah disimpan.")
    assert "Cek ke Ketua RW 03" in text(laptop)
    chromium.check_page(laptop, "console-complaint")
    assert public.get("complaints/%s" % code, headers={
        "X-Forwarded-For": client_ip})["status"] == "verified"
