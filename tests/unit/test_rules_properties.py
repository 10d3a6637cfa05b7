"""Property tests (hypothesis) for the rule engine's combinators."""
import datetime

from hypothesis import given, settings, strategies as st

from services.shared import rules

REF = datetime.date(2026, 6, 1)

household_leaf = st.one_of(
    st.builds(lambda op, v: {"attr": "household.welfare_decile", "op": op, "value": v},
              st.sampled_from(["eq", "ne", "lt", "lte", "gt", "gte"]), st.integers(1, 10)),
    st.builds(lambda v: {"attr": "household.has_car", "op": "eq", "value": v}, st.booleans()),
    st.builds(lambda lo, span: {"attr": "household.monthly_income_idr", "op": "between",
                                "value": [lo, lo + span]},
              st.integers(0, 5_000_000), st.integers(0, 5_000_000)),
    st.builds(lambda v: {"attr": "household.programmes", "op": "contains", "value": v},
              st.sampled_from(["PKH", "SEMBAKO"])),
)
member_leaf = st.one_of(
    st.builds(lambda op, v: {"attr": "member.age", "op": op, "value": v},
              st.sampled_from(["lt", "lte", "gt", "gte", "eq"]), st.integers(0, 90)),
    st.builds(lambda v: {"attr": "member.pregnant", "op": "eq", "value": v}, st.booleans()),
    st.builds(lambda v: {"attr": "member.sex", "op": "in", "value": v},
              st.lists(st.sampled_from(["M", "F"]), max_size=2)),
)


def combine(children):
    return st.one_of(
        st.builds(lambda xs: {"all": xs}, st.lists(children, max_size=3)),
        st.builds(lambda xs: {"any": xs}, st.lists(children, max_size=3)),
        st.builds(lambda x: {"not": x}, children),
    )


member_rule = st.recursive(member_leaf, combine, max_leaves=5)
predicate = st.one_of(
    st.builds(lambda r: {"any_member": r}, member_rule),
    st.builds(lambda r: {"all_members": r}, member_rule),
    st.builds(lambda r, op, n: {"count_members": r, "op": op, "value": n}, member_rule,
              st.sampled_from(["eq", "gte", "lt"]), st.integers(0, 4)),
)
rule = st.recursive(st.one_of(household_leaf, predicate), combine, max_leaves=8)

member = st.fixed_dictionaries({
    "id": st.uuids().map(str),
    "birth_date": st.dates(datetime.date(1930, 1, 1), REF).map(datetime.date.isoformat),
    "sex": st.sampled_from(["M", "F"]), "pregnant": st.booleans(), "status": st.just("active"),
})
context = st.builds(
    lambda decile, car, income, progs, people: rules.Context(
        {"id": "h", "welfare_decile": decile, "has_car": car, "monthly_income_idr": income,
         "programmes": progs}, [rules.member_view(p, REF) for p in people]),
    st.one_of(st.none(), st.integers(1, 10)), st.booleans(), st.integers(0, 10_000_000),
    st.lists(st.sampled_from(["PKH", "SEMBAKO"]), unique=True), st.lists(member, max_size=5))


def ev(r, ctx):
    return rules.evaluate(r, ctx)


@settings(max_examples=150, deadline=None)
@given(rule)
def test_generated_rules_validate(r):
    assert rules.validate_rule(r) == {}


@settings(max_examples=150, deadline=None)
@given(st.lists(rule, max_size=4), context)
def test_all_and_any_agree_with_python(rs, ctx):
    assert ev({"all": rs}, ctx) == all(ev(r, ctx) for r in rs)
    assert ev({"any": rs}, ctx) == any(ev(r, ctx) for r in rs)
    assert ev({"all": list(reversed(rs))}, ctx) == ev({"all": rs}, ctx)


@settings(max_examples=150, deadline=None)
@given(rule, rule, context)
def test_de_morgan_and_double_negation(a, b, ctx):
    assert ev({"not": {"all": [a, b]}}, ctx) == ev({"any": [{"not": a}, {"not": b}]}, ctx)
    assert ev({"not": {"any": [a, b]}}, ctx) == ev({"all": [{"not": a}, {"not": b}]}, ctx)
    assert ev({"not": {"not": a}}, ctx) == ev(a, ctx)
    assert ev({"all": [a]}, ctx) == ev(a, ctx) == ev({"any": [a]}, ctx)


@settings(max_examples=150, deadline=None)
@given(member_rule, context)
def test_member_predicates_are_consistent(r, ctx):
    anyone = ev({"any_member": r}, ctx)
    assert anyone == ev({"count_members": r, "op": "gte", "value": 1}, ctx)
    assert ev({"all_members": r}, ctx) == (not ev({"any_member": {"not": r}}, ctx))
    assert ev({"all_members": r}, ctx) == ev(
        {"count_members": r, "op": "eq", "value": len(ctx.members)}, ctx)


@settings(max_examples=150, deadline=None)
@given(rule, context)
def test_explanation_agrees_with_evaluation_at_every_node(r, ctx):
    out = rules.explain(r, ctx)
    assert out[0]["passed"] == ev(r, ctx)
    for node in out:
        assert isinstance(node["passed"], bool)
        assert isinstance(node["criterion"], str) and node["criterion"]
