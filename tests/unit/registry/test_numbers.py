"""NIK and KK rules (services/shared/nik.py; docs/domain.md "NIK and KK")."""
import datetime

import pytest

from services.shared.nik import (FLAG_BIRTH_DATE, FLAG_KK_DATE, FLAG_SEX, FLAG_TEMPORARY,
                                 NumberRuleError, is_temporary, mask_nik, nik_quality_flags,
                                 temporary_number, validate_kk, validate_nik)

from tests.unit.registry.factories import nik_for

BORN = datetime.date(1985, 9, 22)


def test_a_jagakarsa_nik_is_valid_and_women_add_40_to_the_day():
    assert validate_nik("3174092209850001") == "3174092209850001"
    assert validate_nik("3174096209850001")  # the same date for a woman: day 62


def test_a_nik_issued_elsewhere_is_valid():
    assert validate_nik(nik_for(BORN, "M", area="327301"))


@pytest.mark.parametrize("nik, rule", [
    ("317409220985001", "exactly 16 digits"),
    ("31740922098500011", "exactly 16 digits"),
    ("31740922O9850001", "16 digits (0-9 only)"),
    ("9974092209850001", "province code"),
    ("3100092209850001", "regency/city code (not 00)"),
    ("3174093209850001", "birth day, 01-31 (men) or 41-71"),
    ("3174093102850001", "real birth date"),
    ("3174092213850001", "real birth date"),
    ("3174092209850000", "serial (digits 13-16) must not be 0000"),
])
def test_a_broken_nik_is_refused_naming_the_rule(nik, rule):
    with pytest.raises(NumberRuleError, match=rule.replace("(", r"\(").replace(")", r"\)")):
        validate_nik(nik)


def test_matching_date_and_sex_raise_no_flag():
    assert nik_quality_flags("3174096209850001", BORN, "F") == []


def test_a_date_or_sex_mismatch_is_flagged_not_refused():
    assert nik_quality_flags("3174092209850001", datetime.date(1985, 9, 23), "M") == [FLAG_BIRTH_DATE]
    assert nik_quality_flags("3174092209850001", BORN, "F") == [FLAG_SEX]
    assert nik_quality_flags("3174096209850001", datetime.date(1986, 9, 22), "M") == [
        FLAG_BIRTH_DATE, FLAG_SEX]


def test_temporary_numbers_are_village_code_plus_counter_and_flagged():
    number = temporary_number("3174091005", 7)
    assert number == "0317409100500007"
    assert is_temporary(number)
    assert nik_quality_flags(number, BORN, "M") == [FLAG_TEMPORARY]
    with pytest.raises(NumberRuleError):
        temporary_number("3174091005", 100000)


def test_kk_needs_16_digits_and_a_known_area():
    assert validate_kk("3174090212230021") == []
    for bad, rule in (("317409021223002", "exactly 16 digits"),
                      ("9974090212230021", "province code"),
                      ("3174090212230000", "must not be 0000")):
        with pytest.raises(NumberRuleError, match=rule):
            validate_kk(bad)


def test_an_old_kk_whose_date_does_not_parse_is_only_a_warning():
    assert validate_kk("3174093513990021") == [FLAG_KK_DATE]


def test_masking_keeps_first_and_last_four():
    assert mask_nik("3174092209850001") == "3174********0001"
