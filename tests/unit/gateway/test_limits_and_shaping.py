"""Gateway mechanisms of issue 8 without a broker: body limits, the rate table's
memory, the admin token's length, download names, what outsiders see."""
import pytest
from marshmallow import fields

from gateway.auth import Principal
from gateway.errors import RateLimited
from gateway.http import csv_response, safe_filename
from gateway.limits import MAX_JSON_DEPTH, json_depth
from gateway.ratelimit import SWEEP_SECONDS, RateLimiter
from gateway.service import ROUTER
from gateway.visibility import is_staff_field, shape_for
from services.shared.settings import SettingsError, load_settings


@pytest.mark.parametrize("raw, depth", [
    (b'{"a": [1, {"b": [2]}]}', 4),
    (b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', 1),
    (b'{"a": "\\"[[[[", "b": []}', 2),
    (b"[" * 100000, MAX_JSON_DEPTH + 1),
    (b"", 0),
])
def test_json_depth_counts_brackets_outside_strings(raw, depth):
    assert json_depth(raw) == depth


def test_the_rate_table_forgets_clients_whose_window_has_passed():
    now = [0.0]
    limiter = RateLimiter(clock=lambda: now[0])
    for i in range(1000):
        limiter.hit("status_check", "client-%d" % i, 5, 60)
    assert len(limiter) == 1000
    now[0] += max(60, SWEEP_SECONDS) + 1
    limiter.hit("status_check", "newcomer", 5, 60)
    assert len(limiter) == 1


def test_the_rate_table_holds_at_most_max_clients_and_still_limits():
    limiter = RateLimiter(max_clients=100)
    for i in range(1000):
        limiter.hit("feedback", "client-%d" % i, 10, 600)
    assert len(limiter) == 100
    for _ in range(10):
        limiter.hit("feedback", "busy", 10, 600)
    with pytest.raises(RateLimited):
        limiter.hit("feedback", "busy", 10, 600)


def test_check_refuses_a_full_window_without_counting():
    limiter = RateLimiter()
    limiter.check("wrong_token", "c", 2, 60)
    limiter.record("wrong_token", "c", 2, 60)
    limiter.record("wrong_token", "c", 2, 60)
    limiter.record("wrong_token", "c", 2, 60)  # recording never refuses
    with pytest.raises(RateLimited):
        limiter.check("wrong_token", "c", 2, 60)


@pytest.mark.parametrize("token", ["admin", "x" * 31])
def test_an_admin_token_shorter_than_32_characters_is_refused_at_start(token):
    with pytest.raises(SettingsError, match="ADMIN_TOKEN must be at least 32") as refused:
        load_settings({"ADMIN_TOKEN": token})
    assert token not in str(refused.value)  # a secret is named, never shown
    assert load_settings({"ADMIN_TOKEN": "x" * 32}).admin_token == "x" * 32
    assert load_settings({"ADMIN_TOKEN": ""}).admin_token == ""


@pytest.mark.parametrize("name, safe", [
    ('round-a"b.csv', "round-a_b.csv"),
    ("round-\r\nSet-Cookie: x.csv", "round-__Set-Cookie__x.csv"),
    ("PKH-2026.csv", "PKH-2026.csv"),
    ("", "download"),
])
def test_download_names_keep_only_safe_characters(name, safe):
    assert safe_filename(name) == safe
    header = csv_response("a\n", name).headers["Content-Disposition"]
    assert header == 'attachment; filename="%s"' % safe


ANSWER = {"items": [{"code": "PKH", "published_by": {"name": "Rina", "token_id": "tok_1"},
                     "history": [{"by": {"name": "Rina"}, "action": "published"}],
                     "round": {"closed_by": {"name": "Rina"}, "request_id": "r1"},
                     "recipient_nik": "3174094506870003"}]}


@pytest.mark.parametrize("role", [None, "partner", "seller"])
def test_outsiders_get_niks_masked_and_no_staff_fields_at_any_depth(role):
    shaped = shape_for(Principal(role), ANSWER)
    assert shaped == {"items": [{"code": "PKH", "history": [{"action": "published"}],
                                 "round": {}, "recipient_nik": "3174********0003"}]}


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_staff_see_answers_as_given(role):
    assert shape_for(Principal(role), ANSWER) == ANSWER


def _required_staff_fields(schema, path, seen):
    """``[path]`` of fields ``gateway.visibility`` drops for outsiders that the answer
    ``schema`` documents as always present, at any depth."""
    cls = schema if isinstance(schema, type) else type(schema)
    if cls in seen:
        return []
    seen = seen | {cls}
    found = []
    for name, field in cls._declared_fields.items():
        key = field.data_key or name
        if is_staff_field(key) and field.required:
            found.append(path + key)
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested) and isinstance(inner.nested, type):
            found += _required_staff_fields(inner.nested, path + key + ".", seen)
    return found


def test_what_outsiders_are_answered_still_matches_its_documented_schema():
    """A field dropped for the public, partner or seller callers must be optional in the
    answer's contract, or their answers would break openapi.json (``expected_by``, a
    deadline, was dropped once as if it named an officer)."""
    outsider_routes = [spec for spec in ROUTER.specs if isinstance(spec.response, type)
                       and (spec.role is None or {"partner", "seller"} & set(
                           (spec.role,) if isinstance(spec.role, str) else spec.role))]
    assert any(spec.path == "/api/v1/complaints/<ref>" for spec in outsider_routes)
    broken = {spec.name: _required_staff_fields(spec.response, "", frozenset())
              for spec in outsider_routes}
    assert {name: paths for name, paths in broken.items() if paths} == {}


def test_a_deadline_named_expected_by_reaches_the_public():
    tracking = {"tracking_code": "K7QX2M9HPA", "expected_by": "2026-12-06T08:00:00.000Z",
                "history": [{"status": "received", "at": "2026-11-29T08:00:00.000Z"}]}
    assert shape_for(Principal(None), tracking) == tracking
