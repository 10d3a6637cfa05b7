"""Sellers: registration, profile, verification, suspension and reinstatement.

Plain functions over the repository (``store.MarketplaceRepository``); the
time and the correlation id are passed in. A suspension hides the seller's
listings (each remembers it was suspended *with* its seller and what it was
before); a reinstatement restores exactly those, and nothing an officer
suspended on its own. When the registry deactivates the resident, the
seller's open orders are cancelled too (``orders.cancel_open_orders``).
Each step is a conditional single-document write, so a repeated event or a
re-run after a crash finds nothing left to do; ``orders.sweep`` finishes a
cascade a crash interrupted.
"""
import re
import uuid

from services.shared import clock
from services.shared.errors import Conflict, NotFound, RuleRefused
from services.shared.pagination import page_args

from services.marketplace import domain, views
from services.marketplace import events as ev

#: listing statuses a seller's suspension hides
HIDDEN_WITH_SELLER = ("draft", "active", "sold_out")


def _seller(repo, seller_id):
    doc = repo.seller(seller_id)
    if doc is None:
        raise NotFound("No seller with id %s." % seller_id)
    return doc


def managed_seller(repo, seller_id, actor):
    """The seller ``actor`` may manage (its own, or any for an officer); NotFound else."""
    views.require_staff(actor, seller_id, "seller", seller_id)
    return _seller(repo, seller_id)


def active_resident(repo, nik):
    """The registry projection's active resident with ``nik`` (an inactive duplicate may
    share it), else the first one found, else None."""
    found = repo.residents_by_nik(nik)
    return next((r for r in found if r.get("status") == "active"), found[0] if found else None)


def _licences(licences):
    if not licences:
        return {}
    return {name: ({"number": held["number"], "expires_on": held["expires_on"].isoformat()}
                   if held else None) for name, held in licences.items()}


def register(repo, data, actor, cid, now):
    """Register a resident as a seller (``SellerIn``); ``pending`` until verified.

    A seller token whose ``seller_id`` has no seller yet registers that seller
    (the village makes the token, the resident fills in the profile); an
    officer's registration gets a new id. Returns the stored seller.
    Raises RuleRefused (the NIK is not an active resident aged 17 or more; a
    scale above small), InvalidInput (scale or licence dates), Conflict (the
    resident is a seller already, or the token's seller exists).
    """
    today = clock.village_date(now)
    resident = active_resident(repo, data["nik"])
    domain.check_resident_may_sell(resident, today)
    domain.check_scale(data)
    domain.check_licences(data.get("licences"), today)
    existing = repo.seller_of_resident(resident["_id"])
    if existing is not None:
        raise Conflict("This resident is already a seller (%s)." % existing["_id"],
                       {"nik": ["already registered as seller %s" % existing["_id"]]})
    if (actor or {}).get("role") == "seller":
        seller_id = actor["seller_id"]
    else:
        seller_id = "slr_" + uuid.uuid4().hex[:16]
    doc = {"_id": seller_id, "resident_id": resident["_id"], "nik": data["nik"],
           "business_name": data["business_name"], "category": data["category"],
           "scale": data["scale"], "phone": data["phone"], "rt": data["rt"], "rw": data["rw"],
           "description": data.get("description"),
           "annual_sales_idr": data.get("annual_sales_idr"),
           "capital_idr": data.get("capital_idr"), "licences": _licences(data.get("licences")),
           "status": "pending", "suspension": None, "verified_at": None, "verified_by": None,
           "created_at": now, "updated_at": now, "created_by": views.actor_who(actor),
           "version": 1}
    if repo.insert_seller(doc, [ev.seller_event("registered", doc, cid)]) is None:
        raise Conflict("Seller %s exists already, or this resident registered meanwhile."
                       % seller_id, {"nik": ["already registered"]})
    return doc


def update(repo, seller_id, data, actor, now):
    """Change a seller's profile (a loaded partial ``SellerPatch``); returns it after.

    Raises NotFound, InvalidInput/RuleRefused (as ``register``), Conflict when
    ``version`` is stale or someone changed the profile meanwhile.
    """
    seller = managed_seller(repo, seller_id, actor)
    expected = data.pop("version", None)
    if expected is not None and expected != seller["version"]:
        raise Conflict("The profile is at version %d, not %d: reload it." % (
            seller["version"], expected), {"version": ["stale: current is %d" % seller["version"]]})
    changes = dict(data)
    if "licences" in changes:
        domain.check_licences(changes["licences"], clock.village_date(now))
        changes["licences"] = _licences(changes["licences"])
    domain.check_scale(dict(seller, **changes))
    changes["updated_at"] = now
    after = repo.change("sellers", seller, changes)
    if after is None:
        raise Conflict("The profile changed meanwhile; reload it and try again.")
    return after


def verify(repo, seller_id, actor, cid, now):
    """An officer verifies a pending seller: their listings go public. Returns the seller.

    Raises NotFound, Conflict (verified already), RuleRefused (suspended: reinstate).
    """
    seller = _seller(repo, seller_id)
    if seller["status"] == "verified":
        raise Conflict("Seller %s is verified already." % seller_id)
    if seller["status"] != "pending":
        raise RuleRefused("A suspended seller is reinstated, not verified.",
                          {"status": ["must be pending"]})
    after = repo.change("sellers", seller, {"status": "verified", "verified_at": now,
                                            "verified_by": views.actor_who(actor),
                                            "updated_at": now},
                        where={"status": "pending"},
                        events=lambda after: [ev.seller_event("verified", after, cid)])
    if after is None:
        raise Conflict("The seller changed meanwhile; reload and try again.")
    return after


def suspend(repo, seller_id, reason, note, source, actor, cid, now):
    """Suspend a seller and hide their listings (``source``: ``officer`` or ``registry``).

    Repeating it changes nothing; a seller already suspended keeps that
    suspension (its listings are hidden again if a crash left any shown).
    Returns ``(seller, suspended_now)``. Raises NotFound.
    """
    for _ in range(5):
        seller = _seller(repo, seller_id)
        if seller["status"] == "suspended":
            hide_listings(repo, seller, cid, now)
            return seller, False
        suspension = {"reason": reason, "note": note, "source": source, "at": now,
                      "by": views.actor_who(actor), "previous_status": seller["status"]}
        after = repo.change("sellers", seller, {"status": "suspended", "suspension": suspension,
                                                "updated_at": now},
                            events=lambda after: [ev.seller_event(
                                "suspended", after, cid, reason=reason, source=source)])
        if after is not None:
            hide_listings(repo, after, cid, now)
            return after, True
    raise Conflict("The seller keeps changing; try again.")


def hide_listings(repo, seller, cid, now):
    """Suspend every shown or draft listing of a suspended seller (``with_seller``)."""
    count = 0
    for listing in repo.listings_of(seller["_id"], HIDDEN_WITH_SELLER):
        suspension = {"reason": (seller.get("suspension") or {}).get("reason", "other"),
                      "note": None, "source": (seller.get("suspension") or {}).get("source",
                                                                                   "officer"),
                      "at": now, "by": {"name": "seller suspended", "role": "system"},
                      "with_seller": True, "previous_status": listing["status"]}
        done = repo.change("listings", listing, {"status": "suspended", "suspension": suspension,
                                                 "updated_at": now},
                           where={"status": listing["status"]},
                           events=lambda after, suspension=suspension: [ev.listing_event(
                               "suspended", after, seller, cid, reason=suspension["reason"],
                               with_seller=True)])
        count += done is not None
    return count


def reinstate(repo, seller_id, note, actor, cid, now):
    """An officer reinstates a suspended seller; only the listings hidden with the
    seller come back (as they were, sold out if their stock is gone).

    Returns ``(seller, listings_restored)``. Raises NotFound, RuleRefused (not
    suspended; the resident is not active in the registry), Conflict.
    """
    seller = _seller(repo, seller_id)
    resident = repo.resident(seller["resident_id"])
    domain.may_reinstate(seller, resident)
    previous = (seller.get("suspension") or {}).get("previous_status") or "verified"
    hidden = repo.listings_of(seller_id, ["suspended"])
    restorable = [li for li in hidden if (li.get("suspension") or {}).get("with_seller")]
    after = repo.change("sellers", seller, {"status": previous, "suspension": None,
                                            "updated_at": now, "reinstated_at": now,
                                            "reinstated_by": views.actor_who(actor),
                                            "reinstate_note": note},
                        where={"status": "suspended"},
                        events=lambda after: [ev.seller_event(
                            "reinstated", after, cid, listings_restored=len(restorable))])
    if after is None:
        raise Conflict("The seller changed meanwhile; reload and try again.")
    return after, restore_listings(repo, after, cid, now)


def restore_listings(repo, seller, cid, now):
    """Bring back the listings suspended with a seller who is no longer suspended."""
    count = 0
    for listing in repo.listings_of(seller["_id"], ["suspended"]):
        suspension = listing.get("suspension") or {}
        if not suspension.get("with_seller"):
            continue
        status = domain.listing_status_for(
            "draft" if suspension.get("previous_status") == "draft" else "active",
            listing["stock"])
        done = repo.change("listings", listing, {"status": status, "suspension": None,
                                                 "updated_at": now},
                           where={"status": "suspended"},
                           events=lambda after: [ev.listing_event("reinstated", after, seller,
                                                                  cid)])
        count += done is not None
    return count


def search(repo, query, page, per_page):
    """Officers' list of sellers (a loaded ``SellerQuery``), newest first.

    ``q`` matches words of the business name; ``warnings`` keeps sellers with a
    licence warning today. Returns ``(docs, page, per_page, total)``.
    """
    page, per_page, skip = page_args(page, per_page)
    where = {k: query[k] for k in ("status", "category", "rw", "nik") if query.get(k)}
    if query.get("q"):
        where["business_name"] = {"$regex": re.escape(query["q"].strip()), "$options": "i"}
    if not query.get("warnings"):
        docs, total = repo.find_sellers(where, skip, per_page)
        return docs, page, per_page, total
    today = clock.village_date()
    warned = [d for d in repo.find_sellers(where, 0, 0)[0] if domain.licence_warnings(d, today)]
    return warned[skip:skip + per_page], page, per_page, len(warned)
