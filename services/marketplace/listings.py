"""Listings: what sellers offer, the public catalogue, moderation and photos.

Plain functions over the repository. A listing's ``stock`` is the units
available now; orders take units from it in one conditional update
(``store.reserve``), so a seller's edit of the stock is written only if no
order moved it meanwhile, and worked out again otherwise.
"""
import base64
import hashlib
import uuid

from services.shared.errors import Conflict, InvalidInput, NotFound, RuleRefused
from services.shared.pagination import page_args, page_of

from services.marketplace import domain, search, views
from services.marketplace import events as ev
from services.marketplace.contract.requests import MAX_PHOTOS, PHOTO_SIZES

SORTS = {"newest": [("published_at", -1), ("_id", 1)],
         "price_asc": [("price_idr", 1), ("published_at", -1), ("_id", 1)],
         "price_desc": [("price_idr", -1), ("published_at", -1), ("_id", 1)]}


def _listing(repo, listing_id):
    doc = repo.listing(listing_id)
    if doc is None:
        raise NotFound("No listing with id %s." % listing_id)
    return doc


def managed(repo, listing_id, actor):
    """``(listing, seller)`` that ``actor`` may manage; NotFound for anyone else."""
    listing = _listing(repo, listing_id)
    views.require_staff(actor, listing["seller_id"], "listing", listing_id)
    return listing, repo.seller(listing["seller_id"])


def readable(repo, listing_id, actor):
    """``(listing, seller, staff)`` for a read: the public sees shown listings only."""
    listing = _listing(repo, listing_id)
    seller = repo.seller(listing["seller_id"])
    staff = views.audience(actor, listing["seller_id"]) != "public"
    if not staff and not views.listing_shown(listing, seller):
        raise NotFound("No listing with id %s." % listing_id)
    return listing, seller, staff


def create(repo, data, actor, cid, now):
    """A seller lists a product (``ListingIn``); returns ``(listing, seller)``.

    Raises InvalidInput (an officer must name ``seller_id``; a seller token may
    not name another), NotFound (no such seller), RuleRefused (the seller is
    suspended).
    """
    role = (actor or {}).get("role")
    seller_id = actor.get("seller_id") if role == "seller" else data.get("seller_id")
    if role == "seller" and data.get("seller_id") not in (None, seller_id):
        raise InvalidInput("A seller token lists for its own seller.",
                           {"seller_id": ["must be omitted or your own seller id"]})
    if not seller_id:
        raise InvalidInput("Name the seller to list for.", {"seller_id": ["required for "
                                                                          "officers"]})
    seller = repo.seller(seller_id)
    if seller is None:
        raise NotFound("No seller with id %s." % seller_id)
    if seller["status"] == "suspended":
        raise RuleRefused("A suspended seller cannot list products.",
                          {"seller_id": ["the seller is suspended"]})
    status = domain.listing_status_for(data["status"], data["stock"])
    doc = {"_id": "lst_" + uuid.uuid4().hex[:16], "seller_id": seller_id,
           "title": data["title"], "description": data["description"],
           "price_idr": data["price_idr"], "unit": data["unit"], "stock": data["stock"],
           "category": data["category"], "status": status, "holds": {}, "sold": 0,
           "photos": [], "suspension": None,
           "words": search.words(data["title"], data["description"]),
           "published_at": now if status != "draft" else None,
           "created_at": now, "updated_at": now, "version": 1}
    events = [ev.listing_event("published", doc, seller, cid)] if status != "draft" else []
    return repo.insert_listing(doc, events), seller


def update(repo, listing_id, data, actor, cid, now):
    """Change a listing (a loaded partial ``ListingPatch``); returns ``(listing, seller)``.

    ``stock`` is the units available from now on; units orders reserved while
    the edit was on its way come out of it (never on top of it: that would sell
    units the seller no longer has). ``status`` ``draft`` or ``active`` (sold
    out follows the stock). Raises NotFound, RuleRefused (a status change of a
    suspended listing), Conflict (stale ``version``).
    """
    expected = data.pop("version", None)
    requested, first_read = data.get("stock"), None
    for _ in range(5):
        listing, seller = managed(repo, listing_id, actor)
        if requested is not None:
            first_read = listing["stock"] if first_read is None else first_read
            data["stock"] = max(0, requested - (first_read - listing["stock"]))
        if expected is not None and expected != listing["version"]:
            raise Conflict("The listing is at version %d, not %d: reload it."
                           % (listing["version"], expected),
                           {"version": ["stale: current is %d" % listing["version"]]})
        changes = dict(data, updated_at=now)
        suspended = listing["status"] == "suspended"
        if suspended and "status" in data:
            raise RuleRefused("A suspended listing keeps its status until an officer "
                              "reinstates it.", {"status": ["the listing is suspended"]})
        if not suspended:
            wanted = data.get("status") or ("draft" if listing["status"] == "draft"
                                            else "active")
            changes["status"] = domain.listing_status_for(wanted, data.get("stock",
                                                                           listing["stock"]))
        if "title" in data or "description" in data:
            changes["words"] = search.words(data.get("title", listing["title"]),
                                            data.get("description", listing["description"]))
        first_time = listing.get("published_at") is None and changes.get("status") in (
            "active", "sold_out")
        if first_time:
            changes["published_at"] = now
        after = repo.change("listings", listing, changes, where={"stock": listing["stock"]},
                            events=lambda after, first=first_time, seller=seller: [
                                ev.listing_event("published", after, seller, cid)] if first else [])
        if after is not None:
            return after, seller
    raise Conflict("Orders keep changing this listing's stock; try again.")


def search_catalogue(repo, query, page, per_page):
    """The public catalogue: active listings of verified sellers (``ListingQuery``).

    Words match the beginning of a listing's words (``search`` module);
    ``rw`` is the seller's. Returns a page of ``(listing, seller)``.
    """
    page, per_page, skip = page_args(page, per_page)
    seller_query = {"status": "verified"}
    if query.get("rw"):
        seller_query["rw"] = query["rw"]
    if query.get("seller_id"):
        seller_query["_id"] = query["seller_id"]
    sellers = repo.seller_ids(seller_query)
    where = {"status": "active", "seller_id": {"$in": sellers}}
    if query.get("category"):
        where["category"] = query["category"]
    price = {}
    if query.get("min_price_idr") is not None:
        price["$gte"] = query["min_price_idr"]
    if query.get("max_price_idr") is not None:
        price["$lte"] = query["max_price_idr"]
    if price:
        where["price_idr"] = price
    terms = search.query_words(query.get("q"))
    if terms:
        where["$and"] = [{"words": {"$regex": "^" + term}} for term in terms]
    docs, total = repo.find_listings(where, SORTS[query.get("sort") or "newest"], skip, per_page)
    by_id = repo.sellers_by_id([d["seller_id"] for d in docs])
    return page_of([(d, by_id[d["seller_id"]]) for d in docs], page, per_page, total)


def of_seller(repo, seller_id, status, page, per_page, actor):
    """Every listing of a seller, for the seller and officers (NotFound for others)."""
    views.require_staff(actor, seller_id, "seller", seller_id)
    seller = repo.seller(seller_id)
    if seller is None:
        raise NotFound("No seller with id %s." % seller_id)
    page, per_page, skip = page_args(page, per_page)
    where = {"seller_id": seller_id}
    if status:
        where["status"] = status
    docs, total = repo.find_listings(where, [("created_at", -1), ("_id", 1)], skip, per_page)
    return page_of([(d, seller) for d in docs], page, per_page, total)


def moderate(repo, listing_id, suspend, data, actor, cid, now):
    """An officer suspends a listing on its own (``ListingSuspendIn``) or reinstates one.

    A listing suspended with its seller and then by an officer stays suspended
    when the seller is reinstated. Returns ``(listing, seller)``. Raises
    NotFound, Conflict (already in that state), RuleRefused (its seller is
    suspended: reinstate the seller).
    """
    listing = _listing(repo, listing_id)
    seller = repo.seller(listing["seller_id"])
    current = listing.get("suspension") or {}
    if suspend:
        if listing["status"] == "suspended" and not current.get("with_seller"):
            raise Conflict("The listing is suspended already.")
        suspension = {"reason": data["reason"], "note": data.get("note"), "source": "officer",
                      "at": now, "by": views.actor_who(actor), "with_seller": False,
                      "previous_status": current.get("previous_status") or listing["status"]}
        changes, kind = {"status": "suspended", "suspension": suspension}, "suspended"
        extra = {"reason": data["reason"], "with_seller": False}
    else:
        if listing["status"] != "suspended":
            raise Conflict("The listing is not suspended.")
        if seller["status"] == "suspended":
            raise RuleRefused("Its seller is suspended: reinstate the seller.",
                              {"seller_id": ["the seller is suspended"]})
        wanted = "draft" if current.get("previous_status") == "draft" else "active"
        changes = {"status": domain.listing_status_for(wanted, listing["stock"]),
                   "suspension": None}
        kind, extra = "reinstated", {}
    changes["updated_at"] = now
    after = repo.change("listings", listing, changes, where={"status": listing["status"]},
                        events=lambda after: [ev.listing_event(kind, after, seller, cid,
                                                               **extra)])
    if after is None:
        raise Conflict("The listing changed meanwhile; reload and try again.")
    return after, seller


def add_photo(repo, listing_id, photo, actor, now):
    """Attach a prepared photo (``photos.prepare``) to a listing, at most 3.

    Returns ``(listing, seller)``. Raises NotFound, RuleRefused (3 photos already).
    """
    listing, seller = managed(repo, listing_id, actor)
    photo_id = "pht_" + hashlib.sha256((listing_id + photo["sha256"]).encode()).hexdigest()[:24]
    meta = {"id": photo_id, "width": photo["width"], "height": photo["height"],
            "bytes": photo["bytes"]}
    if any(p["id"] == photo_id for p in listing.get("photos", [])):
        return listing, seller  # the same image again on this listing: nothing to add
    repo.insert_photo({"_id": photo_id, "listing_id": listing_id, "seller_id": seller["_id"],
                       "content_type": photo["content_type"], "data": photo["data"],
                       "width": photo["width"], "height": photo["height"],
                       "thumb": photo["thumb"]["data"], "created_at": now})
    for _ in range(5):
        full = "photos.%d" % (MAX_PHOTOS - 1)
        if len(listing.get("photos", [])) >= MAX_PHOTOS:
            raise RuleRefused("A listing has at most %d photos; remove one first." % MAX_PHOTOS,
                              {"photo": ["at most %d per listing" % MAX_PHOTOS]})
        after = repo.change("listings", listing, {"updated_at": now},
                            where={full: {"$exists": False}}, push={"photos": meta})
        if after is not None:
            return dict(after, photos=listing.get("photos", []) + [meta]), seller
        listing, seller = managed(repo, listing_id, actor)
    raise Conflict("The listing keeps changing; try again.")


def remove_photo(repo, listing_id, photo_id, actor, now):
    """Take a photo off a listing; returns ``(listing, seller)``. NotFound."""
    listing, seller = managed(repo, listing_id, actor)
    kept = [p for p in listing.get("photos", []) if p["id"] != photo_id]
    if len(kept) == len(listing.get("photos", [])):
        raise NotFound("Listing %s has no photo %s." % (listing_id, photo_id))
    after = repo.change("listings", listing, {"photos": kept, "updated_at": now})
    if after is None:
        raise Conflict("The listing changed meanwhile; reload and try again.")
    repo.delete_photo(photo_id)
    return after, seller


def photo(repo, photo_id, actor):
    """``(photo doc, public)``: public when its listing is shown; the seller and
    officers always. NotFound otherwise."""
    doc = repo.photo(photo_id)
    if doc is None:
        raise NotFound("No photo with id %s." % photo_id)
    listing = repo.listing(doc["listing_id"])
    seller = repo.seller(doc["seller_id"])
    shown = listing is not None and views.listing_shown(listing, seller)
    if not shown and views.audience(actor, doc["seller_id"]) == "public":
        raise NotFound("No photo with id %s." % photo_id)
    return doc, shown


def photo_bytes(repo, photo_id, actor, size, make_thumb):
    """``PhotoDataOut`` data of a photo (``photo`` decides who may see it) at ``size``
    ``"full"`` or ``"thumb"``. A photo kept before thumbnails existed gets one from
    ``make_thumb(full JPEG bytes) -> {"data", ...}`` on its first request, kept.
    Raises NotFound, InvalidInput naming ``size``."""
    if size not in PHOTO_SIZES:
        raise InvalidInput("size must be one of %s." % ", ".join(PHOTO_SIZES),
                           {"size": ["must be one of: %s" % ", ".join(PHOTO_SIZES)]})
    doc, shown = photo(repo, photo_id, actor)
    data = doc["data"]
    if size == "thumb":
        data = doc.get("thumb")
        if data is None:
            data = make_thumb(doc["data"])["data"]
            repo.set_thumb(photo_id, data)
    return {"id": doc["_id"], "content_type": doc["content_type"],
            "data": base64.b64encode(data).decode("ascii"), "public": shown}
