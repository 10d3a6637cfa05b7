"""Console: the village market. Sellers (verify, suspend, reinstate, licence warnings,
their path out of aid), a seller's listings (hide one, show it again), and the
graduation list of the marketplace report.

What a suspension or reinstatement does to listings and orders is the
service's (docs/marketplace.md "Sellers"); the page only sends the officer's
choice and reason and shows the answer.
"""
import datetime
from urllib.parse import quote, urlencode

from web import forms
from web.api import ApiError
from web.pages import ORDER, nav, page
from web.pages.market import CATEGORIES

#: the marketplace contract's lists (a unit test keeps them equal)
SELLER_STATUSES = ("pending", "verified", "suspended")
SUSPENSION_REASONS = ("licence_expired", "complaint", "misleading_listing", "fraud",
                      "seller_request", "other")
LISTING_SUSPENSION_REASONS = ("misleading_listing", "prohibited_product", "complaint", "other")
PER_PAGE = 25


def whole(text, default):
    """A whole number typed in a query string, or ``default`` for blank or garbage."""
    try:
        return forms.whole_number(text) or default
    except ValueError:
        return default


@page("/konsol/pasar", login="officer")
def sellers(ctx):
    """Sellers: ``status``, ``category``, ``rw``, ``q`` (business name), ``peringatan=1``
    (a licence warning), ``page``; 25 a page."""
    args = ctx.request.args
    filters = {"status": args.get("status") if args.get("status") in SELLER_STATUSES else "",
               "category": args.get("category") if args.get("category") in CATEGORIES else "",
               "rw": "".join(ch for ch in args.get("rw", "") if ch.isdigit())[:3],
               "q": args.get("q", "").strip()[:100],
               "peringatan": "1" if args.get("peringatan") == "1" else ""}
    page_no = whole(args.get("page", ""), 1)
    params = {"page": page_no, "per_page": PER_PAGE}
    params.update({k: v for k, v in filters.items() if v and k in ("status", "category", "q")})
    if filters["rw"]:
        params["rw"] = filters["rw"].zfill(3)
    if filters["peringatan"]:
        params["warnings"] = "true"
    answer = ctx.officer_api.get("sellers", params)
    link = urlencode({k: v for k, v in filters.items() if v})
    return ctx.render("console/sellers.html", items=answer["items"], total=answer["total"],
                      filters=filters, statuses=SELLER_STATUSES, categories=CATEGORIES,
                      page_no=page_no, pages=max(1, -(-answer["total"] // PER_PAGE)), link=link)


def _seller_page(ctx, seller_id, status=200, errors=None, notice=None):
    path = quote(seller_id, safe="")
    seller = ctx.officer_api.get("sellers/%s" % path)
    listings = ctx.officer_api.get("sellers/%s/listings" % path, {"per_page": 100})["items"]
    return ctx.render("console/seller.html", status=status, seller=seller, listings=listings,
                      errors=errors or {}, notice=notice,
                      reason_options=[(r, ctx.t("market_console.reasons." + r))
                                      for r in SUSPENSION_REASONS],
                      listing_reasons=LISTING_SUSPENSION_REASONS)


@page("/konsol/pasar/penjual/<seller_id>", login="officer")
def seller(ctx, seller_id):
    """A seller: profile, licences and warnings, the path out of aid, every listing."""
    done = ctx.request.args.get("selesai")
    notice = ctx.t("market_console.done." + done) if done in (
        "verify", "suspend", "reinstate", "listing_suspend", "listing_reinstate") else None
    return _seller_page(ctx, seller_id, notice=notice)


@page("/konsol/pasar/penjual/<seller_id>/aksi", methods=("POST",), login="officer")
def seller_action(ctx, seller_id):
    """``action`` verify, suspend (``reason`` one of ``SUSPENSION_REASONS``, ``note``) or
    reinstate; 303 back to the seller, or the seller's page with the API's words."""
    action, note = ctx.form.get("action"), ctx.form.get("note", "").strip()
    body = {"note": note} if note else {}
    if action == "suspend":
        if ctx.form.get("reason") not in SUSPENSION_REASONS:
            return _seller_page(ctx, seller_id, 400,
                                {"reason": ["market_console.errors.reason"]})
        body["reason"] = ctx.form["reason"]
    elif action not in ("verify", "reinstate"):
        return ctx.render("console/error.html", status=400, message_key="errors.invalid_field")
    try:
        ctx.officer_api.post("sellers/%s/%s" % (quote(seller_id, safe=""), action), body)
    except ApiError as exc:
        if exc.status not in (400, 409, 422):
            raise
        return _seller_page(ctx, seller_id, exc.status,
                            {"_action": [forms.problem_sentence(exc, ctx.t)]})
    return ctx.redirect("seller", seller_id=seller_id, selesai=action)


@page("/konsol/pasar/produk/<listing_id>/aksi", methods=("POST",), login="officer")
def listing_action(ctx, listing_id):
    """Hide one listing (``action=suspend`` with a ``reason``) or show it again
    (``reinstate``); 303 back to its seller (``seller_id`` of the form)."""
    action, seller_id = ctx.form.get("action"), ctx.form.get("seller_id", "")
    path = "listings/%s/%s" % (quote(listing_id, safe=""), action)
    if action == "suspend":
        reason = ctx.form.get("reason")
        if reason not in LISTING_SUSPENSION_REASONS:
            return _seller_page(ctx, seller_id, 400,
                                {"reason-%s" % listing_id: ["market_console.errors.reason"]})
        body = {"reason": reason}
        if ctx.form.get("note", "").strip():
            body["note"] = ctx.form["note"].strip()
    elif action == "reinstate":
        body = None
    else:
        return ctx.render("console/error.html", status=400, message_key="errors.invalid_field")
    try:
        ctx.officer_api.post(path, body)
    except ApiError as exc:
        if exc.status not in (400, 409, 422):
            raise
        return _seller_page(ctx, seller_id, exc.status,
                            {"_action": [forms.problem_sentence(exc, ctx.t)]})
    return ctx.redirect("seller", seller_id=seller_id, selesai="listing_" + action)


@page("/konsol/pasar/kelulusan", login="officer")
def graduation(ctx):
    """Sellers who received business capital or training and then sold, in a year
    (``tahun``, default this year in WIB): ``GET reports/marketplace`` ``graduation``."""
    this_year = (datetime.datetime.now(datetime.timezone.utc)
                 + datetime.timedelta(hours=7)).year
    year = whole(ctx.request.args.get("tahun", ""), this_year)
    year = year if 2000 <= year <= 2100 else this_year
    report = ctx.officer_api.get("reports/marketplace", {"year": year})
    return ctx.render("console/graduation.html", report=report, year=year)


nav("console", "sellers", "console.nav.marketplace", match="/konsol/pasar",
    order=ORDER["marketplace"])
