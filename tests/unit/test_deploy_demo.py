"""The main job's runner (python -m demo) and the API client it uses (gateway.client)."""
import io
import sys
import json
import types

import pytest
import requests
from requests.adapters import BaseAdapter

from demo.__main__ import Output, main, run_steps
from gateway.client import ApiError, Client


class FakeGateway(BaseAdapter):
    """A requests transport that answers from a table and records what was sent."""

    def __init__(self, answers):
        super().__init__()
        self.answers = answers  # {(method, path): (status, content_type, body)}
        self.sent = []

    def send(self, request, **kwargs):
        self.sent.append(request)
        path = request.path_url.split("?")[0]
        status, content_type, body = self.answers.get(
            (request.method, path), (404, "text/plain", "no route"))
        response = requests.Response()
        response.status_code = status
        response.headers["Content-Type"] = content_type
        response._content = (json.dumps(body) if not isinstance(body, str) else body).encode()
        response.request = request
        response.url = request.url
        return response

    def close(self):
        pass


def client_for(answers, token="tok"):
    session = requests.Session()
    gateway = FakeGateway(answers)
    session.mount("http://", gateway)
    return Client("http://gw.test/", token, session=session), gateway


def test_relative_paths_are_under_api_v1_and_the_token_is_a_bearer():
    client, gateway = client_for({
        ("GET", "/api/v1/residents"): (200, "application/json", {"items": [], "total": 0}),
        ("GET", "/health"): (200, "application/json", {"status": "ok"})})
    assert client.get("residents", params={"rt": "001"}) == {"items": [], "total": 0}
    assert client.get("/health") == {"status": "ok"}
    first = gateway.sent[0]
    assert first.url == "http://gw.test/api/v1/residents?rt=001"
    assert first.headers["Authorization"] == "Bearer tok"
    public = client.with_token(None)
    public.get("/health")
    assert "Authorization" not in gateway.sent[-1].headers


def test_a_problem_answer_raises_api_error_with_status_and_fields():
    problem = {"type": "about:blank", "title": "Invalid input", "status": 400,
               "detail": "The request body is invalid.", "errors": {"nik": ["must be 16 digits"]}}
    client, _ = client_for({("POST", "/api/v1/households"): (
        400, "application/problem+json", problem)})
    with pytest.raises(ApiError) as exc:
        client.post("households", {"kk_number": "1"})
    assert exc.value.status == 400
    assert exc.value.problem == problem
    assert exc.value.errors == {"nik": ["must be 16 digits"]}
    assert "POST households -> 400: The request body is invalid." in str(exc.value)


def test_a_non_json_error_still_carries_its_status_and_text():
    client, _ = client_for({("DELETE", "/api/v1/tokens/x"): (502, "text/html", "<h1>Bad gateway</h1>")})
    with pytest.raises(ApiError) as exc:
        client.delete("tokens/x")
    assert exc.value.status == 502
    assert exc.value.detail == "<h1>Bad gateway</h1>"


def test_an_empty_success_is_none_and_uploads_send_bytes_with_their_type():
    client, gateway = client_for({
        ("DELETE", "/api/v1/tokens/t1"): (204, "text/plain", ""),
        ("POST", "/api/v1/imports/registry"): (200, "application/json", {"created": 2})})
    assert client.delete("tokens/t1") is None
    assert client.upload("imports/registry", b"nik,full_name\n") == {"created": 2}
    sent = gateway.sent[-1]
    assert sent.body == b"nik,full_name\n"
    assert sent.headers["Content-Type"] == "text/csv"


def step_module(fn):
    return types.SimpleNamespace(run=fn)


def test_steps_run_in_order_a_missing_one_is_skipped_and_the_first_failure_stops(monkeypatch):
    ran = []
    monkeypatch.setitem(sys.modules, "demo.fakeone",
                        step_module(lambda client, out: (ran.append("one"), out("one ran"))))
    monkeypatch.setitem(sys.modules, "demo.fakefails", step_module(
        lambda client, out: (_ for _ in ()).throw(ApiError("GET", "x", 503, {"title": "down"}))))
    monkeypatch.setitem(sys.modules, "demo.fakelast",
                        step_module(lambda client, out: ran.append("last")))
    stream = io.StringIO()
    ok = run_steps(None, Output(stream), ["fakeone", "fakemissing", "fakefails", "fakelast"])
    text = stream.getvalue()
    assert ok is False
    assert ran == ["one"]
    assert "one ran" in text
    assert "(skipped fakemissing: demo/fakemissing.py is not written yet)" in text
    assert "FAILED in step fakefails: GET x -> 503: down" in text


def test_a_bug_in_a_step_is_shown_with_its_traceback(monkeypatch):
    def broken(client, out):
        return {}["missing"]
    monkeypatch.setitem(sys.modules, "demo.fakebug", step_module(broken))
    stream = io.StringIO()
    assert run_steps(None, Output(stream), ["fakebug"]) is False
    assert "KeyError: 'missing'" in stream.getvalue()


def test_output_table_aligns_columns():
    stream = io.StringIO()
    Output(stream).table([{"nik": "3174", "name": "Siti"}, {"nik": "31", "name": "Budi Santoso"}],
                         ["nik", "name"])
    assert stream.getvalue().splitlines() == [
        "nik   name        ", "----  ------------", "3174  Siti        ", "31    Budi Santoso"]


def test_the_job_needs_a_token_and_a_healthy_platform(monkeypatch, capsys):
    monkeypatch.delenv("ADMIN_TOKEN", raising=False)
    assert main(["--url", "http://127.0.0.1:9"]) == 2
    assert "no admin token" in capsys.readouterr().out
    assert main(["--url", "http://127.0.0.1:9", "--token", "t"]) == 1
    assert "is not healthy" in capsys.readouterr().out
