"""The client address the gateway signs for the web app's API calls."""
import time

from gateway.webapp import client_for, is_api_path, sign_client
from services.shared.settings import load_settings


def test_a_signature_is_accepted_once_made_and_refused_when_altered_or_stale():
    value = sign_client("203.0.113.7")
    assert client_for(value) == "203.0.113.7"
    address, expires, signature = value.rsplit(";", 2)
    assert client_for("198.51.100.1;%s;%s" % (expires, signature)) is None
    assert client_for("%s;%d;%s" % (address, int(expires) + 60, signature)) is None
    assert client_for(sign_client("203.0.113.7", now=time.time() - 3600)) is None
    for junk in (None, "", "abc", "a;b;c", "1.2.3.4;x;y", "ü;1;ü"):
        assert client_for(junk) is None


def test_ipv6_addresses_survive_the_round_trip():
    assert client_for(sign_client("2001:db8::1")) == "2001:db8::1"


def test_only_the_api_and_health_stay_in_the_gateway():
    assert is_api_path("/api/v1/programmes") and is_api_path("/health")
    assert not any(is_api_path(p) for p in ("/", "/jadwal", "/apiary", "/healthz", "/konsol/"))


def test_the_web_app_address_comes_from_the_settings():
    def target(config):
        return load_settings(config).web_app_target
    assert target({"WEB_APP_URL": "http://web:8001/"}) == "http://web:8001"
    assert target({"WEB_APP_ADDRESS": "0.0.0.0:8123"}) == "http://127.0.0.1:8123"
    assert target({}) == "http://127.0.0.1:8001"
