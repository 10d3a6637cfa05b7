"""Root pytest configuration.

nameko's pytest plugin no longer monkey-patches eventlet (docs/style.md): do it
before anything imports socket or threading.
"""
import os
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
