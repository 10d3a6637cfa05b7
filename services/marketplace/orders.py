"""Orders: placing without overselling, the seller's moves, expiry.

Placing an order is three single-document writes, each conditional, so any
interruption leaves something the next step or ``consistency.sweep`` can
finish or undo, and never an order without its stock or stock taken twice:

1. the order is stored as ``placing`` (not shown anywhere; with an
   Idempotency-Key its id derives from the key and the body, so a retry
   finds it);
2. ``store.reserve``: one conditional update of the listing takes the units
   only if ``stock >= quantity`` and records the hold under the order's id;
3. the order becomes ``placed`` and its ``order_placed`` event is queued in
   the same write.

Refused (too little stock left), the ``placing`` order is dropped and the
buyer gets a 409 naming what is left. Leaving an open state ends the hold
once (``store.settle``): stock back for a cancellation or an expiry, units
counted sold for a completion.
"""
import hashlib
import json
import uuid

from services.shared.errors import Conflict, NotFound
from services.shared.pagination import page_args, page_of

from services.marketplace import ordering, views
from services.marketplace import events as ev

PLACING = "placing"
ENDED = ("completed", "cancelled", "expired")


def _key_order_id(request_key, listing_id, data):
    body = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256("\n".join((request_key, listing_id, body)).encode("utf-8"))
    return "ord_" + digest.hexdigest()[:24]


def _key_claim(request_key):
    return "key_" + hashlib.sha256(request_key.encode("utf-8")).hexdigest()[:32]


def _short(listing, quantity):
    """The 409 of an order the stock cannot cover, naming what is left."""
    left = listing["stock"] if listing["status"] == "active" else 0
    return Conflict("Only %d %s of %s left; %d asked for." % (left, listing["unit"],
                                                               listing["title"], quantity),
                    {"quantity": ["only %d left" % left]})


def _for_sale(repo, listing_id):
    listing = repo.listing(listing_id)
    seller = repo.seller(listing["seller_id"]) if listing else None
    if listing is None or not views.listing_shown(listing, seller):
        raise NotFound("No listing for sale with id %s." % listing_id)
    return listing, seller


def place(repo, listing_id, data, request_key, cid, now, expiry_hours):
    """Place a buyer's order (``OrderIn``) on a shown listing; returns ``(order, seller)``.

    Args:
        request_key (str|None): the Idempotency-Key: the same key and body
            answer the same order.
        expiry_hours (float): how long the seller has to confirm (setting).
    Raises NotFound (no listing for sale), Conflict (too little stock left,
    naming how much; the key was used with another body).
    """
    listing, seller = _for_sale(repo, listing_id)
    quantity = data["quantity"]
    order_id = (_key_order_id(request_key, listing_id, data) if request_key
                else "ord_" + uuid.uuid4().hex[:24])
    if request_key and repo.claim_key(_key_claim(request_key), order_id, now) != order_id:
        raise Conflict("This Idempotency-Key was already used for another order.",
                       {"Idempotency-Key": ["already used with another body"]})
    order = repo.order(order_id)
    if order is not None and order["status"] != PLACING:
        return order, seller
    if order is None:
        if listing["status"] != "active":  # sold out: no need to try
            raise _short(listing, quantity)
        # How many units are left is decided by the conditional update alone
        # (store.reserve), never by this read, which may be stale already.
        order = {"_id": order_id, "listing_id": listing_id, "seller_id": seller["_id"],
                 "listing_title": listing["title"], "unit": listing["unit"],
                 "category": listing["category"],
                 "unit_price_idr": listing["price_idr"], "quantity": quantity,
                 "total_idr": listing["price_idr"] * quantity,
                 "buyer_name": data["buyer_name"], "buyer_phone": data["buyer_phone"],
                 "note": data.get("note"), "status": PLACING, "status_reason": None,
                 "payment": None, "placed_at": now,
                 "expires_at": ordering.expires_at(now, expiry_hours), "confirmed_at": None,
                 "completed_at": None, "closed_at": None, "updated_at": now,
                 "hold_open": True, "history": [{"at": now, "status": "placed", "reason": None,
                                                 "note": None,
                                                 "by": {"name": "buyer", "role": "public"}}],
                 "version": 0}
        if not repo.insert_order(order):
            order = repo.order(order_id)  # the same key and body, sent twice at once
            if order is None or order["status"] != PLACING:
                return order, seller
    if not repo.reserve(listing_id, order_id, quantity) and \
            not repo.holds(listing_id, order_id):
        repo.drop_order(order_id, PLACING)
        raise _short(repo.listing(listing_id), quantity)
    return finish_placing(repo, order, seller, cid), seller


def finish_placing(repo, order, seller, cid):
    """Make a ``placing`` order whose units are held ``placed`` (with its event).

    If someone else finished or dropped it meanwhile: the order as it is now,
    or (dropped) the hold given back and a Conflict asking to try again.
    """
    after = repo.change("orders", order, {"status": "placed"}, where={"status": PLACING},
                        events=lambda after: [ev.order_event(after, seller, cid)])
    if after is not None:
        return after
    current = repo.order(order["_id"])
    if current is not None and current["status"] != PLACING:
        return current
    settle(repo, order, "release")
    raise Conflict("The order could not be completed in time; please place it again.")


def settle(repo, order, outcome):
    """End an order's hold once: ``release`` (stock back) or ``sell``."""
    repo.settle(order["listing_id"], order["_id"], order["quantity"], outcome)
    repo.close_hold(order["_id"])


def readable(repo, order_id, actor):
    """``(order, seller, staff)``: anyone with the id sees the order; its seller and
    officers also see the buyer. NotFound for an unknown id."""
    order = repo.order(order_id)
    if order is None or order["status"] == PLACING:
        raise NotFound("No order with id %s." % order_id)
    staff = views.audience(actor, order["seller_id"]) != "public"
    return order, repo.seller(order["seller_id"]), staff


def transition(repo, order_id, data, actor, cid, now):
    """Move an order (``OrderTransitionIn``); returns ``(order, seller)``.

    Raises NotFound (unknown, or another seller's), Forbidden (the public
    without the order's phone), RuleRefused (a move the state machine does not
    allow), Conflict (stale ``version``, or another move won the race).
    """
    order, seller, _ = readable(repo, order_id, actor)
    if (actor or {}).get("role") == "seller" and actor.get("seller_id") != order["seller_id"]:
        raise NotFound("No order with id %s." % order_id)
    who = ordering.party(order, actor, data.get("buyer_phone"))
    if data.get("version") is not None and data["version"] != order["version"]:
        raise Conflict("The order is at version %d (%s), not %d: reload it."
                       % (order["version"], order["status"], data["version"]),
                       {"version": ["stale: current is %d" % order["version"]]})
    plan = ordering.plan_transition(order, data, who, actor, now)
    return _apply(repo, order, seller, plan, cid), seller


def _apply(repo, order, seller, plan, cid):
    after = repo.change("orders", order, plan["set"], where={"status": order["status"]},
                        push={"history": plan["history"]},
                        events=lambda after: [ev.order_event(after, seller, cid)])
    if after is None:
        current = repo.order(order["_id"]) or order
        raise Conflict("The order changed meanwhile: it is now %s." % current["status"])
    after["history"] = list(order.get("history", [])) + [plan["history"]]
    if plan["stock"]:
        settle(repo, after, plan["stock"])
    return after


def of_seller(repo, seller_id, status, page, per_page, actor):
    """A seller's orders, newest first, for the seller and officers (NotFound for others)."""
    views.require_staff(actor, seller_id, "seller", seller_id)
    seller = repo.seller(seller_id)
    if seller is None:
        raise NotFound("No seller with id %s." % seller_id)
    page, per_page, skip = page_args(page, per_page)
    where = {"seller_id": seller_id, "status": status or {"$ne": PLACING}}
    docs, total = repo.find_orders(where, skip, per_page)
    return page_of([(d, seller) for d in docs], page, per_page, total)


def expire_due(repo, now, cid=None):
    """Expire every ``placed`` order past its ``expires_at``; the stock returns once.
    Returns how many expired now."""
    count = 0
    for order in repo.orders_where({"status": "placed", "expires_at": {"$lte": now}}):
        plan = ordering.plan_expiry(order, now)
        if plan is None:
            continue
        try:
            _apply(repo, order, repo.seller(order["seller_id"]), plan, cid)
            count += 1
        except Conflict:
            continue  # confirmed or cancelled meanwhile: not due any more
    return count


def cancel_open_orders(repo, seller, now, cid=None):
    """Cancel a departed seller's open orders (``seller_unavailable``; stock returned).
    Returns how many were cancelled now."""
    count = 0
    for order in repo.orders_where({"seller_id": seller["_id"],
                                    "status": {"$in": ["placed", "confirmed"]}}):
        try:
            _apply(repo, order, seller, ordering.plan_seller_gone(order, now), cid)
            count += 1
        except Conflict:
            continue  # moved meanwhile; the sweep looks again
    return count


def finish_interrupted(repo, now, grace):
    """What a crash between two writes may have left, finished or undone:

    - an ended order still holding units: the hold ends (released or sold);
    - a ``placing`` order older than ``grace``: placed if its units are held,
      dropped if not.
    Returns how many were finished.
    """
    count = 0
    for order in repo.orders_where({"hold_open": True, "status": {"$in": list(ENDED)}}):
        settle(repo, order, "sell" if order["status"] == "completed" else "release")
        count += 1
    for order in repo.orders_where({"status": PLACING, "placed_at": {"$lt": now - grace}}):
        if repo.holds(order["listing_id"], order["_id"]):
            try:
                finish_placing(repo, order, repo.seller(order["seller_id"]), None)
            except Conflict:
                pass
        else:
            repo.drop_order(order["_id"], PLACING)
        count += 1
    return count
