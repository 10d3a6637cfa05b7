"""deploy/run_local.py's own rules, without starting anything (the runner itself is
tested end to end in tests/integration/deploy/test_run_local.py)."""
import json

from deploy.run_local import module_exists, started_ok


def test_a_subset_is_ready_when_its_own_services_answer():
    body = json.dumps({"status": "unavailable", "services": {
        "registry": "ok", "distribution": "unavailable: Unknown service `distribution`"}})
    services = [("registry", "x:Y"), ("gateway", "g:G")]
    assert started_ok((503, body), services)
    assert not started_ok((503, body), services + [("distribution", "d:D")])
    assert not started_ok((0, "connection refused"), services)


def test_a_listed_service_not_written_yet_is_skipped():
    assert module_exists("services.registry.service:RegistryService")
    assert not module_exists("services.noticeboard.service:NoticeboardService")
