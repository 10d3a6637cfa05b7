"""The web app's settings: fields of the platform's SettingsSchema, checked at start."""
import pytest
from nameko.containers import ServiceContainer

from services.shared.settings import SettingsError
from web.service import WebService
from web.settings import WebSettings


@pytest.mark.parametrize("config, named", [
    ({"WEB_APP_ADDRESS": "8001"}, "WEB_APP_ADDRESS"),
    ({"WEB_APP_ADDRESS": "127.0.0.1:99999"}, "WEB_APP_ADDRESS"),
    ({"WEB_APP_URL": "web:8001"}, "WEB_APP_URL"),
    ({"WEB_API_URL": "ftp://gateway"}, "WEB_API_URL"),
    ({"WEB_LANGUAGE": "../../etc"}, "WEB_LANGUAGE"),
    ({"VILLAGE_NAME": "Kelurahan\x1b[31m"}, "VILLAGE_NAME"),
])
def test_a_malformed_web_setting_is_refused_by_name(config, named):
    with pytest.raises(SettingsError, match=named):
        WebSettings(config)


def test_the_web_app_calls_the_gateway_at_its_own_address_unless_told_otherwise():
    derived = WebSettings({"WEB_SERVER_ADDRESS": "0.0.0.0:8123", "WEB_APP_ADDRESS": "0.0.0.0:9"})
    assert derived.api_url == "http://127.0.0.1:8123" and derived.bind == ("0.0.0.0", 9)
    told = WebSettings({"WEB_SERVER_ADDRESS": "0.0.0.0:8123", "WEB_API_URL": "http://gw:80/"})
    assert told.api_url == "http://gw:80"
    assert WebSettings({"WEB_SECRET": "s"}).secret == b"s"
    assert WebSettings({}).secret != WebSettings({}).secret  # random per process when unset


def test_the_web_service_with_a_malformed_setting_stops_at_start_naming_it():
    container = ServiceContainer(WebService, {"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/",
                                              "WEB_APP_ADDRESS": "nowhere"})
    with pytest.raises(SettingsError, match="WEB_APP_ADDRESS"):
        container.start()
    container.kill()
