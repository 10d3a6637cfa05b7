"""The delays between a failed event's attempts (issue 9, item 7): growing, jittered,
about 15 minutes in all by default, and a setting that says what is wrong with it."""
import pytest

from services.shared import backoff
from services.shared.retry import attempts_of, delay_queue_name
from services.shared.settings import SettingsError, load_settings


def test_the_default_schedule_tries_seven_times_over_about_fifteen_minutes():
    delays = load_settings({}).event_retry_delays
    assert delays == (1, 5, 30, 120, 240, 480)
    assert backoff.attempts_allowed(delays) == 7
    shortest, longest = backoff.total_wait(delays)
    assert (shortest, longest) == pytest.approx((876 * 0.8, 876 * 1.2))
    assert 10 * 60 < shortest and longest < 20 * 60


def test_each_delay_grows_with_the_attempt_and_the_last_failure_parks():
    delays = backoff.parse_delays("1,5,30")
    waits = [backoff.base_delay(failed, delays) for failed in range(1, 5)]
    assert waits == [1, 5, 30, None]


def test_a_handler_allowed_fewer_attempts_parks_sooner_and_more_repeats_the_last_delay():
    delays = (1.0, 5.0)
    assert [backoff.base_delay(n, delays, max_attempts=2) for n in (1, 2)] == [1, None]
    assert [backoff.base_delay(n, delays, max_attempts=5) for n in (1, 2, 3, 4, 5)] == [
        1, 5, 5, 5, None]
    assert backoff.total_wait(delays, max_attempts=5) == pytest.approx((16 * 0.8, 16 * 1.2))


@pytest.mark.parametrize("draw, factor", [(0.0, 0.8), (0.5, 1.0), (0.999999, 1.2)])
def test_the_jitter_stays_within_twenty_percent(draw, factor):
    assert backoff.jittered(30, rand=lambda: draw) == pytest.approx(30 * factor, rel=1e-5)


def test_jittered_waits_spread_over_the_whole_band():
    waits = [backoff.jittered(10) for _ in range(2000)]
    assert all(8 <= wait < 12 for wait in waits)
    assert min(waits) < 8.2 and max(waits) > 11.8  # not all the same instant


@pytest.mark.parametrize("text, says", [
    ("", "at least one delay"),
    ("1,five", "'five' is not a number"),
    ("1,0", "'0' must be above 0"),
    ("5,1", "'1' is shorter than the delay before it"),
])
def test_a_malformed_schedule_is_refused_naming_the_setting_and_the_rule(text, says):
    with pytest.raises(ValueError, match=says):
        backoff.parse_delays(text)
    if text:  # an empty setting means the default
        with pytest.raises(SettingsError, match="EVENT_RETRY_DELAYS.*" + says):
            load_settings({"EVENT_RETRY_DELAYS": text})


class _Message:
    def __init__(self, headers):
        self.headers = headers


@pytest.mark.parametrize("headers, failed", [
    (None, 0), ({}, 0), ({"bansos.attempts": 3}, 3), ({"bansos.attempts": "2"}, 2),
    ({"bansos.attempts": "many"}, 0), ({"bansos.attempts": -4}, 0),
])
def test_the_attempts_so_far_are_read_from_the_header_a_garbled_one_counts_as_none(headers,
                                                                                   failed):
    assert attempts_of(_Message(headers)) == failed


def test_a_delay_names_its_queue_in_whole_milliseconds():
    assert delay_queue_name("registry", 5) == "retry-registry-5000ms"
    assert delay_queue_name("registry", 0.25) == "retry-registry-250ms"
