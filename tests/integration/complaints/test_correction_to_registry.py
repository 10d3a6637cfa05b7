"""A resolved data-correction complaint becomes a registry change an officer confirms."""
import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from services.shared.errors import Conflict, InvalidInput

from services.complaints.service import ComplaintsService
from services.registry.service import RegistryService
from tests.helpers import wait_for

pytestmark = pytest.mark.integration

NIK = "3174094506870021"
OFFICER = {"name": "Petugas Rina", "role": "officer", "token_id": "tok_1"}

Registry = RegistryService

HOUSEHOLD = {"kk_number": "3174092811260021", "street": "Jl. Kebagusan Raya No. 7", "rt": "005",
             "rw": "003", "welfare_decile": 2,
             "members": [{"nik": NIK, "full_name": "Siti Rahayu", "sex": "F", "birth_place": "Jakarta",
                          "birth_date": "1987-06-05", "relationship": "head"}]}


@pytest.fixture
def proxies(container_factory, service_config):
    container_factory(Registry, service_config).start()  # declares its queue first
    container_factory(ComplaintsService, service_config).start()
    with ServiceRpcProxy("registry", service_config) as registry, \
            ServiceRpcProxy("complaints", service_config) as complaints:
        registry.register_household(HOUSEHOLD, OFFICER)
        yield registry, complaints


def resolve_correction(complaints, fields):
    code = complaints.submit_complaint({
        "category": "data_correction", "anonymous": True,
        "description": "Tempat lahir dan RT saya salah di data kelurahan.",
        "correction": {"subject_nik": NIK, "fields": fields}})["tracking_code"]
    cid = complaints.list_complaints({"tracking_code": code}, actor=OFFICER)["items"][0]["id"]
    complaints.transition_complaint(cid, {"to": "verified"}, OFFICER)
    complaints.transition_complaint(cid, {"to": "resolved", "note": "Diajukan ke registri."},
                                    OFFICER)
    return cid


def test_confirmed_correction_changes_the_registry_with_history(proxies):
    registry, complaints = proxies
    cid = resolve_correction(complaints, {"birth_place": "Bogor", "rt": "006"})
    pending = wait_for(lambda: registry.list_pending_corrections()["items"])
    [item] = pending
    assert item["complaint_id"] == cid and item["subject_nik"] == NIK
    assert item["fields"] == {"birth_place": "Bogor", "rt": "006"}
    assert registry.get_resident(NIK)["birth_place"] == "Jakarta"  # nothing applied silently
    done = registry.confirm_correction(item["id"], {"note": "Dicek dengan KK asli."}, OFFICER)
    assert done["status"] == "confirmed" and done["decided_by"]["name"] == "Petugas Rina"
    resident = registry.get_resident(NIK)
    assert resident["birth_place"] == "Bogor" and resident["rt"] == "006"
    history = registry.resident_history(NIK)["items"]
    assert any(cid in str(entry) for entry in history)
    with pytest.raises(Conflict):
        registry.confirm_correction(item["id"], {}, OFFICER)
    assert registry.list_pending_corrections()["total"] == 0


def test_a_rejected_correction_changes_nothing(proxies):
    registry, complaints = proxies
    resolve_correction(complaints, {"full_name": "Siti Rahayu Ningsih"})
    [item] = wait_for(lambda: registry.list_pending_corrections()["items"])
    with pytest.raises(InvalidInput):
        registry.reject_correction(item["id"], {"reason": " "})
    rejected = registry.reject_correction(item["id"], {"reason": "Nama di KTP sudah sesuai data."}, OFFICER)
    assert rejected["status"] == "rejected"
    assert registry.get_resident(NIK)["full_name"] == "Siti Rahayu"
    assert registry.list_pending_corrections(status="rejected")["total"] == 1
