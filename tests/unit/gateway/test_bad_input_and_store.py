"""Bad input answers 4xx, never 500; the gateway's own store (tokens, audit) without a broker."""
import json

import mongomock
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.auth import GatewayRepository, Principal
from gateway.errors import Unauthorized, problem_from_exception
from gateway.http import Exchange, authenticate
from gateway.ratelimit import RateLimiter
from services.shared.errors import Conflict, InvalidInput, NotFound
from services.shared.settings import load_settings


ADMIN_SECRET = "admin-secret-of-at-least-32-characters"


@pytest.fixture
def repo():
    db = mongomock.MongoClient().db
    GatewayRepository.ensure_indexes(db)
    return GatewayRepository(db)


def request_with(data=b"", headers=None):
    return Request(EnvironBuilder(method="POST", path="/x", data=data, headers=headers).get_environ())


class Handling:
    """The gateway service as ``gateway.http`` sees it: its store, settings and limiter."""

    services = None

    def __init__(self, store, admin_token=ADMIN_SECRET):
        self.store = store
        self.settings = load_settings({"ADMIN_TOKEN": admin_token})
        self.limiter = RateLimiter()

    def authenticate(self, request):
        return authenticate(self, request)

    def body(self, request):
        return Exchange(self, request, None).body()


@pytest.mark.parametrize("token", ["tök-en", ADMIN_SECRET[:-1] + "é", "\u00ff" * 40])
def test_a_non_ascii_token_is_401_not_500(repo, token):
    with pytest.raises(Unauthorized):
        repo.principal_for(token, ADMIN_SECRET)
    with pytest.raises(Unauthorized):
        Handling(repo).authenticate(request_with(headers={"Authorization": "Bearer " + token}))


def test_the_admin_token_is_still_recognised(repo):
    principal = Handling(repo).authenticate(
        request_with(headers={"Authorization": "Bearer " + ADMIN_SECRET}))
    assert principal.role == "admin" and principal.token_id == "env:ADMIN_TOKEN"


def test_a_numeric_admin_token_setting_works(repo):
    number = "12345678901234567890123456789012"
    handling = Handling(repo, admin_token=number)
    assert handling.settings.admin_token == number
    assert handling.authenticate(
        request_with(headers={"Authorization": "Bearer " + number})).role == "admin"


@pytest.mark.parametrize("raw", [b"[" * 100000, b'{"a":' * 100000, b"\xff\xfe", b"[1]", b""])
def test_a_body_that_is_not_a_json_object_is_400(raw):
    with pytest.raises(InvalidInput) as exc:
        Handling(None).body(request_with(raw))
    response = problem_from_exception(exc.value)
    assert response.status_code == 400
    assert "_body" in json.loads(response.get_data())["errors"]


def test_revoke_token_once_then_409_and_404(repo):
    created = repo.create_token("officer", "Petugas")
    revoked = repo.revoke_token(created["id"])
    assert revoked["id"] == created["id"] and revoked["revoked_at"]
    assert "token" not in revoked
    with pytest.raises(Conflict, match="already revoked"):
        repo.revoke_token(created["id"])
    with pytest.raises(NotFound):
        repo.revoke_token("tok_nope")
    with pytest.raises(Unauthorized):
        repo.principal_for(created["token"])


def test_audit_entries_are_written_together_and_listed(repo):
    who = Principal("officer", "tok_1", "Petugas", request_id="req-1")
    repo.record_audits(who, [("read_resident", "3174091708450001"),
                             ("read_resident", "3174095708450002")], "GET", "/api/v1/x")
    repo.record_audits(who, [], "GET", "/api/v1/x")
    items, total = repo.list_audit()
    assert total == 2
    assert {e["subject"] for e in items} == {"3174091708450001", "3174095708450002"}
    assert all(e["request_id"] == "req-1" and e["method"] == "GET" for e in items)
    items, total = repo.list_audit("3174091708450001")
    assert total == 1 and items[0]["action"] == "read_resident"
