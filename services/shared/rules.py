"""The declarative eligibility rule engine (plain functions; no nameko, no pymongo).

A rule is JSON data, stored with a programme and validated when it is saved:

    {"all": [rule, ...]}                    every sub-rule holds (empty: true)
    {"any": [rule, ...]}                    at least one holds (empty: false)
    {"not": rule}
    {"attr": "household.welfare_decile", "op": "lte", "value": 4}
    {"any_member": rule}                    some active member satisfies ``rule``
    {"all_members": rule}                   every active member does (none: true)
    {"count_members": rule, "op": "gte", "value": 2}

Any node may carry ``"label"`` (Bahasa Indonesia), shown to officers and
residents instead of the generated description.

Attributes are ``household.<field>`` or ``member.<field>`` (see ``ATTRIBUTES``).
Inside a member predicate ``member`` is the member being tested; at the top
level it is the person a per-member programme is evaluated for (validation
refuses ``member.*`` at the top level of a household programme). Ages are whole
years at the *reference date* (a round's first day, or the day of a check).
An unknown value (``None``) fails every comparison except ``eq``/``ne`` with
``None`` and ``not_in``/``ne`` (which hold).

Benefit components (PKH pays per pregnant woman, per child by school level,
per elderly or disabled member) use the same rules over one member; see
``member_components``. The partners service reuses this module.
"""
import datetime
import operator

#: Attribute name -> type name; "int", "bool", "str", "list", "date".
ATTRIBUTES = {
    "household": {
        "kk_number": "str", "rt": "str", "rw": "str", "dusun": "str", "village_code": "str",
        "welfare_decile": "int", "monthly_income_idr": "int", "house_ownership": "str",
        "floor_type": "str", "wall_type": "str", "roof_type": "str", "water_source": "str",
        "electricity_va": "int", "cooking_fuel": "str", "sanitation": "str", "has_car": "bool",
        "status": "str", "member_count": "int", "programmes": "list",
    },
    "member": {
        "nik": "str", "sex": "str", "birth_date": "date", "age": "int", "age_months": "int",
        "relationship": "str", "religion": "str", "education": "str",
        "occupation_code": "int", "marital_status": "str", "disability": "str",
        "disabled": "bool", "pregnant": "bool", "status": "str", "programmes": "list",
    },
}

COMPARISONS = {
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "lte": operator.le,
    "gt": operator.gt, "gte": operator.ge,
}
OPS = set(COMPARISONS) | {"in", "not_in", "between", "contains", "not_contains"}
SYMBOLS = {"eq": "=", "ne": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥",
           "in": "in", "not_in": "not in", "between": "between",
           "contains": "contains", "not_contains": "does not contain"}
COMBINATORS = ("all", "any", "not")
MEMBER_PREDICATES = ("any_member", "all_members", "count_members")
MAX_DEPTH = 12


def age_on(birth_date, reference):
    """Whole years between ``birth_date`` and ``reference`` (both ``datetime.date``)."""
    years = reference.year - birth_date.year
    if (reference.month, reference.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def months_on(birth_date, reference):
    """Whole months between ``birth_date`` and ``reference``."""
    months = (reference.year - birth_date.year) * 12 + reference.month - birth_date.month
    if reference.day < birth_date.day:
        months -= 1
    return months


def parse_date(value):
    """``YYYY-MM-DD`` string or date -> ``datetime.date`` (None stays None)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def member_view(resident, reference, programmes=()):
    """Return a resident snapshot with the derived attributes rules can read.

    Args:
        resident (dict): registry resident snapshot (``birth_date`` a string).
        reference (datetime.date): the date ages are computed at.
        programmes (iterable[str]): codes of programmes the person receives.
    """
    view = dict(resident)
    born = parse_date(resident.get("birth_date"))
    view["birth_date"] = born
    view["age"] = age_on(born, reference) if born else None
    view["age_months"] = months_on(born, reference) if born else None
    view["disabled"] = resident.get("disability") not in (None, "", "none")
    view["programmes"] = list(programmes)
    return view


class Context:
    """What a rule sees: a household, its active members, and maybe one member.

    Args:
        household (dict): household attributes (``member_count``/``programmes``
            are derived here when absent).
        members (list[dict]): views from ``member_view`` of *active* members.
        member (dict|None): the person a per-member rule is evaluated for.
    """

    __slots__ = ("household", "members", "member")

    def __init__(self, household, members, member=None):
        household = dict(household)
        household.setdefault("member_count", len(members))
        household.setdefault("programmes", [])
        self.household = household
        self.members = members
        self.member = member

    def for_member(self, member):
        ctx = Context.__new__(Context)
        ctx.household, ctx.members, ctx.member = self.household, self.members, member
        return ctx

    def get(self, path):
        scope, field = path.split(".", 1)
        source = self.household if scope == "household" else self.member
        return None if source is None else source.get(field)


# ---------------------------------------------------------------- validation

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


# ---------------------------------------------------------------- evaluation

def compile_rule(rule):
    """Turn a *validated* rule into ``predicate(ctx) -> bool`` (short-circuits)."""
    if "all" in rule:
        subs = [compile_rule(r) for r in rule["all"]]
        return lambda ctx: all(p(ctx) for p in subs)
    if "any" in rule:
        subs = [compile_rule(r) for r in rule["any"]]
        return lambda ctx: any(p(ctx) for p in subs)
    if "not" in rule:
        sub = compile_rule(rule["not"])
        return lambda ctx: not sub(ctx)
    if "any_member" in rule:
        sub = compile_rule(rule["any_member"])
        return lambda ctx: any(sub(ctx.for_member(m)) for m in ctx.members)
    if "all_members" in rule:
        sub = compile_rule(rule["all_members"])
        return lambda ctx: all(sub(ctx.for_member(m)) for m in ctx.members)
    if "count_members" in rule:
        sub, cmp, want = compile_rule(rule["count_members"]), COMPARISONS[rule["op"]], rule["value"]
        return lambda ctx: cmp(sum(1 for m in ctx.members if sub(ctx.for_member(m))), want)
    path, test = rule["attr"], _leaf_test(rule)
    return lambda ctx: test(ctx.get(path))


def _leaf_test(rule):
    op, value = rule["op"], rule["value"]
    if rule["attr"].endswith(".birth_date"):
        value = [parse_date(v) for v in value] if isinstance(value, list) else parse_date(value)
    if op in COMPARISONS:
        cmp = COMPARISONS[op]
        if op in ("eq", "ne"):
            return lambda seen: cmp(seen, value)
        return lambda seen: seen is not None and cmp(seen, value)
    if op == "in":
        return lambda seen: seen in value
    if op == "not_in":
        return lambda seen: seen not in value
    if op == "between":
        low, high = value
        return lambda seen: seen is not None and low <= seen <= high
    if op == "contains":
        return lambda seen: value in (seen or ())
    return lambda seen: value not in (seen or ())


def evaluate(rule, ctx):
    """True when ``ctx`` satisfies ``rule`` (a validated rule)."""
    return compile_rule(rule)(ctx)


def describe(rule):
    """A short description of a rule node (its ``label`` when it has one)."""
    if rule.get("label"):
        return rule["label"]
    if "all" in rule:
        return "all of (%s)" % "; ".join(describe(r) for r in rule["all"])
    if "any" in rule:
        return "any of (%s)" % "; ".join(describe(r) for r in rule["any"])
    if "not" in rule:
        return "not (%s)" % describe(rule["not"])
    if "any_member" in rule:
        return "a member with %s" % describe(rule["any_member"])
    if "all_members" in rule:
        return "every member with %s" % describe(rule["all_members"])
    if "count_members" in rule:
        return "members with %s %s %s" % (describe(rule["count_members"]),
                                          SYMBOLS[rule["op"]], rule["value"])
    return "%s %s %s" % (rule["attr"], SYMBOLS[rule["op"]], _show(rule["value"]))


def explain(rule, ctx, path="criteria"):
    """Evaluate every node (no short-circuit) for an officer to read.

    Returns ``[{"criterion", "path", "value", "passed"}]`` in pre-order: a
    combinator's ``value`` is null; an attribute's is the value seen; a member
    predicate's is the number of matching members.
    """
    out = []
    _explain(rule, ctx, path, out)
    return out


def _explain(rule, ctx, path, out):
    entry = {"criterion": describe(rule), "path": path, "value": None, "passed": None}
    out.append(entry)
    if "all" in rule or "any" in rule:
        kind = "all" if "all" in rule else "any"
        results = [_explain(r, ctx, "%s.%s.%d" % (path, kind, i), out)
                   for i, r in enumerate(rule[kind])]
        entry["passed"] = all(results) if kind == "all" else any(results)
    elif "not" in rule:
        entry["passed"] = not _explain(rule["not"], ctx, path + ".not", out)
    elif "attr" in rule:
        entry["value"] = _show(ctx.get(rule["attr"]))
        entry["passed"] = compile_rule(rule)(ctx)
    else:
        kind = next(k for k in MEMBER_PREDICATES if k in rule)
        sub = compile_rule(rule[kind])
        matching = sum(1 for m in ctx.members if sub(ctx.for_member(m)))
        entry["value"] = matching
        entry["passed"] = compile_rule(rule)(ctx)
    return entry["passed"]


def _show(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_show(v) for v in value]
    return value


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


def compile_components(components):
    """Return ``[(component, predicate)]`` for ``member_components``."""
    return [(c, compile_rule(c["when"])) for c in components]


def member_components(compiled, ctx, member, max_components=None):
    """Components a household earns through its members.

    Each member earns at most one component, the first in list order whose
    rule it satisfies (the list is ordered by priority). With
    ``max_components`` only that many are kept, the largest amounts first
    (ties: list order, then member order).

    Returns ``[{"code", "label", "member_id", "member_nik", "amount_idr"}]``.
    ``member`` restricts the search to one member (a per-member programme).
    """
    earned = []
    people = [member] if member is not None else ctx.members
    for order, person in enumerate(people):
        mctx = ctx.for_member(person)
        for rank, (comp, predicate) in enumerate(compiled):
            if predicate(mctx):
                earned.append((-comp["amount_idr"], rank, order, {
                    "code": comp["code"], "label": comp.get("label", comp["code"]),
                    "member_id": person.get("id"), "member_nik": person.get("nik"),
                    "amount_idr": comp["amount_idr"]}))
                break
    if max_components is not None and len(earned) > max_components:
        earned = sorted(earned, key=lambda e: e[:3])[:max_components]
        earned.sort(key=lambda e: (e[2], e[1]))
    return [e[3] for e in earned]
