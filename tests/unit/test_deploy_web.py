"""The web app in deploy/: its own internal address, reached only through the gateway;
and what its pages put in the logs."""
import os
import urllib.parse

import pytest
import yaml

from deploy.config import load_config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def compose():
    with open(os.path.join(ROOT, "deploy", "docker-compose.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)["services"]


def test_the_web_container_is_not_published_and_the_gateway_knows_where_it_is():
    services = compose()
    web, gateway = services["web"], services["gateway"]
    assert "ports" not in web  # residents reach it through the gateway only
    target = urllib.parse.urlsplit(gateway["environment"]["WEB_APP_URL"])
    assert (target.hostname, str(target.port)) == ("web", web["environment"]["WEB_PORT"])
    assert web["environment"]["WEB_HOST"] == "0.0.0.0"
    api = urllib.parse.urlsplit(web["environment"]["WEB_API_URL"])
    assert (api.hostname, str(api.port)) == ("gateway", gateway["environment"]["GATEWAY_PORT"])
    assert "web" in gateway["depends_on"]


def test_the_web_app_and_the_gateway_never_share_an_address():
    config = load_config(environ={"GATEWAY_PORT": "8000"})
    assert config["WEB_APP_ADDRESS"] == "127.0.0.1:8001"
    assert config["WEB_APP_ADDRESS"] != config["WEB_SERVER_ADDRESS"]
    config = load_config(environ={"WEB_HOST": "0.0.0.0", "WEB_PORT": "9100"})
    assert config["WEB_APP_ADDRESS"] == "0.0.0.0:9100"
    assert config["WEB_LANGUAGE"] == "id" and config["WEB_SECRET"] == ""


def test_run_local_gives_the_web_app_a_free_port_of_its_own(monkeypatch):
    from deploy import run_local
    monkeypatch.delenv("WEB_PORT", raising=False)
    monkeypatch.setenv("GATEWAY_PORT", "8123")
    env, _, _ = run_local.settings()
    assert env["WEB_PORT"].isdigit() and env["WEB_PORT"] != "8123"
    offered = iter([8123, 8123, 9155])  # the gateway's port, freed and offered again
    monkeypatch.setattr(run_local, "free_port", lambda: next(offered))
    assert run_local.settings()[0]["WEB_PORT"] == "9155"
    monkeypatch.setenv("WEB_PORT", "9200")
    assert run_local.settings()[0]["WEB_PORT"] == "9200"


def test_run_local_refuses_a_short_admin_token_before_starting_anything(monkeypatch):
    from deploy import run_local
    monkeypatch.setenv("ADMIN_TOKEN", "short")
    with pytest.raises(SystemExit, match="ADMIN_TOKEN must be at least 32 characters.*has 5"):
        run_local.settings()
    monkeypatch.setenv("ADMIN_TOKEN", "x" * 32)
    assert run_local.settings()[0]["ADMIN_TOKEN"] == "x" * 32
    from services.shared.settings import MIN_ADMIN_TOKEN
    assert run_local.MIN_ADMIN_TOKEN == MIN_ADMIN_TOKEN


def test_niks_never_reach_a_log_line():
    """The access log names paths like /konsol/warga/<nik>; every 16-digit number is masked."""
    import logging

    from deploy.logformat import OneLineFormatter
    record = logging.LogRecord("nameko.web.server", logging.INFO, "f", 1,
                               '127.0.0.1 - - "GET /konsol/warga/%s HTTP/1.1" 200 id %s',
                               ("3174091005800001", "al_31740910058000012"), None)
    line = OneLineFormatter("%(message)s").format(record)
    assert "/konsol/warga/3174********0001" in line
    assert "3174091005800001 " not in line and "al_31740910058000012" in line
