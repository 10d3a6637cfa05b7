"""scripts/accounts: what it sends to the gateway, and its exit status."""
import io
import json

import pytest
import requests

from gateway import accounts_cli


class Sent:
    def __init__(self, status=201, body=None):
        self.calls, self.status, self.body = [], status, body or {"id": "acc_1"}

    def __call__(self, method, url, json=None, headers=None, timeout=None):
        self.calls.append((method, url, json, headers))
        answer = requests.Response()
        answer.status_code = self.status
        answer._content = __import__("json").dumps(self.body).encode()
        return answer


@pytest.fixture
def sent(monkeypatch):
    fake = Sent()
    monkeypatch.setattr(accounts_cli.requests, "request", fake)
    monkeypatch.setenv("ADMIN_TOKEN", "adm")
    return fake


def test_create_reads_the_password_from_stdin_and_posts_the_account(sent, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("kata-sandi-admin\n"))
    status = accounts_cli.main(["--url", "http://gw", "create", "--username", "admin", "--name",
                                "Admin Kelurahan", "--role", "admin", "--password-stdin"])
    assert status == 0
    method, url, body, headers = sent.calls[0]
    assert (method, url) == ("POST", "http://gw/api/v1/accounts")
    assert body == {"username": "admin", "display_name": "Admin Kelurahan", "role": "admin",
                    "password": "kata-sandi-admin"}
    assert headers == {"Authorization": "Bearer adm"}
    assert json.loads(capsys.readouterr().out) == {"id": "acc_1"}


def test_a_piped_password_is_read_without_the_flag(sent, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("kata-sandi-admin\n"))
    status = accounts_cli.main(["--url", "http://gw", "create", "--username", "admin", "--name",
                                "Admin Kelurahan", "--role", "admin"])
    assert status == 0
    assert sent.calls[0][2]["password"] == "kata-sandi-admin"


def test_unlock_patches_and_a_refusal_exits_1_naming_the_fields(sent, capsys):
    sent.status, sent.body = 400, {"detail": "bad", "errors": {"password": ["too short"]}}
    assert accounts_cli.main(["--url", "http://gw", "unlock", "acc_9"]) == 1
    assert sent.calls[0][:3] == ("PATCH", "http://gw/api/v1/accounts/acc_9", {"unlock": True})
    assert "password: too short" in capsys.readouterr().err


def test_a_seller_account_names_its_seller_and_a_role_change_its_partner(sent, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("kata-sandi-sri\n"))
    assert accounts_cli.main(["--url", "http://gw", "create", "--username", "sri", "--name",
                              "Sri", "--role", "seller", "--seller-id", "slr_1"]) == 0
    assert sent.calls[0][2] == {"username": "sri", "display_name": "Sri", "role": "seller",
                                "password": "kata-sandi-sri", "seller_id": "slr_1"}
    assert accounts_cli.main(["--url", "http://gw", "role", "acc_1", "--role", "partner",
                              "--partner-id", "prt_2"]) == 0
    assert sent.calls[1][:3] == ("PATCH", "http://gw/api/v1/accounts/acc_1",
                                 {"role": "partner", "partner_id": "prt_2"})
