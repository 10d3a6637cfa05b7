"""Evaluation: compile a rule to a predicate, evaluate, describe and explain it,
and the benefit components a household earns through its members."""
import datetime

from services.shared.rules.vocabulary import COMPARISONS, MEMBER_PREDICATES, SYMBOLS, parse_date


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
        if kind == "any_member":
            entry["passed"] = matching > 0
        elif kind == "all_members":
            entry["passed"] = matching == len(ctx.members)
        else:
            entry["passed"] = COMPARISONS[rule["op"]](matching, rule["value"])
    return entry["passed"]


def _show(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_show(v) for v in value]
    return value


# ---------------------------------------------------------------- components


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
