"""Resident pages: size (raw and gzip) and time to first byte under 20 concurrent users,
each beside the JSON API call(s) behind it, measured in the same run.

Run: ``.venv/bin/python -m bench.bench_web [--users 20 --requests 15]``.

1. the whole platform (``deploy/run-local``, mongomock stores) on a fresh vhost,
   rate limits raised so the load is not refused (``RATE_LIMITS``);
2. the sample registry imported, the programme catalogue published, a round of
   Sembako and PKH scheduled and generated, one complaint filed;
3. each page fetched once plain and once with ``Accept-Encoding: gzip`` (sizes);
4. for each page, then for each API call it makes, ``users`` clients (green
   threads, each its own session and cookies) send ``requests`` requests each
   back to back; time to first byte is ``requests``' ``elapsed`` (until the
   answer's headers are read). The clients share the 2 cores with the platform.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import datetime  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import requests  # noqa: E402

from bench.bench_backbone import MGMT, fresh_vhost  # noqa: E402
from bench.bench_registry import SAMPLE, percentile, start_platform  # noqa: E402
from demo.__main__ import Output  # noqa: E402
from demo.distribution import publish_catalogue  # noqa: E402
from gateway.client import Client  # noqa: E402
from tests.helpers import wait_for  # noqa: E402

LIMITS = "status_check=1000000/60,complaint_lookup=1000000/60,complaints=1000/600"


def session():
    s = requests.Session()
    s.trust_env = False
    return s


def seed(url, token):
    """Registry, catalogue, two rounds with allocations, one complaint; returns facts."""
    admin = Client(url, token)
    with open(SAMPLE, "rb") as handle:
        admin.upload("imports/registry", handle.read(), timeout=300)
    publish_catalogue(admin, Output(open(os.devnull, "w")))
    wait_for(lambda: admin.get("admin/distribution/projection")["residents"] > 5000,
             timeout=300, interval=1, message="distribution never caught up with the registry")
    today = datetime.date.today()
    for code in ("SEMBAKO", "PKH"):
        rnd = admin.post("programmes/%s/rounds" % code, {
            "name": "Tahap bench", "starts_on": today.isoformat(),
            "ends_on": (today + datetime.timedelta(days=14)).isoformat(),
            "location": "Aula Kantor Kelurahan Tanjung Barat"})
        admin.post("rounds/%s/allocations" % rnd["id"], timeout=600)
    allocation = admin.get("rounds/%s/allocations" % rnd["id"], {"per_page": 1})["items"][0]
    person = admin.get("residents/%s" % allocation["recipient_nik"])
    code = admin.post("complaints", {"category": "schedule", "anonymous": True,
                                     "description": "Bench"})["tracking_code"]
    return {"nik": person["nik"], "birth_date": person["birth_date"], "code": code}


def sizes(url, path):
    plain = session().get(url + path, headers={"Accept-Encoding": "identity"})
    packed = session().get(url + path, headers={"Accept-Encoding": "gzip"}, stream=True)
    wire = len(packed.raw.read())
    return len(plain.content), wire, packed.headers.get("Content-Encoding")


def load(users, per_user, request):
    """``users`` green threads, each ``per_user`` calls of ``request(session)``; returns
    ``{p50, p95, per_s, errors}`` of the time to first byte (ms)."""
    times, errors = [], []

    def user():
        s = session()
        state = {}
        for _ in range(per_user):
            answer = request(s, state)
            if answer.status_code >= 400:
                errors.append(answer.status_code)
            times.append(answer.elapsed.total_seconds() * 1000)

    began = time.monotonic()
    pool = [eventlet.spawn(user) for _ in range(users)]
    for thread in pool:
        thread.wait()
    spent = time.monotonic() - began
    times.sort()
    return {"p50": percentile(times, 50), "p95": percentile(times, 95),
            "per_s": len(times) / spent, "errors": len(errors)}


def get(url):
    return lambda s, state: s.get(url)


def status_page(url, facts):
    born = datetime.date.fromisoformat(facts["birth_date"])

    def call(s, state):
        if "token" not in state:
            form = s.get(url + "/cek-status")
            state["token"] = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        return s.post(url + "/cek-status", data={
            "csrf_token": state["token"], "nik": facts["nik"], "day": str(born.day),
            "month": str(born.month), "year": str(born.year)})
    return call


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=15, help="per user and page")
    args = parser.parse_args()
    os.environ["RATE_LIMITS"] = LIMITS
    vhost, uri = fresh_vhost()
    platform, url, token = start_platform(uri)
    api = url + "/api/v1/"
    try:
        facts = seed(url, token)
        pages = [
            ("/ (programmes)", "/", get(url + "/"),
             [("GET programmes", get(api + "programmes?per_page=200")),
              ("GET rounds?upcoming", get(api + "rounds?upcoming=true&per_page=200"))]),
            ("/program/PKH", "/program/PKH", get(url + "/program/PKH"),
             [("GET programmes/PKH", get(api + "programmes/PKH")),
              ("GET rounds?programme=PKH", get(api + "rounds?programme=PKH&upcoming=true"
                                                     "&per_page=200"))]),
            ("/jadwal", "/jadwal", get(url + "/jadwal"),
             [("GET rounds?upcoming", get(api + "rounds?upcoming=true&per_page=200"))]),
            ("POST /cek-status", "/cek-status", status_page(url, facts),
             [("POST status-check", lambda s, st: s.post(api + "status-check", json={
                 "nik": facts["nik"], "birth_date": facts["birth_date"]}))]),
            ("/pengaduan (form)", "/pengaduan", get(url + "/pengaduan"),
             [("GET programmes", get(api + "programmes?per_page=200"))]),
            ("/pengaduan/<code>", "/pengaduan/" + facts["code"],
             get(url + "/pengaduan/" + facts["code"]),
             [("GET complaints/<code>", get(api + "complaints/" + facts["code"]))]),
        ]
        rows = []
        for label, path, page, calls in pages:
            raw, wire, encoding = sizes(url, path)
            measured = load(args.users, args.requests, page)
            behind = [(name, load(args.users, args.requests, call)) for name, call in calls]
            rows.append((label, raw, wire, encoding, measured, behind))
    finally:
        os.killpg(platform.pid, signal.SIGTERM)
        platform.wait(60)
        requests.delete("%s/api/vhosts/%s" % (MGMT, vhost), timeout=10)

    print("date (UTC):  %s" % time.strftime("%Y-%m-%d %H:%M", time.gmtime()))
    print("machine:     %d cores, %s; %d concurrent users x %d requests per page and call" % (
        os.cpu_count(), sys.platform, args.users, args.requests))
    print("%-22s %9s %9s | %-28s %9s %9s %8s %6s" % (
        "page / API call", "raw B", "gzip B", "", "TTFB p50", "TTFB p95", "per s", "errors"))
    for label, raw, wire, encoding, measured, behind in rows:
        print("%-22s %9d %9d | %-28s %7.0fms %7.0fms %8.1f %6d" % (
            label, raw, wire if encoding == "gzip" else raw, "page", measured["p50"],
            measured["p95"], measured["per_s"], measured["errors"]))
        for name, figures in behind:
            print("%-22s %9s %9s | %-28s %7.0fms %7.0fms %8.1f %6d" % (
                "", "", "", "  API " + name, figures["p50"], figures["p95"], figures["per_s"],
                figures["errors"]))


if __name__ == "__main__":
    main()
