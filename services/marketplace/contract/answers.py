"""What the marketplace service answers: every RPC answer is dumped through one of
these (``services.shared.contract.dump``), and the OpenAPI documents the same.

Who sees what (``services/marketplace/views.py``): the public sees a seller's
card (business name, RT/RW, WhatsApp link) and listed products; the seller
and officers see the whole profile (NIK masked for the seller by the gateway),
and the buyer's name and phone of the seller's own orders.
"""
from marshmallow import fields

from services.shared.contract import Answer, Page
from services.shared.fields import Day, Instant

ONLY_STAFF = {"optional": "only for the seller it belongs to and officers"}
#: who on the staff acted: the gateway drops it for every caller but officers and
#: admins (gateway/visibility.py; issue 8: sellers do not see officers' names)
WHO_FOR_STAFF = {"optional": "only for officers and admins"}


def _nested(schema, **kwargs):
    return fields.Nested(schema, **kwargs)


class WhoOut(Answer):
    name = fields.String(allow_none=True)
    role = fields.String(allow_none=True)


class SellerCardOut(Answer):
    """A seller as buyers see it."""

    id = fields.String()
    business_name = fields.String()
    category = fields.String()
    rt = fields.String()
    rw = fields.String()
    whatsapp_url = fields.String(metadata={"description": "https://wa.me/62... to chat"})


class LicenceOut(Answer):
    number = fields.String()
    expires_on = Day()
    state = fields.String(metadata={"description": "valid, expiring (within 6 months), expired"})


class LicencesOut(Answer):
    spp_irt = _nested(LicenceOut, allow_none=True)
    halal = _nested(LicenceOut, allow_none=True)


class WarningOut(Answer):
    code = fields.String(metadata={"description": "spp_irt_expiring, spp_irt_expired, "
                                                  "halal_expiring, halal_expired, halal_missing"})
    licence = fields.String()
    expires_on = Day(allow_none=True)
    message = fields.String(metadata={"description": "Bahasa Indonesia"})


class SuspensionOut(Answer):
    reason = fields.String()
    note = fields.String(allow_none=True)
    source = fields.String(metadata={"description": "officer, or registry (the resident "
                                                    "moved out, died, ...)"})
    at = Instant()
    by = _nested(WhoOut, metadata=WHO_FOR_STAFF)


class BusinessCapitalOut(Answer):
    allocation_id = fields.String()
    programme_code = fields.String()
    programme_name = fields.String(allow_none=True)
    amount_idr = fields.Integer(allow_none=True)
    received_on = Day()
    status = fields.String(metadata={"description": "disbursed or returned"})


class TrainingOut(Answer):
    enrolment_id = fields.String()
    programme_title = fields.String(allow_none=True)
    partner_name = fields.String(allow_none=True)
    topics = fields.List(fields.String())
    outcome = fields.String(allow_none=True)
    completed_on = Day(allow_none=True)
    entrepreneurship = fields.Boolean()


class PathOutOfAidOut(Answer):
    """The seller's path from aid to an own business (recorded from events)."""

    business_capital = fields.List(_nested(BusinessCapitalOut))
    trainings = fields.List(_nested(TrainingOut))
    supported_since = Day(allow_none=True, metadata={
        "description": "first business capital received or training completed"})
    first_sale_on = Day(allow_none=True, metadata={"description": "first completed order"})
    sold_after_support = fields.Boolean()
    rebuilding_since = Instant(allow_none=True, metadata={
        "description": "set while the business capital or trainings are read back from "
                       "their owner's export after it lost its store: until then this path "
                       "may miss some"})


class SellerOut(Answer):
    id = fields.String()
    resident_id = fields.String()
    nik = fields.String()
    full_name = fields.String(allow_none=True)
    business_name = fields.String()
    category = fields.String()
    scale = fields.String()
    phone = fields.String()
    whatsapp_url = fields.String()
    rt = fields.String()
    rw = fields.String()
    description = fields.String(allow_none=True)
    annual_sales_idr = fields.Integer(allow_none=True)
    capital_idr = fields.Integer(allow_none=True)
    licences = _nested(LicencesOut)
    warnings = fields.List(_nested(WarningOut))
    status = fields.String(metadata={"description": "pending, verified, suspended"})
    suspension = _nested(SuspensionOut, allow_none=True)
    verified_at = Instant(allow_none=True)
    verified_by = _nested(WhoOut, allow_none=True, metadata=WHO_FOR_STAFF)
    path_out_of_aid = _nested(PathOutOfAidOut)
    listings = fields.Dict(keys=fields.String(), values=fields.Integer(),
                           metadata={"description": "count per listing status"})
    created_at = Instant()
    updated_at = Instant()
    version = fields.Integer()


SellerPage = Page(SellerOut)


class PhotoOut(Answer):
    id = fields.String()
    url = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    bytes = fields.Integer()
    thumb_url = fields.String(metadata={"description": "the same photo at most 320 pixels "
                                                      "on its longer side, for a card"})
    thumb_width = fields.Integer()
    thumb_height = fields.Integer()


class ListingSuspensionOut(SuspensionOut):
    with_seller = fields.Boolean(metadata={"description": "suspended with its seller: "
                                                          "reinstating the seller restores it"})


class ListingOut(Answer):
    id = fields.String()
    seller = _nested(SellerCardOut)
    title = fields.String()
    description = fields.String()
    price_idr = fields.Integer()
    unit = fields.String()
    stock = fields.Integer(metadata={"description": "units available now"})
    category = fields.String()
    status = fields.String(metadata={"description": "draft, active, sold_out, suspended"})
    listed = fields.Boolean(metadata={"description": "shown in the public catalogue now"})
    photos = fields.List(_nested(PhotoOut))
    published_at = Instant(allow_none=True)
    created_at = Instant()
    updated_at = Instant()
    version = fields.Integer()
    reserved = fields.Integer(metadata=dict(ONLY_STAFF, description="units held by open orders"))
    sold = fields.Integer(metadata=dict(ONLY_STAFF, description="units of completed orders"))
    suspension = _nested(ListingSuspensionOut, allow_none=True, metadata=ONLY_STAFF)


ListingPage = Page(ListingOut)


class HistoryOut(Answer):
    at = Instant()
    status = fields.String()
    reason = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    by = _nested(WhoOut, metadata=WHO_FOR_STAFF)


class OrderOut(Answer):
    id = fields.String()
    listing_id = fields.String()
    seller = _nested(SellerCardOut)
    listing_title = fields.String()
    unit = fields.String()
    unit_price_idr = fields.Integer()
    quantity = fields.Integer()
    total_idr = fields.Integer()
    note = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "placed, confirmed, completed, cancelled, "
                                                    "expired"})
    status_reason = fields.String(allow_none=True)
    status_message = fields.String(metadata={"description": "for the buyer, Bahasa Indonesia"})
    payment = fields.String(allow_none=True, metadata={"description": "as the seller confirms"})
    placed_at = Instant()
    expires_at = Instant(metadata={"description": "when an unconfirmed order expires"})
    confirmed_at = Instant(allow_none=True)
    completed_at = Instant(allow_none=True)
    closed_at = Instant(allow_none=True, metadata={"description": "cancelled or expired at"})
    whatsapp_url = fields.String(metadata={"description": "chat with the seller, the order "
                                                          "text prefilled"})
    version = fields.Integer()
    buyer_name = fields.String(metadata=ONLY_STAFF)
    buyer_phone = fields.String(metadata=ONLY_STAFF)
    history = fields.List(_nested(HistoryOut), metadata=ONLY_STAFF)


OrderPage = Page(OrderOut)


class PhotoDataOut(Answer):
    """A photo's bytes over RPC (the gateway serves them as the image)."""

    id = fields.String()
    content_type = fields.String()
    data = fields.String(metadata={"description": "base64"})
    public = fields.Boolean(metadata={"description": "its listing is in the catalogue"})


class ExpiryOut(Answer):
    as_of = Instant()
    expired = fields.Integer(metadata={"description": "orders expired now"})
    repaired = fields.Integer(metadata={"description": "holds and orders an interrupted "
                                                       "change had left, finished now"})


class SalesOut(Answer):
    orders_placed = fields.Integer()
    orders_completed = fields.Integer()
    orders_cancelled = fields.Integer()
    orders_expired = fields.Integer()
    units_sold = fields.Integer()
    revenue_idr = fields.Integer()


class MonthSalesOut(SalesOut):
    month = fields.String(metadata={"description": "YYYY-MM (WIB)"})


class ListingSalesOut(Answer):
    listing_id = fields.String()
    title = fields.String()
    units_sold = fields.Integer()
    revenue_idr = fields.Integer()


class SellerReportOut(Answer):
    seller_id = fields.String()
    business_name = fields.String()
    year = fields.Integer()
    month = fields.Integer(allow_none=True)
    totals = _nested(SalesOut)
    months = fields.List(_nested(MonthSalesOut))
    listings = fields.List(_nested(ListingSalesOut))


class SellerSalesOut(SalesOut):
    seller_id = fields.String()
    business_name = fields.String()
    rw = fields.String()
    category = fields.String()


class GroupSalesOut(SalesOut):
    key = fields.String(metadata={"description": "the RW or the category"})
    sellers = fields.Integer(metadata={"description": "sellers with a completed order"})


class GraduateOut(Answer):
    seller_id = fields.String()
    business_name = fields.String()
    rw = fields.String()
    business_capital_on = Day(allow_none=True)
    business_capital_idr = fields.Integer()
    training_completed_on = Day(allow_none=True)
    supported_since = Day()
    first_sale_on = Day()
    orders_completed = fields.Integer(metadata={"description": "since the support, in the period"})
    revenue_idr = fields.Integer(metadata={"description": "since the support, in the period"})


class MarketplaceReportOut(Answer):
    year = fields.Integer()
    month = fields.Integer(allow_none=True)
    sellers = fields.Dict(keys=fields.String(), values=fields.Integer(),
                          metadata={"description": "sellers per status now"})
    totals = _nested(SalesOut)
    by_seller = fields.List(_nested(SellerSalesOut))
    by_rw = fields.List(_nested(GroupSalesOut))
    by_category = fields.List(_nested(GroupSalesOut))
    graduation = fields.List(_nested(GraduateOut), metadata={
        "description": "sellers who received business capital or training and then sold"})
    rebuilding_since = Instant(allow_none=True, metadata={
        "description": "set while the path out of aid is rebuilt (see PathOutOfAidOut): "
                       "graduation may miss sellers until then"})
