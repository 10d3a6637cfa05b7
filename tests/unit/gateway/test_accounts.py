"""Accounts and sessions in the gateway's store: hashing, lockout, sessions that end."""
import datetime

import mongomock
import pytest

from gateway import accounts as accounts_module
from gateway.accounts import LOCKOUT_FAILURES, AccountRepository, account_scope
from gateway.account_schemas import AccountIn
from gateway.errors import RateLimited, Unauthorized
from services.shared.errors import Conflict, InvalidInput

ADMIN = {"token_id": "env:ADMIN_TOKEN", "name": "Administrator", "role": "admin"}


@pytest.fixture
def repo():
    db = mongomock.MongoClient(tz_aware=True).db
    AccountRepository.ensure_indexes(db)
    return AccountRepository(db)


def make(repo, username="siti", role="officer", password="kata-sandi-siti"):
    data = AccountIn().load({"username": username, "display_name": "Siti Aminah", "role": role,
                             "password": password})
    return repo.create_account(data, ADMIN)


def test_the_password_is_kept_only_as_an_argon2id_hash(repo):
    account = make(repo)
    stored = repo.accounts.find_one({"_id": account["id"]})
    assert stored["password_hash"].startswith("$argon2id$")
    assert "kata-sandi-siti" not in str(stored)
    assert "password_hash" not in account and "password" not in account


def test_a_user_name_is_taken_once(repo):
    make(repo)
    with pytest.raises(Conflict) as exc:
        make(repo)
    assert exc.value.errors == {"username": ["is already taken"]}


def test_login_answers_a_session_token_whose_principal_is_the_account(repo):
    account = make(repo)
    answer = repo.login("siti", "kata-sandi-siti")
    assert answer["token"].startswith("bs_") and answer["account"]["id"] == account["id"]
    principal = repo.principal_for_session(answer["token"])
    assert (principal.role, principal.token_id, principal.name) == (
        "officer", account["id"], "Siti Aminah")
    assert repo.sessions.find_one({"hash": {"$exists": True}})["hash"] != answer["token"]


@pytest.mark.parametrize("username, password", [("siti", "wrong-password"),
                                                ("nobody", "kata-sandi-siti")])
def test_a_wrong_name_or_password_gets_one_answer(repo, username, password):
    make(repo)
    with pytest.raises(Unauthorized) as exc:
        repo.login(username, password)
    assert exc.value.detail == accounts_module.BAD_LOGIN


def test_repeated_failures_lock_the_account_even_for_the_right_password(repo):
    make(repo)
    for _ in range(LOCKOUT_FAILURES - 1):
        with pytest.raises(Unauthorized):
            repo.login("siti", "wrong-password")
    with pytest.raises(RateLimited) as exc:
        repo.login("siti", "wrong-password")
    assert exc.value.retry_after > 60 * 14
    with pytest.raises(RateLimited):
        repo.login("siti", "kata-sandi-siti")
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=16)
    assert repo.login("siti", "kata-sandi-siti", now=later)["token"]


def test_a_success_resets_the_failure_count(repo):
    make(repo)
    for _ in range(LOCKOUT_FAILURES - 1):
        with pytest.raises(Unauthorized):
            repo.login("siti", "wrong-password")
    repo.login("siti", "kata-sandi-siti")
    for _ in range(LOCKOUT_FAILURES - 1):
        with pytest.raises(Unauthorized):
            repo.login("siti", "wrong-password")


def test_an_admin_unlocks_an_account(repo):
    account = make(repo)
    for _ in range(LOCKOUT_FAILURES):
        with pytest.raises((Unauthorized, RateLimited)):
            repo.login("siti", "wrong-password")
    assert repo.get_account(account["id"])["locked_until"]
    assert repo.update_account(account["id"], {"unlock": True}, ADMIN)["locked_until"] is None
    assert repo.login("siti", "kata-sandi-siti")["token"]


def test_a_session_expires(repo):
    make(repo)
    token = repo.login("siti", "kata-sandi-siti")["token"]
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=9)
    with pytest.raises(Unauthorized):
        repo.principal_for_session(token, now=later)


@pytest.mark.parametrize("change", [{"active": False}, {"role": "admin"},
                                    {"password": "another-password"}])
def test_losing_rights_or_a_password_reset_ends_open_sessions(repo, change):
    account = make(repo)
    token = repo.login("siti", "kata-sandi-siti")["token"]
    repo.update_account(account["id"], change, ADMIN)
    with pytest.raises(Unauthorized):
        repo.principal_for_session(token)


def test_a_disabled_account_cannot_log_in(repo):
    account = make(repo)
    repo.update_account(account["id"], {"active": False}, ADMIN)
    with pytest.raises(Unauthorized) as exc:
        repo.login("siti", "kata-sandi-siti")
    assert exc.value.detail == accounts_module.BAD_LOGIN


def test_logout_ends_the_session_once(repo):
    make(repo)
    token = repo.login("siti", "kata-sandi-siti")["token"]
    assert repo.end_session(token) is True
    assert repo.end_session(token) is False
    with pytest.raises(Unauthorized):
        repo.principal_for_session(token)


def test_an_empty_change_is_refused(repo):
    account = make(repo)
    with pytest.raises(InvalidInput):
        repo.update_account(account["id"], {}, ADMIN)


@pytest.mark.parametrize("body, field", [
    ({"username": "Siti Aminah"}, "username"), ({"password": "short"}, "password"),
    ({"password": "siti.aminah", "username": "siti.aminah"}, "password"),
    ({"role": "resident"}, "role")])
def test_account_input_names_the_bad_field(body, field):
    from marshmallow import ValidationError
    full = dict({"username": "siti", "display_name": "Siti", "role": "officer",
                 "password": "kata-sandi-siti"}, **body)
    with pytest.raises(ValidationError) as exc:
        AccountIn().load(full)
    assert field in exc.value.messages


# ------------------------------------------------------------ partner and seller accounts

def make_scoped(repo, role, **scope):
    data = AccountIn().load(dict({"username": "rina", "display_name": "Rina", "role": role,
                                  "password": "kata-sandi-rina"}, **scope))
    return repo.create_account(data, ADMIN)


@pytest.mark.parametrize("role, field", [("partner", "partner_id"), ("seller", "seller_id")])
def test_a_scoped_account_needs_its_id_named_by_the_field(repo, role, field):
    with pytest.raises(InvalidInput) as exc:
        make_scoped(repo, role)
    assert field in exc.value.errors
    assert repo.accounts.count_documents({}) == 0


@pytest.mark.parametrize("role, scope, field", [
    ("officer", {"partner_id": "prt_1"}, "partner_id"),
    ("admin", {"seller_id": "slr_1"}, "seller_id"),
    ("partner", {"partner_id": "prt_1", "seller_id": "slr_1"}, "seller_id"),
    ("seller", {"seller_id": "slr_1", "partner_id": "prt_1"}, "partner_id")])
def test_an_id_for_another_role_is_refused_by_its_field(role, scope, field):
    with pytest.raises(InvalidInput) as exc:
        account_scope(role, scope)
    assert list(exc.value.errors) == [field]


def test_a_partner_session_carries_the_partner_as_a_token_would(repo):
    account = make_scoped(repo, "partner", partner_id="prt_1")
    assert (account["partner_id"], account["seller_id"]) == ("prt_1", None)
    principal = repo.principal_for_session(repo.login("rina", "kata-sandi-rina")["token"])
    assert (principal.role, principal.partner_id, principal.seller_id) == (
        "partner", "prt_1", None)
    assert principal.actor["partner_id"] == "prt_1"


def test_a_new_role_takes_its_own_scope_and_drops_the_old(repo):
    account = make_scoped(repo, "partner", partner_id="prt_1")
    with pytest.raises(InvalidInput) as exc:
        repo.update_account(account["id"], {"role": "seller"}, ADMIN)
    assert "seller_id" in exc.value.errors
    assert repo.get_account(account["id"])["role"] == "partner"  # nothing half-written
    changed = repo.update_account(account["id"], {"role": "seller", "seller_id": "slr_9"}, ADMIN)
    assert (changed["role"], changed["partner_id"], changed["seller_id"]) == (
        "seller", None, "slr_9")
    back = repo.update_account(account["id"], {"role": "officer"}, ADMIN)
    assert (back["partner_id"], back["seller_id"]) == (None, None)


def test_moving_a_partner_account_to_another_partner_ends_its_sessions(repo):
    account = make_scoped(repo, "partner", partner_id="prt_1")
    token = repo.login("rina", "kata-sandi-rina")["token"]
    repo.update_account(account["id"], {"display_name": "Rina W."}, ADMIN)
    assert repo.principal_for_session(token).partner_id == "prt_1"  # a rename keeps it
    repo.update_account(account["id"], {"partner_id": "prt_2"}, ADMIN)
    with pytest.raises(Unauthorized):
        repo.principal_for_session(token)
    token = repo.login("rina", "kata-sandi-rina")["token"]
    assert repo.principal_for_session(token).partner_id == "prt_2"
