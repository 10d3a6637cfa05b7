"""Market and partner pages: size (raw, gzip, and with the catalogue's photos) and time
to first byte under 20 concurrent users, each beside the JSON API call behind it,
measured in the same run.

Run: ``.venv/bin/python -m bench.bench_web_market [--users 20 --requests 15]``.

1. the whole platform (``deploy/run-local``, mongomock stores) on a fresh vhost;
2. one family; its wife a verified seller with 12 listings, each with a
   photo-like picture (blurred noise, 2400x1800, re-encoded by the service to
   1280x960); a verified partner with a training programme;
3. each page fetched once plain and once gzip; for a listing also the bytes of
   its photo, for the catalogue those of its twelve cards' thumbnails (a full
   photo each would not fit 150 KB);
4. for each page, then for its API call, ``users`` clients send ``requests``
   requests each back to back; time to first byte is ``requests``' ``elapsed``.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import requests  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402

from bench.bench_backbone import MGMT, fresh_vhost  # noqa: E402
from bench.bench_registry import start_platform  # noqa: E402
from bench.bench_web import get, load, session, sizes  # noqa: E402
from gateway.client import ApiError, Client  # noqa: E402
from tests.helpers import wait_for  # noqa: E402
from tests.unit.registry import factories  # noqa: E402

LISTINGS = 12  # one catalogue page (web/pages/market.py PER_PAGE)


def picture(seed):
    """A JPEG that compresses like a phone photo, not like a flat colour."""
    noise = Image.effect_noise((2400, 1800), 60 + seed).convert("RGB")
    out = io.BytesIO()
    noise.filter(ImageFilter.GaussianBlur(3)).save(out, "JPEG", quality=90)
    return out.getvalue()


def seed(url, token):
    """A verified seller with ``LISTINGS`` photographed listings, a partner programme."""
    admin = Client(url, token)
    household = admin.post("households", factories.household())
    wife = household["members"][1]

    def registered():
        try:
            return admin.post("sellers", {"nik": wife["nik"], "business_name": "Keripik Bu Sari",
                                          "category": "food", "phone": "081234567890",
                                          "rt": "2", "rw": "6"})
        except ApiError as exc:
            if exc.status == 422:
                return None  # the registry's event has not reached the marketplace yet
            raise
    seller = wait_for(registered, timeout=60)
    admin.post("sellers/%s/verify" % seller["id"])
    listing = None
    for n in range(LISTINGS):
        listing = admin.post("listings", {
            "seller_id": seller["id"], "title": "Keripik singkong rasa %d" % n,
            "description": "Renyah, 250 gram.", "price_idr": 15000 + n * 500, "unit": "bungkus",
            "stock": 50, "category": "food", "status": "active"})
        admin.upload("listings/%s/photos" % listing["id"], picture(n), "image/jpeg")
    partner = admin.post("partners", {"name": "PT Bench", "kind": "company",
                                      "contact_name": "Bu Rina",
                                      "contact_phone": "081234567890"})
    admin.post("partners/%s/verify" % partner["id"], {})
    admin.post("partners/%s/programmes" % partner["id"], {
        "title": "Pelatihan wirausaha", "kind": "training", "description": "Delapan sesi.",
        "location": "Aula RW 06", "starts_on": "2026-12-10", "ends_on": "2027-01-31",
        "capacity": 20, "criteria": {"all": [
            {"attr": "member.age", "op": "between", "value": [15, 30],
             "label": "Usia 15-30 tahun"}]}})
    return {"listing": listing["id"]}


def photo_bytes(url, path):
    """Bytes of every distinct photo the page shows (``<img src>`` of the API's photos)."""
    html = session().get(url + path).text
    return sum(len(session().get(url + src).content)
               for src in sorted(set(re.findall(r'src="(/api/v1/photos/[^"]+)"', html))))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=15, help="per user and page")
    args = parser.parse_args()
    vhost, uri = fresh_vhost()
    platform, url, token = start_platform(uri)
    api = url + "/api/v1/"
    try:
        facts = seed(url, token)
        lid = facts["listing"]
        pages = [
            ("/pasar", "/pasar", get(url + "/pasar"),
             ("GET listings", get(api + "listings?per_page=12&sort=newest&page=1"))),
            ("/pasar?q=keripik", "/pasar?q=keripik", get(url + "/pasar?q=keripik"),
             ("GET listings?q=keripik", get(api + "listings?q=keripik&per_page=12"))),
            ("/pasar/<id>", "/pasar/" + lid, get(url + "/pasar/" + lid),
             ("GET listings/<id>", get(api + "listings/" + lid))),
            ("/kegiatan", "/kegiatan", get(url + "/kegiatan"),
             ("GET partner-programmes", get(api + "partner-programmes?per_page=100"))),
        ]
        photos = photo_bytes(url, "/pasar/" + lid)
        thumbs = photo_bytes(url, "/pasar")
        rows = []
        for label, path, page, (name, call) in pages:
            raw, wire, encoding = sizes(url, path)
            rows.append((label, raw, wire if encoding == "gzip" else raw,
                         load(args.users, args.requests, page),
                         name, load(args.users, args.requests, call)))
    finally:
        os.killpg(platform.pid, signal.SIGTERM)
        platform.wait(60)
        requests.delete("%s/api/vhosts/%s" % (MGMT, vhost), timeout=10)

    print("date (UTC):  %s" % time.strftime("%Y-%m-%d %H:%M", time.gmtime()))
    print("machine:     %d cores, %s; %d concurrent users x %d requests per page and call" % (
        os.cpu_count(), sys.platform, args.users, args.requests))
    print("a listing page's photo (1280x960 JPEG): %d B" % photos)
    print("the catalogue's %d thumbnails (320x240 JPEG): %d B" % (LISTINGS, thumbs))
    print("%-18s %8s %8s | %-26s %9s %9s %8s %6s" % (
        "page / API call", "raw B", "gzip B", "", "TTFB p50", "TTFB p95", "per s", "errors"))
    for label, raw, wire, page, name, call in rows:
        for first, what, figures in ((True, "page", page), (False, "  API " + name, call)):
            print("%-18s %8s %8s | %-26s %7.0fms %7.0fms %8.1f %6d" % (
                label if first else "", raw if first else "", wire if first else "", what,
                figures["p50"], figures["p95"], figures["per_s"], figures["errors"]))


if __name__ == "__main__":
    main()
