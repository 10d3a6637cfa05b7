"""What the rule engine gained for the partners service (issue 11): the vocabulary of
per-person programmes, completed trainings, and rules worded in Bahasa Indonesia."""
import datetime

import pytest

from services.shared import rules

REF = datetime.date(2026, 12, 1)


def person(birth, completions=(), **kw):
    return rules.member_view(dict({"id": "p", "birth_date": birth, "status": "active"}, **kw),
                             REF, completions=completions)


def context(member, decile=3, others=()):
    return rules.Context({"id": "h", "welfare_decile": decile}, [member, *others], member)


@pytest.mark.parametrize("rule,birth,extra,expected", [
    ({"attr": "member.age", "op": "between", "value": [15, 30]}, "2000-01-01", {}, True),
    ({"attr": "member.age", "op": "between", "value": [15, 30]}, "1990-01-01", {}, False),
    ({"attr": "member.age_months", "op": "lt", "value": 60}, "2022-01-01", {}, True),
    ({"attr": "member.age_months", "op": "lt", "value": 60}, "2021-11-30", {}, False),
    ({"attr": "member.pregnant", "op": "eq", "value": True}, "1995-05-05", {"pregnant": True}, True),
    ({"attr": "member.overlapping_enrolments", "op": "eq", "value": 0}, "1995-05-05",
     {"overlapping_enrolments": 1}, False),
    ({"attr": "member.overlapping_enrolments", "op": "eq", "value": 0}, "1995-05-05", {}, False),
])
def test_per_person_rules(rule, birth, extra, expected):
    assert rules.validate_rule(rule, member_scope=True) == {}
    assert rules.evaluate(rule, context(person(birth, **extra))) is expected


def test_completed_trainings_become_attributes_of_the_person_and_the_family():
    trained = person("1990-01-01", completions=[
        {"programme_kind": "training", "topics": ["entrepreneurship", "bookkeeping"],
         "outcome": "certificate"},
        {"programme_kind": "immunisation", "topics": ["vaccines"], "outcome": "immunisation_given"}])
    assert trained["completed_training_topics"] == ["bookkeeping", "entrepreneurship"]
    assert trained["business_training_completed"] is True
    ctx = rules.Context({"id": "h"}, [trained, person("1992-01-01")])
    assert ctx.household["business_training_completed"] is True
    assert ctx.household["completed_training_topics"] == ["bookkeeping", "entrepreneurship"]
    rule = {"attr": "household.completed_training_topics", "op": "contains", "value": "bookkeeping"}
    assert rules.validate_rule(rule) == {} and rules.evaluate(rule, ctx) is True
    untrained = rules.Context({"id": "h"}, [person("1992-01-01")])
    assert untrained.household["business_training_completed"] is False


def test_attributes_used_lists_every_leaf_with_its_path():
    rule = {"all": [{"attr": "household.welfare_decile", "op": "lte", "value": 4},
                    {"any": [{"not": {"attr": "member.age", "op": "lt", "value": 15}},
                             {"any_member": {"attr": "member.pregnant", "op": "eq", "value": True}}]}]}
    assert rules.attributes_used(rule) == [
        ("criteria.all.0", "household.welfare_decile"),
        ("criteria.all.1.any.0.not", "member.age"),
        ("criteria.all.1.any.1.any_member", "member.pregnant")]


def test_rules_are_worded_in_bahasa_for_residents():
    rule = {"all": [
        {"attr": "member.age", "op": "between", "value": [15, 30]},
        {"attr": "household.welfare_decile", "op": "lte", "value": 4},
        {"attr": "member.sex", "op": "eq", "value": "F"},
        {"attr": "member.pregnant", "op": "eq", "value": True},
        {"attr": "member.overlapping_enrolments", "op": "eq", "value": 0, "label": "Belum ikut "
                                                                                  "program lain"}]}
    assert rules.criteria_lines(rule) == [
        "usia (tahun) 15 sampai 30", "desil kesejahteraan keluarga paling banyak 4",
        "jenis kelamin perempuan", "sedang hamil: ya", "Belum ikut program lain"]
    assert rules.criteria_lines({"all": []}) == ["Terbuka untuk semua penduduk"]
    assert rules.describe_id({"any": [{"attr": "member.age_months", "op": "lt", "value": 60},
                                      {"attr": "member.disabled", "op": "eq", "value": False}]}) \
        == "salah satu: (usia (bulan) kurang dari 60 / penyandang disabilitas: tidak)"
