"""The marketplace's plain rules: seller age and scale, licences, WhatsApp links, words."""
import datetime
import urllib.parse

import pytest

from services.marketplace import domain, ordering, search
from services.shared.errors import InvalidInput, RuleRefused

TODAY = datetime.date(2026, 12, 1)


def resident(birth="1990-01-01", status="active"):
    return {"id": "res_1", "birth_date": birth, "status": status}


def test_a_seller_is_an_active_resident_of_17_or_more():
    domain.check_resident_may_sell(resident("2009-12-01"), TODAY)  # 17 today
    with pytest.raises(RuleRefused) as young:
        domain.check_resident_may_sell(resident("2009-12-02"), TODAY)
    assert young.value.errors == {"nik": ["must be 17 or older"]}
    with pytest.raises(RuleRefused) as gone:
        domain.check_resident_may_sell(resident(status="inactive"), TODAY)
    assert "active" in gone.value.errors["nik"][0]
    with pytest.raises(RuleRefused):
        domain.check_resident_may_sell(None, TODAY)


@pytest.mark.parametrize("capital, sales, band", [
    (1_000_000_000, None, "micro"), (None, 2_000_000_000, "micro"),
    (1_000_000_001, 2_000_000_001, "small"), (5_000_000_001, 15_000_000_001, "medium"),
    (None, 60_000_000_000, "large")])
def test_scale_bands_follow_pp_7_2021(capital, sales, band):
    assert domain.scale_of(capital, sales) == band


def test_a_stated_scale_must_fit_the_figures_and_stay_micro_or_small():
    domain.check_scale({"scale": "micro", "annual_sales_idr": 300_000_000})
    domain.check_scale({"scale": "small"})  # no figures: as stated
    with pytest.raises(InvalidInput) as wrong:
        domain.check_scale({"scale": "micro", "annual_sales_idr": 3_000_000_000})
    assert "small" in wrong.value.errors["scale"][0]
    with pytest.raises(RuleRefused):
        domain.check_scale({"scale": "small", "annual_sales_idr": 20_000_000_000})


def test_licence_warnings_from_six_months_before_expiry():
    seller = {"category": "food", "licences": {
        "spp_irt": {"number": "P-IRT 2063174010123-29", "expires_on": "2027-06-01"},
        "halal": {"number": "ID31110000123", "expires_on": "2027-06-02"}}}
    codes = [w["code"] for w in domain.licence_warnings(seller, TODAY)]
    assert codes == ["spp_irt_expiring"]  # 1 June 2027 is exactly 6 months away
    later = domain.licence_warnings(seller, datetime.date(2027, 6, 2))
    assert [w["code"] for w in later] == ["spp_irt_expired", "halal_expiring"]
    assert "perpanjang" in later[0]["message"]


def test_food_without_a_halal_certificate_is_warned_once_it_is_mandatory():
    seller = {"category": "drinks", "licences": {}}
    assert domain.licence_warnings(seller, datetime.date(2026, 10, 16)) == []
    [warning] = domain.licence_warnings(seller, datetime.date(2026, 10, 17))
    assert warning["code"] == "halal_missing"
    assert domain.licence_warnings({"category": "crafts", "licences": {}}, TODAY) == []


def test_an_spp_irt_valid_for_more_than_five_years_is_a_typo():
    with pytest.raises(InvalidInput) as exc:
        domain.check_licences({"spp_irt": {"number": "x", "expires_on": datetime.date(2032, 1,
                                                                                      1)}}, TODAY)
    assert list(exc.value.errors) == ["licences.spp_irt.expires_on"]


@pytest.mark.parametrize("phone", ["081234567890", "+6281234567890", "6281234567890"])
def test_whatsapp_links_use_the_international_number(phone):
    assert domain.whatsapp_url(phone) == "https://wa.me/6281234567890"


def test_the_order_text_is_prefilled_in_bahasa_indonesia():
    order = {"_id": "ord_1", "buyer_name": "Budi & Ani", "quantity": 3, "unit": "bungkus",
             "listing_title": "Keripik Pisang", "total_idr": 45000, "note": "Antar ke RT 02"}
    url = ordering.buyer_whatsapp_url(order, {"business_name": "Bu Sari",
                                              "phone": "081234567890"})
    base, _, query = url.partition("?text=")
    assert base == "https://wa.me/6281234567890"
    text = urllib.parse.unquote(query)
    assert text.startswith("Halo Bu Sari, saya Budi & Ani ingin memesan 3 bungkus Keripik Pisang")
    assert "Rp45.000" in text and "ord_1" in text and "Antar ke RT 02" in text


@pytest.mark.parametrize("text, expected", [
    ("Kripik Singkong", ["keripik", "singkong"]),
    ("KUE-KUE basah", ["kue", "basah"]), ("kue2 lebaran", ["kue", "lebaran"]),
    ("Batik Tulis Betawi", ["batik", "tulis", "betawi"]), ("Sambel  Bawang!", ["sambal",
                                                                               "bawang"]),
    ("Kopi Aceh Gayo ☕", ["kopi", "aceh", "gayo"])])
def test_words_fold_spelling_variants_and_reduplication(text, expected):
    assert search.words(text) == expected


@pytest.mark.parametrize("wanted, stock, status", [
    ("active", 5, "active"), ("active", 0, "sold_out"), ("draft", 0, "draft"),
    ("draft", 9, "draft")])
def test_sold_out_follows_the_stock(wanted, stock, status):
    assert domain.listing_status_for(wanted, stock) == status
