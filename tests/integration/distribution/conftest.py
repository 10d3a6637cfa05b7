"""Integration fixtures: a stand-in registry on the real broker (``tests.support.registry``)
and a listener of what distribution publishes."""
import pytest
from nameko.events import event_handler
from nameko.standalone.rpc import ServiceRpcProxy

from tests.support.registry import (  # noqa: F401 - the tests import them from here
    Family, FakeRegistry, RegistryData, publish)

OFFICER = {"name": "petugas", "role": "officer", "token_id": "t1", "request_id": "it"}
RECEIVED = []


class Listener:
    """Consumes what the distribution service publishes."""

    name = "listener"

    @event_handler("distribution", "allocation_cancelled")
    def on_cancelled(self, payload):
        RECEIVED.append(payload)

    @event_handler("distribution", "allocation_created")
    def on_created(self, payload):
        RECEIVED.append(payload)

    @event_handler("distribution", "aid_disbursed")
    def on_disbursed(self, payload):
        RECEIVED.append(payload)


@pytest.fixture(autouse=True)
def fresh_registry():
    RegistryData.reset()
    RECEIVED.clear()


@pytest.fixture
def rpc_proxy(service_config):
    proxies = []

    def open_proxy(name="distribution"):
        proxy = ServiceRpcProxy(name, service_config)
        proxies.append(proxy)
        return proxy.start()
    yield open_proxy
    for proxy in proxies:
        proxy.stop()
