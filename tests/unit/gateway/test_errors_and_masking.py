"""The one error table, problem bodies, NIK masking, rate limits, roles."""
import json

import pytest
from nameko.exceptions import RemoteError, UnknownService

from gateway.auth import Principal, allowed, authorize
from gateway.errors import RateLimited, ServiceUnavailable, Unauthorized, problem_from_exception
from gateway.ratelimit import RateLimiter
from gateway.visibility import shape_for
from services.shared.settings import parse_rate_limits as parse_overrides
from services.shared import errors
from services.shared.rpc import Timeout


@pytest.mark.parametrize("exc, status", [
    (errors.InvalidInput("bad", {"nik": ["must be 16 digits"]}), 400),
    (Unauthorized("no token"), 401),
    (errors.Forbidden("no"), 403),
    (errors.NotFound("none"), 404),
    (errors.Conflict("dup"), 409),
    (errors.RuleRefused("not eligible"), 422),
    (RateLimited("slow down", retry_after=7), 429),
    (ServiceUnavailable("down"), 503),
    (UnknownService("registry"), 503),
    (Timeout("registry.get_resident did not answer within 10 s"), 504),
    (RemoteError("KeyError", "boom"), 500),
    (KeyError("boom"), 500),
])
def test_each_error_type_has_its_status_and_no_traceback(exc, status):
    response = problem_from_exception(exc)
    body = json.loads(response.get_data())
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert body["status"] == status and body["title"]
    assert "Traceback" not in response.get_data(as_text=True)
    if status == 500:
        assert "boom" not in body["detail"]


def test_invalid_input_problem_lists_fields():
    body = json.loads(problem_from_exception(
        errors.InvalidInput("bad", {"nik": ["must be 16 digits"], "sex": ["must be M or F"]})).get_data())
    assert body["errors"] == {"nik": ["must be 16 digits"], "sex": ["must be M or F"]}


def test_rate_limited_problem_says_when_to_retry():
    response = problem_from_exception(RateLimited("slow", retry_after=7))
    assert response.headers["Retry-After"] == "7"


def test_domain_errors_survive_rpc_serialisation():
    from nameko.exceptions import deserialize, serialize
    exc = deserialize(serialize(errors.Conflict("NIK exists", {"nik": ["already registered as res_1"]})))
    assert isinstance(exc, errors.Conflict)
    assert exc.detail == "NIK exists" and exc.errors == {"nik": ["already registered as res_1"]}


def test_masking_hides_nik_fields_at_any_depth():
    data = {"nik": "3174091708450001", "items": [{"recipient_nik": "3174095708450002",
                                                  "name": "Siti", "kk_number": "3174090101200001"}]}
    assert shape_for(Principal(None), data) == {"nik": "3174********0001", "items": [
        {"recipient_nik": "3174********0002", "name": "Siti", "kk_number": "3174090101200001"}]}


@pytest.mark.parametrize("role, requirement, ok", [
    (None, None, True), (None, "officer", False), ("officer", "officer", True),
    ("admin", "officer", True), ("officer", "admin", False), ("partner", "officer", False),
    ("partner", ("partner", "officer"), True), ("admin", ("partner", "officer"), True),
    ("seller", ("partner", "officer"), False),
])
def test_roles(role, requirement, ok):
    assert allowed(Principal(role), requirement) is ok


def test_a_401_names_the_bearer_scheme():
    response = problem_from_exception(Unauthorized("no token"))
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="bansos"'


def test_authorize_distinguishes_401_from_403():
    with pytest.raises(Unauthorized):
        authorize(Principal(None), "officer")
    with pytest.raises(errors.Forbidden):
        authorize(Principal("seller"), "officer")


def test_rate_limiter_window_and_overrides():
    now = [0.0]
    limiter = RateLimiter(parse_overrides("status_check=2/10"), clock=lambda: now[0])
    limiter.hit("status_check", "a", 100, 1)
    limiter.hit("status_check", "a", 100, 1)
    with pytest.raises(RateLimited):
        limiter.hit("status_check", "a", 100, 1)
    limiter.hit("status_check", "b", 100, 1)  # another client is not affected
    now[0] = 10.5
    limiter.hit("status_check", "a", 100, 1)
