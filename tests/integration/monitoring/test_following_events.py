"""Monitoring over the real broker: a family's registry, aid and complaint events
reach its timeline and the year's figures once, however often they are delivered;
the complaint never reaches the timeline."""
import pytest
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy

from services.monitoring.domain import village_month
from services.monitoring.service import MonitoringService
from services.shared.envelope import make_envelope
from tests.helpers import wait_for
from tests.support.registry import FakeRegistry, Family, RegistryData

pytestmark = pytest.mark.integration

OFFICER = {"name": "petugas", "role": "officer", "token_id": "t1", "request_id": None}


@pytest.fixture
def monitoring(container_factory, service_config):
    RegistryData.reset()
    for cls in (FakeRegistry, MonitoringService):
        container_factory(cls, service_config).start()
    with ServiceRpcProxy("monitoring", service_config) as proxy:
        yield proxy


def test_events_reach_the_timeline_and_the_year_once(monitoring, service_config):
    family = Family(service_config, rw="005", people=[("head", "F", "1985-03-12")])
    family.publish_registered()
    me = family.members[0]
    wait_for(lambda: len(monitoring.household_timeline(family.hid, OFFICER)["entries"]) == 2)

    dispatch = event_dispatcher(service_config)
    disbursed = make_envelope("aid_disbursed", "distribution", "al_1", 2, {"allocation": {
        "id": "al_1", "programme_code": "BLT-DD", "household_id": family.hid,
        "recipient_id": me["id"], "amount_idr": 300000, "status": "disbursed", "version": 2}})
    complaint = make_envelope("complaint_submitted", "complaints", "cmp_1", 1, {"complaint": {
        "id": "cmp_1", "category": "not_received", "status": "submitted",
        "allocation_id": "al_1", "submitted_at": disbursed["occurred_at"]}})
    # after the redelivered ones, a second handover on the same queue: once it is
    # counted, the duplicate has been through the same consumer
    later = make_envelope("aid_disbursed", "distribution", "al_2", 2, {"allocation": {
        "id": "al_2", "programme_code": "BLT-DD", "household_id": family.hid,
        "member_id": None, "recipient_id": me["id"], "amount_idr": 300000,
        "status": "disbursed", "version": 2}})
    for envelope in (disbursed, disbursed, complaint, complaint, later):
        dispatch(envelope["source"], envelope["type"], envelope)

    year, _ = village_month(disbursed["occurred_at"])

    def counted():
        figures = monitoring.annual_counters(year, OFFICER)
        return figures["complaints"] and len(monitoring.resident_timeline(
            me["nik"], OFFICER)["entries"]) == 3
    wait_for(counted)
    figures = monitoring.annual_counters(year, OFFICER)
    assert [(r["programme_code"], r["rw"], r["count"], r["amount_idr"])
            for r in figures["distribution"]["disbursements"]] == [("BLT-DD", "005", 2, 600000)]
    assert figures["complaints"][0]["submitted"] == 1
    entries = monitoring.resident_timeline(me["nik"], OFFICER)["entries"]
    assert [e["summary"] for e in entries] == ["Terdaftar sebagai warga (RW 005)"] + [
        "Menerima bantuan BLT-DD (Rp300.000)"] * 2
