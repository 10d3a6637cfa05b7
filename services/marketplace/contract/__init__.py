"""The marketplace's contract: all that the gateway and other services may import of it.

- requests (``requests``): ``SellerIn``, ``SellerPatch``, ``ListingIn``,
  ``ListingPatch``, ``OrderIn``, ``OrderTransitionIn``, the queries; codes
  ``CATEGORIES``, ``LISTING_STATUSES``, ``ORDER_STATUSES``, ...
- answers (``answers``): ``SellerOut``, ``SellerCardOut``, ``ListingOut``,
  ``OrderOut``, the reports, ...
- events (``events``): ``SELLER_REGISTERED`` ... ``ORDER_CANCELLED``, with
  tolerant snapshot readers.

RPCs (service ``marketplace``; ``actor`` is the caller's ``principal.actor``,
whose role and ``seller_id`` decide what is shown and allowed):
``register_seller(body, actor)``, ``get_seller(id, actor)``,
``update_seller(id, body, actor)``, ``list_sellers(filters, page, per_page,
actor)``, ``verify_seller(id, body, actor)``, ``suspend_seller(id, body,
actor)``, ``reinstate_seller(id, body, actor)``, ``create_listing(body,
actor)``, ``update_listing(id, body, actor)``, ``get_listing(id, actor)``,
``search_listings(filters, page, per_page)``, ``seller_listings(seller_id,
filters, page, per_page, actor)``, ``suspend_listing(id, body, actor)``,
``reinstate_listing(id, actor)``, ``add_photo(listing_id, content_base64,
actor)``, ``remove_photo(listing_id, photo_id, actor)``, ``get_photo(id,
actor)``, ``place_order(listing_id, body, request_key, actor)``,
``get_order(id, actor)``, ``transition_order(id, body, actor)``,
``seller_orders(seller_id, filters, page, per_page, actor)``,
``expire_orders(body, actor)``, ``seller_report(seller_id, query, actor)``,
``marketplace_report(query, actor)``; the registry projection's
``projection_status()`` / ``rebuild_projection()``; and the kit's ``ping``,
``list_parked_events``, ``replay_parked_event``.
"""
from services.marketplace.contract.answers import (  # noqa: F401
    ExpiryOut, ListingOut, ListingPage, MarketplaceReportOut, OrderOut, OrderPage, PhotoDataOut,
    PhotoOut, SellerCardOut, SellerOut, SellerPage, SellerReportOut)
from services.marketplace.contract.events import (  # noqa: F401
    EVENTS, LISTING_PUBLISHED, LISTING_REINSTATED, LISTING_SUSPENDED, ORDER_CANCELLED,
    ORDER_COMPLETED, ORDER_CONFIRMED, ORDER_PLACED, SELLER_REINSTATED, SELLER_REGISTERED,
    SELLER_SUSPENDED, SELLER_VERIFIED)
from services.marketplace.contract.requests import (  # noqa: F401
    CATEGORIES, LISTING_STATUSES, MAX_PHOTO_BYTES, MAX_PHOTOS, ORDER_STATUSES, PHOTO_SIZES,
    PHOTO_TYPES, SCALES, SELLER_STATUSES, ExpireIn, ListingIn, ListingPatch, ListingQuery, ListingSuspendIn,
    OrderIn, OrderQuery, OrderTransitionIn, ReinstateIn, ReportQuery, SellerIn,
    SellerListingQuery, SellerPatch, SellerQuery, SuspendIn, VerifyIn, PhotoQuery)
