"""deploy/config.yaml as `nameko run` reads it: env substitution and one-line logs."""
import os
import subprocess
import sys
import types

import pytest

from deploy.config import CONFIG_PATH, load_config
from deploy.logformat import OneLineFormatter
from services.shared.mongo import database_for

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_defaults_when_nothing_is_set():
    config = load_config(environ={})
    assert config["AMQP_URI"] == "amqp://guest:guest@127.0.0.1:5672/"
    assert config["WEB_SERVER_ADDRESS"] == "127.0.0.1:8000"
    assert config["MONGO_URI"] == ""
    assert config["ADMIN_TOKEN"] == ""


def test_environment_wins_and_values_stay_strings():
    config = load_config(environ={
        "AMQP_URI": "amqp://u:p@broker:5672/bansos", "MONGO_URI": "mongodb://db:27017/",
        "GATEWAY_PORT": "9123", "ADMIN_TOKEN": "0123456789"})
    assert config["AMQP_URI"] == "amqp://u:p@broker:5672/bansos"
    assert config["MONGO_URI"] == "mongodb://db:27017/"
    assert config["WEB_SERVER_ADDRESS"] == "127.0.0.1:9123"
    # A token of digits must not turn into an int (or lose its leading zero).
    assert config["ADMIN_TOKEN"] == "0123456789"


@pytest.mark.parametrize("environ", [{}, {"MONGO_URI": ""}])
def test_unset_or_empty_mongo_uri_means_mongomock(environ, monkeypatch, mongo_prefix):
    import mongomock
    monkeypatch.delenv("MONGO_URI", raising=False)
    config = load_config(environ=environ)
    config["MONGO_DB_PREFIX"] = mongo_prefix
    container = types.SimpleNamespace(config=config, service_name="registry")
    db = database_for(container)
    assert isinstance(db, mongomock.Database)
    assert db.name == "%s_registry" % mongo_prefix


def test_a_log_record_with_a_traceback_is_one_line_with_the_logger_name():
    spec = load_config(environ={})["LOGGING"]["formatters"]["oneline"]
    formatter = OneLineFormatter(fmt=spec["fmt"])
    try:
        raise ValueError("bad\nthing")
    except ValueError:
        record = logging_record("services.registry.store", exc_info=sys.exc_info())
    line = formatter.format(record)
    assert "\n" not in line
    assert " ERROR services.registry.store: import failed" in line
    assert "Traceback (most recent call last):" in line and "ValueError: bad\\nthing" in line
    assert line[:24].endswith("Z")  # 2026-11-29T08:00:00.123Z


def test_control_characters_in_a_record_are_escaped_not_sent_to_the_terminal():
    record = logging_record("services.registry.imports", None)
    record.msg, record.args = "row %s: %r", (3, "Budi\x1b[2J\x00")
    line = OneLineFormatter(fmt="%(message)s").format(record)
    assert "\x1b" not in line and "\x00" not in line
    record.msg, record.args = "name %s", ("Budi\x1b[2J\x00",)
    line = OneLineFormatter(fmt="%(message)s").format(record)
    assert line == "name Budi\\x1b[2J\\x00"


def test_nameko_run_logging_config_applies_as_written():
    """The LOGGING section goes through dictConfig (as `nameko run` does) in a fresh process."""
    code = (
        "import logging, logging.config\n"
        "from deploy.config import load_config\n"
        "logging.config.dictConfig(load_config()['LOGGING'])\n"
        "logging.getLogger('kombu.connection').info('chatter')\n"
        "log = logging.getLogger('gateway.http')\n"
        "log.info('first\\nsecond')\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError:\n    log.exception('boom')\n"
    )
    env = dict(os.environ, LOG_LEVEL="INFO")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, lines
    assert "INFO gateway.http: first\\nsecond" in lines[0]
    assert "ERROR gateway.http: boom\\nTraceback" in lines[1]
    assert "chatter" not in result.stderr


def test_config_file_is_the_one_nameko_run_is_given():
    assert os.path.samefile(CONFIG_PATH, os.path.join(ROOT, "deploy", "config.yaml"))
    with open(os.path.join(ROOT, "deploy", "run_local.py"), encoding="utf-8") as handle:
        assert 'os.path.join("deploy", "config.yaml")' in handle.read()
    with open(os.path.join(ROOT, "deploy", "docker-entrypoint.sh"), encoding="utf-8") as handle:
        assert "--config deploy/config.yaml" in handle.read()


def logging_record(name, exc_info):
    import logging
    return logging.LogRecord(name, logging.ERROR, __file__, 1, "import failed", None, exc_info)


def test_expected_errors_are_logged_without_traceback():
    import logging

    from deploy.logformat import ExpectedErrorsBrief, OneLineFormatter
    try:
        raise KeyError("boom")
    except KeyError:
        import sys
        info = sys.exc_info()
    expected = logging.LogRecord("nameko.containers", logging.WARNING, "f", 1,
                                 "(expected) error handling worker %s: %s", ("w", "no"), info)
    fault = logging.LogRecord("nameko.containers", logging.ERROR, "f", 1,
                              "error handling worker %s: %s", ("w", "boom"), info)
    brief, fmt = ExpectedErrorsBrief(), OneLineFormatter("%(message)s")
    assert brief.filter(expected) and "Traceback" not in fmt.format(expected)
    assert brief.filter(fault) and "Traceback" in fmt.format(fault)


def test_config_yaml_lists_every_setting_and_each_reads_as_its_default():
    from services.shared.settings import SettingsSchema, load_settings
    config = load_config(environ={})
    declared = {f.data_key for f in SettingsSchema().fields.values()}
    assert declared <= set(config), declared - set(config)
    defaults = load_settings({})
    loaded = load_settings(config)
    assert {name: getattr(loaded, name) for name in SettingsSchema().fields} == {
        name: getattr(defaults, name) for name in SettingsSchema().fields}


def test_an_interval_set_in_the_environment_reaches_the_service():
    from services.shared.settings import load_settings
    config = load_config(environ={"COMPLAINTS_OVERDUE_CHECK_SECONDS": "5"})
    assert load_settings(config).complaints_overdue_check_seconds == 5.0
