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
from services.shared import clock
from tests.support.owners import OWNERS, OwnerData
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


def _complaint(cid, category):
    return {"id": cid, "category": category, "status": "submitted", "version": 1,
            "submitted_at": clock.now_iso()}


def test_a_complaint_store_that_came_back_empty_leaves_only_what_it_has(
        container_factory, service_config):
    # complaints restarted on an empty store: monitoring must not keep counting
    # the complaint it no longer has (its first event of the new store says so)
    RegistryData.reset()
    OwnerData.reset()
    for cls in (FakeRegistry,) + OWNERS + (MonitoringService,):
        container_factory(cls, service_config).start()
    dispatch = event_dispatcher(service_config)

    def send(cid, category, epoch):
        envelope = make_envelope("complaint_submitted", "complaints", cid, 1,
                                 {"complaint": _complaint(cid, category)})
        dispatch("complaints", envelope["type"], dict(envelope, store_epoch=epoch))
        return envelope

    with ServiceRpcProxy("monitoring", service_config) as monitoring:
        year = village_month(clock.now_iso())[0]

        def submitted():
            return {r["category"]: r["submitted"]
                    for r in monitoring.annual_counters(year, OFFICER)["complaints"]}
        send("cmp_old", "exclusion", "epoch-one")
        wait_for(lambda: submitted() == {"exclusion": 1})
        OwnerData.items["complaints.export_complaints"] = [_complaint("cmp_new", "inclusion")]
        send("cmp_new", "inclusion", "epoch-two")
        wait_for(lambda: submitted() == {"inclusion": 1}, timeout=20,
                 message="monitoring still counts what the new complaints store lacks")
        assert OwnerData.calls["complaints.export_complaints"] == 1
        # a second event of the same new store is recorded, and rebuilds nothing
        send("cmp_new2", "inclusion", "epoch-two")
        wait_for(lambda: submitted() == {"inclusion": 2})
        assert OwnerData.calls["complaints.export_complaints"] == 1
