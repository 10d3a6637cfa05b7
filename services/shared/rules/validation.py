"""Validation of rules and benefit components, run when a programme is saved;
every error names the path of the bad node (``criteria.all.1.op``)."""
import datetime

from services.shared.rules.vocabulary import (
    ATTRIBUTES, COMBINATORS, COMPARISONS, MAX_DEPTH, MEMBER_PREDICATES, OPS)


def validate_rule(rule, path="criteria", member_scope=False, depth=0):
    """Check a rule's shape; return ``{path: [message, ...]}`` (empty when valid).

    Args:
        rule: the rule (JSON data).
        path (str): where the rule sits, used to name errors (``criteria.all.1.op``).
        member_scope (bool): True where ``member.*`` is bound (inside member
            predicates, component rules, the criteria of a per-member programme).
    """
    errors = {}

    def add(where, message):
        errors.setdefault(where, []).append(message)

    if depth > MAX_DEPTH:
        add(path, "rule nested deeper than %d levels" % MAX_DEPTH)
        return errors
    if not isinstance(rule, dict):
        add(path, "must be an object")
        return errors
    keys = set(rule) - {"label"}
    if "label" in rule and not isinstance(rule["label"], str):
        add(path + ".label", "must be a string")
    kinds = keys & (set(COMBINATORS) | set(MEMBER_PREDICATES) | {"attr"})
    if len(kinds) != 1:
        add(path, "must have exactly one of all, any, not, attr, any_member, "
                  "all_members, count_members")
        return errors
    kind = kinds.pop()
    if kind in ("all", "any"):
        _only(rule, {kind, "label"}, path, add)
        items = rule[kind]
        if not isinstance(items, list):
            add("%s.%s" % (path, kind), "must be a list of rules")
            return errors
        for i, sub in enumerate(items):
            errors_merge(errors, validate_rule(sub, "%s.%s.%d" % (path, kind, i),
                                               member_scope, depth + 1))
    elif kind == "not":
        _only(rule, {"not", "label"}, path, add)
        errors_merge(errors, validate_rule(rule["not"], path + ".not", member_scope, depth + 1))
    elif kind in ("any_member", "all_members"):
        _only(rule, {kind, "label"}, path, add)
        errors_merge(errors, validate_rule(rule[kind], "%s.%s" % (path, kind), True, depth + 1))
    elif kind == "count_members":
        _only(rule, {kind, "op", "value", "label"}, path, add)
        errors_merge(errors, validate_rule(rule[kind], path + ".count_members", True, depth + 1))
        if rule.get("op") not in COMPARISONS:
            add(path + ".op", "must be one of %s" % ", ".join(sorted(COMPARISONS)))
        if not _is_int(rule.get("value")) or rule.get("value") < 0:
            add(path + ".value", "must be a whole number >= 0")
    else:
        _only(rule, {"attr", "op", "value", "label"}, path, add)
        _validate_leaf(rule, path, member_scope, add)
    return errors


def attributes_used(rule, path="criteria"):
    """``[(path, attribute)]`` of every attribute leaf of a (valid) rule, in pre-order."""
    if not isinstance(rule, dict):
        return []
    if "attr" in rule:
        return [(path, rule["attr"])]
    out = []
    for kind in ("all", "any"):
        for i, sub in enumerate(rule.get(kind) or ()):
            out += attributes_used(sub, "%s.%s.%d" % (path, kind, i))
    for kind in ("not",) + MEMBER_PREDICATES:
        if kind in rule:
            out += attributes_used(rule[kind], "%s.%s" % (path, kind))
    return out


def errors_merge(into, more):
    for key, messages in more.items():
        into.setdefault(key, []).extend(messages)
    return into


def _only(rule, allowed, path, add):
    for extra in sorted(set(rule) - allowed):
        add("%s.%s" % (path, extra), "unknown key")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _validate_leaf(rule, path, member_scope, add):
    attr, op, value = rule.get("attr"), rule.get("op"), rule.get("value")
    scope, _, field = attr.partition(".") if isinstance(attr, str) else ("", "", "")
    kind = ATTRIBUTES.get(scope, {}).get(field)
    if kind is None:
        add(path + ".attr", "unknown attribute %r; use household.<field> or member.<field> "
                            "from: %s" % (attr, ", ".join(
                                "%s.%s" % (s, f) for s in ATTRIBUTES for f in ATTRIBUTES[s])))
        return
    if scope == "member" and not member_scope:
        add(path + ".attr", "member.* is only bound inside any_member/all_members/"
                            "count_members, a benefit component, or a per-member programme")
    if op not in OPS:
        add(path + ".op", "must be one of %s" % ", ".join(sorted(OPS)))
        return
    if "value" not in rule:
        add(path + ".value", "is required")
        return
    message = _value_problem(kind, op, value)
    if message:
        add(path + ".value", message)


def _fits(kind, value):
    if value is None:
        return True
    return {"int": _is_int(value), "bool": isinstance(value, bool),
            "str": isinstance(value, str), "date": isinstance(value, str) and _is_date(value),
            "list": isinstance(value, str)}[kind]


def _is_date(value):
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _value_problem(kind, op, value):
    if op in ("contains", "not_contains"):
        if kind != "list":
            return "%s needs a list attribute (programmes)" % op
        return None if isinstance(value, str) else "must be a string"
    if kind == "list":
        return "a list attribute takes only contains/not_contains"
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not all(_fits(kind, v) for v in value):
            return "must be a list of %s values" % kind
        return None
    if op == "between":
        if (not isinstance(value, list) or len(value) != 2 or None in value
                or not all(_fits(kind, v) for v in value) or kind == "bool"):
            return "must be [low, high] of %s values (inclusive)" % kind
        return None if value[0] <= value[1] else "low must not exceed high"
    if op in ("lt", "lte", "gt", "gte") and (kind in ("bool", "str") or value is None):
        return "%s needs a number or date value" % op
    return None if _fits(kind, value) else "must be a %s value" % kind


# ---------------------------------------------------------------- components


def validate_components(components, path="benefit.components"):
    """Check a list of benefit components; return ``{path: [message]}``.

    A component is ``{"code", "label", "when": rule over one member,
    "amount_idr": int >= 0, ...}``; extra keys (``source``, ``published``) are
    the data file's business and are kept.
    """
    errors = {}
    if not isinstance(components, list):
        return {path: ["must be a list of components"]}
    codes = set()
    for i, comp in enumerate(components):
        where = "%s.%d" % (path, i)
        if not isinstance(comp, dict):
            errors[where] = ["must be an object"]
            continue
        code = comp.get("code")
        if not isinstance(code, str) or not code:
            errors.setdefault(where + ".code", []).append("is required (a short slug)")
        elif code in codes:
            errors.setdefault(where + ".code", []).append("duplicate component code %r" % code)
        codes.add(code)
        if not _is_int(comp.get("amount_idr")) or comp["amount_idr"] < 0:
            errors.setdefault(where + ".amount_idr", []).append("must be whole rupiah >= 0")
        if "when" not in comp:
            errors.setdefault(where + ".when", []).append("is required (a rule over one member)")
        else:
            errors_merge(errors, validate_rule(comp["when"], where + ".when", member_scope=True))
    return errors
