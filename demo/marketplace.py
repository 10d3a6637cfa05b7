"""Marketplace step of the main job: residents' shops, buyers' orders, and the registry.

``run(client, out)``: residents become sellers (the first ones from families
that received the village's business-capital grant in the distribution step,
whose profile shows it), an officer verifies them, they list products with
photos, the public catalogue is searched, buyers order (confirmed, completed,
cancelled by either side, a burst of buyers at once on the last units, and
orders left unconfirmed expire), one seller moves out of the village (their
listings disappear and their open order is cancelled), another is suspended
and reinstated, and the month's report is printed and checked against what
this step did. Running it again shows the report only (the shops exist).
"""
import datetime
import hashlib
import time

from demo import marketplace_orders
from gateway.client import ApiError
from demo.distribution import rupiah
from demo.marketplace_shops import BUYERS, SHOPS, buyer_phone, photo
from demo.partner_tools import caught_up

WIB = datetime.timezone(datetime.timedelta(hours=7))


def _wait(condition, what, timeout=60):
    began = time.monotonic()
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() - began > timeout:
            raise RuntimeError("marketplace demo: %s did not happen in %d s" % (what, timeout))
        time.sleep(0.3)  # polling a condition with a deadline: events arrive asynchronously


def wait_for_projection(client, out):
    want = client.get("residents", params={"per_page": 1})["total"]
    began = time.monotonic()
    caught_up(lambda: client.get("admin/marketplace/projection")["residents"],
              lambda residents: residents >= want, "the marketplace's registry projection")
    out("The marketplace's copy of the registry holds %d residents (caught up in %.1f s)."
        % (want, time.monotonic() - began))


def capital_recipients(client):
    """``(NIKs, household ids)`` of the residents who collected their family's UMKM_DESA
    business capital, the NIKs in a stable order."""
    found, families = [], set()
    for rnd in client.get("rounds", params={"programme": "UMKM_DESA", "per_page": 200})["items"]:
        page = client.get("rounds/%s/allocations" % rnd["id"],
                          params={"status": "disbursed", "per_page": 200})
        found += [a["recipient_nik"] for a in page["items"]]
        families.update(a["household_id"] for a in page["items"])
    return sorted(set(found)), families


def other_adults(officer, families, wanted):
    """Active adults (born 1966-2001) of distinct RWs, of no family in ``families``: a
    shop of a family that received capital would count as a capital recipient's."""
    picked, rws = [], set()
    for page in range(1, 30):
        items = officer.get("residents", params={"status": "active", "per_page": 200,
                                                 "page": page})["items"]
        for person in sorted(items, key=lambda p: p["nik"] or ""):
            if person["nik"] and person.get("household_id") not in families \
                    and person["rw"] not in rws \
                    and "1966-01-01" <= (person.get("birth_date") or "") <= "2001-12-31":
                picked.append(person["nik"])
                rws.add(person["rw"])
                if len(picked) == wanted:
                    return picked
        if not items:
            break
    return picked


def seller_id_for(nik):
    return "slr_demo_" + hashlib.sha256(("demo:" + nik).encode()).hexdigest()[:10]


def open_shops(client, officer, niks, out):
    """Register the shops: the first three by the resident with a seller token the village
    made, the rest by an officer. Returns ``[(seller, seller client, shop)]``."""
    today = datetime.datetime.now(WIB).date()
    shops = []
    for i, (shop, nik) in enumerate(zip(SHOPS, niks, strict=False)):
        category, name, months_left, _ = shop
        person = officer.get("residents/%s" % nik)
        body = {"nik": nik, "business_name": name, "category": category,
                "phone": "0812%08d" % (55500000 + i), "rt": person["rt"], "rw": person["rw"],
                "description": "Usaha warga %s sejak 2024." % name.split()[-1]}
        if months_left:
            expires = today + datetime.timedelta(days=30 * months_left)
            body["licences"] = {"spp_irt": {"number": "P-IRT 2063174%08d-29" % (i + 1),
                                            "expires_on": expires.isoformat()}}
        token = client.post("tokens", {"role": "seller", "name": "Penjual %s" % name,
                                       "seller_id": seller_id_for(nik)})["token"]
        me = client.alone(token)
        seller = (me if i < 3 else officer).post("sellers", body)
        if i >= 3:  # the officer's registration got its own id: give the token for it
            me = client.alone(client.post("tokens", {
                "role": "seller", "name": "Penjual %s" % name, "seller_id": seller["id"]})["token"])
        shops.append((seller, me, shop))
    out.table([{"shop": s["business_name"], "seller": s["full_name"], "RW": s["rw"],
                "registered by": "the seller" if i < 3 else "an officer",
                "status": s["status"], "warnings": ", ".join(w["code"] for w in s["warnings"])
                or "-"} for i, (s, _, _) in enumerate(shops)],
              ["shop", "seller", "RW", "registered by", "status", "warnings"])
    return shops


def show_paths(officer, shops, out):
    out("", "Their path out of aid, as the marketplace recorded it from distribution's events:")
    rows = []
    for seller, _, _ in shops[:3]:
        profile = _wait(lambda seller=seller: (lambda p: p if p["path_out_of_aid"]["business_capital"]
                                               else None)(officer.get("sellers/%s" % seller["id"])),
                        "business capital on %s's profile" % seller["business_name"])
        grant = profile["path_out_of_aid"]["business_capital"][0]
        rows.append({"shop": seller["business_name"], "programme": grant["programme_code"],
                     "received": grant["received_on"], "amount": rupiah(grant["amount_idr"])})
    out.table(rows, ["shop", "programme", "received", "amount"])


def list_products(shops, out):
    """Each shop lists its products (the first with a photo); ``{title: listing}``."""
    listings = {}
    for _, me, (category, _, _, products) in shops:
        for n, (title, description, price, unit, stock) in enumerate(products):
            item = me.post("listings", {"title": title, "description": description,
                                        "price_idr": price, "unit": unit, "stock": stock,
                                        "category": category})
            if n == 0:
                item = me.upload("listings/%s/photos" % item["id"], photo(category, title),
                                 "image/jpeg")
            listings[title] = item
    out.table([{"product": t, "price": rupiah(li["price_idr"]), "stock": li["stock"],
                "photo": "%dx%d" % (li["photos"][0]["width"], li["photos"][0]["height"])
                if li["photos"] else "-", "listed": "ya" if li["listed"] else "tidak"}
               for t, li in listings.items()], ["product", "price", "stock", "photo", "listed"])
    return listings


def search(public, out):
    out("", "The public catalogue (no account):")
    for query in ({"q": "keripik"}, {"q": "batik", "sort": "price_asc"},
                  {"category": "drinks"}, {"max_price_idr": 10000, "sort": "price_desc"}):
        found = public.get("listings", params=query)
        out("  %-42s %d: %s" % (query, found["total"], ", ".join(
            "%s %s" % (i["title"], rupiah(i["price_idr"])) for i in found["items"][:4])))


def run(client, out):
    """Run the marketplace story; see the module docstring."""
    officer = client.with_token(client.post("tokens", {
        "role": "officer", "name": "Petugas UMKM Kelurahan (demo)"})["token"])
    public = client.with_token(None)
    out.section("Marketplace: residents open shops on the village market")
    wait_for_projection(client, out)
    capital, families = capital_recipients(officer)
    niks = (capital[:3] + other_adults(officer, families, len(SHOPS)))[:len(SHOPS)]
    if officer.get("sellers", params={"nik": niks[0]})["total"]:
        out("The demo shops exist already (an earlier run); the report as it stands:")
        marketplace_orders.report(officer, out, expected=None)
        return
    out("%d residents' families received UMKM_DESA business capital this year; three of "
        "them open shops." % len(capital))
    shops = open_shops(client, officer, niks, out)
    show_paths(officer, shops, out)
    for seller, _, _ in shops[:-1]:
        officer.post("sellers/%s/verify" % seller["id"])
    out("", "An officer verified %d sellers; %s waits for verification." % (
        len(shops) - 1, shops[-1][0]["business_name"]))
    out.section("Products listed")
    listings = list_products(shops, out)
    search(public, out)
    try:
        public.post("listings/%s/orders" % listings["Permak Celana Jeans"]["id"],
                    {"buyer_name": BUYERS[0], "buyer_phone": buyer_phone(0), "quantity": 1})
    except ApiError as exc:
        out("  An order for the unverified shop's service: %d (not for sale yet)." % exc.status)
    officer.post("sellers/%s/verify" % shops[-1][0]["id"])
    out("  The officer then verifies %s: its service is for sale from now on."
        % shops[-1][0]["business_name"])
    expected = marketplace_orders.trade(client, officer, public, shops, listings, out)
    marketplace_orders.report(officer, out, expected)
