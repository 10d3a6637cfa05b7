"""Plain domain rules: deployment kind, recipients, planning under budget and quota."""
from services.distribution import domain
from services.shared.settings import load_settings


def test_deployment_kind_from_the_village_code():
    assert load_settings({"VILLAGE_CODE": "3174091005"}).deployment == "kelurahan"
    assert load_settings({"VILLAGE_CODE": "3201012001"}).deployment == "desa"


def m(mid, rel, sex, age):
    return {"id": mid, "relationship": rel, "sex": sex, "age": age}


def test_caretaker_rule_prefers_the_mother_then_falls_back():
    rule = {"relationships": ["wife", "head", "child"], "prefer_sex": "F", "min_age": 17}
    family = [m("a", "head", "M", 40), m("b", "wife", "F", 38), m("c", "child", "F", 19),
              m("d", "child", "M", 10)]
    assert domain.choose_recipient(rule, family)["id"] == "b"
    assert domain.choose_recipient(rule, family, skip_ids=("b",))["id"] == "c"
    assert domain.choose_recipient(rule, family, skip_ids=("b", "c"))["id"] == "a"
    assert domain.choose_recipient(rule, family, skip_ids=("a", "b", "c")) is None


def test_an_adult_beneficiary_receives_personally_a_child_through_the_caretaker():
    rule = domain.HEAD_FIRST
    family = [m("a", "head", "M", 70), m("d", "child", "M", 5)]
    assert domain.choose_recipient(rule, family, family[0])["id"] == "a"
    assert domain.choose_recipient(rule, family, family[1])["id"] == "a"


def cand(cid, decile, amount=100):
    return {"_id": cid, "welfare_decile": decile, "monthly_income_idr": 0, "amount_idr": amount}


def test_short_budget_serves_lowest_deciles_and_lists_the_rest_as_waiting():
    planned = domain.plan([cand("x", 4), cand("y", 1), cand("z", None), cand("w", 2)],
                          budget_idr=250, quota=None)
    assert [(c["_id"], c["status"]) for c in planned] == [
        ("y", "pending"), ("w", "pending"), ("x", "waiting"), ("z", "waiting")]


def test_quota_counts_what_is_already_held():
    planned = domain.plan([cand("a", 1), cand("b", 2)], None, quota=3, committed_count=2)
    assert [c["status"] for c in planned] == ["pending", "waiting"]


def test_a_richer_smaller_household_never_overtakes_a_poorer_one():
    planned = domain.plan([cand("poor", 1, 300), cand("rich", 3, 50)], budget_idr=200, quota=None)
    assert [c["status"] for c in planned] == ["waiting", "waiting"]


def test_allocation_ids_are_deterministic():
    assert domain.allocation_id("r", "h") == domain.allocation_id("r", "h")
    assert domain.allocation_id("r", "h") != domain.allocation_id("r", "h", "m")


def test_exclusion_is_symmetric():
    table = {"KLJ": ["KPDJ"], "KPDJ": [], "PKH": []}
    assert domain.excluded_by("KPDJ", set(), {"KLJ", "PKH"}, table) == ["KLJ"]
    assert domain.excluded_by("KLJ", {"KPDJ"}, {"KPDJ"}, table) == ["KPDJ"]
    assert domain.excluded_by("PKH", set(), {"SEMBAKO"}, table) == []
