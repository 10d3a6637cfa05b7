"""What comes into the marketplace service: read strictly (unknown fields refused).

Codes fixed by docs/contract.md ("Marketplace"): seller ``category``, listing
``status``, order ``status``. Money is integer rupiah (``*_idr``); dates are
``YYYY-MM-DD``.
"""
from marshmallow import ValidationError, fields, validate, validates_schema

from services.shared.contract import PageQuery, Strict, Tolerant
from services.shared.fields import (PHONE_RE, AreaNumber, FreeText, Phone, Text, nik_rule,
                                    one_of)

CATEGORIES = ("food", "drinks", "crafts", "fashion", "agriculture", "services", "other")
#: PP 7/2021 bands the village market serves (docs/domain.md "UMKM"); medium and
#: large businesses are not what the village market is for.
SCALES = ("micro", "small")
SELLER_STATUSES = ("pending", "verified", "suspended")
LISTING_STATUSES = ("draft", "active", "sold_out", "suspended")
#: what a seller may set; ``sold_out`` follows the stock, ``suspended`` is an officer's
SELLER_LISTING_STATUSES = ("draft", "active")
ORDER_STATUSES = ("placed", "confirmed", "completed", "cancelled", "expired")
#: orders that still hold stock
OPEN_ORDER_STATUSES = ("placed", "confirmed")
SUSPENSION_REASONS = ("licence_expired", "complaint", "misleading_listing", "fraud",
                      "seller_request", "other")
#: reasons the platform itself suspends a seller: the resident left the registry
RESIDENT_REASONS = ("resident_moved_out", "resident_deceased", "resident_duplicate",
                    "resident_other")
LISTING_SUSPENSION_REASONS = ("misleading_listing", "prohibited_product", "complaint", "other")
CANCEL_REASONS = ("buyer_request", "out_of_stock", "buyer_unreachable", "seller_unavailable",
                  "other")
PAYMENT_METHODS = ("cash", "qris", "transfer", "other")
SORTS = ("newest", "price_asc", "price_desc")
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 2 * 1024 * 1024
#: ``GET /photos/{id}?size=``: the kept photo (at most 1280 px) or its card thumbnail (320 px)
PHOTO_SIZES = ("full", "thumb")
SELLER_ID = r"^[A-Za-z0-9_-]{3,64}$"
#: Indonesian mobile numbers (WhatsApp): 08..., 628... or +628..., 10-15 digits in all
WHATSAPP_RE = r"^(\+?62|0)8[0-9]{7,12}$"


def _choice(values, **kwargs):
    return fields.String(validate=one_of(values), **kwargs)


def _rupiah(**kwargs):
    return fields.Integer(strict=True, validate=validate.Range(
        min=1, error="must be a whole number of rupiah above 0"), **kwargs)


def _count(**kwargs):
    return fields.Integer(strict=True, validate=validate.Range(
        min=0, max=1_000_000, error="must be a whole number from 0 to 1000000"), **kwargs)


def WhatsApp(**kwargs):  # noqa: N802 - reads as a field class at the call site
    """A seller's WhatsApp number: an Indonesian mobile number."""
    return fields.String(validate=validate.Regexp(
        WHATSAPP_RE, error="must be an Indonesian mobile number: 08..., 628... or +628..."),
        **kwargs)


class LicenceIn(Strict):
    """A food licence: the SPP-IRT (home-industry food licence) or a halal certificate."""

    number = Text(60, required=True)
    expires_on = fields.Date(required=True)


class LicencesIn(Strict):
    spp_irt = fields.Nested(LicenceIn, load_default=None, allow_none=True)
    halal = fields.Nested(LicenceIn, load_default=None, allow_none=True)


class SellerFields(Strict):
    """The profile a seller keeps up to date (all optional in a PATCH)."""

    business_name = Text(120, required=True)
    category = _choice(CATEGORIES, required=True)
    scale = _choice(SCALES, load_default="micro")
    phone = WhatsApp(required=True, metadata={"description": "WhatsApp number buyers chat with"})
    rt = AreaNumber(required=True)
    rw = AreaNumber(required=True)
    description = FreeText(1000)
    annual_sales_idr = fields.Integer(strict=True, load_default=None, allow_none=True,
                                      validate=validate.Range(min=0))
    capital_idr = fields.Integer(strict=True, load_default=None, allow_none=True,
                                 validate=validate.Range(min=0),
                                 metadata={"description": "excluding land and buildings"})
    licences = fields.Nested(LicencesIn, load_default=None, allow_none=True)


class SellerIn(SellerFields):
    """``POST /sellers``: a resident (by NIK) becomes a seller, ``pending`` until verified."""

    nik = fields.String(required=True, validate=nik_rule)


class SellerPatch(SellerFields):
    """``PATCH /sellers/{id}``: any of the profile fields, with the ``version`` read."""

    version = fields.Integer(strict=True, load_default=None, allow_none=True)


class SellerQuery(PageQuery):
    status = _choice(SELLER_STATUSES)
    category = _choice(CATEGORIES)
    rw = AreaNumber()
    q = fields.String(metadata={"description": "words of the business name"})
    warnings = fields.Boolean(metadata={"description": "only sellers with a licence warning"})
    nik = fields.String(validate=nik_rule)


class VerifyIn(Strict):
    note = FreeText(1000)


class SuspendIn(Strict):
    reason = _choice(SUSPENSION_REASONS, required=True)
    note = FreeText(1000)


class ReinstateIn(Strict):
    note = FreeText(1000)


class ListingFields(Strict):
    title = Text(120, required=True)
    description = FreeText(4000, required=True)
    price_idr = _rupiah(required=True)
    unit = Text(30, required=True, metadata={"description": "pcs, kg, paket, lusin, porsi, ..."})
    stock = _count(required=True, metadata={"description": "units available now"})
    category = _choice(CATEGORIES, required=True)
    status = _choice(SELLER_LISTING_STATUSES, load_default="active",
                     metadata={"description": "draft (not shown) or active; active with stock "
                                              "0 is sold_out"})


class ListingIn(ListingFields):
    seller_id = fields.String(load_default=None, allow_none=True,
                              metadata={"description": "officers only (assisted listing); a "
                                                       "seller token lists for its own seller"})


class ListingPatch(ListingFields):
    version = fields.Integer(strict=True, load_default=None, allow_none=True)


class ListingQuery(PageQuery):
    """``GET /listings``: the public catalogue."""

    q = fields.String(validate=validate.Length(max=200),
                      metadata={"description": "words, e.g. keripik, batik (prefixes match)"})
    category = _choice(CATEGORIES)
    min_price_idr = fields.Integer(validate=validate.Range(min=0))
    max_price_idr = fields.Integer(validate=validate.Range(min=0))
    rw = AreaNumber(metadata={"description": "the seller's RW"})
    seller_id = fields.String()
    sort = _choice(SORTS, load_default="newest")

    @validates_schema
    def _range(self, data, **kwargs):
        low, high = data.get("min_price_idr"), data.get("max_price_idr")
        if low is not None and high is not None and low > high:
            raise ValidationError("must not be below min_price_idr", "max_price_idr")


class SellerListingQuery(PageQuery):
    status = _choice(LISTING_STATUSES)


class ListingSuspendIn(Strict):
    reason = _choice(LISTING_SUSPENSION_REASONS, required=True)
    note = FreeText(1000)


class OrderIn(Strict):
    """``POST /listings/{id}/orders``: a buyer needs no account."""

    buyer_name = Text(100, required=True)
    buyer_phone = fields.String(required=True, validate=validate.Regexp(
        PHONE_RE, error="must be 8 to 15 digits, optionally after a leading +"))
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(
        min=1, max=10_000, error="must be a whole number from 1 to 10000"))
    note = FreeText(500)


class OrderTransitionIn(Strict):
    """``POST /orders/{id}/transitions``. The seller confirms, completes (``payment``:
    how the buyer paid, as the seller confirms) or cancels; a buyer cancels a
    ``placed`` order with the ``buyer_phone`` it was placed with."""

    to = _choice(("confirmed", "completed", "cancelled"), required=True)
    reason = _choice(CANCEL_REASONS, load_default=None, allow_none=True)
    note = FreeText(500)
    payment = _choice(PAYMENT_METHODS, load_default=None, allow_none=True)
    buyer_phone = Phone()
    version = fields.Integer(strict=True, load_default=None, allow_none=True)

    @validates_schema
    def _fits(self, data, **kwargs):
        if data["to"] == "completed" and not data.get("payment"):
            raise ValidationError("required when to is completed: cash, qris, transfer or other",
                                  "payment")
        if data["to"] != "completed" and data.get("payment"):
            raise ValidationError("only when to is completed", "payment")
        if data["to"] != "cancelled" and data.get("reason"):
            raise ValidationError("only when to is cancelled", "reason")


class OrderQuery(PageQuery):
    status = _choice(ORDER_STATUSES)


class ExpireIn(Strict):
    as_of = fields.String(load_default=None, allow_none=True, metadata={
        "format": "date-time", "description": "run the expiry as of this instant (drills, demo)"})


class ReportQuery(Tolerant):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    month = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1,
                                                                                        max=12))
    format = _choice(("json", "csv"), load_default="json")


class PhotoQuery(Strict):
    """``GET /photos/{id}``: which size."""

    size = _choice(PHOTO_SIZES, load_default="full", metadata={
        "description": "full (at most 1280 pixels) or thumb (at most 320, ~10-15 KB)"})
