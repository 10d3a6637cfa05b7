"""What an outsider's probes broke at the gateway (issue 8): a real gateway over the
real broker, with stand-in services that record what reaches them."""
import json
import socket

import pytest
import requests

from services.shared.rpc import rpc

from gateway.service import GatewayService
from tests.helpers import free_port
from tests.integration.gateway.test_gateway_core import ADMIN, auth

pytestmark = pytest.mark.integration

RECEIVED = []
STAFF = {"name": "Petugas Rina", "role": "officer", "token_id": "tok_1", "request_id": "r1"}


class StubComplaints:
    name = "complaints"

    @rpc
    def submit_feedback(self, payload, request_key=None):
        RECEIVED.append(payload)
        return {"id": "fb_1"}


class StubDistribution:
    name = "distribution"

    @rpc
    def list_programmes(self, include_disabled, page, per_page):
        item = {"code": "PKH", "published_by": STAFF, "revised_by": STAFF,
                "history": [{"at": "2026-01-01T00:00:00Z", "by": STAFF, "action": "published"}],
                "contact_nik": "3174094506870003"}
        return {"items": [item], "page": 1, "per_page": 50, "total": 1}


@pytest.fixture
def gateway(container_factory, service_config):
    RECEIVED.clear()
    port = free_port()
    config = dict(service_config, WEB_SERVER_ADDRESS="127.0.0.1:%d" % port, ADMIN_TOKEN=ADMIN,
                  RPC_DEADLINE=5, TRUST_FORWARDED_FOR="1")
    for cls in (GatewayService, StubComplaints, StubDistribution):
        container_factory(cls, config).start()
    return "http://127.0.0.1:%d" % port, port


def nested(depth):
    return '{"programme_code":"PKH","rating":5,"comment":%s1%s}' % ("[" * depth, "]" * depth)


def raw(port, data, timeout=5):
    """Send raw bytes; the status line, headers and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks) and _complete(b"".join(chunks)):
                    break
        except socket.timeout:
            pass
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]) if lines[0] else None, headers, body


def _complete(data):
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def assert_problem(status, headers, body, expected):
    assert status == expected
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(body)["status"] == expected


@pytest.mark.parametrize("depth", [65, 957, 100000])
def test_deeply_nested_json_is_400_at_once_and_never_forwarded(gateway, depth):
    url, _ = gateway
    r = requests.post(url + "/api/v1/feedback", data=nested(depth),
                      headers={"Content-Type": "application/json"}, timeout=5)
    assert r.status_code == 400 and r.headers["Content-Type"] == "application/problem+json"
    assert "deep" in r.json()["errors"]["_body"][0]
    assert RECEIVED == []
    ok = requests.post(url + "/api/v1/feedback", data=nested(40), timeout=5)
    assert ok.status_code == 201 and len(RECEIVED) == 1


def test_a_body_over_the_limit_is_refused_by_content_length_before_it_is_sent(gateway):
    _, port = gateway
    status, headers, body = raw(port, b"POST /api/v1/feedback HTTP/1.1\r\nHost: x\r\n"
                                      b"Content-Type: application/json\r\n"
                                      b"Content-Length: 20000000\r\n\r\n")
    assert_problem(status, headers, body, 413)
    status, headers, body = raw(port, b"POST /api/v1/imports/registry HTTP/1.1\r\nHost: x\r\n"
                                      b"Content-Type: text/csv\r\n"
                                      b"Content-Length: 30000000\r\n\r\n")
    assert_problem(status, headers, body, 413)
    assert RECEIVED == []


def test_a_chunked_body_is_read_no_further_than_the_limit(gateway):
    url, _ = gateway

    def chunks():
        for _ in range(40):
            yield b"[" * 65536
    r = requests.post(url + "/api/v1/feedback", data=chunks(),
                      headers={"Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 413 and r.json()["errors"]["_body"], r.text
    assert RECEIVED == []


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "PROPFIND", "PUT"])
def test_a_method_a_path_does_not_take_is_a_405_problem_with_the_right_allow(gateway, method):
    url, _ = gateway
    r = requests.request(method, url + "/api/v1/programmes", timeout=5)
    assert r.status_code == 405 and r.headers["Content-Type"] == "application/problem+json"
    assert set(r.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST"}
    assert r.json()["status"] == 405


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /api/v1/programmes?" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET /health HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 9000 + b"\r\n\r\n", 431),
    (b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"X-Many: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
     * 2000 + b"\r\n", 431),
    (b"POST /api/v1/feedback HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400),
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET /health HTTP/9.9\r\nHost: x\r\n\r\n", 505),
    (b"GET /api/v1/no/such/place HTTP/1.1\r\nHost: x\r\n\r\n", 404),
])
def test_what_the_server_answers_before_routing_is_a_problem(gateway, request_bytes, status):
    _, port = gateway
    assert_problem(*raw(port, request_bytes), status)


def test_wrong_tokens_are_throttled_per_client_even_a_right_one_meanwhile(gateway):
    url, _ = gateway
    scanner, other = {"X-Forwarded-For": "10.9.9.9"}, {"X-Forwarded-For": "10.8.8.8"}
    statuses = [requests.get(url + "/api/v1/tokens", headers=dict(scanner, **auth("bt_guess%d" % i)),
                             timeout=5).status_code for i in range(25)]
    assert statuses[:20] == [401] * 20 and set(statuses[20:]) == {429}
    throttled = requests.get(url + "/api/v1/tokens", headers=dict(scanner, **auth(ADMIN)),
                             timeout=5)
    assert throttled.status_code == 429 and throttled.headers["Retry-After"]
    assert requests.get(url + "/api/v1/tokens", headers=dict(other, **auth(ADMIN)),
                        timeout=5).status_code == 200


def test_partner_and_seller_tokens_see_no_staff_names_token_or_request_ids(gateway):
    url, _ = gateway
    tokens = {role: requests.post(url + "/api/v1/tokens", headers=auth(ADMIN), timeout=5,
                                  json={"role": role, "name": role, "%s_id" % role: "x1"}
                                  ).json()["token"] for role in ("partner", "seller")}
    tokens["officer"] = requests.post(url + "/api/v1/tokens", headers=auth(ADMIN), timeout=5,
                                      json={"role": "officer", "name": "o"}).json()["token"]
    for role in ("partner", "seller", None):
        headers = auth(tokens[role]) if role else {}
        text = requests.get(url + "/api/v1/programmes", headers=headers, timeout=5).text
        for secret in ("Petugas Rina", "tok_1", '"r1"', "published_by", "3174094506870003"):
            assert secret not in text, (role, secret)
        assert "3174********0003" in text
    staff = requests.get(url + "/api/v1/programmes", headers=auth(tokens["officer"]),
                         timeout=5).json()["items"][0]
    assert staff["published_by"] == STAFF and staff["history"][0]["by"] == STAFF


def test_a_client_request_id_is_kept_only_when_it_is_a_plain_short_id(gateway):
    url, _ = gateway
    kept = requests.get(url + "/api/v1/programmes", headers={"X-Request-Id": "abc-123"},
                        timeout=5)
    assert kept.headers["X-Request-Id"] == "abc-123"
    odd = requests.get(url + "/api/v1/programmes", timeout=5,
                       headers={"X-Request-Id": "3174094506870003 \x1b[31m" + "x" * 100})
    assert odd.headers["X-Request-Id"] != "3174094506870003" and len(odd.headers["X-Request-Id"]) == 32


def test_the_public_reads_the_whole_openapi_document_staff_fields_included(gateway):
    url, _ = gateway
    schemas = requests.get(url + "/api/v1/openapi.json", timeout=5).json()["components"]["schemas"]
    assert {"published_by", "revised_by"} <= set(schemas["ProgrammeOut"]["properties"])
    assert "actor" in schemas["StepOut"]["properties"]


def test_any_route_reading_a_chunked_body_past_its_limit_answers_413(gateway):
    """The limit holds for a handler that reads the body itself (a photo upload), not
    only for ``ex.body()`` and the registry import."""
    url, _ = gateway
    officer = requests.post(url + "/api/v1/tokens", headers=auth(ADMIN), timeout=5,
                            json={"role": "officer", "name": "o"}).json()["token"]

    def chunks():
        for _ in range(21):
            yield b"\xff" * 2 ** 20
    r = requests.post(url + "/api/v1/listings/lst_1/photos", data=chunks(), timeout=30,
                      headers=dict(auth(officer), **{"Content-Type": "image/jpeg"}))
    assert r.status_code == 413 and r.headers["Content-Type"] == "application/problem+json"


def test_a_chunked_multipart_form_past_the_limit_answers_413(gateway):
    url, _ = gateway
    officer = requests.post(url + "/api/v1/tokens", headers=auth(ADMIN), timeout=5,
                            json={"role": "officer", "name": "o"}).json()["token"]
    boundary = b"xYzZy"

    def chunks():
        yield (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="photo"; '
               b'filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n')
        for _ in range(21):
            yield b"\xff" * 2 ** 20
        yield b"\r\n--" + boundary + b"--\r\n"
    r = requests.post(url + "/api/v1/listings/lst_1/photos", data=chunks(), timeout=30,
                      headers=dict(auth(officer), **{
                          "Content-Type": "multipart/form-data; boundary=xYzZy"}))
    assert r.status_code == 413 and r.headers["Content-Type"] == "application/problem+json"
