"""Health schedules computed from the schedule data (docs/domain.md "Health services")."""
import datetime

import pytest

from services.partners import health

D = datetime.date
IMM = health.default_schedule("immunisation")
ANC = health.default_schedule("antenatal_care")

#: DOMAIN.md's table for a child born on 31 January 2026 (month ends clamp).
BORN = D(2026, 1, 31)
DUE = {"HB-0": "2026-01-31", "BCG": "2026-02-28", "OPV 1": "2026-02-28",
       "DPT-HB-Hib 1": "2026-03-31", "OPV 2": "2026-03-31", "PCV 1": "2026-03-31",
       "RV 1": "2026-03-31", "DPT-HB-Hib 2": "2026-04-30", "OPV 3": "2026-04-30",
       "PCV 2": "2026-04-30", "RV 2": "2026-04-30", "DPT-HB-Hib 3": "2026-05-31",
       "OPV 4": "2026-05-31", "IPV 1": "2026-05-31", "RV 3": "2026-05-31", "MR 1": "2026-10-31",
       "IPV 2": "2026-10-31", "PCV 3": "2027-01-31", "DPT-HB-Hib 4": "2027-07-31",
       "MR 2": "2027-07-31"}


def by_item(plan):
    return {p["item"]: p for p in plan}


def test_each_dose_is_due_at_the_age_the_national_table_gives():
    plan = by_item(health.immunisation_plan(IMM, BORN, D(2026, 1, 1)))
    assert {item: p["due_on"] for item, p in plan.items()} == DUE
    assert plan["HB-0"]["overdue_on"] == "2026-02-01"  # within 24 hours: late the next day
    assert plan["BCG"]["overdue_on"] == "2026-03-28"  # 28 days, the next posyandu month
    assert {p["latest_on"] for i, p in plan.items() if i.startswith("RV")} == {"2026-08-29"}
    assert plan["MR 1"]["latest_on"] == "2030-12-31"  # catch-up to 59 months
    assert plan["DPT-HB-Hib 1"]["vaccine"] == "DPT-HB-Hib" and plan["DPT-HB-Hib 4"]["dose"] == 4


def test_an_interval_after_an_earlier_dose_moves_the_later_one():
    given = {"IPV 1": D(2026, 8, 15), "RV 1": D(2026, 4, 20)}
    plan = by_item(health.immunisation_plan(IMM, BORN, D(2026, 1, 1), given))
    assert plan["IPV 2"]["due_on"] == "2026-12-15"  # four months after IPV 1, not at 9 months
    assert plan["RV 2"]["due_on"] == "2026-05-18"  # four weeks after RV 1
    assert plan["MR 1"]["due_on"] == "2026-10-31"


def test_what_was_late_before_tracking_began_is_unrecorded():
    plan = by_item(health.immunisation_plan(IMM, BORN, D(2026, 6, 1)))
    assert plan["BCG"]["status"] == "unrecorded"
    assert plan["RV 3"]["status"] == "scheduled"  # due 31 May, late only from 28 June
    assert plan["MR 2"]["status"] == "scheduled"


def test_antenatal_visits_follow_the_trimesters_from_the_start_of_the_pregnancy():
    # week 0-12, 13-26, 27-40: each visit late from the day after its window closes
    plan = by_item(health.antenatal_plan(ANC, D(2026, 9, 1), D(2026, 10, 5), D(2026, 1, 1)))
    assert [(i, p["due_on"], p["overdue_on"]) for i, p in plan.items()] == [
        ("K1", "2026-09-01", "2026-12-01"), ("K2", "2026-09-01", "2026-12-01"),
        ("K3", "2026-12-01", "2027-03-09"), ("K4", "2027-03-09", "2027-06-15"),
        ("K5", "2027-03-09", "2027-06-15"), ("K6", "2027-03-09", "2027-06-15")]
    first = health.antenatal_plan(ANC, None, D(2026, 10, 5), D(2026, 1, 1))
    assert [(p["item"], p["due_on"], p["overdue_on"]) for p in first] == [
        ("K1", "2026-10-05", "2026-11-02")]


def test_reconcile_keeps_what_was_given_and_follows_the_rest():
    statuses = ("done", "scheduled", "cancelled")
    old = [dict(p, status=s) for p, s in zip(
        health.immunisation_plan(IMM, BORN, D(2026, 1, 1))[:3], statuses, strict=True)]
    corrected = health.immunisation_plan(IMM, D(2026, 2, 1), D(2026, 1, 1))[:2]
    new, changed, dropped = health.reconcile(corrected, old)
    assert new == []
    assert [(a["item"], diff) for a, diff in changed] == [
        ("BCG", {"due_on": "2026-03-01", "overdue_on": "2026-03-29"})]
    assert [a["item"] for a in dropped] == []  # OPV 1 is cancelled already: untouched
    assert health.reconcile([], old)[2] == [old[1]]


def test_late_means_scheduled_past_its_day_and_still_givable():
    appointment = {"status": "scheduled", "due_on": "2026-03-31", "overdue_on": "2026-04-28",
                   "latest_on": "2026-08-29", "kind": "immunisation"}
    assert not health.is_overdue(appointment, "2026-04-27")
    assert health.is_overdue(appointment, "2026-04-28")
    assert not health.is_overdue(appointment, "2026-08-30")
    assert health.public_status(appointment, "2026-05-01").startswith("terlambat")
    assert health.public_status(dict(appointment, status="done"), "2026-05-01") == "sudah diberikan"


@pytest.mark.parametrize("change,path", [
    (lambda s: s["items"][0].update(age={"months": -1}), "schedule.items.0.age"),
    (lambda s: s["items"].append(dict(s["items"][1])), "schedule.items.20.item"),
    (lambda s: s["items"][16].update(after={"item": "nope", "months": 4}), "schedule.items.16.after"),
    (lambda s: s.pop("sources"), "schedule.sources"),
    (lambda s: s.update(overdue_after_days=-3), "schedule.overdue_after_days"),
])
def test_a_schedule_with_a_mistake_names_where(change, path):
    schedule = health.default_schedule("immunisation")
    change(schedule)
    assert path in health.validate_schedule("immunisation", schedule)
    bad = health.default_schedule("antenatal_care")
    bad["items"][2]["window_weeks"] = [20, 13]
    assert "schedule.items.2.window_weeks" in health.validate_schedule("antenatal_care", bad)
