"""Sellers through the service (no broker): registration rules, verification, who sees what."""
import pytest

from services.shared.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleRefused

from tests.unit.marketplace.conftest import OFFICER, seller_actor, seller_body


def test_registration_checks_the_registry_and_answers_the_whole_profile(service, residents):
    person = residents.add(full_name="Sari Wulandari")
    seller = service.register_seller(seller_body(person["nik"], description="Sejak 2019"),
                                     OFFICER)
    assert seller["status"] == "pending" and seller["resident_id"] == person["id"]
    assert seller["full_name"] == "Sari Wulandari" and seller["rt"] == "003"
    assert seller["whatsapp_url"] == "https://wa.me/6281234567890"
    assert seller["listings"] == {} and seller["path_out_of_aid"]["business_capital"] == []
    outbox = service.store.sellers.find_one({"_id": seller["id"]})["_outbox"]
    assert [e["type"] for e in outbox] == ["seller_registered"]
    assert outbox[0]["data"]["seller"]["nik"] == person["nik"]
    assert "phone" not in outbox[0]["data"]["seller"]


@pytest.mark.parametrize("person, rule", [
    (dict(birth="2012-05-05"), "must be 17 or older"),
    (dict(status="inactive", inactive_reason="moved_out"), "must be an active resident")])
def test_a_young_or_inactive_resident_cannot_sell(service, residents, person, rule):
    nik = residents.add(**person)["nik"]
    with pytest.raises(RuleRefused) as exc:
        service.register_seller(seller_body(nik), OFFICER)
    assert exc.value.errors == {"nik": [rule]}
    assert service.store.sellers.count_documents({}) == 0


def test_an_unknown_nik_and_bad_fields_are_refused_by_name(service, residents):
    with pytest.raises(RuleRefused) as exc:
        service.register_seller(seller_body("3174094506870003"), OFFICER)
    assert "nik" in exc.value.errors
    nik = residents.add()["nik"]
    with pytest.raises(InvalidInput) as exc:
        service.register_seller(seller_body(nik, category="weapons", phone="12345",
                                            rw="RW5", extra=1), OFFICER)
    assert set(exc.value.errors) == {"category", "phone", "rw", "extra"}


def test_one_seller_per_resident(service, residents):
    nik = residents.add()["nik"]
    first = service.register_seller(seller_body(nik), OFFICER)
    with pytest.raises(Conflict) as exc:
        service.register_seller(seller_body(nik, business_name="Toko Dua"), OFFICER)
    assert first["id"] in exc.value.detail


def test_a_seller_token_registers_its_own_seller_once(service, residents):
    nik = residents.add()["nik"]
    seller = service.register_seller(seller_body(nik), seller_actor("slr_sari"))
    assert seller["id"] == "slr_sari"
    other = residents.add()["nik"]
    with pytest.raises(Conflict):
        service.register_seller(seller_body(other), seller_actor("slr_sari"))
    with pytest.raises(Forbidden):
        service.register_seller(seller_body(other), {"role": "partner", "partner_id": "p"})


def test_verification_makes_the_seller_public(service, residents):
    seller = service.register_seller(seller_body(residents.add()["nik"]), OFFICER)
    with pytest.raises(NotFound):
        service.get_seller(seller["id"], None)  # pending: not public
    verified = service.verify_seller(seller["id"], {}, OFFICER)
    assert verified["status"] == "verified" and verified["verified_by"]["name"] == "Petugas Ani"
    card = service.get_seller(seller["id"], None)
    assert set(card) == {"id", "business_name", "category", "rt", "rw", "whatsapp_url"}
    with pytest.raises(Conflict):
        service.verify_seller(seller["id"], {}, OFFICER)
    with pytest.raises(Forbidden):
        service.verify_seller(seller["id"], {}, seller_actor(seller["id"]))


def test_another_sellers_profile_is_only_its_public_card_and_edits_are_404(
        service, residents, verified_seller):
    mine, me = verified_seller
    other = service.register_seller(seller_body(residents.add()["nik"]), OFFICER)
    assert "nik" in service.get_seller(mine["id"], me)
    with pytest.raises(NotFound):
        service.get_seller(other["id"], me)  # pending: not even a public card
    with pytest.raises(NotFound):
        service.update_seller(other["id"], {"business_name": "Diambil alih"}, me)
    with pytest.raises(NotFound):
        service.seller_orders(other["id"], {}, 1, 50, me)
    assert service.get_seller(other["id"], OFFICER)["business_name"] == "Keripik Bu Sari"


def test_profile_edits_keep_the_rules_and_the_version(service, verified_seller):
    seller, me = verified_seller
    after = service.update_seller(seller["id"], {
        "business_name": "Keripik & Rempeyek Bu Sari",
        "licences": {"spp_irt": {"number": "P-IRT 2063174010123-29",
                                 "expires_on": "2027-03-01"}}}, me)
    assert after["version"] == seller["version"] + 2  # verified, then edited
    assert after["licences"]["spp_irt"]["state"] == "expiring"
    assert "spp_irt_expiring" in [w["code"] for w in after["warnings"]]
    with pytest.raises(Conflict):
        service.update_seller(seller["id"], {"rw": "6", "version": 1}, me)
    with pytest.raises(InvalidInput):
        service.update_seller(seller["id"], {"scale": "medium"}, me)


def test_officers_find_sellers_with_licence_warnings(service, residents):
    warned = service.register_seller(seller_body(residents.add()["nik"]), OFFICER)  # no halal
    service.register_seller(seller_body(residents.add()["nik"], category="crafts",
                                        business_name="Batik Betawi"), OFFICER)
    page = service.list_sellers({"warnings": "true"}, 1, 50, OFFICER)
    assert [s["id"] for s in page["items"]] == [warned["id"]] and page["total"] == 1
    assert service.list_sellers({"q": "batik"}, 1, 50, OFFICER)["total"] == 1
    with pytest.raises(Forbidden):
        service.list_sellers({}, 1, 50, seller_actor(warned["id"]))
