"""Request schemas: every bad field is named; values are normalised as documented."""
import datetime

import pytest

from services.shared.errors import InvalidInput
from services.registry.contract import (DeactivateIn, HouseholdIn, ResidentFields, ResidentPatch,
                                        SearchQuery)
from services.shared.contract import load

from tests.unit.registry import factories


def test_a_valid_household_loads_with_dates_and_defaults():
    body = factories.household()
    body["members"][0].pop("disability")
    data = load(HouseholdIn(), body)
    assert isinstance(data["members"][0]["birth_date"], datetime.date)
    assert data["members"][0]["disability"] == "none"
    assert data["dusun"] is None and data["village_code"] is None


def test_every_bad_field_is_listed_at_once():
    body = factories.household(rt="12345", welfare_decile=11, monthly_income_idr=1500.5,
                               kk_number="9999")
    body["members"][0].update(nik="3174092209850000", sex="X", birth_date="2999-01-01")
    body["members"][1]["relationship"] = "cousin"
    body["members"][2]["surprise"] = 1
    with pytest.raises(InvalidInput) as exc:
        load(HouseholdIn(), body)
    errors = exc.value.errors
    assert {"rt", "welfare_decile", "monthly_income_idr", "kk_number", "members.0.nik",
            "members.0.sex", "members.0.birth_date", "members.1.relationship",
            "members.2.surprise"} <= set(errors)
    assert "0000" in errors["members.0.nik"][0]
    assert "exactly 16 digits" in errors["kk_number"][0]


def test_rt_and_rw_are_zero_padded_and_a_dash_is_kept():
    data = load(HouseholdIn(), factories.household(rt="5", rw="-"))
    assert (data["rt"], data["rw"]) == ("005", "-")


def test_an_address_object_is_accepted_for_the_flat_fields():
    body = factories.household()
    address = {k: body.pop(k) for k in ("street", "rt", "rw")}
    data = load(HouseholdIn(), dict(body, address=address))
    assert data["rt"] == address["rt"] and data["street"] == address["street"]


def test_a_man_cannot_be_pregnant():
    with pytest.raises(InvalidInput) as exc:
        load(ResidentFields(), factories.person(sex="M", pregnant=True))
    assert "pregnant" in exc.value.errors


def test_a_member_without_nik_loads_with_none():
    data = load(ResidentFields(), factories.person(nik=False))
    assert data["nik"] is None


def test_blank_names_and_bad_phones_are_refused():
    with pytest.raises(InvalidInput) as exc:
        load(ResidentFields(), factories.person(full_name="   ", phone="call me"))
    assert set(exc.value.errors) == {"full_name", "phone"}


def test_a_patch_needs_a_reason_but_no_other_field():
    fields = tuple(ResidentFields().fields)
    data = load(ResidentPatch(), {"full_name": "Nama Baru", "reason": "salah ketik"},
                partial=fields)
    assert data == {"full_name": "Nama Baru", "reason": "salah ketik"}
    with pytest.raises(InvalidInput) as exc:
        load(ResidentPatch(), {"full_name": "Nama Baru"}, partial=fields)
    assert "reason" in exc.value.errors


def test_deactivation_reasons_are_the_contracts():
    assert load(DeactivateIn(), {"reason": "deceased"})["reason"] == "deceased"
    with pytest.raises(InvalidInput) as exc:
        load(DeactivateIn(), {"reason": "vanished"})
    assert "reason" in exc.value.errors


def test_search_query_validates_filters():
    assert load(SearchQuery(), {"rt": "3", "flagged": "true"})["rt"] == "003"
    with pytest.raises(InvalidInput) as exc:
        load(SearchQuery(), {"status": "sleeping", "kk_number": "12"})
    assert set(exc.value.errors) == {"status", "kk_number"}
