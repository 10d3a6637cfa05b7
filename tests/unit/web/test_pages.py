"""Resident and console pages as a browser without JavaScript sees them."""
import gzip

from tests.unit.web.conftest import csrf_of, login

SIGNED = "203.0.113.7;9999999999;abc"


def test_home_lists_programmes_with_criteria_benefit_and_next_handover(browser, gateway):
    page = browser.get("/", headers={"X-Bansos-Client": SIGNED})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Program Sembako (BPNT)" in html
    assert "Desil kesejahteraan DTSEN 1-5" in html and "Umur paling sedikit 60" in html
    assert "Rp600.000" in html and "17-21 Agustus 2026" in html
    assert "Aula Kantor Kelurahan" in html
    assert gateway.last("GET", "programmes")[3]["X-Bansos-Client"] == SIGNED


def test_a_programme_page_says_rights_obligations_and_what_is_forbidden(browser):
    html = browser.get("/program/SEMBAKO").get_data(as_text=True)
    for text in ("Menerima saldo", "Belanja pangan", "KTP asli penerima",
                 "Yang dilarang", "Laporkan bila ada pungutan"):
        assert text in html


def test_an_unknown_programme_is_a_404_page(browser):
    page = browser.get("/program/NOPE")
    assert page.status_code == 404 and "tidak ada" in page.get_data(as_text=True)


def test_the_schedule_groups_rounds_by_month(browser):
    html = browser.get("/jadwal").get_data(as_text=True)
    assert "Agustus 2026" in html and "Tahap 4/2026" in html


def test_a_form_without_its_csrf_token_is_refused_and_nothing_is_sent(browser, gateway):
    browser.get("/cek-status")
    page = browser.post("/cek-status", data={"nik": "3174091005800001", "day": "1",
                                             "month": "2", "year": "1980"})
    assert page.status_code == 403 and "kedaluwarsa" in page.get_data(as_text=True)
    page = browser.post("/cek-status", data={"nik": "3174091005800001", "day": "1",
                                             "month": "2", "year": "1980",
                                             "csrf_token": "forged"})
    assert page.status_code == 403
    assert not [c for c in gateway.calls if c[0] == "POST"]


def test_the_status_check_goes_to_the_api_as_the_residents_client(browser, gateway):
    gateway.route("POST", "status-check", {"full_name": "Siti Aminah", "programmes": [],
                                           "upcoming": [
        {"programme_code": "SEMBAKO", "programme_name": "Program Sembako (BPNT)",
         "round_name": "Tahap 4/2026", "starts_on": "2026-08-17", "ends_on": "2026-08-21",
         "location": "Aula Kantor Kelurahan", "amount_idr": 600000, "status": "siap diambil"}]})
    token = csrf_of(browser.get("/cek-status").get_data(as_text=True))
    page = browser.post("/cek-status", headers={"X-Bansos-Client": SIGNED}, data={
        "nik": "3174 0910 0580 0001", "day": "1", "month": "2", "year": "1980",
        "csrf_token": token})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert ("Anda terdaftar di Program Sembako (BPNT), Tahap 4/2026. Ambil di Aula Kantor "
            "Kelurahan, tanggal 17-21 Agustus 2026.") in html
    method, path, body, headers = gateway.last("POST", "status-check")
    assert body == {"nik": "3174091005800001", "birth_date": "1980-02-01"}
    assert headers["X-Bansos-Client"] == SIGNED


def test_an_unknown_person_reads_the_same_neutral_answer(browser, gateway):
    gateway.route("POST", "status-check", {"status": 404, "detail": "no match"}, status=404)
    token = csrf_of(browser.get("/cek-status").get_data(as_text=True))
    html = browser.post("/cek-status", data={"nik": "3174091005800001", "day": "1",
                                             "month": "2", "year": "1980",
                                             "csrf_token": token}).get_data(as_text=True)
    assert "Data tidak ditemukan" in html and "Siti" not in html


def test_the_rate_limit_is_said_in_minutes(browser, gateway):
    gateway.route("POST", "status-check", {"status": 429}, status=429,
                  headers={"Retry-After": "42"})
    token = csrf_of(browser.get("/cek-status").get_data(as_text=True))
    page = browser.post("/cek-status", data={"nik": "3174091005800001", "day": "1",
                                             "month": "2", "year": "1980", "csrf_token": token})
    assert page.status_code == 429 and "1 menit" in page.get_data(as_text=True)


def test_bad_status_check_input_is_named_without_calling_the_api(browser, gateway):
    token = csrf_of(browser.get("/cek-status").get_data(as_text=True))
    page = browser.post("/cek-status", data={"nik": "1234", "day": "31", "month": "2",
                                             "year": "1980", "csrf_token": token})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "NIK harus 16 angka." in html and "Tanggal lahir tidak benar." in html
    assert 'aria-invalid="true"' in html
    assert not [c for c in gateway.calls if c[0] == "POST"]


def test_filing_a_complaint_redirects_to_its_code_and_a_whatsapp_link(browser, gateway):
    gateway.route("POST", "complaints", {"tracking_code": "K7QX2M9HPA", "status": "received"},
                  status=201)
    gateway.route("GET", "complaints/K7QX2M9HPA", {
        "tracking_code": "K7QX2M9HPA", "category": "pungli", "status": "received",
        "status_label": "Diterima", "submitted_at": "2026-08-17T07:30:00Z",
        "updated_at": "2026-08-17T07:30:00Z", "expected_by": None,
        "history": [{"status": "received", "at": "2026-08-17T07:30:00Z"}],
        "public_notes": [], "allocation_status": None})
    form = browser.get("/pengaduan").get_data(as_text=True)
    key = __import__("re").search(r'name="idempotency_key" value="([^"]+)"', form).group(1)
    page = browser.post("/pengaduan", data={
        "csrf_token": csrf_of(form), "idempotency_key": key, "category": "pungli",
        "description": "Diminta Rp50.000 saat mengambil beras.", "identity": "anonymous"})
    assert page.status_code == 303
    assert page.headers["Location"].endswith("/pengaduan/K7QX2M9HPA?baru=1")
    method, path, body, headers = gateway.last("POST", "complaints")
    assert body == {"category": "pungli", "anonymous": True,
                    "description": "Diminta Rp50.000 saat mengambil beras."}
    assert headers["Idempotency-Key"] == key
    html = browser.get("/pengaduan/K7QX2M9HPA?baru=1").get_data(as_text=True)
    assert 'class="code"' in html and "K7QX2M9HPA" in html
    assert "https://wa.me/?text=" in html and "17 Agustus 2026 14.30 WIB" in html


def test_a_named_complaint_without_a_name_is_refused_with_the_field_named(browser, gateway):
    form = browser.get("/pengaduan").get_data(as_text=True)
    page = browser.post("/pengaduan", data={
        "csrf_token": csrf_of(form), "category": "other", "description": "x",
        "identity": "named", "name": ""})
    assert page.status_code == 400
    assert 'href="#name"' in page.get_data(as_text=True)
    assert not [c for c in gateway.calls if c[0] == "POST"]


def test_api_field_errors_come_back_in_plain_words(browser, gateway):
    gateway.route("POST", "complaints", {"status": 400, "errors": {
        "reporter.nik": ["check digit rule"]}}, status=400)
    form = browser.get("/pengaduan").get_data(as_text=True)
    html = browser.post("/pengaduan", data={
        "csrf_token": csrf_of(form), "category": "other", "description": "x",
        "identity": "named", "name": "Siti", "nik": "1234567890123456"}).get_data(as_text=True)
    assert "NIK harus 16 angka yang benar" in html and "check digit" not in html


def test_console_pages_send_a_logged_out_browser_to_the_login(browser, gateway):
    for path in ("/konsol/", "/konsol/warga?q=siti", "/konsol/akun"):
        page = browser.get(path)
        assert page.status_code == 303 and "/konsol/masuk?next=" in page.headers["Location"]
    assert not [c for c in gateway.calls if c[1].startswith("residents")]


def test_login_keeps_the_session_token_in_an_httponly_cookie(browser, gateway):
    page = login(browser, gateway)
    assert page.status_code == 303 and page.headers["Location"].endswith("/konsol/warga")
    cookie = [c for c in page.headers.getlist("Set-Cookie") if c.startswith("bt_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/konsol" in cookie
    assert "Secure" not in cookie
    assert gateway.last("POST", "sessions")[2] == {"username": "siti",
                                                   "password": "kata-sandi-siti"}
    gateway.route("GET", "residents", {"items": [{"nik": "3174091005800001",
                                                  "full_name": "Siti Aminah", "status": "active",
                                                  "rt": "001", "rw": "002"}],
                                       "page": 1, "per_page": 25, "total": 1})
    html = browser.get("/konsol/warga?q=siti&rt=1").get_data(as_text=True)
    assert "Siti Aminah" in html and "3174091005800001" in html
    method, path, body, headers = gateway.last("GET", "residents")
    assert headers["Authorization"] == "Bearer bs_session"


def test_the_session_cookie_is_secure_over_https(browser, gateway):
    cookie = [c for c in login(browser, gateway, https=True).headers.getlist("Set-Cookie")
              if c.startswith("bt_session=")][0]
    assert "Secure" in cookie


def test_a_wrong_password_reads_one_sentence(browser, gateway):
    gateway.route("POST", "sessions", {"status": 401}, status=401)
    form = browser.get("/konsol/masuk").get_data(as_text=True)
    page = browser.post("/konsol/masuk", data={"csrf_token": csrf_of(form),
                                               "username": "siti", "password": "x"})
    assert page.status_code == 401
    assert "Nama pengguna atau kata sandi salah." in page.get_data(as_text=True)
    assert not [c for c in page.headers.getlist("Set-Cookie") if c.startswith("bt_session=")]


def test_an_officer_may_not_open_the_accounts_page(browser, gateway):
    login(browser, gateway, role="officer")
    page = browser.get("/konsol/akun")
    assert page.status_code == 403
    assert not [c for c in gateway.calls if c[1] == "accounts"]


def test_logout_ends_the_session_at_the_api_and_clears_the_cookie(browser, gateway):
    login(browser, gateway)
    gateway.route("DELETE", "sessions/current", None, status=204)
    html = browser.get("/konsol/").get_data(as_text=True)
    page = browser.post("/konsol/keluar", data={"csrf_token": csrf_of(html)})
    assert page.status_code == 303
    assert gateway.last("DELETE", "sessions/current")[3]["Authorization"] == "Bearer bs_session"
    assert any(c.startswith("bt_session=;") for c in page.headers.getlist("Set-Cookie"))


def test_an_expired_session_goes_back_to_the_login(browser, gateway):
    login(browser, gateway)
    gateway.route("GET", "sessions/current", {"status": 401}, status=401)
    page = browser.get("/konsol/warga")
    assert page.status_code == 303 and "expired=1" in page.headers["Location"]


def test_pages_are_compressed_and_say_what_may_run(browser):
    page = browser.get("/", headers={"Accept-Encoding": "gzip, br"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert b"Program Sembako" in gzip.decompress(page.get_data())
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp


def test_static_files_are_versioned_and_cached_for_a_year(browser):
    html = browser.get("/").get_data(as_text=True)
    css = __import__("re").search(r'href="(/static/app\.css\?v=[0-9a-f]+)"', html).group(1)
    page = browser.get(css)
    assert page.status_code == 200 and "immutable" in page.headers["Cache-Control"]
    assert browser.get("/static/app.css?v=old").headers["Cache-Control"] == "no-cache"


def test_the_service_worker_and_manifest_are_served_from_the_root(browser):
    worker = browser.get("/sw.js")
    assert worker.headers["Service-Worker-Allowed"] == "/"
    assert "/static/app.css?v=" in worker.get_data(as_text=True)
    manifest = browser.get("/manifest.webmanifest").json
    assert manifest["lang"] == "id" and manifest["start_url"] == "/"
    assert {i["sizes"] for i in manifest["icons"]} >= {"192x192", "512x512"}


def test_the_gateway_unreachable_is_a_page_not_a_traceback(browser, gateway):
    gateway.route("GET", "programmes", {"status": 503}, status=503)
    page = browser.get("/")
    assert page.status_code == 503 and "Traceback" not in page.get_data(as_text=True)


def test_an_admin_disables_an_account_and_cannot_disable_their_own(browser, gateway):
    login(browser, gateway, role="admin")
    gateway.route("GET", "accounts", {"items": [{"id": "acc_2", "username": "budi",
                                                 "display_name": "Budi", "role": "officer",
                                                 "active": True, "locked_until": None,
                                                 "last_login_at": None}],
                                      "page": 1, "per_page": 200, "total": 1})
    gateway.route("PATCH", "accounts/acc_2", {"id": "acc_2", "username": "budi"})
    gateway.route("GET", "partners", {"items": [], "page": 1, "per_page": 100, "total": 0})
    gateway.route("GET", "sellers", {"items": [], "page": 1, "per_page": 100, "total": 0})
    html = browser.get("/konsol/akun").get_data(as_text=True)
    page = browser.post("/konsol/akun/acc_2", data={"csrf_token": csrf_of(html),
                                                    "action": "disable"})
    assert page.status_code == 303 and "diubah=budi" in page.headers["Location"]
    assert gateway.last("PATCH", "accounts/acc_2")[2] == {"active": False}
    gateway.route("PATCH", "accounts/acc_1", {"status": 409}, status=409)
    page = browser.post("/konsol/akun/acc_1", data={"csrf_token": csrf_of(html),
                                                    "action": "disable"})
    assert page.status_code == 409
    assert "akun sendiri" in page.get_data(as_text=True)

