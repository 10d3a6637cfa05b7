"""Staying consistent with the registry, and finishing what an interruption left.

``on_resident_deactivated``: a seller who moved out, died, or was found a
duplicate is suspended (source ``registry``), their listings are hidden and
their open orders cancelled with the stock returned; the buyer reads why in
the order's status. Every step is conditional, so a repeated or replayed
event changes nothing more.

``sweep`` (the service's timer, and ``expire_orders``): orders past their
time expire, and the invariants a crash between two writes could break are
restored: a suspended seller shows no listing, a seller no longer suspended
has none hidden with them, a departed seller has no open order, every ended
order has given its units back (or counted them sold), a ``placing`` order is
placed or dropped, and ``sold_out`` matches the stock.
"""
import datetime
import logging

from services.shared import clock
from services.shared.errors import InvalidInput

from services.marketplace import domain, orders, sellers

log = logging.getLogger(__name__)

#: a ``placing`` order older than this was interrupted (a placement takes milliseconds)
PLACING_GRACE = datetime.timedelta(minutes=5)


def on_resident_deactivated(repo, resident, reason, cid, now):
    """The registry deactivated ``resident`` (a snapshot) for ``reason``.

    Returns ``{"seller_id", "listings_hidden", "orders_cancelled"}`` or None
    when the resident is no seller.
    """
    seller = repo.seller_of_resident(resident["id"])
    if seller is None:
        return None
    actor = {"name": "registry event", "role": "system", "request_id": cid}
    seller, _ = sellers.suspend(repo, seller["_id"], domain.suspension_reason_for(reason),
                                "Registry: %s" % (reason or "inactive"), "registry", actor, cid,
                                now)
    hidden = repo.listings_of(seller["_id"], ["suspended"])
    return {"seller_id": seller["_id"], "listings_hidden": len(hidden),
            "orders_cancelled": orders.cancel_open_orders(repo, seller, now, cid)}


def _departed(seller, repo):
    """True when the seller's resident is no longer active in the registry projection."""
    if (seller.get("suspension") or {}).get("source") == "registry":
        return True
    resident = repo.resident(seller["resident_id"])
    return resident is not None and resident.get("status") != "active"


def sweep(repo, now, cid=None):
    """Expire due orders and repair what an interruption left; ``{"expired", "repaired"}``."""
    expired = orders.expire_due(repo, now, cid)
    repaired = orders.finish_interrupted(repo, now, PLACING_GRACE)
    suspended = repo.seller_ids({"status": "suspended"})
    for seller in repo.sellers_by_id(suspended).values():
        repaired += sellers.hide_listings(repo, seller, cid, now)
        if _departed(seller, repo):
            repaired += orders.cancel_open_orders(repo, seller, now, cid)
    for seller in repo.sellers_by_id(repo.sellers_with_hidden_listings(suspended)).values():
        repaired += sellers.restore_listings(repo, seller, cid, now)
    repaired += repo.normalise_stock_status()
    repo.forget_old_keys(now)
    if expired or repaired:
        log.info("marketplace sweep: %d orders expired, %d repaired", expired, repaired)
    return {"expired": expired, "repaired": repaired}


def as_of(text):
    """The instant a drill runs the sweep as of (ISO 8601 with an offset), now when None;
    InvalidInput naming ``as_of``."""
    if not text:
        return clock.now()
    try:
        return clock.parse_instant(text)
    except ValueError:
        raise InvalidInput("Invalid instant.", {"as_of": [
            "must be ISO 8601 with an offset, e.g. 2026-01-05T00:00:00Z"]}) from None
