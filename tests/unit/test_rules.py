"""The eligibility rule engine (services/shared/rules/): validation, evaluation, explanation."""
import datetime

import pytest

from services.shared import rules

REF = datetime.date(2026, 1, 1)


def person(pid, birth, **kw):
    return rules.member_view(dict({"id": pid, "birth_date": birth, "status": "active"}, **kw), REF)


def family(decile=3, **hh):
    members = [person("m1", "1980-05-01", sex="F", relationship="wife", pregnant=True),
               person("m2", "2021-06-15", sex="M", relationship="child"),
               person("m3", "1950-01-01", sex="M", relationship="parent", disability="blind")]
    return rules.Context(dict({"id": "h1", "welfare_decile": decile, "has_car": False}, **hh), members)


def test_age_is_whole_years_at_the_reference_date():
    assert rules.age_on(datetime.date(2020, 1, 2), datetime.date(2026, 1, 1)) == 5
    assert rules.age_on(datetime.date(2020, 1, 1), datetime.date(2026, 1, 1)) == 6
    assert rules.months_on(datetime.date(2025, 12, 15), datetime.date(2026, 1, 14)) == 0
    assert person("x", "1966-01-01")["age"] == 60


@pytest.mark.parametrize("rule,expected", [
    ({"attr": "household.welfare_decile", "op": "lte", "value": 4}, True),
    ({"attr": "household.welfare_decile", "op": "gt", "value": 3}, False),
    ({"attr": "household.welfare_decile", "op": "between", "value": [1, 3]}, True),
    ({"attr": "household.welfare_decile", "op": "in", "value": [1, 2]}, False),
    ({"attr": "household.has_car", "op": "eq", "value": False}, True),
    ({"any_member": {"attr": "member.age", "op": "lt", "value": 6}}, True),
    ({"any_member": {"attr": "member.age", "op": "gte", "value": 80}}, False),
    ({"any_member": {"attr": "member.disabled", "op": "eq", "value": True}}, True),
    ({"count_members": {"attr": "member.age", "op": "gte", "value": 18}, "op": "eq", "value": 2}, True),
    ({"all_members": {"attr": "member.status", "op": "eq", "value": "active"}}, True),
    ({"not": {"attr": "household.programmes", "op": "contains", "value": "PKH"}}, True),
    ({"any": [{"attr": "household.welfare_decile", "op": "gt", "value": 8},
              {"any_member": {"attr": "member.pregnant", "op": "eq", "value": True}}]}, True),
    ({"all": [{"attr": "household.welfare_decile", "op": "lte", "value": 4},
              {"any_member": {"attr": "member.birth_date", "op": "gte", "value": "2020-01-01"}}]}, True),
])
def test_rules_evaluate_over_household_and_members(rule, expected):
    assert rules.validate_rule(rule) == {}
    assert rules.evaluate(rule, family()) is expected


def test_unknown_decile_fails_comparisons_but_not_negations():
    ctx = family(decile=None)
    assert not rules.evaluate({"attr": "household.welfare_decile", "op": "lte", "value": 4}, ctx)
    assert rules.evaluate({"not": {"attr": "household.welfare_decile", "op": "lte", "value": 4}}, ctx)
    assert rules.evaluate({"attr": "household.welfare_decile", "op": "eq", "value": None}, ctx)


def test_validation_names_the_path_of_each_bad_rule():
    bad = {"all": [
        {"attr": "household.welfare_decile", "op": "lte", "value": 4},
        {"attr": "household.decile", "op": "lte", "value": 4},
        {"any_member": {"attr": "member.age", "op": "about", "value": 6}},
        {"attr": "household.has_car", "op": "gt", "value": True},
        {"attr": "member.age", "op": "gte", "value": 60},
        {"attr": "household.welfare_decile", "op": "between", "value": [5, 1]},
        {"any": "nope"},
        {"count_members": {"attr": "member.pregnant", "op": "eq", "value": True}, "op": "gte", "value": -1},
        {"all": [], "extra": 1},
        {"attr": "household.rt", "op": "eq", "value": 3},
    ]}
    errors = rules.validate_rule(bad)
    assert set(errors) == {"criteria.all.1.attr", "criteria.all.2.any_member.op",
                           "criteria.all.3.value", "criteria.all.4.attr",
                           "criteria.all.5.value", "criteria.all.6.any",
                           "criteria.all.7.value", "criteria.all.8.extra",
                           "criteria.all.9.value"}
    assert "unknown attribute" in errors["criteria.all.1.attr"][0]
    assert "member.* is only bound" in errors["criteria.all.4.attr"][0]


@pytest.mark.parametrize("rule", [[], "x", {}, {"all": [], "any": []}, {"not": 3},
                                  {"attr": "household.welfare_decile", "op": "lte"}])
def test_malformed_rules_are_refused(rule):
    assert rules.validate_rule(rule)


def test_member_scope_is_allowed_where_a_member_is_bound():
    rule = {"attr": "member.age", "op": "gte", "value": 60}
    assert rules.validate_rule(rule, member_scope=True) == {}
    ctx = family()
    assert rules.evaluate(rule, ctx.for_member(ctx.members[2]))
    assert not rules.evaluate(rule, ctx.for_member(ctx.members[0]))


def test_explain_shows_each_criterion_with_the_value_seen():
    rule = {"all": [{"attr": "household.welfare_decile", "op": "lte", "value": 2,
                     "label": "Desil 1-2"},
                    {"any_member": {"attr": "member.age", "op": "lt", "value": 6}}]}
    out = rules.explain(rule, family(decile=3))
    assert out[0]["passed"] is False and out[0]["path"] == "criteria"
    assert out[1] == {"criterion": "Desil 1-2", "path": "criteria.all.0", "value": 3, "passed": False}
    assert out[2]["value"] == 1 and out[2]["passed"] is True
    assert out[2]["criterion"] == "a member with member.age < 6"


def test_components_one_per_member_and_the_cap_keeps_the_largest():
    comps = [{"code": "pregnant", "when": {"attr": "member.pregnant", "op": "eq", "value": True},
              "amount_idr": 750000},
             {"code": "child", "when": {"attr": "member.age", "op": "lte", "value": 6},
              "amount_idr": 750000},
             {"code": "elderly", "when": {"attr": "member.age", "op": "gte", "value": 60},
              "amount_idr": 600000},
             {"code": "adult_woman", "when": {"attr": "member.sex", "op": "eq", "value": "F"},
              "amount_idr": 1}]
    assert rules.validate_components(comps) == {}
    compiled = rules.compile_components(comps)
    earned = rules.member_components(compiled, family(), None)
    assert [(c["code"], c["member_id"]) for c in earned] == [
        ("pregnant", "m1"), ("child", "m2"), ("elderly", "m3")]
    capped = rules.member_components(compiled, family(), None, max_components=2)
    assert [c["code"] for c in capped] == ["pregnant", "child"]
    assert rules.validate_components([{"code": "a", "amount_idr": -1}]).keys() == {
        "benefit.components.0.amount_idr", "benefit.components.0.when"}
