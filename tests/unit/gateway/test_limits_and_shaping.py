"""Gateway mechanisms of issue 8 without a broker: body limits, the rate table's
memory, the admin token's length, download names, what outsiders see."""
import pytest

from gateway.auth import Principal
from gateway.errors import RateLimited
from gateway.http import Settings, csv_response, safe_filename
from gateway.limits import MAX_JSON_DEPTH, json_depth
from gateway.ratelimit import SWEEP_SECONDS, RateLimiter
from gateway.visibility import shape_for


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
    with pytest.raises(ValueError, match="at least 32"):
        Settings({"ADMIN_TOKEN": token})
    assert Settings({"ADMIN_TOKEN": "x" * 32}).admin_token == "x" * 32
    assert Settings({"ADMIN_TOKEN": ""}).admin_token is None


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
