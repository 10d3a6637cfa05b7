"""The complaints service over the real RabbitMQ: what it publishes and what it consumes."""
import json

import pytest
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_waiter

from services.shared.envelope import make_envelope
from services.shared.errors import Conflict, RuleRefused
from services.shared.inbox import Inbox, consumes

from services.complaints import contract
from services.complaints.service import ComplaintsService
from tests.helpers import wait_for

pytestmark = pytest.mark.integration

NIK = "3174094506870003"
SUBJECT_NIK = "3174091203650001"
OFFICER = {"name": "Petugas Rina", "role": "officer", "token_id": "tok_1"}
REPORTER = {"name": "Siti Aminah", "nik": NIK, "phone": "081234567890"}
RECEIVED = []


class Listener:
    """Stands in for the notification work and the registry: records every complaints event."""
    name = "listener"
    inbox = Inbox()

    @consumes(contract.COMPLAINT_SUBMITTED)
    def on_submitted(self, event):
        RECEIVED.append(event)

    @consumes(contract.COMPLAINT_STATUS_CHANGED)
    def on_status_changed(self, event):
        RECEIVED.append(event)

    @consumes(contract.COMPLAINT_RESOLVED)
    def on_resolved(self, event):
        RECEIVED.append(event)

    @consumes(contract.COMPLAINT_OVERDUE)
    def on_overdue(self, event):
        RECEIVED.append(event)

    @consumes(contract.CORRECTION_REQUESTED)
    def on_correction(self, event):
        RECEIVED.append(event)


@pytest.fixture(autouse=True)
def clear():
    RECEIVED.clear()


@pytest.fixture
def running(container_factory, service_config):
    """The listener declares its queues first (an event sent before is dropped)."""
    container_factory(Listener, service_config).start()
    complaints = container_factory(ComplaintsService, service_config)
    complaints.start()
    with ServiceRpcProxy("complaints", service_config) as proxy:
        yield proxy, complaints


def types():
    return [e["type"] for e in RECEIVED]


def test_events_reach_consumers_and_carry_no_identity(running):
    proxy, _ = running
    filed = proxy.submit_complaint({
        "category": "data_correction", "description": "Tanggal lahir ayah saya salah di data.",
        "reporter": REPORTER,
        "correction": {"subject_nik": SUBJECT_NIK, "fields": {"birth_date": "1965-03-12"}}})
    pungli = proxy.submit_complaint({"category": "pungli", "reporter": REPORTER,
                                     "description": "Ketua kelompok minta Rp20.000 per KPM."})
    cid = proxy.list_complaints({"tracking_code": filed["tracking_code"]}, actor=OFFICER)["items"][0]["id"]
    proxy.transition_complaint(cid, {"to": "verified"}, OFFICER)
    proxy.transition_complaint(cid, {"to": "resolved", "note": "Koreksi diajukan ke registri."},
                               OFFICER)
    # each type has its own queue: they arrive in no fixed order, so wait for all of them
    wait_for(lambda: "correction_requested" in types() and "complaint_resolved" in types()
             and types().count("complaint_submitted") == 2
             and types().count("complaint_status_changed") == 2)
    [correction] = [e for e in RECEIVED if e["type"] == "correction_requested"]
    assert correction["data"]["correction"]["subject_nik"] == SUBJECT_NIK
    assert correction["data"]["correction"]["fields"] == {"birth_date": "1965-03-12"}
    text = json.dumps(RECEIVED, ensure_ascii=False)
    for secret in ("Siti Aminah", NIK, "081234567890", filed["tracking_code"],
                   pungli["tracking_code"], "Ketua kelompok", "Tanggal lahir ayah"):
        assert secret not in text


def test_the_overdue_check_announces_each_missed_deadline_once(running):
    proxy, _ = running
    proxy.submit_complaint({"category": "pungli", "anonymous": True,
                            "description": "Potongan Rp50.000 saat pencairan."})
    wait_for(lambda: types() == ["complaint_submitted"])
    assert proxy.check_overdue(now="2099-01-01T00:00:00Z") == {"announced": 2}
    assert proxy.check_overdue(now="2099-01-01T00:00:00Z") == {"announced": 0}
    wait_for(lambda: types().count("complaint_overdue") == 2)
    # a later event overtakes nothing: once it arrives, no third overdue came with it
    proxy.submit_complaint({"category": "other", "anonymous": True, "description": "Penanda."})
    wait_for(lambda: types().count("complaint_submitted") == 2)
    overdue = [e for e in RECEIVED if e["type"] == "complaint_overdue"]
    assert sorted(e["data"]["deadline"]["name"] for e in overdue) == ["resolution", "triage"]


def test_concurrent_moves_apply_once(running):
    proxy, _ = running
    code = proxy.submit_complaint({"category": "inclusion", "anonymous": True,
                                   "description": "Tetangga mampu menerima PKH."})["tracking_code"]
    cid = proxy.list_complaints({"tracking_code": code}, actor=OFFICER)["items"][0]["id"]
    proxy.transition_complaint(cid, {"to": "verified"}, OFFICER)
    moves = [{"to": "resolved", "note": "Dicoret dari usulan."},
             {"to": "rejected", "note": "Data sudah benar."}] * 3
    replies = [proxy.transition_complaint.call_async(cid, move, OFFICER) for move in moves]
    outcomes = []
    for reply in replies:
        try:
            outcomes.append(reply.result()["status"])
        except (Conflict, RuleRefused) as exc:
            outcomes.append(type(exc).__name__)
    closed = [o for o in outcomes if o in ("resolved", "rejected")]
    assert len(closed) == 1, outcomes
    view = proxy.get_complaint(cid, OFFICER)
    assert [h["to"] for h in view["history"]] == ["verified", closed[0]]


def allocation(version, status, allocation_id="alc_0001"):
    return {"id": allocation_id, "round_id": "rnd_1", "programme_code": "SEMBAKO",
            "kk_number": "3174091201090001", "recipient_nik": NIK, "amount_idr": 200000,
            "status": status, "status_reason": None, "version": version}


def dispatch(config, event_type, alloc):
    envelope = make_envelope(event_type, "distribution", alloc["id"], alloc["version"],
                             {"allocation": alloc})
    event_dispatcher(config)("distribution", event_type, envelope)
    return envelope


def test_distribution_events_update_the_linked_complaint(running, service_config):
    proxy, container = running
    with entrypoint_waiter(container, "handle_allocation_created"):
        dispatch(service_config, "allocation_created", allocation(1, "pending"))
    code = proxy.submit_complaint({"category": "not_received", "anonymous": True,
                                   "allocation_id": "alc_0001", "programme_code": "SEMBAKO",
                                   "description": "Belum menerima Sembako bulan ini."})["tracking_code"]
    assert proxy.track_complaint(code)["allocation_status"] == "pending"
    disbursed = allocation(2, "disbursed")
    with entrypoint_waiter(container, "handle_aid_disbursed"):
        envelope = dispatch(service_config, "aid_disbursed", disbursed)
    with entrypoint_waiter(container, "handle_aid_disbursed"):  # delivered twice
        event_dispatcher(service_config)("distribution", "aid_disbursed", envelope)
    public = proxy.track_complaint(code)
    assert public["allocation_status"] == "disbursed"
    assert len(public["public_notes"]) == 1 and "disalurkan" in public["public_notes"][0]["text"]
    with entrypoint_waiter(container, "handle_allocation_created"):  # old news arriving late
        dispatch(service_config, "allocation_created", allocation(1, "pending"))
    assert proxy.track_complaint(code)["allocation_status"] == "disbursed"
