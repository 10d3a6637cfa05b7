"""Building the events the marketplace publishes (types and readers: ``contract.events``).

Snapshots are JSON-safe (instants as ISO 8601 UTC strings, dates
``YYYY-MM-DD``, money integer rupiah) and carry no phone number and no
buyer's name (docs/events.md "marketplace").
"""
from services.shared import clock

from services.marketplace.contract import events as contract


def seller_ref(seller):
    """``{id, resident_id, nik}``: who a listing or an order belongs to."""
    return {"id": seller["_id"], "resident_id": seller["resident_id"], "nik": seller["nik"]}


def seller_snapshot(seller):
    suspension = seller.get("suspension")
    if suspension:
        suspension = {k: clock.iso(v) if k == "at" else v for k, v in suspension.items()}
    return dict(seller_ref(seller), business_name=seller["business_name"],
                category=seller["category"], scale=seller["scale"], rt=seller["rt"],
                rw=seller["rw"], status=seller["status"], suspension=suspension,
                verified_at=clock.iso(seller.get("verified_at")),
                created_at=clock.iso(seller["created_at"]), version=seller["version"])


def listing_snapshot(listing):
    return {"id": listing["_id"], "seller_id": listing["seller_id"], "title": listing["title"],
            "category": listing["category"], "price_idr": listing["price_idr"],
            "unit": listing["unit"], "stock": listing["stock"], "status": listing["status"],
            "published_at": clock.iso(listing.get("published_at")),
            "version": listing["version"]}


def order_snapshot(order):
    return {"id": order["_id"], "listing_id": order["listing_id"],
            "seller_id": order["seller_id"], "listing_title": order["listing_title"],
            "unit": order["unit"], "unit_price_idr": order["unit_price_idr"],
            "quantity": order["quantity"], "total_idr": order["total_idr"],
            "status": order["status"], "status_reason": order.get("status_reason"),
            "payment": order.get("payment"),
            "placed_at": clock.iso(order["placed_at"]),
            "placed_on": _day(order["placed_at"]),
            "expires_at": clock.iso(order["expires_at"]),
            "confirmed_at": clock.iso(order.get("confirmed_at")),
            "completed_at": clock.iso(order.get("completed_at")),
            "completed_on": _day(order.get("completed_at")),
            "closed_at": clock.iso(order.get("closed_at")),
            "closed_on": _day(order.get("closed_at")),
            "version": order["version"]}


def _day(instant):
    return clock.village_date(instant).isoformat() if instant else None


_SELLER = {"registered": contract.SELLER_REGISTERED, "verified": contract.SELLER_VERIFIED,
           "suspended": contract.SELLER_SUSPENDED, "reinstated": contract.SELLER_REINSTATED}


def seller_event(what, seller, correlation_id=None, **extra):
    """``seller_<what>``: ``{"seller": snapshot, **extra}`` (``reason``/``source`` when
    suspended, ``listings_restored`` when reinstated)."""
    return _SELLER[what].envelope(seller["_id"], seller["version"],
                                  dict({"seller": seller_snapshot(seller)}, **extra),
                                  correlation_id)


_LISTING = {"published": contract.LISTING_PUBLISHED, "suspended": contract.LISTING_SUSPENDED,
            "reinstated": contract.LISTING_REINSTATED}


def listing_event(what, listing, seller, correlation_id=None, **extra):
    """``listing_<what>``: ``{"listing": snapshot, "seller": ref, **extra}``."""
    return _LISTING[what].envelope(listing["_id"], listing["version"],
                                   dict({"listing": listing_snapshot(listing),
                                         "seller": seller_ref(seller)}, **extra),
                                   correlation_id)


_ORDER = {"placed": contract.ORDER_PLACED, "confirmed": contract.ORDER_CONFIRMED,
          "completed": contract.ORDER_COMPLETED, "cancelled": contract.ORDER_CANCELLED,
          "expired": contract.ORDER_CANCELLED}


def order_event(order, seller, correlation_id=None):
    """The event of an order's new status: ``order_placed``, ``order_confirmed``,
    ``order_completed``, or ``order_cancelled`` (with ``reason``, ``expired`` for an
    expiry, and ``by``)."""
    data = {"order": order_snapshot(order), "seller": seller_ref(seller)}
    if order["status"] in ("cancelled", "expired"):
        data.update(reason=order.get("status_reason"), by=order.get("cancelled_by"))
    return _ORDER[order["status"]].envelope(order["_id"], order["version"], data,
                                            correlation_id)
