"""Product photos: the real type and size are checked; what is kept is a bounded JPEG."""
import base64
import io
import os

import pytest
from PIL import Image

from services.marketplace import photos
from services.shared.errors import InvalidInput, NotFound, RuleRefused

from tests.unit.marketplace.conftest import image_bytes


def b64(content):
    return base64.b64encode(content).decode("ascii")


def stored(service, photo_id):
    data = service.get_photo(photo_id, None)
    return Image.open(io.BytesIO(base64.b64decode(data["data"])))


def test_a_photo_is_kept_re_encoded_bounded_and_served(service, listing):
    item, me = listing
    after = service.add_photo(item["id"], b64(image_bytes("PNG", (3000, 2000))), me)
    [photo] = after["photos"]
    assert (photo["width"], photo["height"]) == (1280, 853)
    assert photo["url"] == "/api/v1/photos/%s" % photo["id"]
    kept = stored(service, photo["id"])
    assert kept.format == "JPEG" and kept.size == (1280, 853)
    assert service.get_photo(photo["id"], None)["public"] is True


@pytest.mark.parametrize("content, message", [
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj", "must be a JPEG, PNG or WebP image"),
    (b"<?php system($_GET['c']); ?>", "must be a JPEG, PNG or WebP image"),
    (image_bytes("GIF", (40, 40)), "must be a JPEG, PNG or WebP image (this is GIF)"),
    (image_bytes("JPEG")[:600], "the image is damaged or incomplete"),
    (b"", "the file is empty")])
def test_a_file_that_is_not_a_usable_image_is_refused_whatever_its_name(service, listing,
                                                                        content, message):
    item, me = listing  # "keripik.jpg" or not: the name never reaches the check
    with pytest.raises(InvalidInput) as exc:
        service.add_photo(item["id"], b64(content), me)
    assert exc.value.errors == {"photo": [message]}
    assert service.store.photos.count_documents({}) == 0
    assert service.get_listing(item["id"], me)["photos"] == []


def test_more_than_2_mb_is_refused_before_decoding():
    noise = Image.frombytes("RGB", (1000, 1000), os.urandom(3 * 1000 * 1000))
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert len(out.getvalue()) > 2 * 1024 * 1024
    with pytest.raises(InvalidInput) as exc:
        photos.prepare(out.getvalue())
    assert exc.value.errors["photo"] == ["must be at most 2 MB (this one is 2.9 MB)"]


def test_a_decompression_bomb_is_refused():
    out = io.BytesIO()
    Image.new("L", (10000, 10000)).save(out, "PNG")  # ~100 KB that unpack to 100 MB
    with pytest.raises(InvalidInput) as exc:
        photos.prepare(out.getvalue())
    assert exc.value.errors["photo"] == ["at most 40 megapixels"]


def test_the_photo_is_turned_upright_and_its_metadata_dropped():
    image = Image.new("RGB", (400, 200), (10, 200, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees to show
    exif[0x8825] = {2: (6, 18, 30)}  # a GPS latitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    kept = Image.open(io.BytesIO(photos.prepare(out.getvalue())["data"]))
    assert kept.size == (200, 400)
    assert not kept.getexif()


def test_at_most_three_photos_and_removal(service, listing):
    item, me = listing
    for shade in range(3):
        service.add_photo(item["id"], b64(image_bytes(color=(shade * 60, 10, 10))), me)
    again = service.add_photo(item["id"], b64(image_bytes(color=(0, 10, 10))), me)
    assert len(again["photos"]) == 3  # the same image again adds nothing
    with pytest.raises(RuleRefused):
        service.add_photo(item["id"], b64(image_bytes(color=(250, 250, 250))), me)
    first = again["photos"][0]["id"]
    after = service.remove_photo(item["id"], first, me)
    assert len(after["photos"]) == 2
    with pytest.raises(NotFound):
        service.get_photo(first, None)


def test_another_seller_cannot_add_and_a_hidden_listings_photo_is_private(
        service, listing, residents):
    item, me = listing
    with pytest.raises(NotFound):
        service.add_photo(item["id"], b64(image_bytes()), {"role": "seller", "seller_id": "x"})
    photo = service.add_photo(item["id"], b64(image_bytes()), me)["photos"][0]
    service.update_listing(item["id"], {"status": "draft"}, me)
    with pytest.raises(NotFound):
        service.get_photo(photo["id"], None)
    assert service.get_photo(photo["id"], me)["public"] is False


def phone_like_photo():
    """A JPEG that compresses like a phone photo (blurred noise), not like a flat colour."""
    from PIL import ImageFilter
    out = io.BytesIO()
    Image.effect_noise((2400, 1800), 70).convert("RGB").filter(
        ImageFilter.GaussianBlur(3)).save(out, "JPEG", quality=90)
    return out.getvalue()


def test_each_photo_has_a_small_thumbnail_for_the_catalogue_card(service, listing):
    item, me = listing
    after = service.add_photo(item["id"], b64(image_bytes("PNG", (3000, 2000))), me)
    [photo] = after["photos"]
    assert photo["thumb_url"] == "/api/v1/photos/%s?size=thumb" % photo["id"]
    assert (photo["thumb_width"], photo["thumb_height"]) == (320, 213)
    thumb = service.get_photo(photo["id"], None, "thumb")
    image = Image.open(io.BytesIO(base64.b64decode(thumb["data"])))
    assert image.format == "JPEG" and image.size == (320, 213)
    assert thumb["public"] is True and thumb["content_type"] == "image/jpeg"


def test_twelve_thumbnails_of_phone_photos_fit_a_first_page():
    kept = photos.prepare(phone_like_photo())
    assert (kept["width"], kept["height"]) == (1280, 960)
    assert (kept["thumb"]["width"], kept["thumb"]["height"]) == (320, 240)
    assert kept["thumb"]["bytes"] <= 20 * 1024  # 12 cards: < 240 KB full-size photos would need 1.4 MB
    assert kept["thumb"]["bytes"] * 8 < kept["bytes"]


def test_a_photo_kept_before_thumbnails_gets_one_on_its_first_request(service, repo, listing):
    item, me = listing
    [photo] = service.add_photo(item["id"], b64(image_bytes("PNG", (900, 1200))), me)["photos"]
    repo.photos.update_one({"_id": photo["id"]}, {"$unset": {"thumb": ""}})  # as stored before
    first = service.get_photo(photo["id"], None, "thumb")
    assert Image.open(io.BytesIO(base64.b64decode(first["data"]))).size == (240, 320) == (
        photo["thumb_width"], photo["thumb_height"])
    assert repo.photo(photo["id"])["thumb"] == base64.b64decode(first["data"])  # made once, kept


def test_an_unknown_size_is_refused_naming_the_field(service, listing):
    item, me = listing
    [photo] = service.add_photo(item["id"], b64(image_bytes()), me)["photos"]
    with pytest.raises(InvalidInput) as refused:
        service.get_photo(photo["id"], None, "huge")
    assert "size" in refused.value.errors
