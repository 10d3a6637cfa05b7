"""Service-level deadlines: when each complaint must be triaged, answered, resolved.

The figures are data (``data/complaints/service-levels.json``, with sources):
SP4N-LAPOR! forwards within 3 working days and expects the agency's answer
within 5; Jakarta's CRM (JAKI) expects resolution within 7 days; the village
sets shorter ones for pungli. Working days skip Saturdays, Sundays and the
holidays in ``data/complaints/holidays.json``.

Counting (documented in docs/complaints.md):
- ``working_days``: the day of the start does not count; the deadline is the
  end (23:59:59 WIB) of the N-th working day after it, on the kelurahan's
  calendar (WIB, UTC+7; Indonesia keeps no daylight saving).
- ``calendar_days``: exactly N x 24 hours after the start.

A deadline is a dict ``{name, due_at, met_at, days, unit, source}`` with
``due_at``/``met_at`` as aware UTC datetimes (``met_at`` None while open).
No nameko, no pymongo here.
"""
import datetime
import json
import os

from services.shared.clock import WIB

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LEVELS_PATH = os.path.join(ROOT, "data", "complaints", "service-levels.json")
HOLIDAYS_PATH = os.path.join(ROOT, "data", "complaints", "holidays.json")

UNITS = ("working_days", "calendar_days")

#: deadline name -> the statuses whose reaching meets it (a workflow rule, so code).
MET_BY = {
    "triage": {"verified", "forwarded", "in_progress", "resolved", "rejected"},
    "forward_answer": {"in_progress", "resolved", "rejected"},
    "resolution": {"resolved", "rejected"},
}


class ServiceLevels:
    """The loaded data files: per-category deadline rules and the holidays."""

    def __init__(self, categories, holidays):
        self.categories = categories
        self.holidays = frozenset(holidays)

    @classmethod
    def load(cls, levels_path=LEVELS_PATH, holidays_path=HOLIDAYS_PATH):
        """Read and check both files; raises ValueError naming a bad entry."""
        with open(levels_path, encoding="utf-8") as handle:
            levels = json.load(handle)
        with open(holidays_path, encoding="utf-8") as handle:
            holidays = json.load(handle)
        categories = levels["categories"]
        for category, rules in categories.items():
            for name in MET_BY:
                rule = rules.get(name)
                if (not rule or rule.get("unit") not in UNITS or not isinstance(rule.get("days"), int)
                        or rule["days"] < 1 or rule.get("source") not in levels["sources"]):
                    raise ValueError("service-levels.json: %s.%s needs days >= 1, unit in %s "
                                     "and a listed source" % (category, name, UNITS))
        days = [datetime.date.fromisoformat(d["date"])
                for year in holidays["days"].values() for d in year]
        return cls(categories, days)

    def rule(self, category, name):
        """``{days, unit, source}`` for a category's deadline."""
        return self.categories[category][name]

    def is_working_day(self, day):
        """Monday to Friday and not a listed holiday or cuti bersama."""
        return day.weekday() < 5 and day not in self.holidays

    def due(self, start, days, unit):
        """The deadline instant (aware UTC) for ``days`` of ``unit`` after ``start``."""
        if unit == "calendar_days":
            return start + datetime.timedelta(days=days)
        day = start.astimezone(WIB).date()
        counted = 0
        while counted < days:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        end = datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=WIB)
        return end.astimezone(datetime.timezone.utc)

    def deadline(self, category, name, start):
        """A new open deadline of ``name`` for ``category`` counted from ``start``."""
        rule = self.rule(category, name)
        return {"name": name, "due_at": self.due(start, rule["days"], rule["unit"]),
                "met_at": None, "days": rule["days"], "unit": rule["unit"],
                "source": rule["source"]}


def initial_deadlines(levels, category, submitted_at):
    """Deadlines of a new complaint: triage and resolution, from submission."""
    return [levels.deadline(category, "triage", submitted_at),
            levels.deadline(category, "resolution", submitted_at)]


def after_transition(levels, category, deadlines, to_status, at):
    """Return the deadlines after a move to ``to_status`` at ``at``.

    Open deadlines that the new status meets are closed (``met_at = at``);
    forwarding starts a ``forward_answer`` deadline; reopening starts a new
    ``resolution`` deadline (the old one stays, met, for the record).
    """
    out = []
    for item in deadlines:
        item = dict(item)
        if item["met_at"] is None and to_status in MET_BY[item["name"]]:
            item["met_at"] = at
        out.append(item)
    if to_status == "forwarded":
        out.append(levels.deadline(category, "forward_answer", at))
    elif to_status == "reopened":
        out.append(levels.deadline(category, "resolution", at))
    return out


def deadline_key(deadline):
    """Identifies one deadline of a complaint: announced overdue at most once."""
    return "%s@%s" % (deadline["name"], aware(deadline["due_at"]).strftime("%Y-%m-%dT%H:%M:%SZ"))


def missed(deadlines, now):
    """Open deadlines already past ``now``."""
    return [d for d in deadlines if d["met_at"] is None and aware(d["due_at"]) < now]


def ever_missed(deadlines, now):
    """True when any deadline was met late or is open and past ``now``."""
    for d in deadlines:
        due = aware(d["due_at"])
        if (d["met_at"] is None and due < now) or (d["met_at"] is not None and aware(d["met_at"]) > due):
            return True
    return False


def aware(value):
    # mongomock and pymongo (tz_aware=True) return aware datetimes; data built
    # in tests may be naive UTC.
    return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
