"""The events the marketplace publishes (docs/events.md, "marketplace"), schema_version 1.

Each carries its aggregate's snapshot after the change (a seller, a listing or
an order) and ``seller``: ``{id, resident_id, nik}``, so a consumer that
follows residents (a timeline) needs nothing else. No buyer's name or phone
and no seller's phone is ever in an event. Readers below are tolerant.
"""
from marshmallow import fields

from services.shared.contract import EventType, Tolerant

SOURCE = "marketplace"


def _opt(field=fields.String, **kwargs):
    return field(load_default=None, allow_none=True, **kwargs)


class SellerRef(Tolerant):
    id = fields.String(required=True)
    resident_id = _opt()
    nik = _opt()


class SellerSnapshot(SellerRef):
    business_name = _opt()
    category = _opt()
    scale = _opt()
    rt = _opt()
    rw = _opt()
    status = _opt()
    suspension = _opt(fields.Dict)
    verified_at = _opt()
    created_at = _opt()
    version = fields.Integer(load_default=1)


class ListingSnapshot(Tolerant):
    id = fields.String(required=True)
    seller_id = _opt()
    title = _opt()
    category = _opt()
    price_idr = _opt(fields.Integer)
    unit = _opt()
    stock = _opt(fields.Integer)
    status = _opt()
    published_at = _opt()
    version = fields.Integer(load_default=1)


class OrderSnapshot(Tolerant):
    id = fields.String(required=True)
    listing_id = _opt()
    seller_id = _opt()
    listing_title = _opt()
    unit = _opt()
    unit_price_idr = _opt(fields.Integer)
    quantity = _opt(fields.Integer)
    total_idr = _opt(fields.Integer)
    status = _opt()
    status_reason = _opt()
    payment = _opt()
    placed_at = _opt()
    placed_on = _opt()
    expires_at = _opt()
    confirmed_at = _opt()
    completed_at = _opt()
    completed_on = _opt()
    closed_at = _opt()
    closed_on = _opt()
    version = fields.Integer(load_default=1)


class SellerEventV1(Tolerant):
    seller = fields.Nested(SellerSnapshot, required=True)


class SellerSuspendedV1(SellerEventV1):
    reason = _opt()
    source = _opt(metadata={"description": "officer or registry"})


class SellerReinstatedV1(SellerEventV1):
    listings_restored = fields.Integer(load_default=0)


class ListingEventV1(Tolerant):
    listing = fields.Nested(ListingSnapshot, required=True)
    seller = fields.Nested(SellerRef, required=True)


class ListingSuspendedV1(ListingEventV1):
    reason = _opt()
    with_seller = fields.Boolean(load_default=False)


class OrderEventV1(Tolerant):
    order = fields.Nested(OrderSnapshot, required=True)
    seller = fields.Nested(SellerRef, required=True)


class OrderCancelledV1(OrderEventV1):
    reason = _opt(metadata={"description": "a cancel reason, or expired"})
    by = _opt(metadata={"description": "buyer, seller, officer or system"})


SELLER_REGISTERED = EventType(SOURCE, "seller_registered", {1: SellerEventV1})
SELLER_VERIFIED = EventType(SOURCE, "seller_verified", {1: SellerEventV1})
SELLER_SUSPENDED = EventType(SOURCE, "seller_suspended", {1: SellerSuspendedV1})
SELLER_REINSTATED = EventType(SOURCE, "seller_reinstated", {1: SellerReinstatedV1})
LISTING_PUBLISHED = EventType(SOURCE, "listing_published", {1: ListingEventV1})
LISTING_SUSPENDED = EventType(SOURCE, "listing_suspended", {1: ListingSuspendedV1})
LISTING_REINSTATED = EventType(SOURCE, "listing_reinstated", {1: ListingEventV1})
ORDER_PLACED = EventType(SOURCE, "order_placed", {1: OrderEventV1})
ORDER_CONFIRMED = EventType(SOURCE, "order_confirmed", {1: OrderEventV1})
ORDER_COMPLETED = EventType(SOURCE, "order_completed", {1: OrderEventV1})
ORDER_CANCELLED = EventType(SOURCE, "order_cancelled", {1: OrderCancelledV1})

EVENTS = (SELLER_REGISTERED, SELLER_VERIFIED, SELLER_SUSPENDED, SELLER_REINSTATED,
          LISTING_PUBLISHED, LISTING_SUSPENDED, LISTING_REINSTATED, ORDER_PLACED,
          ORDER_CONFIRMED, ORDER_COMPLETED, ORDER_CANCELLED)
