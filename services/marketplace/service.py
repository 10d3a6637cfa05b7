"""The marketplace service: UMKM sellers, their listings, and orders that never oversell.

Thin nameko class: each entrypoint hands over to a module of plain functions
(``sellers``, ``listings``, ``orders``, ``consistency``, ``graduation``,
``reports``) and dumps the answer through its ``contract`` schema, choosing
the view by who asks (``views.audience``). The registry projection (its
snapshot handlers, catch-up and RPCs) is the shared ``FollowsRegistry``; this
service adds the effects of a deactivation. What the path out of aid keeps
from distribution and partners is rebuilt from their exports when their store
is new (``owners.PathCatchUp``). Times are UTC instants; village
dates are WIB. Settings: ``MARKETPLACE_ORDER_EXPIRY_HOURS`` (default 24) and
``MARKETPLACE_SWEEP_SECONDS`` (default 60), read once at start.
"""
import logging

from eventlet import tpool

from services.shared import clock
from services.shared.contract import dump, dump_page, load
from services.shared.errors import Conflict, NotFound
from services.shared.inbox import consumes
from services.shared.mongo import MongoStore
from services.shared.registry_projection import FollowsRegistry
from services.shared.rpc import RpcProxy, call, command, rpc
from services.shared.service import Service, every

from services.distribution.contract import ALLOCATION_EVENTS, PROGRAMME_PUBLISHED, PROGRAMME_REVISED
from services.marketplace import (consistency, exports, graduation, listings, orders, photos, reports,
                                  sellers, views)
from services.marketplace.owners import PathCatchUp
from services.marketplace.contract import (
    ExpireIn, ExpiryOut, ListingIn, ListingOut, ListingPatch, ListingQuery,
    ListingSuspendIn, MarketplaceReportOut, OrderIn, OrderOut, OrderQuery,
    OrderTransitionIn, PhotoDataOut, ReinstateIn, ReportQuery, SellerCardOut, SellerIn,
    SellerListingQuery, SellerOut, SellerPage, SellerPatch, SellerQuery, SellerReportOut,
    SuspendIn, VerifyIn)
from services.partners.contract import ENROLMENT_COMPLETED
from services.marketplace.store import OUTBOX_COLLECTIONS, MarketplaceRepository
from services.registry.contract import RESIDENT_DEACTIVATED

log = logging.getLogger(__name__)


class MarketplaceService(FollowsRegistry, Service):
    name = "marketplace"

    store = MongoStore(MarketplaceRepository, outbox=OUTBOX_COLLECTIONS, epoch=True)
    distribution = RpcProxy("distribution")
    # a new store epoch on their events: drop and rebuild what the path out of aid
    # keeps from them (services.marketplace.owners)
    distribution_catchup = PathCatchUp("distribution")
    partners_catchup = PathCatchUp("partners")

    def _cid(self, actor):
        return self.caller.correlation_id(actor)

    def _seller_out(self, seller):
        [profile] = graduation.profiles(self.store, [seller], clock.village_today())
        return dump(SellerOut, profile)

    def _listing_out(self, listing, seller, actor):
        staff = views.audience(actor, listing["seller_id"]) != "public"
        return dump(ListingOut, views.listing_view(listing, seller, staff))

    def _order_out(self, order, seller, actor):
        staff = views.audience(actor, order["seller_id"]) != "public"
        return dump(OrderOut, views.order_view(order, seller, staff))

    # ------------------------------------------------------------ sellers

    @command
    def register_seller(self, body, actor=None):
        """Register a resident as a seller (``SellerIn``); ``SellerOut``, status ``pending``.

        Officers, or a seller token whose seller does not exist yet. Raises
        InvalidInput, RuleRefused (not an active resident aged 17+), Conflict.
        Event: ``seller_registered``.
        """
        views.require_role(actor, views.OFFICERS + ("seller",))
        seller = sellers.register(self.store, load(SellerIn, body), actor, self._cid(actor),
                                  clock.now())
        return self._seller_out(seller)

    @rpc
    def get_seller(self, seller_id, actor=None):
        """The whole profile (``SellerOut``) for the seller and officers; the public card
        (``SellerCardOut``) of a verified seller for anyone else; NotFound otherwise."""
        if views.audience(actor, seller_id) != "public":
            return self._seller_out(sellers.managed_seller(self.store, seller_id, actor))
        seller = self.store.seller(seller_id)
        if not views.is_public_seller(seller):
            raise NotFound("No seller with id %s." % seller_id)
        return dump(SellerCardOut, views.seller_card(seller))

    @command
    def update_seller(self, seller_id, body, actor=None):
        """Change a profile (``SellerPatch``, any fields); ``SellerOut``. NotFound, Conflict."""
        data = load(SellerPatch, body, partial=True)
        return self._seller_out(sellers.update(self.store, seller_id, data, actor, clock.now()))

    @rpc
    def export_sellers(self, page=1, per_page=500):
        """Every seller's event snapshot by id (``exports.sellers``)."""
        return exports.sellers(self.store, page, per_page)

    @rpc
    def export_listings(self, page=1, per_page=500):
        """Every listing with its seller, by id (``exports.listings``)."""
        return exports.listings(self.store, page, per_page)

    @rpc
    def export_orders(self, page=1, per_page=500):
        """Every order with its seller, by id (``exports.orders``)."""
        return exports.orders(self.store, page, per_page)

    @rpc
    def list_sellers(self, filters=None, page=1, per_page=50, actor=None):
        """Officers' list (``SellerQuery``: status, category, rw, q, warnings, nik);
        ``SellerPage``."""
        views.require_role(actor)
        query = load(SellerQuery, filters or {}, detail="Invalid filters.")
        docs, page, per_page, total = sellers.search(self.store, query, page, per_page)
        items = graduation.profiles(self.store, docs, clock.village_today())
        return dump(SellerPage, {"items": items, "page": page, "per_page": per_page,
                                 "total": total})

    @command
    def verify_seller(self, seller_id, body=None, actor=None):
        """An officer verifies a pending seller (``VerifyIn``); ``SellerOut``. Event
        ``seller_verified``. NotFound, Conflict, RuleRefused (suspended)."""
        views.require_role(actor)
        load(VerifyIn, body or {})
        return self._seller_out(sellers.verify(self.store, seller_id, actor, self._cid(actor),
                                               clock.now()))

    @command
    def suspend_seller(self, seller_id, body, actor=None):
        """An officer suspends a seller (``SuspendIn``): their listings are hidden.
        ``SellerOut``; events ``seller_suspended``, ``listing_suspended``. NotFound,
        Conflict (suspended already)."""
        views.require_role(actor)
        data = load(SuspendIn, body)
        seller, now_suspended = sellers.suspend(self.store, seller_id, data["reason"],
                                                data.get("note"), "officer", actor,
                                                self._cid(actor), clock.now())
        if not now_suspended:
            raise Conflict("Seller %s is suspended already." % seller_id)
        return self._seller_out(seller)

    @command
    def reinstate_seller(self, seller_id, body=None, actor=None):
        """An officer reinstates a seller (``ReinstateIn``); the listings hidden with them
        come back. ``SellerOut``; events ``seller_reinstated``, ``listing_reinstated``.
        RuleRefused when not suspended or the resident is inactive."""
        views.require_role(actor)
        data = load(ReinstateIn, body or {})
        seller, _ = sellers.reinstate(self.store, seller_id, data.get("note"), actor,
                                      self._cid(actor), clock.now())
        return self._seller_out(seller)

    # ------------------------------------------------------------ listings

    @command
    def create_listing(self, body, actor=None):
        """List a product (``ListingIn``; seller token, or an officer naming ``seller_id``);
        ``ListingOut``. Event ``listing_published`` unless a draft."""
        views.require_role(actor, views.OFFICERS + ("seller",))
        listing, seller = listings.create(self.store, load(ListingIn, body), actor,
                                          self._cid(actor), clock.now())
        return self._listing_out(listing, seller, actor)

    @command
    def update_listing(self, listing_id, body, actor=None):
        """Change a listing (``ListingPatch``, any fields); ``ListingOut``. NotFound,
        RuleRefused, Conflict."""
        data = load(ListingPatch, body, partial=True)
        listing, seller = listings.update(self.store, listing_id, data, actor,
                                          self._cid(actor), clock.now())
        return self._listing_out(listing, seller, actor)

    @rpc
    def get_listing(self, listing_id, actor=None):
        """One listing (``ListingOut``): public while shown, always for its seller and
        officers; NotFound otherwise."""
        listing, seller, _ = listings.readable(self.store, listing_id, actor)
        return self._listing_out(listing, seller, actor)

    @rpc
    def search_listings(self, filters=None, page=1, per_page=50):
        """The public catalogue (``ListingQuery``): active listings of verified sellers;
        ``ListingPage`` (public view)."""
        query = load(ListingQuery, filters or {}, detail="Invalid filters.")
        answer = listings.search_catalogue(self.store, query, page, per_page)
        return dump_page(ListingOut, dict(answer, items=[
            views.listing_view(li, s, False) for li, s in answer["items"]]))

    @rpc
    def seller_listings(self, seller_id, filters=None, page=1, per_page=50, actor=None):
        """All of a seller's listings for the seller and officers; ``ListingPage``."""
        status = load(SellerListingQuery, filters or {}, detail="Invalid filters.").get("status")
        answer = listings.of_seller(self.store, seller_id, status, page, per_page, actor)
        return dump_page(ListingOut, dict(answer, items=[
            views.listing_view(li, s, True) for li, s in answer["items"]]))

    @command
    def suspend_listing(self, listing_id, body, actor=None):
        """An officer hides one listing (``ListingSuspendIn``); ``ListingOut``."""
        views.require_role(actor)
        listing, seller = listings.moderate(self.store, listing_id, True,
                                            load(ListingSuspendIn, body), actor,
                                            self._cid(actor), clock.now())
        return self._listing_out(listing, seller, actor)

    @command
    def reinstate_listing(self, listing_id, actor=None):
        """An officer shows a listing they suspended again; ``ListingOut``."""
        views.require_role(actor)
        listing, seller = listings.moderate(self.store, listing_id, False, {}, actor,
                                            self._cid(actor), clock.now())
        return self._listing_out(listing, seller, actor)

    @command
    def add_photo(self, listing_id, content_base64, actor=None):
        """Add a photo (base64 of the uploaded file, at most 2 MB; JPEG, PNG or WebP as
        Pillow reads it, whatever its name); kept re-encoded as a bounded JPEG.
        ``ListingOut``. InvalidInput naming ``photo``, RuleRefused (3 already)."""
        content = photos.decode(content_base64)
        listings.managed(self.store, listing_id, actor)  # 404 before any decoding work
        prepared = tpool.execute(photos.prepare, content)
        listing, seller = listings.add_photo(self.store, listing_id, prepared, actor,
                                             clock.now())
        return self._listing_out(listing, seller, actor)

    @command
    def remove_photo(self, listing_id, photo_id, actor=None):
        """Take a photo off a listing; ``ListingOut``. NotFound."""
        listing, seller = listings.remove_photo(self.store, listing_id, photo_id, actor,
                                                clock.now())
        return self._listing_out(listing, seller, actor)

    @rpc
    def get_photo(self, photo_id, actor=None, size="full"):
        """A photo's bytes (``PhotoDataOut``, base64) for the gateway to serve; ``size``
        ``"thumb"`` for its thumbnail (made now and kept for a photo stored before
        thumbnails existed). NotFound; InvalidInput naming ``size``."""
        data = listings.photo_bytes(self.store, photo_id, actor, size,
                                    lambda full: tpool.execute(photos.thumbnail, full))
        return dump(PhotoDataOut, data)

    # ------------------------------------------------------------ orders

    @command
    def place_order(self, listing_id, body, request_key=None, actor=None):
        """A buyer orders (``OrderIn``; no account): the stock is reserved at once or the
        answer is a Conflict naming what is left. ``OrderOut`` (status ``placed``) with the
        WhatsApp link to the seller. The same ``request_key`` (Idempotency-Key) and body
        answer the same order; with another body, Conflict. Event ``order_placed``."""
        order, seller = orders.place(self.store, listing_id, load(OrderIn, body), request_key,
                                     self._cid(actor), clock.now(),
                                     self.settings.marketplace_order_expiry_hours)
        return self._order_out(order, seller, actor)

    @rpc
    def get_order(self, order_id, actor=None):
        """An order by its id (``OrderOut``; the buyer's name and phone for its seller and
        officers only). NotFound."""
        order, seller, _ = orders.readable(self.store, order_id, actor)
        return self._order_out(order, seller, actor)

    @command
    def transition_order(self, order_id, body, actor=None):
        """Move an order (``OrderTransitionIn``); ``OrderOut``. Events ``order_confirmed``,
        ``order_completed``, ``order_cancelled``. NotFound, Forbidden, RuleRefused, Conflict."""
        order, seller = orders.transition(self.store, order_id, load(OrderTransitionIn, body),
                                          actor, self._cid(actor), clock.now())
        return self._order_out(order, seller, actor)

    @rpc
    def seller_orders(self, seller_id, filters=None, page=1, per_page=50, actor=None):
        """A seller's orders, newest first (``OrderQuery``); ``OrderPage``."""
        status = load(OrderQuery, filters or {}, detail="Invalid filters.").get("status")
        answer = orders.of_seller(self.store, seller_id, status, page, per_page, actor)
        return dump_page(OrderOut, dict(answer, items=[
            views.order_view(o, s, True) for o, s in answer["items"]]))

    @rpc
    def expire_orders(self, body=None, actor=None):
        """Run the expiry and the repairs now (``ExpireIn``: ``as_of``, an instant, for
        drills); ``ExpiryOut``. Officers and admins."""
        views.require_role(actor)
        now = consistency.as_of(load(ExpireIn, body or {}).get("as_of"))
        done = consistency.sweep(self.store, now, self._cid(actor))
        return dump(ExpiryOut, dict(done, as_of=clock.iso(now)))

    @every("marketplace_sweep_seconds")
    def sweep(self):
        """The timer: orders past their time expire, interrupted changes are finished,
        and the business-capital record is rebuilt from distribution if never seen."""
        consistency.sweep(self.store, clock.now())
        graduation.catch_up(self.store, lambda method, *args: call(
            getattr(self.distribution, method), *args, deadline=self.settings.rpc_deadline))

    # ------------------------------------------------------------ reports

    @rpc
    def seller_report(self, seller_id, query, actor=None):
        """One seller's sales per month (``ReportQuery``: year, month, format); JSON
        ``SellerReportOut`` or CSV text. NotFound for another seller."""
        q = load(ReportQuery, query or {}, detail="Invalid report query.")
        report = reports.seller_report(self.store, seller_id, q["year"], q["month"], actor)
        return reports.seller_report_csv(report) if q["format"] == "csv" else dump(
            SellerReportOut, report)

    @rpc
    def marketplace_report(self, query, actor=None):
        """The village market (``ReportQuery``): totals, per seller, RW, category, and
        sellers who received business capital or training and then sold; JSON
        ``MarketplaceReportOut`` or CSV text. Officers."""
        views.require_role(actor)
        q = load(ReportQuery, query or {}, detail="Invalid report query.")
        report = reports.marketplace_report(self.store, q["year"], q["month"])
        return reports.marketplace_report_csv(report) if q["format"] == "csv" else dump(
            MarketplaceReportOut, report)

    # ------------------------------------------------------------ events consumed

    @consumes(RESIDENT_DEACTIVATED)
    def handle_resident_deactivated(self, event):
        """Has effects: the seller is suspended, listings hidden, open orders cancelled."""
        self.apply_registry_event(event)
        resident = event["data"]["resident"]
        consistency.on_resident_deactivated(self.store, resident, event["data"]["reason"],
                                            event["event_id"], clock.now())

    # Each handler applies its event, then notes the owner's store epoch on it: a
    # new one starts a rebuild from the owner's export, which holds this event too.

    @consumes(PROGRAMME_PUBLISHED, snapshot=True)
    def handle_programme_published(self, event):
        graduation.apply_programme(self.store, event["data"]["programme"])
        self.distribution_catchup.seen(event)

    @consumes(PROGRAMME_REVISED, snapshot=True)
    def handle_programme_revised(self, event):
        graduation.apply_programme(self.store, event["data"]["programme"])
        self.distribution_catchup.seen(event)

    @consumes(ALLOCATION_EVENTS["aid_disbursed"], snapshot=True)
    def handle_aid_disbursed(self, event):
        graduation.apply_allocation(self.store, event["data"]["allocation"],
                                    graduation.received_at(event))
        self.distribution_catchup.seen(event)

    @consumes(ALLOCATION_EVENTS["allocation_returned"], snapshot=True)
    def handle_allocation_returned(self, event):
        graduation.apply_allocation(self.store, event["data"]["allocation"],
                                    graduation.received_at(event))
        self.distribution_catchup.seen(event)

    @consumes(ENROLMENT_COMPLETED, snapshot=True)
    def handle_enrolment_completed(self, event):
        graduation.apply_training(self.store, event)
        self.partners_catchup.seen(event)
