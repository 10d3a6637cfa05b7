"""The marketplace's HTTP surface as the gateway documents it (no broker)."""
from gateway.openapi import build_spec
from gateway.service import ROUTER


def test_the_photo_is_documented_as_an_image_with_a_304():
    doc = build_spec(ROUTER)
    answers = doc["paths"]["/api/v1/photos/{photo_id}"]["get"]["responses"]
    assert answers["200"]["content"] == {"image/jpeg": {}}
    assert "304" in answers and "content" not in answers["304"]


def test_the_public_order_and_catalogue_routes_need_no_token():
    doc = build_spec(ROUTER)
    paths = doc["paths"]
    assert "security" not in paths["/api/v1/listings"]["get"]
    assert "security" not in paths["/api/v1/listings/{listing_id}/orders"]["post"]
    assert "security" in paths["/api/v1/sellers"]["post"]
    listing = doc["components"]["schemas"]["ListingOut"]
    assert "reserved" not in listing["required"] and "stock" in listing["required"]
    assert listing["additionalProperties"] is False
