"""The e2e suite's OpenAPI check is strict: one undocumented or one missing key fails.

Answers are built here as the gateway would send them and run through the same
check (tests/support/api.py) against the document the gateway serves.
"""
import json

import pytest
import requests

from gateway.openapi import build_spec
from gateway.service import ROUTER
from tests.support.api import OpenApiCheck

TOKEN = {"id": "tok_1", "role": "officer", "name": "Petugas", "partner_id": None,
         "seller_id": None, "created_at": "2026-11-29T08:00:00.000Z", "revoked_at": None}


@pytest.fixture(scope="module")
def check():
    return OpenApiCheck(build_spec(ROUTER))


def answer(method, path, status, body, media="application/json"):
    response = requests.models.Response()
    response.status_code = status
    response._content = json.dumps(body).encode("utf-8")
    response.headers["Content-Type"] = media
    response.request = requests.Request(method, "http://gw.test" + path).prepare()
    response.url = response.request.url
    return response


def test_a_documented_answer_passes(check):
    check(answer("DELETE", "/api/v1/tokens/tok_1", 200, TOKEN))
    check(answer("POST", "/api/v1/tokens", 201, dict(TOKEN, token="bt_x")))  # optional key


def test_an_undocumented_key_fails(check):
    with pytest.raises(AssertionError, match="does not match openapi.json"):
        check(answer("DELETE", "/api/v1/tokens/tok_1", 200, dict(TOKEN, secret="x")))


def test_a_missing_key_fails(check):
    body = dict(TOKEN)
    del body["revoked_at"]
    with pytest.raises(AssertionError, match="does not match openapi.json"):
        check(answer("DELETE", "/api/v1/tokens/tok_1", 200, body))


def test_an_undocumented_status_or_a_bad_problem_fails(check):
    problem = {"type": "about:blank", "title": "Conflict", "status": 409, "detail": "x"}
    check(answer("DELETE", "/api/v1/tokens/tok_1", 409, problem, "application/problem+json"))
    with pytest.raises(AssertionError):
        check(answer("DELETE", "/api/v1/tokens/tok_1", 418, problem, "application/problem+json"))
    with pytest.raises(AssertionError):
        check(answer("DELETE", "/api/v1/tokens/tok_1", 409, dict(problem, trace="..."),
                     "application/problem+json"))


def test_an_unknown_path_must_be_a_404_problem(check):
    problem = {"type": "about:blank", "title": "Not found", "status": 404, "detail": "x"}
    check(answer("GET", "/api/v1/nothing-here", 404, problem, "application/problem+json"))
    with pytest.raises(AssertionError, match="not in openapi.json"):
        check(answer("GET", "/api/v1/nothing-here", 200, {}))


def test_the_document_lists_exactly_the_routes_served():
    document = build_spec(ROUTER)
    documented = {(method.upper(), path) for path, ops in document["paths"].items()
                  for method in ops}
    served = {(r.method, r.path.replace("<", "{").replace(">", "}")) for r in ROUTER.specs}
    assert documented == served
    assert len({op["operationId"] for ops in document["paths"].values()
                for op in ops.values()}) == len(ROUTER.specs)


def test_no_two_schemas_share_a_component_name():
    """apispec renames a second schema of the same name with a warning (``VerifyIn1``);
    the gateway names it after its owner instead, so the document says whose it is."""
    import warnings

    from gateway.openapi import build_spec
    from gateway.service import ROUTER
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        names = build_spec(ROUTER)["components"]["schemas"]
    assert {"VerifyIn", "PartnersVerifyIn"} <= set(names)


def test_the_import_job_routes_are_documented_with_their_202_and_location():
    paths = build_spec(ROUTER)["paths"]
    start = paths["/api/v1/imports/registry/jobs"]["post"]
    assert "Location" in start["responses"]["202"]["headers"]
    assert "409" in start["responses"] and "text/csv" in start["requestBody"]["content"]
    assert set(paths["/api/v1/imports/registry/jobs"]) == {"get", "post"}
    assert "get" in paths["/api/v1/imports/registry/jobs/{job_id}"]
    assert "post" in paths["/api/v1/imports/registry"]  # the synchronous import stays


def test_an_import_route_takes_the_bodies_its_limit_allows():
    from services.registry.contract import IMPORT_JOB_MAX_BYTES
    from gateway.limits import MAX_UPLOAD_BYTES
    specs = {(s.method, s.path): s for s in ROUTER.specs}
    assert specs[("POST", "/api/v1/imports/registry/jobs")].max_body == IMPORT_JOB_MAX_BYTES
    assert specs[("POST", "/api/v1/imports/registry")].max_body == MAX_UPLOAD_BYTES
