"""The gateway in front of the web app, and people's accounts over HTTP (real broker).

A stand-in web process (a WSGI app on its own port) receives what the gateway
forwards; the tests check what reaches it, what stays in the API, and that
rate limits count the resident the gateway signed for, not the web's address.
"""
import json
import socket

import eventlet
import eventlet.wsgi
import pytest
import requests

from gateway.service import GatewayService
from gateway.webapp import CLIENT_HEADER, client_for, sign_client, signing_key

pytestmark = pytest.mark.integration

ADMIN = "test-admin-token-of-at-least-32-characters"
KEY = signing_key(ADMIN)  # what the gateway signs with


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EchoWeb:
    """Stands in for the web process: answers what it was sent, as JSON."""

    def __init__(self):
        self.port = free_port()
        self.sock = eventlet.listen(("127.0.0.1", self.port))
        self.thread = eventlet.spawn(eventlet.wsgi.server, self.sock, self, log_output=False)

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        seen = {"method": environ["REQUEST_METHOD"], "path": environ["PATH_INFO"],
                "query": environ.get("QUERY_STRING", ""),
                "body": environ["wsgi.input"].read(length).decode() if length else "",
                "client": environ.get("HTTP_X_BANSOS_CLIENT"),
                "cookie": environ.get("HTTP_COOKIE")}
        start_response("201 Created", [("Content-Type", "application/json"),
                                       ("Set-Cookie", "a=b; HttpOnly")])
        return [json.dumps(seen).encode()]

    def stop(self):
        self.thread.kill()
        self.sock.close()


@pytest.fixture
def web():
    echo = EchoWeb()
    yield echo
    echo.stop()


@pytest.fixture
def gateway(container_factory, service_config, web):
    port = free_port()
    config = dict(service_config, WEB_SERVER_ADDRESS="127.0.0.1:%d" % port,
                  WEB_APP_URL="http://127.0.0.1:%d" % web.port, ADMIN_TOKEN=ADMIN,
                  RPC_DEADLINE=2, RATE_LIMITS="login=3/600")
    container_factory(GatewayService, config).start()
    return "http://127.0.0.1:%d" % port


def auth(token):
    return {"Authorization": "Bearer %s" % token}


def test_pages_go_to_the_web_app_with_the_client_address_signed(gateway):
    r = requests.post(gateway + "/pengaduan?x=1", data={"a": "b"},
                      headers={CLIENT_HEADER: "6.6.6.6;9999999999;forged", "Cookie": "c=d"})
    assert r.status_code == 201 and r.headers["Set-Cookie"] == "a=b; HttpOnly"
    seen = r.json()
    assert (seen["method"], seen["path"], seen["query"], seen["body"], seen["cookie"]) == (
        "POST", "/pengaduan", "x=1", "a=b", "c=d")
    assert client_for(seen["client"], KEY) == "127.0.0.1"  # what it saw, not what was claimed
    assert requests.get(gateway + "/").json()["path"] == "/"
    chunked = requests.post(gateway + "/masukan", data=iter([b"rating=", b"5"]))
    assert chunked.json()["body"] == "rating=5"


def test_the_api_and_health_stay_with_the_gateway(gateway):
    assert requests.get(gateway + "/api/v1/openapi.json").json()["openapi"] == "3.1.0"
    r = requests.get(gateway + "/api/v1/no-such-thing")
    assert r.status_code == 404 and r.headers["Content-Type"] == "application/problem+json"
    assert "services" in requests.get(gateway + "/health").json()


def test_a_stopped_web_app_is_a_503_page(gateway, web):
    web.stop()
    r = requests.get(gateway + "/jadwal")
    assert r.status_code == 503 and "tidak tersedia" in r.text
    assert r.headers["Content-Type"].startswith("text/html")


def test_a_signed_address_is_the_client_a_limit_counts(gateway):
    body = {"username": "nobody", "password": "x"}
    for _ in range(3):
        assert requests.post(gateway + "/api/v1/sessions", json=body, headers={
            CLIENT_HEADER: sign_client("10.1.1.1", KEY)}).status_code == 401
    r = requests.post(gateway + "/api/v1/sessions", json=body,
                      headers={CLIENT_HEADER: sign_client("10.1.1.1", KEY)})
    assert r.status_code == 429
    # another resident behind the same web app still has their own tries
    assert requests.post(gateway + "/api/v1/sessions", json=body, headers={
        CLIENT_HEADER: sign_client("10.2.2.2", KEY)}).status_code == 401
    # a forged header counts against the caller's own address
    for _ in range(3):
        requests.post(gateway + "/api/v1/sessions", json=body,
                      headers={CLIENT_HEADER: "10.3.3.3;9999999999;" + "0" * 64})
    assert requests.post(gateway + "/api/v1/sessions", json=body, headers={
        CLIENT_HEADER: "10.4.4.4;9999999999;" + "0" * 64}).status_code == 429


def test_an_account_logs_in_logs_out_and_every_attempt_is_audited(gateway):
    r = requests.post(gateway + "/api/v1/accounts", headers=auth(ADMIN), json={
        "username": "siti", "display_name": "Siti Aminah", "role": "officer",
        "password": "kata-sandi-siti"})
    assert r.status_code == 201 and "password" not in r.json()
    bad = requests.post(gateway + "/api/v1/sessions",
                        json={"username": "siti", "password": "salah-sekali"})
    assert bad.status_code == 401
    r = requests.post(gateway + "/api/v1/sessions",
                      json={"username": "Siti", "password": "kata-sandi-siti"})
    assert r.status_code == 201
    token = r.json()["token"]
    assert requests.get(gateway + "/api/v1/residents", headers=auth(token)).status_code != 401
    assert requests.get(gateway + "/api/v1/accounts", headers=auth(token)).status_code == 403
    me = requests.get(gateway + "/api/v1/sessions/current", headers=auth(token)).json()
    assert me["account"]["username"] == "siti"
    assert requests.delete(gateway + "/api/v1/sessions/current",
                           headers=auth(token)).status_code == 204
    assert requests.get(gateway + "/api/v1/sessions/current",
                        headers=auth(token)).status_code == 401
    audit = requests.get(gateway + "/api/v1/audit?subject=account:siti",
                         headers=auth(ADMIN)).json()["items"]
    assert [a["action"] for a in reversed(audit)] == ["create_account", "login_failed", "login",
                                                      "logout"]
    failed = [a for a in audit if a["action"] == "login_failed"][0]
    assert failed["token_name"] == "siti" and failed["role"] is None


def test_an_api_token_cannot_ask_who_is_logged_in(gateway):
    r = requests.post(gateway + "/api/v1/tokens", headers=auth(ADMIN),
                      json={"role": "officer", "name": "Petugas"})
    assert requests.get(gateway + "/api/v1/sessions/current",
                        headers=auth(r.json()["token"])).status_code == 401


def test_the_new_endpoints_are_in_openapi(gateway):
    paths = requests.get(gateway + "/api/v1/openapi.json").json()["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/accounts"])
    assert "patch" in paths["/api/v1/accounts/{account_id}"]
    assert "post" in paths["/api/v1/sessions"]
    assert {"get", "delete"} <= set(paths["/api/v1/sessions/current"])


def test_an_admin_cannot_lock_themselves_out(gateway):
    r = requests.post(gateway + "/api/v1/accounts", headers=auth(ADMIN), json={
        "username": "kepala", "display_name": "Admin", "role": "admin",
        "password": "kata-sandi-admin"})
    me = r.json()["id"]
    token = requests.post(gateway + "/api/v1/sessions", json={
        "username": "kepala", "password": "kata-sandi-admin"}).json()["token"]
    for change in ({"active": False}, {"role": "officer"}):
        r = requests.patch(gateway + "/api/v1/accounts/" + me, json=change, headers=auth(token))
        assert r.status_code == 409
    r = requests.patch(gateway + "/api/v1/accounts/" + me, json={"display_name": "Kepala"},
                       headers=auth(token))
    assert r.status_code == 200 and r.json()["display_name"] == "Kepala"
