"""Root pytest configuration.

nameko's pytest plugin no longer monkey-patches eventlet (docs/style.md): do it
before anything imports socket or threading.
"""
import faulthandler
import os
import sys
import warnings

warnings.filterwarnings("ignore", message=r"(?s)\s*Eventlet is deprecated")
# hypothesis runs every installed package's "hypothesis" plugin on import; trio's
# (installed with selenium, for the browser tests) cannot import under eventlet's
# patched sockets, and none of those plugins is needed here.
os.environ.setdefault("HYPOTHESIS_NO_PLUGINS", "1")

import eventlet  # noqa: E402

eventlet.monkey_patch()  # noqa: E402

import uuid  # noqa: E402

import pytest  # noqa: E402

AMQP_URI = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")

# real_mongo_uri / real_mongo_db: a real MongoDB wire server for tests marked mongo;
# service_instances: several containers of one service on one database of it
pytest_plugins = ("tests.real_mongo", "tests.instances", "tests.support.fault_broker")


#: A test (with its fixtures' setup) still running after this many seconds has
#: hung: every thread's stack is printed and the run exits 1, instead of holding
#: CI until its own limit. faulthandler's watchdog is a real OS thread, so it
#: fires even while a greenthread spins (pytest-timeout's timers are green under
#: eventlet and never fire then). The slowest test takes about 60 s.
TEST_LIMIT_SECONDS = int(os.environ.get("TEST_LIMIT_SECONDS", "420"))


def _terminal_stderr(config):
    """The stderr pytest's output capture does not swallow (pytest's faulthandler
    plugin keeps a copy of its descriptor); ``sys.stderr`` where there is none."""
    try:
        from _pytest.faulthandler import fault_handler_stderr_fd_key
        return config.stash[fault_handler_stderr_fd_key]
    except (ImportError, KeyError):
        return sys.stderr


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    faulthandler.dump_traceback_later(TEST_LIMIT_SECONDS, exit=True,
                                      file=_terminal_stderr(item.config))
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def mongo_prefix():
    """A fresh database prefix per test: isolation by random id, not by wiping."""
    return "t%s" % uuid.uuid4().hex[:10]


@pytest.fixture
def service_config(rabbit_config, mongo_prefix):
    """nameko config for a service under test: its own vhost and databases."""
    config = dict(rabbit_config)
    config["MONGO_DB_PREFIX"] = mongo_prefix
    config["MONGO_URI"] = os.environ.get("TEST_MONGO_URI", "")
    # a failed event comes back within a second, not after minutes (docs/reliability.md)
    config["EVENT_RETRY_DELAYS"] = "0.05,0.1,0.2,0.4"
    # a health programme's schedules are made within a fifth of a second of publishing
    config["PARTNERS_SCHEDULE_DUE_SECONDS"] = 0.2
    return config


BROKER_FIXTURES = {"rabbit_config", "service_config", "container_factory", "runner_factory",
                   "rabbit_manager"}


def pytest_collection_modifyitems(config, items):
    """Test layers are where their names say: nothing under tests/unit needs the broker."""
    wrong = [item.nodeid for item in items if item.nodeid.startswith("tests/unit/") and (
        BROKER_FIXTURES & set(getattr(item, "fixturenames", ()))
        or item.get_closest_marker("integration") or item.get_closest_marker("e2e"))]
    if wrong:
        raise pytest.UsageError("broker-bound tests under tests/unit (move them to "
                                "tests/integration): %s" % ", ".join(wrong))
