"""The main job's year (docs/main-job.md): which quarters it lives through, where the
yearly rounds fall, and the smaller sample of ``--families``."""
import collections
import csv
import datetime

import pytest

from demo import distribution, options

CATALOGUE = [
    {"code": "PKH", "kind": "cash_transfer", "frequency": {"rounds_per_year": 4}},
    {"code": "PIP", "kind": "cash_transfer", "frequency": {"rounds_per_year": 1}},
    {"code": "UMKM_DESA", "kind": "business_capital", "frequency": {"rounds_per_year": 1}},
    {"code": "PBI_JK", "kind": "in_kind_service", "frequency": {"rounds_per_year": 1}},
]


def test_in_december_the_year_is_this_years_four_quarters():
    periods = distribution.year_of_quarters(datetime.date(2026, 12, 3))
    assert [(y, q) for y, q, _, _ in periods] == [(2026, 1), (2026, 2), (2026, 3), (2026, 4)]
    assert periods[0][2:] == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert periods[-1][2:] == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))


def test_earlier_in_the_year_it_is_the_four_quarters_ending_with_todays():
    periods = distribution.year_of_quarters(datetime.date(2027, 2, 10))
    assert [(y, q) for y, q, _, _ in periods] == [(2026, 2), (2026, 3), (2026, 4), (2027, 1)]
    # every quarter has begun, so every round can be handed out
    assert all(first <= datetime.date(2027, 2, 10) for _, _, first, _ in periods)


class Recorder:
    """Stands in for the API client: answers each scheduled round with its body."""

    def __init__(self):
        self.posted = []

    def post(self, path, body):
        self.posted.append((path.split("/")[1], body["name"]))
        return dict(body, programme_code=path.split("/")[1])


@pytest.mark.parametrize("today, quarters", [
    (datetime.date(2026, 12, 3), {1: ["PKH"], 2: ["PKH"], 3: ["PKH", "PIP"],
                                  4: ["PKH", "UMKM_DESA"]}),
    (datetime.date(2027, 2, 10), {2: ["PKH"], 3: ["PKH", "PIP"], 4: ["PKH"],
                                  1: ["PKH", "UMKM_DESA"]}),
])
def test_pip_falls_in_july_umkm_in_the_last_quarter_and_pbi_has_no_round(today, quarters):
    periods = distribution.year_of_quarters(today)
    for i, period in enumerate(periods):
        client = Recorder()
        rounds = distribution.schedule(client, CATALOGUE, period, i == len(periods) - 1)
        assert [r["programme_code"] for r in rounds] == quarters[period[1]]
        year, q = period[0], period[1]
        assert client.posted[0] == ("PKH", "Tahap %d/%d" % (q, year))


@pytest.mark.parametrize("window, now", [
    # the first quarter, lived in full: its days are working days of its window
    ((datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
     datetime.datetime(2026, 12, 3, 9, 0, tzinfo=distribution.WIB)),
    # the current quarter's second pass: from the life events to now, never after
    ((datetime.date(2026, 11, 6), datetime.date(2026, 12, 31)),
     datetime.datetime(2026, 12, 3, 9, 0, tzinfo=distribution.WIB)),
])
def test_handovers_are_dated_on_a_few_working_days_of_their_window_never_ahead(window, now):
    rnd = {"id": "rd_1"}
    times = distribution.handover_times(rnd, window, 40, now.date(), now, "share 1.0")
    assert times == distribution.handover_times(rnd, window, 40, now.date(), now, "share 1.0")
    moments = [datetime.datetime.fromisoformat(t) for t in times]
    days = {m.date() for m in moments}
    assert 1 <= len(days) <= distribution.DAYS_PER_PASS
    assert all(window[0] <= d <= min(window[1], now.date()) for d in days)
    assert all(d.weekday() < 5 and d != datetime.date(2026, 1, 1) for d in days)
    assert all(m <= now and m.utcoffset() == datetime.timedelta(hours=7) for m in moments)
    assert all(8 <= m.hour < 14 for m in moments if m < now)


def test_a_smaller_sample_keeps_whole_families_from_every_rw(tmp_path):
    path = options.smaller_sample(60, str(tmp_path), source=options.SAMPLE)
    with open(options.SAMPLE, encoding="utf-8", newline="") as handle:
        full = collections.defaultdict(list)
        for row in csv.DictReader(handle):
            full[row["kk_number"]].append(row)
    with open(path, encoding="utf-8", newline="") as handle:
        small = collections.defaultdict(list)
        for row in csv.DictReader(handle):
            small[row["kk_number"]].append(row)
    assert len(small) == 60
    assert all(members == full[kk] for kk, members in small.items())
    assert {m[0]["rw"] for m in small.values()} == {m[0]["rw"] for m in full.values()}
    with pytest.raises(ValueError):
        options.smaller_sample(len(full) + 1, str(tmp_path), source=options.SAMPLE)


def test_a_follower_still_copying_a_large_registry_is_waited_for_past_the_stall_limit():
    from demo.partner_tools import caught_up
    copied = iter(range(0, 100, 5))       # 20 polls, each further on: longer than `stall`
    status = caught_up(lambda: {"residents": next(copied)}, lambda s: s["residents"] >= 95,
                       "the copy", stall=0.01, pause=0.002)
    assert status == {"residents": 95}


def test_a_follower_that_stands_still_stops_the_job_naming_it():
    from demo.partner_tools import caught_up
    with pytest.raises(RuntimeError, match="the copy stuck at .*'residents': 40"):
        caught_up(lambda: {"residents": 40}, lambda s: s["residents"] >= 95, "the copy",
                  stall=0.05, pause=0.005)
