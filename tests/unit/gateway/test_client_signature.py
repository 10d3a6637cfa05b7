"""The client address the gateway signs for the web app's API calls."""
import time

from gateway.webapp import client_for, is_api_path, sign_client, signing_key
from services.shared.settings import load_settings


KEY = signing_key("an-admin-token-of-this-deployment")


def test_a_signature_is_accepted_once_made_and_refused_when_altered_or_stale():
    value = sign_client("203.0.113.7", KEY)
    assert client_for(value, KEY) == "203.0.113.7"
    address, expires, signature = value.rsplit(";", 2)
    assert client_for("198.51.100.1;%s;%s" % (expires, signature), KEY) is None
    assert client_for("%s;%d;%s" % (address, int(expires) + 60, signature), KEY) is None
    assert client_for(sign_client("203.0.113.7", KEY, now=time.time() - 3600), KEY) is None
    for junk in (None, "", "abc", "a;b;c", "1.2.3.4;x;y", "ü;1;ü"):
        assert client_for(junk, KEY) is None


def test_every_gateway_replica_believes_the_others_and_nobody_else():
    """Behind a Service, the replica that answers a page's API calls is often not the one
    that forwarded the page: replicas share ADMIN_TOKEN, so they share the key."""
    value = sign_client("203.0.113.7", signing_key("an-admin-token-of-this-deployment"))
    assert client_for(value, KEY) == "203.0.113.7"
    assert client_for(value, signing_key("the-token-of-another-deployment")) is None
    assert client_for(value, signing_key("")) is None  # no admin token: a key of its own
    assert KEY != b"an-admin-token-of-this-deployment" and len(KEY) == 32


def test_ipv6_addresses_survive_the_round_trip():
    assert client_for(sign_client("2001:db8::1", KEY), KEY) == "2001:db8::1"


def test_only_the_api_and_health_stay_in_the_gateway():
    assert is_api_path("/api/v1/programmes") and is_api_path("/health")
    assert not any(is_api_path(p) for p in ("/", "/jadwal", "/apiary", "/healthz", "/konsol/"))


def test_the_web_app_address_comes_from_the_settings():
    def target(config):
        return load_settings(config).web_app_target
    assert target({"WEB_APP_URL": "http://web:8001/"}) == "http://web:8001"
    assert target({"WEB_APP_ADDRESS": "0.0.0.0:8123"}) == "http://127.0.0.1:8123"
    assert target({}) == "http://127.0.0.1:8001"
