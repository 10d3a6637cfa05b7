"""The web app through the gateway over plain HTTP (no browser): what reaches the API as whom."""
import re
import uuid

import pytest
import requests

pytestmark = pytest.mark.e2e


def resident(platform, address):
    """A browser-less resident: cookies kept, its own client address (trusted in e2e)."""
    session = requests.Session()
    session.trust_env = False
    session.headers["X-Forwarded-For"] = address
    return session


def status_check(session, url, nik="3174090101010001"):
    page = session.get(url + "/cek-status")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return session.post(url + "/cek-status", data={"csrf_token": token, "nik": nik, "day": "1",
                                                   "month": "1", "year": "1901"})


def test_the_status_check_limit_counts_each_resident_not_the_web_app(platform):
    url = platform[0]
    first = resident(platform, "e2e-web-a-%s" % uuid.uuid4().hex[:8])
    for _ in range(5):
        answer = status_check(first, url)
        assert answer.status_code == 200 and "Data tidak ditemukan" in answer.text
    answer = status_check(first, url)
    assert answer.status_code == 429 and "Terlalu banyak percobaan" in answer.text
    # every page's API call comes from the web app's one address: a second
    # resident is still let through because the gateway counts the one it signed
    second = resident(platform, "e2e-web-b-%s" % uuid.uuid4().hex[:8])
    assert status_check(second, url).status_code == 200


def test_a_claimed_client_header_is_not_believed(platform):
    url = platform[0]
    session = resident(platform, "e2e-web-c-%s" % uuid.uuid4().hex[:8])
    for attempt in range(6):
        session.headers["X-Bansos-Client"] = "e2e-forged-%d;9999999999;%s" % (attempt, "0" * 64)
        answer = status_check(session, url)
    assert answer.status_code == 429


def test_pages_come_compressed_with_the_first_page_well_under_150_kb(platform):
    answer = requests.get(platform[0] + "/", headers={"Accept-Encoding": "gzip"})
    assert answer.headers["Content-Encoding"] == "gzip"
    assert int(answer.raw.headers.get("Content-Length") or len(answer.content)) < 150 * 1024
    assert answer.headers["Content-Type"].startswith("text/html")
