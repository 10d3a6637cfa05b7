"""Sales reports: per seller and month, per RW and category, and graduation.

An order counts in the village (WIB) month of what happened to it: placed in
the month it was placed, completed (units and revenue, in rupiah) in the
month the seller completed it, cancelled or expired in the month it closed.
Revenue is what sellers confirmed as paid: the platform never sees the money
(docs/domain.md "Selling food from home"). CSV through the platform's one CSV
writer, which guards cells a spreadsheet would run as formulas.
"""
import datetime

from services.shared import clock
from services.shared.csvfile import dict_csv_text
from services.shared.errors import NotFound

from services.marketplace import graduation, views

METRICS = ("orders_placed", "orders_completed", "orders_cancelled", "orders_expired",
           "units_sold", "revenue_idr")


def _zero():
    return dict.fromkeys(METRICS, 0)


def _month(instant):
    return clock.village_date(instant).strftime("%Y-%m") if instant else None


def _in(period, month):
    return month is not None and month.startswith(period)


def _period(year, month):
    return "%04d-%02d" % (year, month) if month else "%04d" % year


def _window(year):
    """A UTC window surely holding every instant of the WIB year ``year``."""
    start = datetime.datetime(year, 1, 1, tzinfo=clock.UTC) - datetime.timedelta(days=1)
    return start, datetime.datetime(year + 1, 1, 2, tzinfo=clock.UTC)


def _orders(repo, year, where=None):
    start, end = _window(year)
    window = {"$gte": start, "$lt": end}
    query = dict(where or {}, status={"$ne": "placing"},
                 **{"$or": [{"placed_at": window}, {"completed_at": window},
                            {"closed_at": window}]})
    return repo.orders_where(query)


def tally(orders, period):
    """``{metric: n}`` of ``orders`` for a period ``YYYY`` or ``YYYY-MM`` (WIB)."""
    out = _zero()
    for order in orders:
        if _in(period, _month(order["placed_at"])):
            out["orders_placed"] += 1
        if order["status"] == "completed" and _in(period, _month(order.get("completed_at"))):
            out["orders_completed"] += 1
            out["units_sold"] += order["quantity"]
            out["revenue_idr"] += order["total_idr"]
        if order["status"] in ("cancelled", "expired") and \
                _in(period, _month(order.get("closed_at"))):
            out["orders_%s" % order["status"]] += 1
    return out


def seller_report(repo, seller_id, year, month, actor):
    """One seller's sales (``SellerReportOut``): the period's totals, each month, and
    each listing's units and revenue. NotFound for anyone but the seller and officers."""
    views.require_staff(actor, seller_id, "seller", seller_id)
    seller = repo.seller(seller_id)
    if seller is None:
        raise NotFound("No seller with id %s." % seller_id)
    orders = _orders(repo, year, {"seller_id": seller_id})
    period = _period(year, month)
    months = [_period(year, m) for m in ([month] if month else range(1, 13))]
    listings = {}
    for order in orders:
        if order["status"] == "completed" and _in(period, _month(order.get("completed_at"))):
            line = listings.setdefault(order["listing_id"], {
                "listing_id": order["listing_id"], "title": order["listing_title"],
                "units_sold": 0, "revenue_idr": 0})
            line["units_sold"] += order["quantity"]
            line["revenue_idr"] += order["total_idr"]
    return {"seller_id": seller_id, "business_name": seller["business_name"], "year": year,
            "month": month, "totals": tally(orders, period),
            "months": [dict(tally(orders, m), month=m) for m in months],
            "listings": sorted(listings.values(), key=lambda x: (-x["revenue_idr"],
                                                                  x["listing_id"]))}


def seller_report_csv(report):
    """One row per month, then the period's total."""
    rows = [dict(r, period=r["month"]) for r in report["months"]]
    rows.append(dict(report["totals"], period="TOTAL"))
    return dict_csv_text(("seller_id", "business_name", "period") + METRICS,
                         [dict(r, seller_id=report["seller_id"],
                               business_name=report["business_name"]) for r in rows])


def _groups(lines, key):
    out = {}
    for line in lines:
        group = out.setdefault(line[key], dict(_zero(), key=line[key], sellers=0))
        for metric in METRICS:
            group[metric] += line[metric]
        group["sellers"] += line["orders_completed"] > 0
    return [out[k] for k in sorted(out)]


def marketplace_report(repo, year, month):
    """The village's market in a period (``MarketplaceReportOut``); ``graduation`` reads
    each seller's path out of aid (``graduation.paths_for``), partial while
    ``rebuilding_since`` is set."""
    period = _period(year, month)
    orders = _orders(repo, year)
    by_seller = {}
    for order in orders:
        by_seller.setdefault(order["seller_id"], []).append(order)
    sellers = repo.sellers_by_id(by_seller)
    paths = graduation.paths_for(repo, list(sellers.values()))
    lines, graduates = [], []
    for seller_id in sorted(by_seller):
        seller = sellers[seller_id]
        line = dict(tally(by_seller[seller_id], period), seller_id=seller_id,
                    business_name=seller["business_name"], rw=seller["rw"],
                    category=seller["category"])
        if any(line[m] for m in METRICS):
            lines.append(line)
        graduate = _graduate(seller, by_seller[seller_id], paths.get(seller_id), period)
        if graduate:
            graduates.append(graduate)
    return {"year": year, "month": month, "sellers": repo.count_sellers_by_status(),
            "totals": tally(orders, period), "by_seller": lines,
            "by_rw": _groups(lines, "rw"), "by_category": _groups(lines, "category"),
            "graduation": graduates, "rebuilding_since": repo.path_rebuilding_since()}


def _graduate(seller, orders, path, period):
    """A seller who received business capital or training and then sold (in the period)."""
    since = (path or {}).get("supported_since")
    if not since:
        return None
    after = [o for o in orders if o["status"] == "completed" and o.get("completed_at")
             and clock.village_date(o["completed_at"]).isoformat() >= since
             and _in(period, _month(o["completed_at"]))]
    if not after:
        return None
    capital = [c for c in path["business_capital"] if c["status"] == "disbursed"]
    courses = [t["completed_on"] for t in path["trainings"] if t["completed_on"]]
    return {"seller_id": seller["_id"], "business_name": seller["business_name"],
            "rw": seller["rw"], "business_capital_on": min(
                (c["received_on"] for c in capital), default=None),
            "business_capital_idr": sum(c["amount_idr"] or 0 for c in capital),
            "training_completed_on": min(courses, default=None), "supported_since": since,
            "first_sale_on": min(clock.village_date(o["completed_at"]).isoformat()
                                 for o in after),
            "orders_completed": len(after), "revenue_idr": sum(o["total_idr"] for o in after)}


CSV_COLUMNS = ("table", "key", "seller_id", "business_name", "rw", "category", "sellers") + \
    METRICS + ("supported_since", "business_capital_on", "business_capital_idr",
               "training_completed_on", "first_sale_on")


def marketplace_report_csv(report):
    """The report's tables in one CSV, told apart by the ``table`` column."""
    period = _period(report["year"], report["month"])
    rows = [dict(report["totals"], table="total", key=period)]
    rows += [dict(line, table="seller", key=line["seller_id"]) for line in report["by_seller"]]
    rows += [dict(line, table="rw") for line in report["by_rw"]]
    rows += [dict(line, table="category") for line in report["by_category"]]
    rows += [dict(g, table="graduation", key=g["seller_id"]) for g in report["graduation"]]
    if report.get("rebuilding_since"):
        # the graduation rows may miss sellers: a reader of the file is told so
        rows.append({"table": "rebuilding_since", "key": report["rebuilding_since"]})
    return dict_csv_text(CSV_COLUMNS, rows)
