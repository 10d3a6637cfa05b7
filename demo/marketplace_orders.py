"""The marketplace demo's trading: orders and their outcomes, a burst of buyers, expiry,
a move-out, a suspension, and the report checked against what was done."""
import collections
import concurrent.futures
import datetime
import time

from gateway.client import ApiError
from demo.distribution import rupiah
from demo.marketplace_shops import BUYERS, buyer_phone

#: (buyer, product, quantity, what happens: complete with a payment, confirm, cancel by the
#: buyer or the seller, or nothing: it is left for the seller and expires)
ORDERS = (
    (0, "Keripik Singkong Balado", 3, "complete:cash"),
    (1, "Kue Lapis Legit", 1, "complete:qris"),
    (2, "Jamu Kunyit Asam", 4, "complete:cash"),
    (3, "Tampah Bambu Anyam", 2, "complete:transfer"),
    (4, "Batik Tulis Betawi Ondel-Ondel", 1, "confirm"),
    (5, "Kangkung Organik", 5, "complete:cash"),
    (6, "Kripik Pisang Coklat", 2, "cancel:buyer"),
    (7, "Kue-Kue Basah Campur", 3, "cancel:seller"),
    (8, "Beras Kencur", 2, "leave"),
    (9, "Kemeja Batik Cap Pria", 1, "leave"),
    (0, "Keranjang Belanja Pandan", 1, "leave"),
    (1, "Permak Celana Jeans", 1, "complete:cash"),
)
BURST_PRODUCT, BURST_BUYERS = "Cabai Rawit Merah", 12
MOVES_OUT = "Anyaman Bambu Tanjung"
SUSPENDED = "Jamu Gendong Sehat"
WIB = datetime.timezone(datetime.timedelta(hours=7))


def trade(client, officer, public, shops, listings, out):
    """Place and work the orders; returns the expected figures per seller id."""
    owner = {li["id"]: me for (_, me, (_, _, _, products)) in shops for li in
             [listings[p[0]] for p in products]}
    expected = collections.defaultdict(lambda: {"orders_completed": 0, "revenue_idr": 0})
    out.section("Buyers order (no account); sellers confirm, complete or cancel")
    rows, placed = [], []
    for i, (buyer, title, quantity, plan) in enumerate(ORDERS):
        listing = listings[title]
        me = owner[listing["id"]]
        order = public.post("listings/%s/orders" % listing["id"], {
            "buyer_name": BUYERS[buyer], "buyer_phone": buyer_phone(buyer), "quantity": quantity,
            "note": "Diambil sore" if i % 3 == 0 else None},
            headers={"Idempotency-Key": "demo-order-%d-%s" % (i, listing["id"])})
        placed.append(order)
        path = "orders/%s/transitions" % order["id"]
        if plan.startswith(("complete", "confirm")):
            order = me.post(path, {"to": "confirmed"})
        if plan.startswith("complete"):
            order = me.post(path, {"to": "completed", "payment": plan.split(":")[1]})
            line = expected[listing["seller"]["id"]]
            line["orders_completed"] += 1
            line["revenue_idr"] += order["total_idr"]
        elif plan == "cancel:buyer":
            order = public.post(path, {"to": "cancelled", "buyer_phone": buyer_phone(buyer)})
        elif plan == "cancel:seller":
            order = me.post(path, {"to": "cancelled", "reason": "out_of_stock",
                                   "note": "Bahan habis"})
        rows.append({"buyer": BUYERS[buyer], "product": title, "qty": quantity,
                     "total": rupiah(order["total_idr"]), "status": order["status"]})
    out.table(rows, ["buyer", "product", "qty", "total", "status"])
    first = public.get("orders/%s" % placed[0]["id"])
    out("What the first buyer reads: %s" % first["status_message"],
        "Their WhatsApp link to the seller, the order text prefilled:",
        "  " + first["whatsapp_url"][:160] + "...")
    burst(client, public, listings[BURST_PRODUCT], out)
    move_out(officer, public, shops, listings, out)
    suspend_and_reinstate(officer, public, shops, out)
    expire(client, public, listings, out)
    return dict(expected)


def burst(client, public, listing, out):
    out.section("%d buyers at once on the last %d %s of %s" % (
        BURST_BUYERS, listing["stock"], listing["unit"], listing["title"]))

    def order(i):
        buyer = client.alone(None)  # each buyer on their own phone
        try:
            return buyer.post("listings/%s/orders" % listing["id"], {
                "buyer_name": "Pembeli kilat %d" % i, "buyer_phone": buyer_phone(100 + i),
                "quantity": 1})["status"]
        except ApiError as exc:
            return "%d %s" % (exc.status, exc.errors.get("quantity", [exc.detail])[0])
    with concurrent.futures.ThreadPoolExecutor(BURST_BUYERS) as pool:
        outcomes = collections.Counter(pool.map(order, range(BURST_BUYERS)))
    after = public.get("listings/%s" % listing["id"])
    refused = sum(n for outcome, n in outcomes.items() if outcome != "placed")
    out("  %d orders placed, %d refused (%s); stock now %d (%s). No unit was sold twice." % (
        outcomes["placed"], refused, "; ".join(sorted(
            "%d× %s" % (n, outcome) for outcome, n in outcomes.items() if outcome != "placed"))
        or "-", after["stock"], after["status"]))
    if outcomes["placed"] != listing["stock"] or after["stock"] != 0:
        raise RuntimeError("the burst sold %d of %d units" % (outcomes["placed"],
                                                             listing["stock"]))


def _seller_of(shops, name):
    return next((s, me) for s, me, shop in shops if shop[1] == name)


def move_out(officer, public, shops, listings, out):
    seller, me = _seller_of(shops, MOVES_OUT)
    out.section("%s moves out of the village" % seller["full_name"])
    officer.post("residents/%s/deactivate" % seller["nik"],
                 {"reason": "moved_out", "note": "Pindah ke Bogor (laporan RT)"})
    began = time.monotonic()
    while officer.get("sellers/%s" % seller["id"])["status"] != "suspended":
        if time.monotonic() - began > 60:
            raise RuntimeError("the move-out did not reach the marketplace")
        time.sleep(0.3)  # the registry event reaches the marketplace asynchronously
    mine = me.get("sellers/%s/listings" % seller["id"])["items"]
    orders = me.get("sellers/%s/orders" % seller["id"])["items"]
    shown = public.get("listings", params={"seller_id": seller["id"]})["total"]
    out("  seller: suspended (%s); listings: %s; shown publicly: %d"
        % (officer.get("sellers/%s" % seller["id"])["suspension"]["reason"],
           ", ".join("%s %s" % (li["title"], li["status"]) for li in mine), shown))
    for order in orders:
        out("  order %s (%s): %s" % (order["listing_title"], order["status"],
                                     order["status_message"]))


def suspend_and_reinstate(officer, public, shops, out):
    seller, _ = _seller_of(shops, SUSPENDED)
    out.section("An officer suspends %s after a complaint, then reinstates it" % seller[
        "business_name"])
    before = public.get("listings", params={"seller_id": seller["id"]})["total"]
    officer.post("sellers/%s/suspend" % seller["id"], {"reason": "complaint",
                                                       "note": "Label tanpa tanggal produksi"})
    during = public.get("listings", params={"seller_id": seller["id"]})["total"]
    back = officer.post("sellers/%s/reinstate" % seller["id"],
                        {"note": "Label sudah diperbaiki"})
    after = public.get("listings", params={"seller_id": seller["id"]})["total"]
    out("  listings shown: %d before, %d while suspended, %d after reinstatement (%s)."
        % (before, during, after, back["status"]))


def expire(client, public, listings, out):
    out.section("A day later: orders the sellers never confirmed expire")
    watched = [listings["Beras Kencur"], listings[BURST_PRODUCT]]
    before = {li["id"]: public.get("listings/%s" % li["id"])["stock"] for li in watched}
    as_of = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=25))
    done = client.post("admin/marketplace/expire-orders", {
        "as_of": as_of.strftime("%Y-%m-%dT%H:%M:%SZ")})
    again = client.post("admin/marketplace/expire-orders", {
        "as_of": as_of.strftime("%Y-%m-%dT%H:%M:%SZ")})
    out("  expiry as of %s: %d orders expired, stock returned; run again: %d more."
        % (done["as_of"], done["expired"], again["expired"]))
    for li in watched:
        now = public.get("listings/%s" % li["id"])
        out("  %s: stock %d -> %d (%s)" % (li["title"], before[li["id"]], now["stock"],
                                          now["status"]))


def report(officer, out, expected):
    """Print the month's report; with ``expected``, check it against what the demo did."""
    today = datetime.datetime.now(WIB).date()
    out.section("The village market this month (GET /reports/marketplace)")
    report = officer.get("reports/marketplace", params={"year": today.year,
                                                        "month": today.month})
    out("Sellers: %s" % ", ".join("%s %d" % kv for kv in sorted(report["sellers"].items())))
    t = report["totals"]
    out("Orders placed %d, completed %d, cancelled %d, expired %d; %d units sold for %s."
        % (t["orders_placed"], t["orders_completed"], t["orders_cancelled"],
           t["orders_expired"], t["units_sold"], rupiah(t["revenue_idr"])))
    out.table([dict(line, revenue=rupiah(line["revenue_idr"])) for line in report["by_seller"]],
              ["business_name", "rw", "orders_completed", "units_sold", "revenue"])
    out.table([{"RW": line["key"], "sellers who sold": line["sellers"],
                "orders_completed": line["orders_completed"],
                "revenue": rupiah(line["revenue_idr"])} for line in report["by_rw"]],
              ["RW", "sellers who sold", "orders_completed", "revenue"])
    out("", "Residents who received business capital or training and then sold:")
    out.table([dict(g, capital=rupiah(g["business_capital_idr"]),
                    revenue=rupiah(g["revenue_idr"])) for g in report["graduation"]],
              ["business_name", "business_capital_on", "capital", "first_sale_on", "revenue"])
    if expected is None:
        return
    lines = {line["seller_id"]: line for line in report["by_seller"]}
    for seller_id, want in expected.items():
        got = lines.get(seller_id, {})
        if (got.get("orders_completed"), got.get("revenue_idr")) != (
                want["orders_completed"], want["revenue_idr"]):
            raise RuntimeError("report for %s says %s, the demo did %s" % (seller_id, got, want))
    out("Checked: every shop's completed orders and revenue agree with what this step did.")
