"""Integration fixtures: a stand-in registry on the real broker and an event listener.

The stand-in answers the registry's export RPCs from ``RegistryData`` and
publishes registry events in the CONTRACT envelope with nameko's standalone
dispatcher, so these tests pin the distribution service's side of the
contract (docs/events.md) without depending on the registry's internals.
"""
import uuid

import pytest
from nameko.events import event_handler
from nameko.rpc import rpc
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy

from services.shared.envelope import make_envelope

OFFICER = {"name": "petugas", "role": "officer", "token_id": "t1", "request_id": "it"}


class RegistryData:
    households, residents = {}, {}
    export_calls = 0


class FakeRegistry:
    name = "registry"

    @rpc
    def export_households(self, page=1, per_page=500):
        RegistryData.export_calls += 1
        return _page(RegistryData.households, page, per_page)

    @rpc
    def export_residents(self, page=1, per_page=500):
        return _page(RegistryData.residents, page, per_page)


def _page(items, page, per_page):
    ordered = [items[k] for k in sorted(items)]
    start = (page - 1) * per_page
    return {"items": ordered[start:start + per_page], "page": page, "per_page": per_page,
            "total": len(ordered)}


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
    RegistryData.households, RegistryData.residents = {}, {}
    RegistryData.export_calls = 0
    RECEIVED.clear()


class Family:
    """Snapshots of one family, with helpers to publish its registry events."""

    def __init__(self, config, decile=1, people=()):
        self.config = config
        self.hid = "hh_" + uuid.uuid4().hex[:8]
        self.kk = "31740901%08d" % (uuid.uuid4().int % 10 ** 8)
        self.household = {"id": self.hid, "kk_number": self.kk, "rt": "001", "rw": "002",
                          "welfare_decile": decile, "monthly_income_idr": 900000,
                          "has_car": False, "status": "active", "version": 1}
        self.members = []
        for i, (rel, sex, birth) in enumerate(people):
            day = int(birth[8:10]) + (40 if sex == "F" else 0)
            nik = "317409%02d%s%s%04d" % (day, birth[5:7], birth[2:4], 1 + len(self.members))
            self.members.append({"id": "res_" + uuid.uuid4().hex[:8], "nik": nik,
                                 "kk_number": self.kk, "household_id": self.hid,
                                 "full_name": "%s %d" % (rel, i), "sex": sex, "birth_date": birth,
                                 "relationship": rel, "occupation_code": 1, "disability": "none",
                                 "pregnant": False, "status": "active", "rt": "001", "rw": "002",
                                 "version": 1})

    def export(self):
        """Put the family into the stand-in registry's export."""
        RegistryData.households[self.hid] = self.household
        for m in self.members:
            RegistryData.residents[m["id"]] = m

    def publish_registered(self):
        dispatch = event_dispatcher(self.config)
        dispatch("registry", "household_registered", make_envelope(
            "household_registered", "registry", self.hid, 1, {"household": self.household}))
        for m in self.members:
            dispatch("registry", "resident_registered", make_envelope(
                "resident_registered", "registry", m["id"], m["version"], {"resident": m}))

    def deactivated(self, index, reason="deceased"):
        """The envelope of member ``index``'s deactivation (not yet published)."""
        m = self.members[index]
        m.update(status="inactive", inactive_reason=reason, version=m["version"] + 1)
        return make_envelope("resident_deactivated", "registry", m["id"], m["version"],
                             {"resident": dict(m), "reason": reason, "note": ""})


def publish(config, envelope):
    event_dispatcher(config)("registry", envelope["type"], envelope)


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
