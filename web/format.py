"""How numbers, money, dates and programme rules read in the app's language.

Rupiah and dates are written as Indonesians write them (``Rp1.500.000``,
``17 Agustus 2026``; the month names and separators come from the language
file). Criteria are told as plain sentences: the rule engine's own labels
(``services/shared/rules``: any node may carry a Bahasa Indonesia ``label``),
and for a node without one, a sentence built from the language file's words
for the attribute and the comparison.
"""
import datetime

WIB = datetime.timezone(datetime.timedelta(hours=7), "WIB")


def group_digits(number, separator="."):
    """``1500000`` -> ``1.500.000``."""
    return format(int(number), ",").replace(",", separator)


def rupiah(amount, messages=None):
    """``1500000`` -> ``Rp1.500.000`` (no space, no decimals, as Kemensos writes it)."""
    if amount is None:
        return ""
    separator = messages("format.thousands") if messages else "."
    sign = "-" if amount < 0 else ""
    return "%sRp%s" % (sign, group_digits(abs(amount), separator))


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def long_date(value, messages):
    """``"2026-08-17"`` (or a date) -> ``17 Agustus 2026``; ``""`` for nothing."""
    if not value:
        return ""
    day = _date(value)
    return "%d %s %d" % (day.day, messages("format.months")[day.month - 1], day.year)


def date_range(start, end, messages):
    """``17 - 21 Agustus 2026``, ``28 Agustus - 3 September 2026``, or one day."""
    first, last = _date(start), _date(end)
    if first == last:
        return long_date(first, messages)
    months = messages("format.months")
    if (first.year, first.month) == (last.year, last.month):
        return "%d-%d %s %d" % (first.day, last.day, months[first.month - 1], first.year)
    if first.year == last.year:
        return "%d %s - %s" % (first.day, months[first.month - 1], long_date(last, messages))
    return "%s - %s" % (long_date(first, messages), long_date(last, messages))


def local_time(instant, messages):
    """A UTC instant (``2026-08-17T07:30:00Z``) -> ``17 Agustus 2026 14.30 WIB``."""
    if not instant:
        return ""
    moment = datetime.datetime.fromisoformat(str(instant).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    moment = moment.astimezone(WIB)
    return "%s %02d.%02d WIB" % (long_date(moment.date(), messages), moment.hour, moment.minute)


def seen_value(value, messages):
    """A value the rule engine saw (``GET eligibility``) as a person reads it."""
    if value is None or value == []:
        return "-"
    if isinstance(value, bool):
        return messages("rules.yes") if value else messages("rules.no")
    if isinstance(value, list):
        return ", ".join(seen_value(v, messages) for v in value)
    if isinstance(value, dict):
        return ", ".join("%s: %s" % (k, seen_value(v, messages)) for k, v in value.items())
    return messages.get("values.%s" % value, str(value))


def refused_words(reason, messages):
    """Why generation left a household out (``excluded_by_KLJ``, ``no_eligible_recipient``),
    in words; the programme codes after ``excluded_by_`` are shown as the service joined them."""
    if reason.startswith("excluded_by_"):
        return messages("distribution.refused.excluded", codes=reason[len("excluded_by_"):])
    return messages.get("distribution.refused." + reason, reason)


# ------------------------------------------------------------------ criteria

def criteria_sentences(rule, messages):
    """The sentences a resident reads for a programme's ``criteria`` (a rule).

    A top-level ``all`` without a label reads as one sentence per part; any
    node with a ``label`` reads as its label.
    """
    if not rule:
        return []
    if "all" in rule and not rule.get("label"):
        return [s for part in rule["all"] for s in criteria_sentences(part, messages)]
    return [describe(rule, messages)]


def describe(rule, messages):
    """One node as a sentence: its label, else words from the language file."""
    if rule.get("label"):
        return rule["label"]
    words = messages.prefix("rules")
    if "all" in rule:
        return words["all"].format("; ".join(describe(r, messages) for r in rule["all"]))
    if "any" in rule:
        return words["any"].format("; ".join(describe(r, messages) for r in rule["any"]))
    if "not" in rule:
        return words["not"].format(describe(rule["not"], messages))
    if "any_member" in rule:
        return words["any_member"].format(describe(rule["any_member"], messages))
    if "all_members" in rule:
        return words["all_members"].format(describe(rule["all_members"], messages))
    if "count_members" in rule:
        return words["count_members"].format(describe(rule["count_members"], messages),
                                             _value(rule["op"], rule["value"], messages))
    attribute = messages.get("attributes." + rule["attr"].replace(".", "_"), rule["attr"])
    return "%s %s" % (attribute, _value(rule["op"], rule["value"], messages))


def _value(op, value, messages):
    shown = _show(value, messages)
    if op == "between" and isinstance(value, list) and len(value) == 2:
        shown = messages("rules.range").format(_show(value[0], messages),
                                               _show(value[1], messages))
    return messages("rules.ops." + op).format(shown)


def _show(value, messages):
    if isinstance(value, bool):
        return messages("rules.yes") if value else messages("rules.no")
    if isinstance(value, list):
        return ", ".join(_show(v, messages) for v in value)
    return messages.get("values.%s" % value, str(value))
