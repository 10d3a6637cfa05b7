"""Health schedules as plain functions: due dates from a schedule held as data.

An ``immunisation`` or ``antenatal_care`` programme holds its schedule (default:
``data/health/*.json``, the national ones with their sources and the date they
took effect; docs/domain.md "Health services"). From it each eligible resident
gets appointments:

- immunisation: each item is due at an age counted from the birth date
  (calendar months, then days), late ``overdue_after_days`` after that (the
  item may say otherwise), never given after ``latest_age`` when the schedule
  says so (rotavirus by 6 months 29 days), and at least an interval after an
  earlier dose when the schedule says so (IPV 2 four months after IPV 1, the
  rotavirus doses four weeks apart);
- antenatal care: each visit is due from the start of its window of weeks
  after the pregnancy's start (HPHT) and late after its end; with no start
  known only the first visit is due, from the day the pregnancy became known.

An appointment that was already late before the programme began tracking
(its ``starts_on``) is ``unrecorded``: the KIA book may show it given, and it
is never announced as overdue. No nameko, no pymongo.
"""
import calendar
import datetime
import functools
import hashlib
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEDULE_FILES = {"immunisation": os.path.join(ROOT, "data", "health", "immunisation-schedule.json"),
                  "antenatal_care": os.path.join(ROOT, "data", "health", "antenatal-schedule.json")}
SCHEDULED, DONE, CANCELLED, UNRECORDED = "scheduled", "done", "cancelled", "unrecorded"
#: statuses a newer plan may still change
OPEN = (SCHEDULED, UNRECORDED)
#: with no pregnancy start known, the first visit is late this many days after it became known
FIRST_VISIT_DAYS = 28


@functools.lru_cache(maxsize=None)
def _default(kind):
    with open(SCHEDULE_FILES[kind], encoding="utf-8") as handle:
        return json.load(handle)


def default_schedule(kind):
    """The national schedule of ``kind`` (a fresh copy of the data file)."""
    return json.loads(json.dumps(_default(kind)))


def add_age(birth, age):
    """``birth`` (a date) plus ``{"months", "days"}``; a month end is clamped
    (born 31 January: one month old on the last day of February)."""
    months = birth.month - 1 + int(age.get("months", 0))
    year, month = birth.year + months // 12, months % 12 + 1
    day = min(birth.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day) + datetime.timedelta(days=int(age.get("days", 0)))


def _iso(value):
    return value.isoformat() if value else None


def _is_age(value):
    return isinstance(value, dict) and set(value) <= {"months", "days"} and all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value.values())


def validate_schedule(kind, schedule, path="schedule"):
    """Check a schedule of ``kind``; returns ``{path: [message]}`` (empty when valid)."""
    errors = {}

    def add(where, message):
        errors.setdefault(where, []).append(message)

    if not isinstance(schedule, dict):
        return {path: ["must be an object"]}
    for key in ("name", "effective_from"):
        if not isinstance(schedule.get(key), str) or not schedule[key]:
            add("%s.%s" % (path, key), "is required")
    if not isinstance(schedule.get("sources"), list) or not schedule["sources"]:
        add(path + ".sources", "give at least one source ({text, date, verified})")
    grace = schedule.get("overdue_after_days", 0)
    if not isinstance(grace, int) or isinstance(grace, bool) or grace < 0:
        add(path + ".overdue_after_days", "must be a whole number of days >= 0")
    items = schedule.get("items")
    if not isinstance(items, list) or not items:
        add(path + ".items", "must be a non-empty list")
        return errors
    seen = set()
    for i, item in enumerate(items):
        where = "%s.items.%d" % (path, i)
        if not isinstance(item, dict) or not isinstance(item.get("item"), str) or not item["item"]:
            add(where + ".item", "is required (e.g. DPT-HB-Hib 1, K1)")
            continue
        if item["item"] in seen:
            add(where + ".item", "duplicate item %r" % item["item"])
        seen.add(item["item"])
        if kind == "immunisation":
            if not _is_age(item.get("age")):
                add(where + ".age", "must be {months, days} (whole numbers >= 0)")
            if "latest_age" in item and not _is_age(item["latest_age"]):
                add(where + ".latest_age", "must be {months, days}")
            if not isinstance(item.get("vaccine"), str) or not isinstance(item.get("dose"), int):
                add(where + ".vaccine", "vaccine (text) and dose (a number) are required")
            after = item.get("after")
            if after is not None and (not isinstance(after, dict) or after.get("item") not in seen
                                      or not _is_age({k: v for k, v in after.items()
                                                      if k != "item"})):
                add(where + ".after", "must be {item: an earlier item, months, days}")
        else:
            weeks = item.get("window_weeks")
            if not (isinstance(weeks, list) and len(weeks) == 2 and all(
                    isinstance(w, int) and not isinstance(w, bool) for w in weeks)
                    and 0 <= weeks[0] <= weeks[1] <= 45):
                add(where + ".window_weeks", "must be [from, to] weeks of pregnancy, 0-45")
    return errors


def _status(overdue_on, tracking_from):
    return UNRECORDED if overdue_on <= tracking_from else SCHEDULED


def immunisation_plan(schedule, birth_date, tracking_from, given=None):
    """The appointments of a child born on ``birth_date`` (dates).

    Args:
        given (dict): ``{item: date given}`` of doses already recorded (an
            interval after an earlier dose moves a later one).
    Returns ``[{"item", "vaccine", "dose", "due_on", "overdue_on", "latest_on",
    "status"}]`` in schedule order (dates as YYYY-MM-DD).
    """
    given = given or {}
    grace = schedule.get("overdue_after_days", 0)
    out = []
    for item in schedule["items"]:
        due = add_age(birth_date, item["age"])
        after = item.get("after")
        if after and given.get(after["item"]):
            due = max(due, add_age(given[after["item"]], after))
        latest = add_age(birth_date, item["latest_age"]) if item.get("latest_age") else None
        overdue = due + datetime.timedelta(days=item.get("overdue_after_days", grace))
        if latest and overdue > latest:
            overdue = latest
        out.append({"item": item["item"], "vaccine": item.get("vaccine"), "dose": item.get("dose"),
                    "due_on": _iso(due), "overdue_on": _iso(overdue), "latest_on": _iso(latest),
                    "status": _status(overdue, tracking_from)})
    return out


def antenatal_plan(schedule, started_on, known_on, tracking_from):
    """The visits of one pregnancy (dates); ``started_on`` None: the first visit only,
    due on ``known_on``. Same shape as ``immunisation_plan`` (``vaccine``/``dose`` null)."""
    grace = schedule.get("overdue_after_days", 0)
    if started_on is None:
        first = schedule["items"][0]
        overdue = known_on + datetime.timedelta(days=FIRST_VISIT_DAYS)
        return [{"item": first["item"], "vaccine": None, "dose": None, "due_on": _iso(known_on),
                 "overdue_on": _iso(overdue), "latest_on": None,
                 "status": _status(overdue, tracking_from)}]
    out = []
    for item in schedule["items"]:
        low, high = item["window_weeks"]
        due = started_on + datetime.timedelta(weeks=low)
        overdue = started_on + datetime.timedelta(weeks=high + 1, days=grace)
        out.append({"item": item["item"], "vaccine": None, "dose": None, "due_on": _iso(due),
                    "overdue_on": _iso(overdue), "latest_on": None,
                    "status": _status(overdue, tracking_from)})
    return out


def appointment_id(programme_id, resident_id, item, episode=""):
    """Deterministic: a replayed event or a second sweep makes the same id."""
    key = "%s|%s|%s|%s" % (programme_id, resident_id, episode, item)
    return "apt_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def pregnancy_id(programme_id, resident_id, known_on):
    """One pregnancy followed by an antenatal programme, from the day it became known."""
    key = "%s|%s|%s" % (programme_id, resident_id, known_on)
    return "prg_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


DATE_FIELDS = ("due_on", "overdue_on", "latest_on")


def reconcile(planned, existing):
    """What to write so a resident's appointments follow a new plan.

    Args:
        planned (list[dict]): the plan (``immunisation_plan`` / ``antenatal_plan``),
            empty when the resident no longer qualifies (inactive, not pregnant).
        existing (list[dict]): stored appointments of that resident (and episode).
    Returns ``(new, changed, dropped)``: planned items with no appointment;
    ``[(appointment, {fields})]`` of open ones whose dates or status moved;
    open appointments the plan no longer has. Done and cancelled ones are never
    touched: what was given stays given.
    """
    by_item = {a["item"]: a for a in existing}
    wanted = {p["item"] for p in planned}
    new, changed = [], []
    for plan in planned:
        found = by_item.get(plan["item"])
        if found is None:
            new.append(plan)
        elif found["status"] in OPEN:
            diff = {k: plan[k] for k in DATE_FIELDS + ("status",) if found.get(k) != plan[k]}
            if diff:
                changed.append((found, diff))
    dropped = [a for a in existing if a["status"] in OPEN and a["item"] not in wanted]
    return new, changed, dropped


def is_overdue(appointment, day):
    """Late on ``day`` (YYYY-MM-DD): still scheduled, past its overdue day, still givable."""
    return (appointment["status"] == SCHEDULED and appointment["overdue_on"] <= day
            and (appointment.get("latest_on") is None or appointment["latest_on"] >= day))


def week_bounds(day):
    """Monday and Sunday (dates) of the week containing ``day``."""
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def public_status(appointment, day):
    """How a resident's appointment reads to them, in Bahasa Indonesia."""
    if appointment["status"] == DONE:
        return "sudah diberikan" if appointment["kind"] == "immunisation" else "sudah diperiksa"
    if appointment["status"] == UNRECORDED:
        return "belum tercatat (cek buku KIA)"
    if is_overdue(appointment, day):
        return "terlambat, segera datang ke posyandu"
    if appointment.get("latest_on") and appointment["latest_on"] < day:
        return "lewat batas usia pemberian"
    return "terjadwal" if appointment["due_on"] > day else "sudah waktunya"
