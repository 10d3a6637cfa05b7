"""Every console page in headless Chromium: it renders, axe-core finds nothing serious
or critical, and its screenshot is kept (var/screenshots/console-*.png). Officer pages
as an officer; the administration as an admin (a new API token shown once)."""
import uuid

import pytest
import requests
from selenium.webdriver.common.by import By

from tests.e2e import chromium
from tests.e2e.test_distribution import programme_for, register, round_body
from tests.e2e.test_web_console import log_in, make_account
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
    chromium.as_client(driver, "e2e-pages-%s" % uuid.uuid4().hex[:10])
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def world(officer, public):
    """A family in a round with a budget for nobody (so it waits), a resident with a
    temporary number (flagged), and a complaint."""
    household = register(officer)
    body = programme_for([household["kk_number"]])
    officer.post("programmes", body)
    rnd = officer.post("programmes/%s/rounds" % body["code"], dict(
        round_body("Tahap halaman"), budget_idr=0))
    officer.post("rounds/%s/allocations" % rnd["id"])
    flagged = officer.post("households", factories.household(members=[
        factories.person("head", "M", nik=False)]))
    filed = public.post("complaints", {"category": "not_received", "anonymous": True,
                                       "description": "Bantuan belum diterima."},
                        headers={"X-Forwarded-For": "e2e-pages-%s" % uuid.uuid4().hex[:6]})
    complaint = officer.get("complaints", {"tracking_code": filed["tracking_code"]})["items"][0]
    return {"household": household, "programme": body["code"], "round": rnd["id"],
            "flagged": flagged["members"][0]["nik"], "complaint": complaint["id"]}


def visit(driver, url, path, name, expect):
    driver.get(url + path)
    chromium.wait_text(driver, expect)
    chromium.check_page(driver, name)


def test_every_officer_page_renders_and_passes_axe(laptop, platform, admin, world):
    url = platform[0]
    head = world["household"]["members"][0]
    hid = world["household"]["id"]
    log_in(laptop, url, make_account(admin))
    chromium.wait_text(laptop, "Selamat bekerja")
    pages = [
        ("/konsol/", "console-home-rounds", "Tahap pembagian yang berjalan"),
        ("/konsol/warga/%s" % head["nik"], "console-resident-aid", "Bantuan yang diterima"),
        ("/konsol/warga/%s/ubah" % head["nik"], "console-resident-edit", "Alasan perubahan"),
        ("/konsol/warga/%s/nonaktifkan" % head["nik"], "console-resident-deactivate",
         "Meninggal"),
        ("/konsol/keluarga/%s" % hid, "console-household", "Bantuan keluarga ini"),
        ("/konsol/keluarga/%s/ubah" % hid, "console-household-edit", "Desil kesejahteraan"),
        ("/konsol/keluarga/%s/anggota-baru" % hid, "console-member-add", "Tambah anggota"),
        ("/konsol/warga/periksa", "console-verify", "Belum punya NIK"),
        ("/konsol/program", "console-programmes", "Program dan tahap pembagian"),
        ("/konsol/program/%s" % world["programme"], "console-programme",
         "Jadwalkan tahap baru"),
        ("/konsol/tahap/%s" % world["round"], "console-round", "Mengapa ada yang menunggu"),
        ("/konsol/tahap/%s?status=waiting" % world["round"], "console-round-waiting",
         "Diurutkan seperti urutan pemberian tempat"),
        ("/konsol/kelayakan?nik=%s&program=%s" % (head["nik"], world["programme"]),
         "console-eligibility", "Syarat satu per satu"),
        ("/konsol/pengaduan", "console-complaints-queue", "Tenggat"),
        ("/konsol/pengaduan/%s" % world["complaint"], "console-complaint-new",
         "Tindak lanjut"),
        ("/konsol/laporan/program/%s/%s" % (world["programme"], round_body()["starts_on"][:4]),
         "console-programme-report", "Tahap halaman"),
    ]
    for path, name, expect in pages:
        visit(laptop, url, path, name, expect)
    # the allocation of the family, from its round
    laptop.get("%s/konsol/tahap/%s" % (url, world["round"]))
    laptop.find_element(By.CSS_SELECTOR, "#allocations ~ div table tbody a").click()
    chromium.wait_text(laptop, "Riwayat perubahan")
    chromium.check_page(laptop, "console-allocation")
    # at 200% zoom the widest page still reflows
    laptop.get("%s/konsol/tahap/%s" % (url, world["round"]))
    chromium.resize(laptop, chromium.ZOOMED)
    assert chromium.no_sideways_scroll(laptop)


def test_every_admin_page_renders_and_a_new_token_is_shown_once(laptop, platform, admin):
    url = platform[0]
    log_in(laptop, url, make_account(admin, role="admin"))
    chromium.wait_text(laptop, "Selamat bekerja")
    laptop.find_element(By.LINK_TEXT, "Administrasi").click()
    chromium.wait_text(laptop, "Token API")
    chromium.check_page(laptop, "console-admin")
    visit(laptop, url, "/konsol/admin/audit", "console-audit", "catatan")
    visit(laptop, url, "/konsol/admin/peristiwa", "console-parked", "Peristiwa tertunda")
    visit(laptop, url, "/konsol/admin/token", "console-tokens", "Buat token baru")
    name = "Uji token %s" % uuid.uuid4().hex[:6]
    laptop.find_element(By.ID, "name").send_keys(name)
    laptop.find_element(By.CSS_SELECTOR, "form.narrow button").click()
    chromium.wait_text(laptop, "tidak akan ditampilkan lagi")
    value = laptop.find_element(By.ID, "token-value").get_attribute("value")
    assert value.startswith("bt_")
    chromium.check_page(laptop, "console-token-created")
    laptop.get(url + "/konsol/admin/token")
    chromium.wait_text(laptop, name)
    assert value not in laptop.page_source
    row = laptop.find_element(By.XPATH, "//tr[td[contains(., '%s')]]" % name)
    row.find_element(By.CSS_SELECTOR, "button").click()
    chromium.wait_text(laptop, "Token sudah dicabut.")
    answer = requests.get(url + "/api/v1/residents", timeout=30,
                          headers={"Authorization": "Bearer %s" % value})
    assert answer.status_code == 401
