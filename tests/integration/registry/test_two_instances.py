"""Two registry instances on one shared database behave as one registry.

The smoke test of ``tests/instances.py``: what one instance writes, the other
serves, and a claim taken through one holds against the other; an import job
is run and ended by the instance that runs it.
"""
import base64

import pytest
from nameko.testing.services import entrypoint_hook
from nameko.testing.utils import get_extension

from services.shared.errors import Conflict
from services.shared.mongo import MongoStore
from services.registry.service import RegistryService

from tests.helpers import wait_for
from tests.unit.registry import factories

pytestmark = [pytest.mark.integration, pytest.mark.mongo]

ACTOR = {"token_id": "tok_two", "name": "Petugas Dua Instans", "role": "officer"}


def call(container, method, *args):
    with entrypoint_hook(container, method) as entrypoint:
        return entrypoint(*args)


def test_two_registry_instances_on_one_database_serve_the_same_data(service_instances):
    first, second = service_instances(RegistryService, 2)
    stores = [get_extension(c, MongoStore) for c in (first, second)]
    assert stores[0].db.name == stores[1].db.name
    assert stores[0].db.client is not stores[1].db.client

    household = call(first, "register_household", factories.household(), ACTOR)
    served = call(second, "get_household", household["id"])
    assert (served["kk_number"], served["member_ids"]) == (household["kk_number"],
                                                           household["member_ids"])
    nik = household["members"][0]["nik"]
    call(second, "update_resident", nik, {"full_name": "Nama Dari Instans Dua"}, "koreksi", ACTOR)
    changed = call(first, "get_resident", nik)
    assert (changed["full_name"], changed["version"]) == ("Nama Dari Instans Dua", 2)

    with pytest.raises(Conflict):
        call(second, "register_household",
             factories.household(kk_number=household["kk_number"]), ACTOR)
    listed = [call(c, "search_residents") for c in (first, second)]
    assert listed[0] == listed[1] and listed[0]["total"] == 3


def test_an_import_runs_on_whichever_instance_got_its_file_and_the_other_stopping_spares_it(
        service_instances):
    """An import job belongs to the instance running it: another instance of the same
    machine starting, or stopping, leaves it running (it used to fail it: jobs named
    the host only, and the instance the job was created on)."""
    content = factories.csv_text([factories.household() for _ in range(40)]).encode()

    def start_job(created_on, sent_to):
        job = call(created_on, "start_import_job", "warga.csv", len(content), ACTOR)
        return call(sent_to, "add_import_part", job["id"], 0,
                    base64.b64encode(content).decode("ascii"))

    def finished(container, job):
        return wait_for(lambda: call(container, "get_import_job", job["id"])["state"] in (
            "done", "failed") and call(container, "get_import_job", job["id"]), timeout=240)

    [first] = service_instances(RegistryService, 1)
    job = start_job(first, first)
    [second] = service_instances(RegistryService, 1)  # starts while the first one imports
    # the start must not fail it; a quiet machine may already have finished it
    assert call(second, "get_import_job", job["id"])["state"] in ("running", "done")
    done = finished(second, job)
    assert (done["state"], done["created_households"]) == ("done", 40), done["failure"]

    content = factories.csv_text([factories.household() for _ in range(40)]).encode()
    job = start_job(first, second)  # created on the first, run by the second
    first.stop()
    assert call(second, "get_import_job", job["id"])["state"] in ("running", "done")
    done = finished(second, job)
    assert (done["state"], done["created_households"]) == ("done", 40), done["failure"]
