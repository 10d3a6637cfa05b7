"""The village market (public): the catalogue, a listing, ordering, the order's page.

Everything works without JavaScript: the catalogue's filters are one GET form
(the query string is the page's state, so a search can be shared), an order is
a plain POST answered by a redirect to the order's own page, where the WhatsApp
link to the seller carries the order text the API prefilled. A hidden
``idempotency_key`` per form makes a double submit place one order
(``Idempotency-Key`` of ``POST /listings/{id}/orders``, docs/marketplace.md).
"""
import uuid
from urllib.parse import quote, urlencode

from web.api import ApiError
from web.pages import nav, page
from web.pages.complaints import api_errors

#: the marketplace contract's listing categories and sorts (a unit test keeps them equal)
CATEGORIES = ("food", "drinks", "crafts", "fashion", "agriculture", "services", "other")
SORTS = ("newest", "price_asc", "price_desc")
PER_PAGE = 12  # a phone's screenful of cards, two or three scrolls


def _price(value):
    """A price field as typed (``15.000``, ``Rp15000``) -> rupiah int, or None if empty/bad."""
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    return int(digits) if digits and len(digits) <= 12 else None


def catalogue_query(args):
    """The page's search form (``q``, ``kategori``, ``harga_min``, ``harga_maks``, ``rw``,
    ``urut``, ``halaman``) -> ``(GET /listings params, the form's values as typed)``."""
    form = {k: args.get(k, "").strip() for k in ("q", "kategori", "harga_min", "harga_maks",
                                                  "rw", "urut")}
    params = {"per_page": PER_PAGE, "sort": form["urut"] if form["urut"] in SORTS else "newest"}
    if form["q"]:
        params["q"] = form["q"][:200]
    if form["kategori"] in CATEGORIES:
        params["category"] = form["kategori"]
    low, high = _price(form["harga_min"]), _price(form["harga_maks"])
    if low is not None and high is not None and low > high:
        low, high = high, low  # a resident who typed them the other way round meant the range
    if low is not None:
        params["min_price_idr"] = low
    if high is not None:
        params["max_price_idr"] = high
    rw = form["rw"]
    if rw.isdigit() and len(rw) <= 3:
        params["rw"] = rw.zfill(3)
    page_no = args.get("halaman", "1")
    params["page"] = int(page_no) if page_no.isdigit() and 0 < int(page_no) < 10_000 else 1
    return params, form


@page("/pasar")
def market(ctx):
    """The catalogue: active listings of verified sellers, searched and filtered."""
    params, form = catalogue_query(ctx.request.args)
    answer = ctx.api.get("listings", params)
    pages = max(1, -(-answer["total"] // PER_PAGE))
    kept = {k: v for k, v in form.items() if v}
    base = "%s?%s" % (ctx.url_for("market"), urlencode(kept) + "&" if kept else "") + "halaman="
    return ctx.render("resident/market.html", listings=answer["items"], total=answer["total"],
                      form=form, page_no=params["page"],
                      pages=pages, base=base,
                      category_options=[(c, ctx.t("market.categories." + c)) for c in CATEGORIES],
                      sort_options=[(s, ctx.t("market.sorts." + s)) for s in SORTS])


def _listing(ctx, listing_id):
    return ctx.api.get("listings/%s" % quote(listing_id, safe=""))


@page("/pasar/<listing_id>", methods=("GET", "POST"))
def listing(ctx, listing_id):
    """A listing with its photos, price, seller and stock, and the order form.

    POST places the order (``POST /listings/{id}/orders``) and 303s to its page;
    a 400 puts the API's errors on their fields, a 409 (stock short) says how
    many are left in a sentence.
    """
    found = _listing(ctx, listing_id)
    form = ctx.form if ctx.request.method == "POST" else {"quantity": "1"}
    errors, short, status = {}, None, 200
    if ctx.request.method == "POST":
        body, errors = order_body(form)
        if not errors:
            key = form.get("idempotency_key") or uuid.uuid4().hex
            try:
                answer = ctx.api.post("listings/%s/orders" % quote(listing_id, safe=""), body,
                                      headers={"Idempotency-Key": key})
                return ctx.redirect("market_order", order_id=answer["id"], baru="1")
            except ApiError as exc:
                if exc.status == 409:
                    found = _listing(ctx, listing_id)  # the stock as it is now
                    short = found["stock"]
                    status = 409
                elif exc.status == 400:
                    errors = api_errors(ctx, exc, "order")
                else:
                    raise
        status = status if status != 200 else 400
    # a refused order placed nothing: the corrected form is another order, with a key of
    # its own (the same key with another body is the API's 409 for a reused key)
    key = uuid.uuid4().hex if status != 200 else form.get("idempotency_key") or uuid.uuid4().hex
    return ctx.render("resident/listing.html", status=status, listing=found, form=form,
                      errors=errors, short=short, idempotency_key=key)


def order_body(form):
    """The ``POST /listings/{id}/orders`` body of the form, and errors found before sending."""
    body = {"buyer_name": form.get("buyer_name", "").strip(),
            "buyer_phone": "".join(form.get("buyer_phone", "").split()).replace("-", "")}
    errors = {}
    if not body["buyer_name"]:
        errors["buyer_name"] = ["order.errors.buyer_name"]
    if not body["buyer_phone"]:
        errors["buyer_phone"] = ["order.errors.buyer_phone"]
    quantity = form.get("quantity", "").strip()
    if quantity.isdigit() and 0 < int(quantity) <= 10_000:
        body["quantity"] = int(quantity)
    else:
        errors["quantity"] = ["order.errors.quantity"]
    if form.get("note", "").strip():
        body["note"] = form["note"].strip()
    return body, errors


@page("/pasar/pesanan/<order_id>")
def market_order(ctx, order_id):
    """An order by its id (the buyer's link): status, total, the WhatsApp link to the seller."""
    order = ctx.api.get("orders/%s" % quote(order_id, safe=""))
    return ctx.render("resident/market_order.html", order=order,
                      new=ctx.request.args.get("baru") == "1",
                      link=ctx.absolute_url("market_order", order_id=order["id"]))


nav("resident", "market", "nav.market", match="/pasar")
