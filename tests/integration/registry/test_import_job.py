"""An import job over the real broker, through the gateway: a generated file of 3,000
families in one upload (sent on in parts), polled to ``done``, counts equal to the
synchronous import's of the same file; a second job meanwhile is refused."""
import base64

import eventlet
import mongomock
import pytest

from gateway.service import GatewayService
from samplegen.generate import generate
from samplegen.writers import csv_text
from services.registry import job_runner, jobs
from services.registry.service import RegistryService
from services.registry.store import RegistryRepository
from tests.helpers import free_port
from tests.support.api import ApiError, Client, checked_session
from tests.support.kit import service_worker

pytestmark = pytest.mark.integration

ADMIN = "test-admin-token-of-32-characters-or-more"
FAMILIES = 3000
PART = 512 * 1024


@pytest.fixture
def platform(container_factory, service_config, monkeypatch):
    # small parts, so this file of ~2 MB crosses the broker in several
    monkeypatch.setattr("gateway.routes.registry.IMPORT_PART_BYTES", PART)
    monkeypatch.setattr(jobs, "PART_BYTES", PART)
    port = free_port()
    config = dict(service_config, WEB_SERVER_ADDRESS="127.0.0.1:%d" % port, ADMIN_TOKEN=ADMIN,
                  RPC_DEADLINE=30)
    container_factory(RegistryService, config).start()
    container_factory(GatewayService, config).start()
    url = "http://127.0.0.1:%d" % port
    session, check = checked_session(url)
    return Client(url, ADMIN, session=session), check


@pytest.fixture
def gate(monkeypatch):
    """Holds every job's runner until ``gate.send()``, so what happens meanwhile is seen."""
    event, real = eventlet.event.Event(), job_runner.run_job

    def gated(*args, **kwargs):
        event.wait()
        return real(*args, **kwargs)
    monkeypatch.setattr(job_runner, "run_job", gated)
    return event


def synchronous(content):
    db = mongomock.MongoClient(tz_aware=True)["registry_sync"]
    RegistryRepository.ensure_indexes(db)
    worker = service_worker(RegistryService, store=RegistryRepository(db, lambda *a: None,
                                                                      pause=lambda: None))
    return worker.import_registry("warga.csv", base64.b64encode(content).decode(), None)


def test_a_generated_kelurahan_imports_as_one_job_with_the_counts_of_one_import(platform, gate):
    api, check = platform
    main, _ = generate(20261202, FAMILIES)
    content = csv_text(main).encode("utf-8")
    answer = api.raw("POST", "imports/registry/jobs", data=content, params={
        "filename": "kelurahan.csv"}, headers={"Content-Type": "text/csv"})
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert answer.headers["Location"] == "/api/v1/imports/registry/jobs/%s" % job["id"]
    assert (job["state"], job["parts_expected"], job["parts_received"]) == (
        "running", -(-len(content) // PART), -(-len(content) // PART))
    assert job["parts_expected"] > 1

    with pytest.raises(ApiError) as refused:
        api.start_import(content[:2000], "lain.csv")
    assert refused.value.status == 409 and job["id"] in refused.value.detail
    assert api.import_job(job["id"])["rows_processed"] == 0

    gate.send()
    seen = []
    done = api.wait_for_import(job, timeout=300, poll=0.2, on_progress=seen.append)
    assert done["state"] == "done", done["failure"]
    percents = [j["percent"] for j in seen]
    assert percents == sorted(percents) and percents[-1] == 100
    once = synchronous(content)
    for key in ("created_households", "created_residents", "updated_households",
                "already_present"):
        assert done[key] == once[key], key
    assert done["created_households"] == FAMILIES
    assert (done["rows_total"], done["rows_processed"]) == (once["rows"], once["rows"])
    assert done["errors_total"] == len(once["errors"])
    assert done["errors"] == once["errors"][:jobs.ERRORS_KEPT]
    assert done["chunks_total"] == -(-FAMILIES // jobs.FAMILIES_PER_CHUNK)
    recent = api.get("imports/registry/jobs")
    assert recent["items"][0]["id"] == job["id"] and recent["items"][0]["state"] == "done"
    assert any(k.startswith("GET") and k.endswith(" 200") for k in check.checked)
