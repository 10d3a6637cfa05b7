"""The running platform over HTTP: health, OpenAPI, tokens, problems."""
import pytest

from tests.support.api import ApiError

pytestmark = pytest.mark.e2e


def test_health_reports_every_service(public):
    health = public.get("/health")
    assert health["status"] == "ok"
    assert {"registry", "distribution", "complaints"} <= set(health["services"])


def test_metrics_page_reads_as_prometheus_text_for_admins_only(admin, public, make_client):
    from prometheus_client.parser import text_string_to_metric_families
    answer = admin.raw("GET", "admin/metrics")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    up = {s.labels["service"]: s.value for f in text_string_to_metric_families(answer.text)
          for s in f.samples if s.name == "bansos_service_up"}
    assert set(up) == set(public.get("/health")["services"]) and set(up.values()) == {1.0}
    assert "bansos_parked_events{" in answer.text
    for client in (public, make_client("officer")):
        with pytest.raises(ApiError) as exc:
            client.get("admin/metrics")
        assert exc.value.status in (401, 403)


def test_openapi_covers_the_contract_surface(public):
    paths = public.get("openapi.json")["paths"]
    for path in ("/api/v1/households", "/api/v1/residents/{nik}", "/api/v1/imports/registry",
                 "/api/v1/programmes", "/api/v1/rounds/{id}/allocations",
                 "/api/v1/allocations/{id}/disburse", "/api/v1/status-check",
                 "/api/v1/complaints", "/api/v1/feedback", "/api/v1/tokens"):
        assert any(p.replace("{round_id}", "{id}").replace("{allocation_id}", "{id}") == path
                   for p in paths), path


def test_tokens_shown_once_and_revocable(admin, make_client):
    created = admin.post("tokens", {"role": "officer", "name": "Petugas e2e"})
    officer = admin.with_token(created["token"])
    assert officer.get("residents")["page"] == 1
    listed = admin.get("tokens")["items"]
    assert created["token"] not in str(listed)
    admin.delete("tokens/%s" % created["id"])
    with pytest.raises(ApiError) as exc:
        officer.get("residents")
    assert exc.value.status == 401


def test_roles_are_enforced(public, make_client):
    seller = make_client("seller", seller_id="slr_e2e")
    with pytest.raises(ApiError) as exc:
        public.get("residents")
    assert exc.value.status == 401
    with pytest.raises(ApiError) as exc:
        seller.get("residents")
    assert exc.value.status == 403
    assert exc.value.problem["title"] == "Forbidden"


def test_unknown_path_and_bad_json_are_problems(admin):
    answer = admin.raw("GET", "no-such-thing")
    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == "application/problem+json"
    answer = admin.raw("POST", "tokens", data=b"{oops", headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and "_body" in answer.json()["errors"]
