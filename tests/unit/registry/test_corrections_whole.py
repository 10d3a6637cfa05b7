"""Confirming a data correction applies every part or none (issue 8, item 13)."""
import pytest

from services.shared.errors import InvalidInput

from services.registry.service import RegistryService

from tests.support.kit import service_worker
from tests.unit.registry import factories
from tests.unit.registry.conftest import ACTOR


@pytest.fixture
def corrections(repo):
    return repo.corrections


@pytest.fixture
def service(repo):
    return service_worker(RegistryService, store=repo)


def pending(corrections, nik, fields, correction_id="corr_cmp_1_v3"):
    corrections.store_requested({"data": {"correction": {
        "id": correction_id, "complaint_id": "cmp_1", "subject_nik": nik, "fields": fields,
        "reason": "Koreksi data", "requested_at": "2026-11-29T08:00:00Z"}}})
    return correction_id


@pytest.mark.parametrize("household_part", [{"rt": "abc"}, {"rw": "12345"}, {"street": "x" * 201}])
def test_a_refused_household_part_leaves_the_resident_as_it_was(service, corrections,
                                                                household_part):
    household = service.register_household(factories.household(), ACTOR)
    nik = household["members"][0]["nik"]
    cid = pending(corrections, nik, dict(household_part, full_name="Nama Baru"))
    with pytest.raises(InvalidInput) as exc:
        service.confirm_correction(cid, {}, ACTOR)
    assert set(exc.value.errors) == {"fields.%s" % next(iter(household_part))}
    assert service.get_resident(nik)["full_name"] == household["members"][0]["full_name"]
    assert service.resident_history(nik)["total"] == 1  # registered, nothing since
    assert corrections.get(cid)["status"] == "pending"


def test_a_part_already_as_asked_is_skipped_and_the_rest_applied(service, corrections):
    household = service.register_household(factories.household(), ACTOR)
    nik = household["members"][0]["nik"]
    cid = pending(corrections, nik, {"full_name": "Nama Baru", "rt": household["rt"]})
    confirmed = service.confirm_correction(cid, {}, ACTOR)
    assert confirmed["status"] == "confirmed"
    assert service.get_resident(nik)["full_name"] == "Nama Baru"
    again = pending(corrections, nik, {"full_name": "Nama Baru", "street": "Jl. Baru No. 1"},
                    "corr_cmp_1_v5")
    assert service.confirm_correction(again, {}, ACTOR)["status"] == "confirmed"
    assert service.get_household(household["id"])["street"] == "Jl. Baru No. 1"
