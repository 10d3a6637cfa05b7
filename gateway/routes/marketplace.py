"""The marketplace over HTTP (docs/contract.md "Marketplace"; docs/marketplace.md).

The service decides what each caller sees and may do from the ``actor`` (a
seller token reaches only its own seller's records; another seller's ids
answer 404). The gateway writes the audit trail whenever an answer carries a
seller's NIK, and serves photos as images with caching headers.
"""
import base64

from werkzeug.wrappers import Response

from services.marketplace.contract import (
    MAX_PHOTO_BYTES, PHOTO_TYPES, ExpireIn, ExpiryOut, ListingIn, ListingOut, ListingPage,
    ListingPatch, ListingQuery, ListingSuspendIn, MarketplaceReportOut, OrderIn, OrderOut,
    OrderPage, OrderQuery, OrderTransitionIn, PhotoQuery, ReinstateIn, ReportQuery, SellerCardOut, SellerIn,
    SellerListingQuery, SellerOut, SellerPage, SellerPatch, SellerQuery, SellerReportOut,
    SuspendIn, VerifyIn)
from services.shared.errors import InvalidInput
from services.shared.registry_projection import ProjectionStatusOut, RebuildOut

from gateway import limits
from gateway.http import RouteTable, csv_response

routes = RouteTable()
#: the public catalogue kept by the gateway (gateway/public_cache.py)
CATALOGUE = ("listings",)
TAGS = ["marketplace"]
STAFF = ("seller", "officer")
#: per client: a buyer places a few orders, a script placing hundreds is refused
ORDER_LIMIT = ("orders", 30, 600)
#: photos are content-addressed (a new image gets a new id), so a shown one may be cached
PUBLIC_CACHE = "public, max-age=86400"
#: slack for a multipart form's boundaries and headers around a 2 MB file
FORM_SLACK = 64 * 1024


def _market(ex):
    return ex.services.marketplace


def _audited(ex, seller, action="read_seller"):
    """Audit a whole seller profile (it carries the resident's NIK); return it."""
    if seller.get("nik"):
        ex.audit(action, seller["nik"])
    return seller


def _optional_body(ex):
    """The JSON body, or ``{}`` when none was sent (a verification needs no note)."""
    return ex.body() if ex.request.get_data(cache=True).strip() else {}


def _query(ex):
    return {k: v for k, v in ex.args.items() if k not in ("page", "per_page")}


# ------------------------------------------------------------ sellers

@routes.route("POST", "/api/v1/sellers", role=STAFF, body=SellerIn, response=SellerOut,
              status=201, tags=TAGS, summary="Register a resident as a seller (pending)",
              description="Officers; or the seller token the village made for a seller that "
                          "does not exist yet (the seller gets the token's seller_id). The NIK "
                          "must be an active resident aged 17 or more (422 otherwise).")
def register_seller(ex):
    return _audited(ex, ex.call(_market(ex).register_seller, ex.body(), ex.actor),
                    "register_seller")


@routes.route("GET", "/api/v1/sellers", role="officer", query=SellerQuery, response=SellerPage,
              tags=TAGS, summary="Sellers by status, category, RW, name, licence warnings")
def list_sellers(ex):
    page, per_page = ex.page_args()
    answer = ex.call(_market(ex).list_sellers, _query(ex), page, per_page, ex.actor)
    ex.audit_many([("read_seller", s["nik"]) for s in answer["items"]])
    return answer


@routes.route("GET", "/api/v1/sellers/<seller_id>", response=SellerOut,
              responses={200: [SellerCardOut, SellerOut]}, tags=TAGS,
              summary="A seller: the public card, or the whole profile for the seller and "
                      "officers")
def get_seller(ex, seller_id):
    answer = ex.call(_market(ex).get_seller, seller_id, ex.actor)
    return _audited(ex, answer)


@routes.route("PATCH", "/api/v1/sellers/<seller_id>", invalidates=CATALOGUE, role=STAFF, body=SellerPatch,
              response=SellerOut, tags=TAGS, summary="Change a seller's profile and licences")
def update_seller(ex, seller_id):
    return _audited(ex, ex.call(_market(ex).update_seller, seller_id, ex.body(), ex.actor),
                    "update_seller")


@routes.route("POST", "/api/v1/sellers/<seller_id>/verify", invalidates=CATALOGUE,
              role="officer", body=VerifyIn,
              response=SellerOut, tags=TAGS, summary="Verify a seller: their listings go public")
def verify_seller(ex, seller_id):
    return _audited(ex, ex.call(_market(ex).verify_seller, seller_id, _optional_body(ex),
                                ex.actor),
                    "verify_seller")


@routes.route("POST", "/api/v1/sellers/<seller_id>/suspend", invalidates=CATALOGUE,
              role="officer", body=SuspendIn,
              response=SellerOut, tags=TAGS, summary="Suspend a seller: their listings are hidden")
def suspend_seller(ex, seller_id):
    return _audited(ex, ex.call(_market(ex).suspend_seller, seller_id, ex.body(), ex.actor),
                    "suspend_seller")


@routes.route("POST", "/api/v1/sellers/<seller_id>/reinstate", invalidates=CATALOGUE, role="officer",
              body=ReinstateIn, response=SellerOut, tags=TAGS,
              summary="Reinstate a seller: the listings hidden with them come back")
def reinstate_seller(ex, seller_id):
    return _audited(ex, ex.call(_market(ex).reinstate_seller, seller_id, _optional_body(ex),
                                ex.actor),
                    "reinstate_seller")


@routes.route("GET", "/api/v1/sellers/<seller_id>/listings", role=STAFF,
              query=SellerListingQuery, response=ListingPage, tags=TAGS,
              summary="All of a seller's listings (any status)")
def seller_listings(ex, seller_id):
    page, per_page = ex.page_args()
    return ex.call(_market(ex).seller_listings, seller_id, _query(ex), page, per_page, ex.actor)


@routes.route("GET", "/api/v1/sellers/<seller_id>/orders", role=STAFF, query=OrderQuery,
              response=OrderPage, tags=TAGS,
              summary="A seller's orders, newest first, with the buyers' phone numbers")
def seller_orders(ex, seller_id):
    page, per_page = ex.page_args()
    return ex.call(_market(ex).seller_orders, seller_id, _query(ex), page, per_page, ex.actor)


@routes.route("GET", "/api/v1/sellers/<seller_id>/report", role=STAFF, query=ReportQuery,
              response=SellerReportOut, csv=True, tags=TAGS,
              summary="A seller's orders, units and revenue per month (format=csv)")
def seller_report(ex, seller_id):
    answer = ex.call(_market(ex).seller_report, seller_id, dict(ex.args), ex.actor)
    if isinstance(answer, str):
        return csv_response(answer, "penjualan-%s-%s.csv" % (seller_id, ex.args.get("year")))
    return answer


# ------------------------------------------------------------ listings

@routes.route("POST", "/api/v1/listings", invalidates=CATALOGUE,
              role=STAFF, body=ListingIn, response=ListingOut,
              status=201, tags=TAGS, summary="List a product",
              description="A seller token lists for its own seller; an officer names seller_id "
                          "(assisted listing).")
def create_listing(ex):
    return ex.call(_market(ex).create_listing, ex.body(), ex.actor)


@routes.route("GET", "/api/v1/listings", cache=CATALOGUE, query=ListingQuery, response=ListingPage, tags=TAGS,
              summary="The public catalogue: search, filter, sort, paginate",
              description="Only active listings of verified sellers. q matches the beginning "
                          "of words (kerip finds keripik; kripik and keripik are one word).")
def search_listings(ex):
    page, per_page = ex.page_args()
    return ex.call(_market(ex).search_listings, _query(ex), page, per_page)


@routes.route("GET", "/api/v1/listings/<listing_id>", response=ListingOut, tags=TAGS,
              summary="A listing: public while shown; the seller and officers always")
def get_listing(ex, listing_id):
    return ex.call(_market(ex).get_listing, listing_id, ex.actor)


@routes.route("PATCH", "/api/v1/listings/<listing_id>", invalidates=CATALOGUE, role=STAFF, body=ListingPatch,
              response=ListingOut, tags=TAGS, summary="Change a listing (stock, price, status)")
def update_listing(ex, listing_id):
    return ex.call(_market(ex).update_listing, listing_id, ex.body(), ex.actor)


@routes.route("POST", "/api/v1/listings/<listing_id>/suspend", invalidates=CATALOGUE, role="officer",
              body=ListingSuspendIn, response=ListingOut, tags=TAGS,
              summary="Hide one listing (moderation)")
def suspend_listing(ex, listing_id):
    return ex.call(_market(ex).suspend_listing, listing_id, ex.body(), ex.actor)


@routes.route("POST", "/api/v1/listings/<listing_id>/reinstate", invalidates=CATALOGUE, role="officer",
              response=ListingOut, tags=TAGS, summary="Show a listing an officer hid again")
def reinstate_listing(ex, listing_id):
    return ex.call(_market(ex).reinstate_listing, listing_id, ex.actor)


def _upload(request):
    """The photo's bytes: a raw image body or a multipart form's ``photo`` (or only) file."""
    limit = MAX_PHOTO_BYTES + (FORM_SLACK if request.mimetype == "multipart/form-data" else 0)
    if (request.content_length or 0) > limit:
        raise InvalidInput("The photo was refused: must be at most 2 MB.",
                           {"photo": ["must be at most 2 MB"]})
    if request.mimetype == "multipart/form-data":
        stored = request.files.get("photo") or next(iter(request.files.values()), None)
        if stored is None:
            raise InvalidInput("No file in the form.", {"photo": ["send the image as 'photo'"]})
        return stored.read(MAX_PHOTO_BYTES + 1)
    if request.mimetype not in PHOTO_TYPES + ("application/octet-stream",):
        raise InvalidInput("Unsupported Content-Type %r." % request.mimetype, {"photo": [
            "send image/jpeg, image/png, image/webp or multipart/form-data with 'photo'"]})
    # a chunked body is read no further than the upload limit (gateway/limits.py)
    return limits.read_body(request, limits.MAX_UPLOAD_BYTES)


@routes.route("POST", "/api/v1/listings/<listing_id>/photos", invalidates=CATALOGUE,
              role=STAFF, response=ListingOut,
              status=201, content_types=list(PHOTO_TYPES) + ["multipart/form-data"], tags=TAGS,
              summary="Add a photo (JPEG, PNG or WebP, at most 2 MB; up to 3 per listing)",
              description="The file's real type is checked, whatever its name; it is kept "
                          "re-encoded as a JPEG of at most 1280 pixels, without metadata.")
def add_photo(ex, listing_id):
    content = _upload(ex.request)
    return ex.call(_market(ex).add_photo, listing_id, base64.b64encode(content).decode("ascii"),
                   ex.actor)


@routes.route("DELETE", "/api/v1/listings/<listing_id>/photos/<photo_id>", invalidates=CATALOGUE, role=STAFF,
              response=ListingOut, tags=TAGS, summary="Remove a photo")
def remove_photo(ex, listing_id, photo_id):
    return ex.call(_market(ex).remove_photo, listing_id, photo_id, ex.actor)


@routes.route("GET", "/api/v1/photos/<photo_id>", binary="image/jpeg", query=PhotoQuery,
              tags=TAGS, summary="A product photo (JPEG), cacheable; 304 when If-None-Match "
                                 "matches; size=thumb for the catalogue card's thumbnail")
def get_photo(ex, photo_id):
    size = ex.args.get("size", "full")
    photo = ex.call(_market(ex).get_photo, photo_id, ex.actor, size)
    etag = '"%s%s"' % (photo["id"], "" if size == "full" else "-" + size)
    headers = {"ETag": etag, "Cache-Control": PUBLIC_CACHE if photo["public"]
               else "private, no-cache", "X-Content-Type-Options": "nosniff"}
    if etag in ex.request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=headers)
    return Response(base64.b64decode(photo["data"]), status=200,
                    mimetype=photo["content_type"], headers=headers)


# ------------------------------------------------------------ orders

@routes.route("POST", "/api/v1/listings/<listing_id>/orders", invalidates=CATALOGUE,
              body=OrderIn, response=OrderOut,
              status=201, rate_limit=ORDER_LIMIT, tags=TAGS,
              summary="Order (no account): stock is reserved at once, or 409 naming what is left",
              description="Answers the order with the WhatsApp link to the seller, the order "
                          "text prefilled. Send an Idempotency-Key header to retry safely: the "
                          "same key and body answer the same order; another body, 409.")
def place_order(ex, listing_id):
    return ex.call(_market(ex).place_order, listing_id, ex.body(),
                   ex.request.headers.get("Idempotency-Key"), ex.actor)


@routes.route("GET", "/api/v1/orders/<order_id>", response=OrderOut, tags=TAGS,
              summary="An order by its id: its status for the buyer; the buyer for the seller")
def get_order(ex, order_id):
    return ex.call(_market(ex).get_order, order_id, ex.actor)


@routes.route("POST", "/api/v1/orders/<order_id>/transitions", invalidates=CATALOGUE, body=OrderTransitionIn,
              response=OrderOut, tags=TAGS,
              summary="Confirm, complete (with how it was paid) or cancel an order",
              description="The seller (or an officer) moves it; a buyer cancels a placed order "
                          "by sending the buyer_phone it was placed with.")
def transition_order(ex, order_id):
    return ex.call(_market(ex).transition_order, order_id, ex.body(), ex.actor)


# ------------------------------------------------------------ reports and operations

@routes.route("GET", "/api/v1/reports/marketplace", role="officer", query=ReportQuery,
              response=MarketplaceReportOut, csv=True, tags=TAGS,
              summary="Orders, units and revenue per seller, RW and category; who graduated "
                      "from aid to selling (format=csv)")
def marketplace_report(ex):
    answer = ex.call(_market(ex).marketplace_report, dict(ex.args), ex.actor)
    if isinstance(answer, str):
        month = ex.args.get("month")
        return csv_response(answer, "lapak-warga-%s%s.csv" % (ex.args.get("year"),
                                                             "-%s" % month if month else ""))
    return answer


@routes.route("POST", "/api/v1/admin/marketplace/expire-orders", invalidates=CATALOGUE,
              role="admin", body=ExpireIn,
              response=ExpiryOut, tags=["platform"],
              summary="Expire due orders and finish interrupted changes now (as_of: a drill)")
def expire_orders(ex):
    return ex.call(_market(ex).expire_orders, _optional_body(ex), ex.actor)


@routes.route("GET", "/api/v1/admin/marketplace/projection", role="admin",
              response=ProjectionStatusOut, tags=["platform"],
              summary="The marketplace's registry projection: counts and last resync")
def marketplace_projection(ex):
    return ex.call(_market(ex).projection_status)


@routes.route("POST", "/api/v1/admin/marketplace/projection/rebuild", role="admin",
              response=RebuildOut, tags=["platform"],
              summary="Re-read the registry's export into the marketplace's projection")
def rebuild_marketplace_projection(ex):
    return ex.call(_market(ex).rebuild_projection, deadline=300)
