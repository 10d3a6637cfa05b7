"""The web app without a broker: WebApp driven by werkzeug's test client, its
API calls answered by a fake gateway (``web.api``'s HTTP session replaced)."""
import json
import re

import pytest
import requests
from werkzeug.test import Client

from web import api as api_module
from web.app import WebApp
from web.settings import WebSettings

PROGRAMME = {
    "code": "SEMBAKO", "name": "Program Sembako (BPNT)", "kind": "staple_food",
    "level": "national", "description": "Bantuan pangan non-tunai.", "target": "household",
    "benefit": {"description": "Rp200.000 per bulan", "amount_idr": 600000,
                "published": "Rp200.000 per keluarga per bulan", "components": [], "goods": []},
    "frequency": {"rounds_per_year": 4, "description": "Per tiga bulan"},
    "funding_source": "APBN", "criteria": {"all": [
        {"attr": "household.welfare_decile", "op": "between", "value": [1, 5],
         "label": "Desil kesejahteraan DTSEN 1-5"},
        {"attr": "member.age", "op": "gte", "value": 60}]},
    "rights_and_obligations": {"rights": ["Menerima saldo"], "obligations": ["Belanja pangan"]},
}
ROUND = {"id": "rnd_1", "programme_code": "SEMBAKO", "programme_name": "Program Sembako (BPNT)",
         "name": "Tahap 4/2026", "starts_on": "2026-08-17", "ends_on": "2026-08-21",
         "location": "Aula Kantor Kelurahan", "status": "scheduled"}


class FakeGateway:
    """Answers the web app's API calls; records each as ``(method, path, json, headers)``."""

    def __init__(self):
        self.calls = []
        self.params = []  # (method, path, query parameters) of each call
        self.files = []  # (method, path, files) of each call: what an upload sent
        self.bodies = []  # (method, path, raw body bytes) of each call that sent some
        self.routes = {}
        self.route("GET", r"programmes", {"items": [PROGRAMME], "page": 1, "per_page": 200,
                                          "total": 1})
        self.route("GET", r"programmes/SEMBAKO", PROGRAMME)
        self.route("GET", r"rounds", {"items": [ROUND], "page": 1, "per_page": 200, "total": 1})

    def route(self, method, pattern, answer, status=200, headers=None):
        """Answer ``method`` on paths matching ``pattern`` (a regex after /api/v1/) with
        ``answer``: JSON, raw bytes (a CSV), or a callable of (json, headers)."""
        self.routes[(method, pattern)] = (status, answer, headers or {})

    def request(self, method, url, json=None, params=None, data=None, headers=None,
                timeout=None, files=None):
        path = url.split("/api/v1/", 1)[1]
        self.calls.append((method, path, json, dict(headers or {})))
        self.files.append((method, path, files))
        self.params.append((method, path, dict(params or {})))
        if data is not None:
            self.bodies.append((method, path, data))
        for (want, pattern), (status, answer, extra) in reversed(list(self.routes.items())):
            if want == method and re.fullmatch(pattern, path):
                return _response(status, answer(json, headers) if callable(answer) else answer,
                                 extra)
        return _response(404, {"status": 404, "detail": "no such thing"}, {})

    def last(self, method, path):
        return [c for c in self.calls if c[0] == method and c[1] == path][-1]

    def query(self, method, path):
        """The query parameters of the last ``method path`` call."""
        return [p for m, q, p in self.params if m == method and q == path][-1]


def _response(status, body, headers):
    answer = requests.Response()
    answer.status_code = status
    answer._content = (b"" if body is None else body if isinstance(body, bytes)
                       else json.dumps(body).encode("utf-8"))
    answer.headers.update(headers)
    return answer


@pytest.fixture
def gateway(monkeypatch):
    fake = FakeGateway()
    monkeypatch.setattr(api_module._session, "request", fake.request)
    return fake


@pytest.fixture(scope="session")
def app():
    return WebApp(WebSettings({"WEB_APP_ADDRESS": "127.0.0.1:1", "WEB_API_URL": "http://api",
                               "WEB_SECRET": "test-secret"}))


@pytest.fixture
def browser(app, gateway):
    """A browser without JavaScript: keeps cookies, follows nothing by itself."""
    return Client(app)


def csrf_of(html):
    """The CSRF token of the first form in a page."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(browser, gateway, role="officer", https=False, next="/konsol/warga", **scope):
    """Log the browser in as Siti (``role``, with ``partner_id`` / ``seller_id`` for a
    portal's role); the gateway answers her session."""
    account = dict({"id": "acc_1", "username": "siti", "display_name": "Siti Aminah",
                    "role": role, "active": True, "partner_id": None, "seller_id": None},
                   **scope)
    gateway.route("POST", "sessions", {"token": "bs_session", "expires_at": "x",
                                       "account": account}, status=201)
    gateway.route("GET", "sessions/current", {"expires_at": "x", "account": account})
    form = browser.get("/konsol/masuk").get_data(as_text=True)
    headers = {"X-Forwarded-Proto": "https"} if https else {}
    return browser.post("/konsol/masuk", headers=headers, data={
        "csrf_token": csrf_of(form), "username": "Siti", "password": "kata-sandi-siti",
        "next": next})
