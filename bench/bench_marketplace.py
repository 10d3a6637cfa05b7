"""Marketplace orders: how fast they are placed, and a burst of buyers on the last units.

Run: ``.venv/bin/python -m bench.bench_marketplace [--orders 300] [--bursts 5]
[--mongo-uri mongodb://...]`` (RabbitMQ at AMQP_URI; a fresh vhost). The
marketplace runs in this process on the real broker, its store in-process
(mongomock) or on ``--mongo-uri`` (a real MongoDB wire server such as
SecantusDB). Measured in the same run:

* baseline: sequential ``ping`` RPCs (the broker round trip alone), then N
  sequential ``place_order`` RPCs of one unit on a listing with enough stock;
* bursts: B buyers at once (``call_async``) on a listing with S units, R
  times: every burst must sell exactly S units and refuse the rest with 409;
  the time from the first request to the last answer, beside B concurrent
  pings.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import requests  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402
from nameko.standalone.events import event_dispatcher  # noqa: E402
from nameko.standalone.rpc import ServiceRpcProxy  # noqa: E402

from services.marketplace.service import MarketplaceService  # noqa: E402
from services.shared.envelope import make_envelope  # noqa: E402
from services.shared.errors import Conflict  # noqa: E402

AMQP = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
MGMT = os.environ.get("RABBIT_API_URI", "http://guest:guest@127.0.0.1:15672")
OFFICER = {"name": "bench", "role": "officer"}


def fresh_vhost():
    vhost = "bench_market_%s" % uuid.uuid4().hex[:8]
    requests.put("%s/api/vhosts/%s" % (MGMT, vhost), timeout=10).raise_for_status()
    requests.put("%s/api/permissions/%s/guest" % (MGMT, vhost),
                 json={"configure": ".*", "write": ".*", "read": ".*"}, timeout=10)
    return vhost


def seller_and_listing(config, market, stock):
    resident = {"id": "res_bench", "nik": "3174095204850001", "full_name": "Penjual Bench",
                "birth_date": "1985-04-12", "sex": "F", "status": "active",
                "household_id": "hh_bench", "rt": "001", "rw": "005", "version": 1}
    event_dispatcher(config)("registry", "resident_registered", make_envelope(
        "resident_registered", "registry", resident["id"], 1, {"resident": resident}))
    while market.projection_status()["residents"] < 1:
        eventlet.sleep(0.05)
    seller = market.register_seller({"nik": resident["nik"], "business_name": "Bench",
                                     "category": "food", "phone": "081234567890", "rt": "1",
                                     "rw": "5"}, OFFICER)
    market.verify_seller(seller["id"], {}, OFFICER)
    return dict(OFFICER, seller_id=seller["id"])


def listing(market, actor, stock):
    return market.create_listing({"title": "Keripik", "description": "bench", "unit": "pcs",
                                  "price_idr": 1000, "stock": stock, "category": "food",
                                  "seller_id": actor["seller_id"]}, OFFICER)["id"]


def buyer(i):
    return {"buyer_name": "Pembeli %d" % i, "buyer_phone": "0812%08d" % i, "quantity": 1}


def rate(fn, n):
    began = time.perf_counter()
    for i in range(n):
        fn(i)
    return n / (time.perf_counter() - began)


def burst(market, listing_id, buyers):
    began = time.perf_counter()
    replies = [market.place_order.call_async(listing_id, buyer(i)) for i in range(buyers)]
    placed = refused = 0
    for reply in replies:
        try:
            reply.result()
            placed += 1
        except Conflict:
            refused += 1
    return time.perf_counter() - began, placed, refused


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--bursts", type=int, default=5)
    parser.add_argument("--buyers", type=int, default=50)
    parser.add_argument("--stock", type=int, default=20)
    parser.add_argument("--mongo-uri", default="")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # refused orders are expected: no noise
    vhost = fresh_vhost()
    config = {"AMQP_URI": AMQP.rstrip("/") + "/" + vhost, "MONGO_URI": args.mongo_uri,
              "MONGO_DB_PREFIX": "bench%s" % uuid.uuid4().hex[:6], "max_workers": 10,
              "serializer": "json"}
    runner = ServiceRunner(config)
    runner.add_service(MarketplaceService)
    runner.start()
    try:
        with ServiceRpcProxy("marketplace", config) as market:
            actor = seller_and_listing(config, market, args.orders)
            big = listing(market, actor, args.orders + 10)
            ping = rate(lambda i: market.ping(), args.orders)
            orders = rate(lambda i: market.place_order(big, buyer(i)), args.orders)
            pings, bursts = [], []
            for _ in range(args.bursts):
                began = time.perf_counter()
                for reply in [market.ping.call_async() for _ in range(args.buyers)]:
                    reply.result()
                pings.append(time.perf_counter() - began)
                seconds, placed, refused = burst(market, listing(market, actor, args.stock),
                                                 args.buyers)
                assert (placed, refused) == (args.stock, args.buyers - args.stock), (placed,
                                                                                     refused)
                bursts.append(seconds)
    finally:
        runner.stop()
        requests.delete("%s/api/vhosts/%s" % (MGMT, vhost), timeout=10)
    store = args.mongo_uri or "in-process mongomock"
    print("store: %s" % store)
    print("| figure | result | baseline in the same run |")
    print("|---|---|---|")
    print("| sequential place_order (1 unit) | %.0f orders/s | ping %.0f calls/s (x%.2f) |"
          % (orders, ping, orders / ping))
    print("| %d buyers at once on %d units, %d bursts | every burst: %d placed, %d refused; "
          "median %.0f ms, worst %.0f ms | %d concurrent pings: median %.0f ms |"
          % (args.buyers, args.stock, args.bursts, args.stock, args.buyers - args.stock,
             1000 * statistics.median(bursts), 1000 * max(bursts), args.buyers,
             1000 * statistics.median(pings)))


if __name__ == "__main__":
    main()
