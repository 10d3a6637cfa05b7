"""What each audience sees of sellers, listings and orders (docs/marketplace.md "Who sees what").

- the public: a seller's card (business name, category, RT/RW, WhatsApp
  link), listings that are shown (active or sold out, of a verified seller),
  an order by its id (an unguessable capability) without the buyer's name or
  phone;
- the seller (its own token) and officers: the whole profile, every listing
  with what its open orders hold, and the buyer's name and phone of the
  seller's orders. Another seller's ids answer 404, as if they did not exist.
"""
from services.shared import clock
from services.shared.caller import role_of
from services.shared.errors import Forbidden, NotFound

from services.marketplace import domain, ordering, photos

OFFICERS = ("officer", "admin")
SHOWN = ("active", "sold_out")


def audience(actor, seller_id):
    """``officer``, ``owner`` (the seller's own token), or ``public`` (anyone else)."""
    role = role_of(actor)
    if role in OFFICERS:
        return "officer"
    if role == "seller" and (actor or {}).get("seller_id") == seller_id:
        return "owner"
    return "public"


def require_role(actor, roles=OFFICERS):
    """Raise Forbidden unless the caller's role is one of ``roles`` (officers by default:
    moderation, lists of sellers, the village's reports)."""
    if role_of(actor) not in roles:
        raise Forbidden("This needs an officer's token%s." % (
            "" if "seller" not in roles else " or a seller's"))


def require_staff(actor, seller_id, what, ident):
    """The audience, when it may manage ``seller_id``'s records; NotFound otherwise
    (another seller's ids are not revealed to exist)."""
    who = audience(actor, seller_id)
    if who == "public":
        raise NotFound("No %s with id %s." % (what, ident))
    return who


def _who(actor):
    return {"name": (actor or {}).get("name"), "role": (actor or {}).get("role")}


def seller_card(seller):
    return {"id": seller["_id"], "business_name": seller["business_name"],
            "category": seller["category"], "rt": seller["rt"], "rw": seller["rw"],
            "whatsapp_url": domain.whatsapp_url(seller["phone"])}


def is_public_seller(seller):
    return seller is not None and seller["status"] == "verified"


def listing_shown(listing, seller):
    """A listing anyone may open: active or sold out, of a verified seller."""
    return is_public_seller(seller) and listing["status"] in SHOWN


def _licence(held, today):
    if not held:
        return None
    return {"number": held["number"], "expires_on": held["expires_on"],
            "state": domain.licence_state(held["expires_on"], today)}


def _suspension(suspension):
    if not suspension:
        return None
    return dict(suspension, at=clock.iso(suspension["at"]))


def seller_view(seller, resident, path, listing_counts, today):
    """The whole profile (``SellerOut``) for the seller and officers."""
    licences = seller.get("licences") or {}
    return {"id": seller["_id"], "resident_id": seller["resident_id"], "nik": seller["nik"],
            "full_name": (resident or {}).get("full_name"),
            "business_name": seller["business_name"], "category": seller["category"],
            "scale": seller["scale"], "phone": seller["phone"],
            "whatsapp_url": domain.whatsapp_url(seller["phone"]), "rt": seller["rt"],
            "rw": seller["rw"], "description": seller.get("description"),
            "annual_sales_idr": seller.get("annual_sales_idr"),
            "capital_idr": seller.get("capital_idr"),
            "licences": {name: _licence(licences.get(name), today) for name in domain.LICENCES},
            "warnings": domain.licence_warnings(seller, today), "status": seller["status"],
            "suspension": _suspension(seller.get("suspension")),
            "verified_at": clock.iso(seller.get("verified_at")),
            "verified_by": seller.get("verified_by"), "path_out_of_aid": path,
            "listings": listing_counts, "created_at": clock.iso(seller["created_at"]),
            "updated_at": clock.iso(seller["updated_at"]), "version": seller["version"]}


def photo_out(photo):
    url = "/api/v1/photos/%s" % photo["id"]
    thumb_width, thumb_height = photos.thumb_size(photo["width"], photo["height"])
    return {"id": photo["id"], "url": url, "width": photo["width"], "height": photo["height"],
            "bytes": photo["bytes"], "thumb_url": url + "?size=thumb",
            "thumb_width": thumb_width, "thumb_height": thumb_height}


def listing_view(listing, seller, staff):
    """``ListingOut``; ``staff`` (the seller or an officer) also sees holds, sales and
    the suspension."""
    out = {"id": listing["_id"], "seller": seller_card(seller), "title": listing["title"],
           "description": listing["description"], "price_idr": listing["price_idr"],
           "unit": listing["unit"], "stock": listing["stock"], "category": listing["category"],
           "status": listing["status"],
           "listed": listing["status"] == "active" and is_public_seller(seller),
           "photos": [photo_out(p) for p in listing.get("photos", [])],
           "published_at": clock.iso(listing.get("published_at")),
           "created_at": clock.iso(listing["created_at"]),
           "updated_at": clock.iso(listing["updated_at"]), "version": listing["version"]}
    if staff:
        out.update(reserved=sum((listing.get("holds") or {}).values()),
                   sold=listing.get("sold", 0),
                   suspension=_suspension(listing.get("suspension")))
    return out


def order_view(order, seller, staff):
    """``OrderOut``; ``staff`` (the order's seller or an officer) also sees the buyer's
    name and phone and the history."""
    out = {"id": order["_id"], "listing_id": order["listing_id"], "seller": seller_card(seller),
           "listing_title": order["listing_title"], "unit": order["unit"],
           "unit_price_idr": order["unit_price_idr"], "quantity": order["quantity"],
           "total_idr": order["total_idr"], "note": order.get("note"),
           "status": order["status"], "status_reason": order.get("status_reason"),
           "status_message": ordering.status_message(order), "payment": order.get("payment"),
           "placed_at": clock.iso(order["placed_at"]),
           "expires_at": clock.iso(order["expires_at"]),
           "confirmed_at": clock.iso(order.get("confirmed_at")),
           "completed_at": clock.iso(order.get("completed_at")),
           "closed_at": clock.iso(order.get("closed_at")),
           "whatsapp_url": ordering.buyer_whatsapp_url(order, seller),
           "version": order["version"]}
    if staff:
        out.update(buyer_name=order["buyer_name"], buyer_phone=order["buyer_phone"],
                   history=[dict(h, at=clock.iso(h["at"])) for h in order.get("history", [])])
    return out


def path_out_of_aid(aid, trainings, programmes, first_sale):
    """``PathOutOfAidOut`` from the seller's family's business capital (distribution's
    ``aid_disbursed`` for a programme of kind ``business_capital``), the seller's
    completed trainings (partners' ``enrolment_completed``) and the first completed
    order (an instant or None)."""
    capital = []
    for doc in sorted(aid, key=lambda d: (d.get("received_on") or "", d["_id"])):
        programme = programmes.get(doc.get("programme_code")) or {}
        if programme.get("kind") != "business_capital":
            continue
        capital.append({"allocation_id": doc["_id"], "programme_code": doc["programme_code"],
                        "programme_name": programme.get("name"),
                        "amount_idr": doc.get("amount_idr"), "received_on": doc["received_on"],
                        "status": "returned" if doc.get("status") == "returned"
                        else "disbursed"})
    courses = [{"enrolment_id": t["_id"], "programme_title": t.get("programme_title"),
                "partner_name": t.get("partner_name"), "topics": t.get("topics") or [],
                "outcome": t.get("outcome"), "completed_on": t.get("completed_on"),
                "entrepreneurship": "entrepreneurship" in (t.get("topics") or [])}
               for t in sorted(trainings, key=lambda t: (t.get("completed_on") or "", t["_id"]))]
    dates = [c["received_on"] for c in capital if c["status"] == "disbursed"] + \
        [c["completed_on"] for c in courses if c["completed_on"]]
    since = min(dates) if dates else None
    first = clock.village_date(first_sale).isoformat() if first_sale else None
    return {"business_capital": capital, "trainings": courses, "supported_since": since,
            "first_sale_on": first,
            "sold_after_support": bool(since and first and first >= since)}


def actor_who(actor):
    """``{name, role}`` recorded as who verified, suspended or moved something."""
    return _who(actor)
