"""Public catalogue reads kept by the gateway (issue 10) beside the same reads uncached,
measured in the same run.

Run: ``.venv/bin/python -m bench.bench_catalogue [--users 10 --requests 100]``.

1. the whole platform (``deploy/run-local``, mongomock stores) on a fresh vhost;
2. every programme of ``data/programmes`` published; a verified seller with 12
   listings (``bench.bench_web_market.seed``);
3. for ``GET programmes`` and ``GET listings?per_page=12``: ``users`` clients send
   ``requests`` requests each, first with an officer's token (staff are never
   served from the cache: every request reaches the service), then without a
   token (the public: after the first request, the gateway's kept answer).
   Both answers are checked to hold the same items.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import glob  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import requests  # noqa: E402

from bench.bench_backbone import MGMT, fresh_vhost  # noqa: E402
from bench.bench_registry import start_platform  # noqa: E402
from bench.bench_web import load  # noqa: E402
from bench.bench_web_market import seed  # noqa: E402
from gateway.client import Client  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CALLS = (("GET programmes", "programmes"),
         ("GET listings", "listings?per_page=12&sort=newest&page=1"))


def publish_programmes(admin):
    for path in sorted(glob.glob(os.path.join(ROOT, "data", "programmes", "*.json"))):
        with open(path, encoding="utf-8") as handle:
            admin.post("programmes", json.load(handle))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--requests", type=int, default=100, help="per user and call")
    args = parser.parse_args()
    vhost, uri = fresh_vhost()
    platform, url, token = start_platform(uri)
    api = url + "/api/v1/"
    rows = []
    try:
        admin = Client(url, token)
        seed(url, token)
        publish_programmes(admin)
        officer = admin.post("tokens", {"role": "officer", "name": "Bench"})["token"]
        staff = {"Authorization": "Bearer " + officer}
        for name, path in CALLS:
            uncached_items = requests.get(api + path, headers=staff, timeout=30).json()["items"]
            public_items = requests.get(api + path, timeout=30).json()["items"]
            assert [i["id" if "id" in i else "code"] for i in uncached_items] == \
                [i["id" if "id" in i else "code"] for i in public_items], name
            uncached = load(args.users, args.requests,
                            lambda s, state, p=path: s.get(api + p, headers=staff))
            cached = load(args.users, args.requests, lambda s, state, p=path: s.get(api + p))
            rows.append((name, len(public_items), uncached, cached))
    finally:
        os.killpg(platform.pid, signal.SIGTERM)
        platform.wait(60)
        requests.delete("%s/api/vhosts/%s" % (MGMT, vhost), timeout=10)

    print("date (UTC):  %s" % time.strftime("%Y-%m-%d %H:%M", time.gmtime()))
    print("machine:     %d cores, %s, load average %.1f; %d clients x %d requests per call" % (
        os.cpu_count(), sys.platform, os.getloadavg()[0], args.users, args.requests))
    print("%-16s %5s | %-9s %8s %8s %8s %6s" % ("call", "items", "", "req/s", "p50", "p95",
                                                 "errors"))
    for name, items, uncached, cached in rows:
        for first, what, figures in ((True, "uncached", uncached), (False, "cached", cached)):
            print("%-16s %5s | %-9s %8.1f %6.0fms %6.0fms %6d" % (
                name if first else "", items if first else "", what, figures["per_s"],
                figures["p50"], figures["p95"], figures["errors"]))
        print("%-16s %5s | x%.1f" % ("", "", cached["per_s"] / max(uncached["per_s"], 0.1)))


if __name__ == "__main__":
    main()
