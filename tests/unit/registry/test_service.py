"""The service's RPCs with nameko's worker_factory (no broker): shapes and errors."""
import base64
import datetime
import json

import pytest

from services.shared.errors import InvalidInput, NotFound
from services.shared.mongo import MongoStore
from services.shared.service import Service
from services.registry.service import RegistryService
from tests.support.kit import service_worker

from tests.unit.registry import factories
from tests.unit.registry.conftest import ACTOR


@pytest.fixture
def service(repo):
    return service_worker(RegistryService, store=repo)


def test_the_service_is_declared_as_the_platform_expects():
    assert RegistryService.name == "registry" and issubclass(RegistryService, Service)
    assert isinstance(RegistryService.store, MongoStore)
    assert RegistryService.store.outbox_collections == ("households", "residents")


def test_every_answer_is_json_safe_from_register_to_history(service):
    household = service.register_household(factories.household(), ACTOR)
    nik = household["members"][0]["nik"]
    answers = [household, service.get_household(household["id"]), service.get_resident(nik),
               service.search_residents(q=nik[:8]), service.list_flagged(),
               service.update_resident(nik, {"phone": "+6281299990000"}, "nomor baru", ACTOR),
               service.deactivate_resident(nik, "moved_out", "ke Bogor", ACTOR),
               service.resident_history(nik), service.export_residents(),
               service.export_households(), service.search_households(rt=household["rt"])]
    for answer in answers:
        assert json.loads(json.dumps(answer)) == answer
    history = service.resident_history(nik)["items"]
    assert [h["action"] for h in history] == ["registered", "updated", "deactivated"]
    assert history[1]["by"]["name"] == ACTOR["name"]


def test_events_carry_the_callers_request_id_as_correlation(service, db):
    household = service.register_household(factories.household(), dict(ACTOR, request_id="req-9"))
    doc = db.households.find_one({"_id": household["id"]})
    assert doc["_outbox"][0]["correlation_id"] == "req-9"
    other = service.register_household(factories.household(), ACTOR)
    assert db.households.find_one({"_id": other["id"]})["_outbox"][0]["correlation_id"] == "call-1"


def test_bad_input_names_every_field(service):
    with pytest.raises(InvalidInput) as exc:
        service.register_household({"kk_number": "1", "members": []}, ACTOR)
    assert {"kk_number", "members", "rt", "rw"} <= set(exc.value.errors)
    with pytest.raises(InvalidInput) as exc:
        service.search_residents(status="asleep", per_page=500)
    assert "status" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        service.update_resident("3174092209850001", {"full_name": "X"}, "", ACTOR)
    assert "reason" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        service.deactivate_resident("3174092209850001", "bored", None, ACTOR)
    assert "reason" in exc.value.errors
    with pytest.raises(InvalidInput):
        service.export_residents(per_page=5000)


def test_unknown_records_are_not_found(service):
    with pytest.raises(NotFound):
        service.get_resident("3174092209850001")
    with pytest.raises(NotFound):
        service.get_household("hh_nope")
    with pytest.raises(NotFound):
        service.update_resident("3174092209850001", {"full_name": "X"}, "koreksi", ACTOR)


def test_import_takes_base64_and_refuses_what_is_not(service):
    text = factories.csv_text([factories.household(), factories.household()])
    result = service.import_registry("two.csv", base64.b64encode(text.encode()).decode(), ACTOR)
    assert (result["created_households"], result["created_residents"]) == (2, 6)
    with pytest.raises(InvalidInput) as exc:
        service.import_registry("two.csv", "not base64!", ACTOR)
    assert "content_base64" in exc.value.errors


def test_repair_timer_has_nothing_to_do_on_a_healthy_store(service):
    service.register_household(factories.household(), ACTOR)
    assert service.repair_pending_writes() == {"committed": 0, "deleted": 0, "households": 0,
                                               "members": 0}


def test_the_data_quality_queue_holds_every_flagged_resident_and_no_other(service):
    """Each flag a resident can carry puts them in the queue (its query asks for the
    known flags, which an index serves); an unflagged resident is never in it."""
    born = datetime.date(1990, 5, 17)
    members = [factories.person("head", "M", born),                       # no flag
               factories.person("wife", "F", born, nik=False),            # temporary number
               factories.person("child", "F", born,                      # NIK says male
                                nik=factories.nik_for(born, "M", serial=77)),
               factories.person("child", "M", born,                      # another birth date
                                nik=factories.nik_for(born.replace(year=born.year - 1), "M",
                                                      serial=78))]
    household = service.register_household(factories.household(members=members), ACTOR)
    flags = {m["full_name"]: m["quality_flags"] for m in household["members"]}
    assert sorted(map(tuple, flags.values())) == [
        (), ("nik_birth_date_mismatch",), ("nik_sex_mismatch",), ("temporary_nik",)]
    queue = {r["full_name"] for r in service.list_flagged()["items"]}
    assert queue == {name for name, found in flags.items() if found}
    clean = {r["full_name"] for r in service.search_residents(flagged=False)["items"]}
    assert clean == {name for name, found in flags.items() if not found}
