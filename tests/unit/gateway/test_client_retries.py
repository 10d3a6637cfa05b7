"""The HTTP client asks a read again after 503/504 when told to (gateway/client.py), and
never a command: a command answered 504 may have been carried out."""
import pytest
import requests

from gateway import client as client_module
from gateway.client import ApiError, Client


class Answers:
    """A session answering each request with the next status of ``statuses``."""

    def __init__(self, *statuses):
        self.statuses, self.sent = list(statuses), []

    def request(self, method, url, **kwargs):
        self.sent.append(method)
        answer = requests.Response()
        answer.status_code = self.statuses.pop(0)
        answer._content = b'{"ok": true}' if answer.status_code == 200 else b'{"title": "busy"}'
        answer.headers["Retry-After"] = "0"
        return answer


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr(client_module.time, "sleep", lambda seconds: None)


def test_a_read_answered_504_then_200_is_answered():
    session = Answers(504, 503, 200)
    assert Client("http://x", session=session, retries=2).get("residents") == {"ok": True}
    assert session.sent == ["GET"] * 3


def test_the_refusal_is_raised_once_the_retries_are_spent():
    session = Answers(504, 504, 504)
    with pytest.raises(ApiError) as refused:
        Client("http://x", session=session, retries=2).get("residents")
    assert refused.value.status == 504 and len(session.sent) == 3


def test_a_command_is_never_sent_twice():
    session = Answers(504, 200)
    with pytest.raises(ApiError):
        Client("http://x", session=session, retries=2).post("households", {})
    assert session.sent == ["POST"]


def test_by_default_the_first_refusal_is_answered_and_other_errors_are_not_retried():
    session = Answers(503)
    with pytest.raises(ApiError):
        Client("http://x", session=session).get("residents")
    session = Answers(404, 200)
    with pytest.raises(ApiError):
        Client("http://x", session=session, retries=2).get("residents/1")
    assert session.sent == ["GET"]


def test_clients_made_from_it_keep_its_retries():
    base = Client("http://x", retries=2)
    assert base.with_token("t").retries == 2 and base.alone("t").retries == 2
    assert base.alone("t").session is not base.session
