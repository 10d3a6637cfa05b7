"""The seller's own stall, ``/lapak-saya`` (role seller; issue 12).

A seller logs in (``/konsol/masuk``) and lands here: their profile with the
licence warnings the API gives, their listings (create; change price, stock
and description; publish or keep as a draft; up to three photos), and their
orders by status with the buttons the order allows and the buyer's WhatsApp.
Every call goes to ``/api/v1`` with the seller's own session, so the gateway's
scoping is the only rule: another seller's ids answer 404 here as for a token.

A photo of a listing that is not shown yet is not public, and an ``<img>`` sends
no session: such photos come through ``/lapak-saya/foto/<id>``, which asks the
gateway with the seller's session (shown photos load from the gateway itself).
"""
from urllib.parse import quote

from werkzeug.wrappers import Response

from web import forms
from web.api import ApiError, together
from web.pages import nav, page
from web.pages.market import CATEGORIES

#: the marketplace contract's lists (a unit test keeps them equal)
SELLER_LISTING_STATUSES = ("draft", "active")
ORDER_STATUSES = ("placed", "confirmed", "completed", "cancelled", "expired")
PAYMENT_METHODS = ("cash", "qris", "transfer", "other")
CANCEL_REASONS = ("buyer_request", "out_of_stock", "buyer_unreachable", "seller_unavailable",
                  "other")
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
MAX_PHOTOS = 3
#: what a seller may do to an order in each status (docs/marketplace.md "Orders")
NEXT_STEPS = {"placed": ("confirmed", "cancelled"), "confirmed": ("completed", "cancelled")}
LISTING_FIELDS = ("title", "description", "price_idr", "unit", "stock", "category")


def _q(value):
    return quote(value, safe="")


def _seller_id(ctx):
    return ctx.account["seller_id"]


def buyer_whatsapp(phone):
    """``https://wa.me/62...`` for a buyer's number as the API gives it (``0812...``,
    ``+62812...``): WhatsApp wants the country code and digits only."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return "https://wa.me/%s" % digits if digits else None


def listing_body(form, partial=False):
    """The ``POST listings`` (or, ``partial``, ``PATCH``) body of a form, and the errors
    found before sending (a price or stock that is not a whole number)."""
    body, errors = {}, {}
    for key in ("title", "description", "unit", "category"):
        if key in form or not partial:
            body[key] = form.get(key, "").strip()
    for key, read in (("price_idr", forms.rupiah_input), ("stock", forms.whole_number)):
        if key in form or not partial:
            try:
                body[key] = read(form.get(key, ""))
            except ValueError:
                errors[key] = ["seller_portal.errors.%s" % key]
            if body.get(key) is None and key not in errors:
                errors[key] = ["seller_portal.errors.%s" % key]
    if not partial:
        body["status"] = "active" if form.get("publish") == "1" else "draft"
    if partial and form.get("version", "").isdigit():
        body["version"] = int(form["version"])
    return body, errors


@page("/lapak-saya", login="seller")
def seller_home(ctx):
    """The seller's profile and warnings, listings, and how many orders wait."""
    sid = _q(_seller_id(ctx))
    seller, listings, waiting = together(
        lambda: ctx.officer_api.get("sellers/%s" % sid),
        lambda: ctx.officer_api.get("sellers/%s/listings" % sid, {"per_page": 100})["items"],
        lambda: ctx.officer_api.get("sellers/%s/orders" % sid,
                                    {"status": "placed", "per_page": 1})["total"])
    done = ctx.request.args.get("selesai")
    notice = ctx.t("seller_portal.done." + done) if done in (
        "created", "saved", "active", "draft") else None
    return ctx.render("portal/seller_home.html", seller=seller, listings=listings,
                      waiting=waiting, notice=notice)


@page("/lapak-saya/produk/baru", methods=("GET", "POST"), login="seller")
def seller_listing_new(ctx):
    """GET: the form. POST: ``POST listings`` (a draft, or shown with ``publish=1``),
    then 303 to the listing (to add photos); 400 with the API's words by the fields."""
    form, errors, status = {"unit": "pcs"}, {}, 200
    if ctx.request.method == "POST":
        form = ctx.form
        body, errors = listing_body(form)
        if not errors:
            try:
                created = ctx.officer_api.post("listings", body)
                return ctx.redirect("seller_listing", listing_id=created["id"],
                                    selesai="created")
            except ApiError as exc:
                if exc.status not in (400, 409, 422):
                    raise
                errors = forms.api_errors(exc, ctx.t) or {
                    "_form": [forms.problem_sentence(exc, ctx.t)]}
        status = 400
    return ctx.render("portal/seller_listing_new.html", status=status, form=form,
                      errors=errors, category_options=_categories(ctx))


def _categories(ctx):
    return [(c, ctx.t("market.categories." + c)) for c in CATEGORIES]


def _listing_page(ctx, listing_id, status=200, errors=None, notice=None, form=None):
    listing = ctx.officer_api.get("listings/%s" % _q(listing_id))
    return ctx.render("portal/seller_listing.html", status=status, listing=listing,
                      form=form or {}, errors=errors or {}, notice=notice,
                      max_photos=MAX_PHOTOS, photo_types=",".join(PHOTO_TYPES))


@page("/lapak-saya/produk/<listing_id>", methods=("GET", "POST"), login="seller")
def seller_listing(ctx, listing_id):
    """GET: a listing with its photos and the form. POST: change price, stock and
    description (``PATCH listings/{id}``), 303 back; 400/409 with the API's words."""
    if ctx.request.method == "GET":
        done = ctx.request.args.get("selesai")
        notice = ctx.t("seller_portal.done." + done) if done in (
            "created", "saved", "photo_added", "photo_removed", "active", "draft") else None
        return _listing_page(ctx, listing_id, notice=notice)
    form = ctx.form
    body, errors = listing_body({k: form[k] for k in ("price_idr", "stock", "description",
                                                       "version") if k in form}, partial=True)
    if not errors:
        try:
            ctx.officer_api.patch("listings/%s" % _q(listing_id), body)
            return ctx.redirect("seller_listing", listing_id=listing_id, selesai="saved")
        except ApiError as exc:
            if exc.status not in (400, 409, 422):
                raise
            errors = forms.api_errors(exc, ctx.t) if exc.status == 400 else {}
            errors = errors or {"_form": [forms.problem_sentence(exc, ctx.t)]}
    return _listing_page(ctx, listing_id, 400 if errors.keys() - {"_form"} else 409,
                         errors, form=form)


@page("/lapak-saya/produk/<listing_id>/status", methods=("POST",), login="seller")
def seller_listing_status(ctx, listing_id):
    """``status`` active (publish: shown once the seller is verified) or draft (hidden)."""
    wanted = ctx.form.get("status")
    if wanted not in SELLER_LISTING_STATUSES:
        return ctx.render("portal/error.html", status=400, message_key="errors.invalid_field")
    try:
        ctx.officer_api.patch("listings/%s" % _q(listing_id), {"status": wanted})
    except ApiError as exc:
        if exc.status not in (400, 409, 422):
            raise
        return _listing_page(ctx, listing_id, exc.status,
                             {"_form": [forms.problem_sentence(exc, ctx.t)]})
    back = "seller_home" if ctx.form.get("back") == "home" else "seller_listing"
    values = {} if back == "seller_home" else {"listing_id": listing_id}
    return ctx.redirect(back, selesai=wanted, **values)


@page("/lapak-saya/produk/<listing_id>/foto", methods=("POST",), login="seller")
def seller_photo_add(ctx, listing_id):
    """Upload one photo (``photo``, JPEG/PNG/WebP, at most 2 MB) through
    ``POST listings/{id}/photos``; 303 back, or the API's refusal by the field."""
    upload = ctx.request.files.get("photo")
    if upload is None or not upload.filename:
        return _listing_page(ctx, listing_id, 400, {"photo": ["seller_portal.errors.photo"]})
    content = upload.read()
    try:
        ctx.officer_api.post("listings/%s/photos" % _q(listing_id), files={
            "photo": (upload.filename, content, upload.mimetype or "application/octet-stream")})
    except ApiError as exc:
        if exc.status not in (400, 409, 413, 415, 422):
            raise
        words = "; ".join(forms.words_for_rule(str(r), ctx.t)
                          for rules in exc.errors.values() for r in rules)
        return _listing_page(ctx, listing_id, exc.status,
                             {"photo": [words or forms.problem_sentence(exc, ctx.t)]})
    return ctx.redirect("seller_listing", listing_id=listing_id, selesai="photo_added")


@page("/lapak-saya/produk/<listing_id>/foto/<photo_id>/hapus", methods=("POST",),
      login="seller")
def seller_photo_remove(ctx, listing_id, photo_id):
    """Remove a photo (``DELETE listings/{id}/photos/{photo}``); 303 back."""
    ctx.officer_api.delete("listings/%s/photos/%s" % (_q(listing_id), _q(photo_id)))
    return ctx.redirect("seller_listing", listing_id=listing_id, selesai="photo_removed")


@page("/lapak-saya/foto/<photo_id>", login="seller")
def seller_photo(ctx, photo_id):
    """A photo of the seller's own listing as the gateway serves it to their session
    (also one not public yet), kept private to this browser."""
    answer = ctx.officer_api.get("photos/%s" % _q(photo_id), raw=True)
    response = Response(answer.content, mimetype=answer.headers.get("Content-Type",
                                                                    "image/jpeg"))
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@page("/lapak-saya/pesanan", login="seller")
def seller_orders(ctx):
    """The seller's orders with one status (``?status=``, default placed), newest first,
    with the buttons the status allows and the buyer's WhatsApp."""
    status = ctx.request.args.get("status")
    status = status if status in ORDER_STATUSES else "placed"
    done = ctx.request.args.get("selesai")
    notice = ctx.t("seller_portal.moved." + done) if done in NEXT_STEPS["confirmed"] + (
        "confirmed",) else None
    return _orders_page(ctx, status, notice=notice)


def _orders_page(ctx, status, code=200, errors=None, notice=None):
    answer = ctx.officer_api.get("sellers/%s/orders" % _q(_seller_id(ctx)),
                                 {"status": status, "per_page": 100})
    for order in answer["items"]:
        order["buyer_whatsapp"] = buyer_whatsapp(order.get("buyer_phone"))
        order["next_steps"] = NEXT_STEPS.get(order["status"], ())
    return ctx.render("portal/seller_orders.html", status=code, orders=answer["items"],
                      total=answer["total"], current=status, statuses=ORDER_STATUSES,
                      payments=PAYMENT_METHODS, cancel_reasons=CANCEL_REASONS,
                      errors=errors or {}, notice=notice)


@page("/lapak-saya/pesanan/<order_id>", methods=("POST",), login="seller")
def seller_order_action(ctx, order_id):
    """``to`` confirmed, completed (``payment``) or cancelled (``reason``) through
    ``POST orders/{id}/transitions``; 303 back to the list of ``from``'s status."""
    form = ctx.form
    back = form.get("from") if form.get("from") in ORDER_STATUSES else "placed"
    field = "o-%s" % order_id
    to = form.get("to")
    body = {"to": to}
    if to == "completed" and form.get("payment") in PAYMENT_METHODS:
        body["payment"] = form["payment"]
    elif to == "cancelled" and form.get("reason") in CANCEL_REASONS:
        body["reason"] = form["reason"]
    elif to != "confirmed":
        return _orders_page(ctx, back, 400, {field: ["seller_portal.errors.choose"]})
    if form.get("version", "").isdigit():
        body["version"] = int(form["version"])
    try:
        ctx.officer_api.post("orders/%s/transitions" % _q(order_id), body)
    except ApiError as exc:
        if exc.status not in (400, 409, 422):
            raise
        return _orders_page(ctx, back, exc.status,
                            {field: [forms.problem_sentence(exc, ctx.t)]})
    return ctx.redirect("seller_orders", status=back, selesai=to)


nav("seller", "seller_home", "seller_portal.nav.home", match=("/lapak-saya", "/lapak-saya/produk"))
nav("seller", "seller_orders", "seller_portal.nav.orders", match="/lapak-saya/pesanan")
