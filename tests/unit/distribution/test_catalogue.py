"""Programmes and rounds: the seed catalogue, validation, revision, deployment."""
import copy

import pytest

from services.distribution import catalogue
from services.shared.errors import Conflict, InvalidInput, NotFound, RuleRefused
from tests.unit.distribution.conftest import OFFICER


def test_every_seed_programme_publishes_with_sources(repo, seeds):
    assert {"PKH", "SEMBAKO", "PBI_JK", "PIP", "KLJ", "KPDJ", "KAJ", "KJP_PLUS", "UMKM_DESA",
            "BLT_DD"} <= set(seeds)
    for body in seeds.values():
        out = catalogue.publish_programme(repo, body, OFFICER, "kelurahan")
        assert out["version"] == 1 and out["rights_and_obligations"]["rights"]
        assert body["sources"], body["code"]
        figures = body["benefit"].get("components") or [body["benefit"]]
        for figure in figures:
            assert figure["source"]["date"] and "verified" in figure["source"], body["code"]
    listed = catalogue.list_programmes(repo, "kelurahan", per_page=200)
    assert "BLT_DD" not in {p["code"] for p in listed["items"]}
    everything = catalogue.list_programmes(repo, "kelurahan", include_disabled=True, per_page=200)
    assert everything["total"] == len(seeds)
    assert catalogue.get_programme(repo, "BLT_DD", "desa")["enabled"] is True


def test_pkh_components_are_the_published_yearly_figures_over_four_tahap(seeds):
    pkh = seeds["PKH"]
    assert pkh["frequency"]["rounds_per_year"] == 4
    yearly = {c["code"]: c["amount_idr"] * 4 for c in pkh["benefit"]["components"]}
    assert yearly == {"pregnant": 3_000_000, "early_childhood": 3_000_000, "sd": 900_000,
                      "smp": 1_500_000, "sma": 2_000_000, "severe_disability": 2_400_000,
                      "elderly": 2_400_000}


def test_bad_rules_are_refused_naming_their_path_and_nothing_is_saved(repo, seeds):
    body = copy.deepcopy(seeds["PKH"])
    body["criteria"] = {"all": [{"attr": "household.welfare_decile", "op": "lte", "value": "4"}]}
    body["benefit"]["components"][1]["when"] = {"attr": "member.shoe_size", "op": "gt", "value": 1}
    with pytest.raises(InvalidInput) as exc:
        catalogue.publish_programme(repo, body, OFFICER, "kelurahan")
    assert set(exc.value.errors) == {"criteria.all.0.value", "benefit.components.1.when.attr"}
    with pytest.raises(NotFound):
        catalogue.get_programme(repo, "PKH", "kelurahan")


def test_unknown_fields_and_missing_fields_are_listed(repo, seeds):
    body = dict(seeds["SEMBAKO"], colour="red")
    del body["name"]
    with pytest.raises(InvalidInput) as exc:
        catalogue.publish_programme(repo, body, OFFICER, "kelurahan")
    assert {"colour", "name"} <= set(exc.value.errors)


def test_publishing_a_code_twice_conflicts(publish):
    publish("SEMBAKO")
    with pytest.raises(Conflict):
        publish("SEMBAKO")


def test_a_revision_applies_to_future_rounds_only(repo, seeds, publish, schedule):
    publish("SEMBAKO")
    before = schedule("SEMBAKO", "Tahap 1")
    revised = dict(seeds["SEMBAKO"], benefit=dict(seeds["SEMBAKO"]["benefit"], amount_idr=700_000))
    assert catalogue.revise_programme(repo, "SEMBAKO", revised, OFFICER, "kelurahan")["version"] == 2
    after = schedule("SEMBAKO", "Tahap 2", "2026-04-06", "2026-04-30")
    assert repo.get_round(before["id"])["rules"]["benefit"]["amount_idr"] == 600_000
    assert repo.get_round(after["id"])["rules"]["benefit"]["amount_idr"] == 700_000


def test_rounds_validate_their_period_and_are_not_scheduled_twice(publish, schedule):
    publish("PKH")
    with pytest.raises(InvalidInput) as exc:
        schedule("PKH", starts_on="2026-02-01", ends_on="2026-01-01")
    assert "ends_on" in exc.value.errors
    schedule("PKH")
    with pytest.raises(Conflict):
        schedule("PKH")


def test_blt_dana_desa_rounds_only_in_a_desa(repo, publish):
    publish("BLT_DD")
    body = {"name": "Januari", "starts_on": "2026-01-05", "ends_on": "2026-01-30",
            "location": "Balai desa"}
    with pytest.raises(RuleRefused):
        catalogue.schedule_round(repo, "BLT_DD", body, OFFICER, "kelurahan")
    assert catalogue.schedule_round(repo, "BLT_DD", body, OFFICER, "desa")["status"] == "scheduled"


def test_upcoming_rounds_are_those_not_ended(repo, publish, schedule):
    publish("PKH")
    schedule("PKH", "lalu", "2020-01-01", "2020-01-31")
    schedule("PKH", "nanti", "2099-01-01", "2099-01-31")
    names = [r["name"] for r in catalogue.list_rounds(repo, "PKH", upcoming=True)["items"]]
    assert names == ["nanti"]
    assert catalogue.list_rounds(repo, "PKH")["total"] == 2
