"""Deadlines per category from the data file: working days, holidays, WIB, reopening."""
import datetime
import json

import pytest

from services.complaints import sla
from services.complaints.data import service_levels
from services.complaints.contract import CATEGORIES

UTC = datetime.timezone.utc


def at(text):
    return datetime.datetime.fromisoformat(text).astimezone(UTC)


@pytest.fixture
def levels():
    return service_levels()


def test_every_category_has_every_deadline_with_a_source(levels):
    for category in CATEGORIES:
        for name in sla.MET_BY:
            rule = levels.rule(category, name)
            assert rule["days"] >= 1 and rule["unit"] in sla.UNITS and rule["source"]


def test_sources_in_the_data_file_match_the_brief(levels):
    assert levels.rule("exclusion", "triage") == {"days": 3, "unit": "working_days",
                                                  "source": "sp4n_lapor"}
    assert levels.rule("exclusion", "forward_answer")["days"] == 5
    assert levels.rule("not_received", "resolution") == {"days": 7, "unit": "calendar_days",
                                                         "source": "jakarta_crm"}
    pungli, other = levels.rule("pungli", "resolution"), levels.rule("other", "resolution")
    assert levels.due(at("2026-11-02T09:00:00+07:00"), pungli["days"], pungli["unit"]) < \
        levels.due(at("2026-11-02T09:00:00+07:00"), other["days"], other["unit"])


def test_working_days_skip_the_weekend_and_end_at_midnight_wib(levels):
    # Thursday 2026-11-26 10:00 WIB + 3 working days = Tuesday 2026-12-01, end of day WIB
    due = levels.due(at("2026-11-26T10:00:00+07:00"), 3, "working_days")
    assert due == at("2026-12-01T23:59:59+07:00")


def test_working_days_skip_holidays_and_cuti_bersama(levels):
    # Thursday 2026-03-19 is Nyepi; 20-24 March is Idul Fitri with cuti bersama.
    due = levels.due(at("2026-03-17T09:00:00+07:00"), 1, "working_days")
    assert due.astimezone(sla.WIB).date() == datetime.date(2026, 3, 25)


def test_the_local_day_counts_not_the_utc_day(levels):
    # 2026-11-27 18:00 UTC is Saturday 01:00 WIB: day 1 is Monday 30 Nov, not Friday 27.
    due = levels.due(at("2026-11-27T18:00:00+00:00"), 1, "working_days")
    assert due.astimezone(sla.WIB).date() == datetime.date(2026, 11, 30)


def test_calendar_days_are_exact_periods(levels):
    start = at("2026-11-26T10:00:00+07:00")
    assert levels.due(start, 7, "calendar_days") == start + datetime.timedelta(days=7)


def test_transitions_meet_deadlines_and_start_new_ones(levels):
    t0 = at("2026-11-02T09:00:00+07:00")
    deadlines = sla.initial_deadlines(levels, "exclusion", t0)
    assert [d["name"] for d in deadlines] == ["triage", "resolution"]
    t1 = t0 + datetime.timedelta(hours=5)
    deadlines = sla.after_transition(levels, "exclusion", deadlines, "verified", t1)
    assert deadlines[0]["met_at"] == t1 and deadlines[1]["met_at"] is None
    t2 = t1 + datetime.timedelta(days=1)
    deadlines = sla.after_transition(levels, "exclusion", deadlines, "forwarded", t2)
    assert deadlines[-1]["name"] == "forward_answer" and deadlines[-1]["met_at"] is None
    t3 = t2 + datetime.timedelta(days=1)
    deadlines = sla.after_transition(levels, "exclusion", deadlines, "resolved", t3)
    assert all(d["met_at"] is not None for d in deadlines)
    t4 = t3 + datetime.timedelta(days=1)
    deadlines = sla.after_transition(levels, "exclusion", deadlines, "reopened", t4)
    assert deadlines[-1]["name"] == "resolution" and deadlines[-1]["met_at"] is None
    assert deadlines[-1]["due_at"] == t4 + datetime.timedelta(days=7)


def test_missed_and_ever_missed(levels):
    t0 = at("2026-11-02T09:00:00+07:00")
    deadlines = sla.initial_deadlines(levels, "other", t0)
    assert sla.missed(deadlines, t0 + datetime.timedelta(days=1)) == []
    late = t0 + datetime.timedelta(days=10)
    assert {d["name"] for d in sla.missed(deadlines, late)} == {"triage", "resolution"}
    closed = sla.after_transition(levels, "other", deadlines, "rejected", late)
    assert sla.missed(closed, late) == [] and sla.ever_missed(closed, late)


def test_a_bad_data_file_is_refused_naming_the_entry(tmp_path):
    levels = json.load(open(sla.LEVELS_PATH, encoding="utf-8"))
    levels["categories"]["pungli"]["triage"]["unit"] = "fortnights"
    path = tmp_path / "levels.json"
    path.write_text(json.dumps(levels))
    with pytest.raises(ValueError, match="pungli.triage"):
        sla.ServiceLevels.load(str(path))
