"""200 public connections on the status check, with and without the gateway's gate.

Run: ``.venv/bin/python -m bench.bench_overload [--connections 200] [--seconds 20]``

Three fresh platforms (``deploy/run-local``, in-memory stores, the sample registry
imported), one after the other in the same run: the baseline lets every request
wait for a gateway worker (``GATEWAY_WAITING`` so large it never sheds), the
others run with the default, 20 waiting beyond the 10 workers, and with 5
(``gateway/admission.py``). Each is loaded once distribution has projected the whole import.
Each gets ``--connections`` clients posting ``/api/v1/status-check`` for sample
residents for ``--seconds`` (client timeout 30 s; rate limits lifted). Prints,
per platform: answers per second, answers by status, the share of requests
answered within 2 s, and the p50/p99/max time to an answer.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402

import requests  # noqa: E402

from bench.bench_backbone import MGMT, fresh_vhost  # noqa: E402
from bench.bench_registry import SAMPLE, percentile, start_platform  # noqa: E402
from tests.helpers import wait_for  # noqa: E402

NO_GATE = "1000000"


def residents():
    with open(SAMPLE, encoding="utf-8") as handle:
        people = [{"nik": r["nik"], "birth_date": r["birth_date"]}
                  for r in csv.DictReader(handle) if len(r["nik"]) == 16 and r["birth_date"]]
    return random.Random(7).sample(people, 500)


def load(url, bodies, connections, seconds):
    """``connections`` clients, each with its own connection, for ``seconds``."""
    times, codes = [], {}
    stop = time.monotonic() + seconds

    def client(n):
        session, i = requests.Session(), n
        while time.monotonic() < stop:
            began = time.monotonic()
            try:
                code = session.post(url, json=bodies[i % len(bodies)], timeout=30).status_code
            except requests.RequestException:
                code = "no answer"
            times.append(time.monotonic() - began)
            codes[code] = codes.get(code, 0) + 1
            i += connections
    pool = eventlet.GreenPool(connections)
    began = time.monotonic()
    for n in range(connections):
        pool.spawn(client, n)
    pool.waitall()
    spent = time.monotonic() - began
    return {"answers_s": round(sum(v for k, v in codes.items() if k != "no answer") / spent, 1),
            "codes": {str(k): v for k, v in sorted(codes.items(), key=str)},
            "within_2s_pct": round(100.0 * sum(1 for t in times if t <= 2.0) / len(times), 1),
            "p50_ms": round(1000 * percentile(times, 50)),
            "p99_ms": round(1000 * percentile(times, 99)),
            "max_ms": round(1000 * max(times))}


def one(waiting, bodies, args):
    vhost, uri = fresh_vhost()
    os.environ.update(GATEWAY_WAITING=waiting, RATE_LIMITS="status_check=100000000/60")
    proc, url, token = start_platform(uri)
    try:
        headers = {"Authorization": "Bearer " + token}
        with open(SAMPLE, "rb") as handle:
            answer = requests.post(url + "/api/v1/imports/registry", data=handle.read(),
                                   timeout=600, headers=dict(headers, **{
                                       "Content-Type": "text/csv"}))
        answer.raise_for_status()
        residents = answer.json()["created_residents"]
        # load the platform at rest: once distribution has projected the whole import
        wait_for(lambda: requests.get(url + "/api/v1/admin/distribution/projection",
                                      headers=headers, timeout=30).json().get("residents")
                 == residents, timeout=600, interval=1.0)
        return load(url + "/api/v1/status-check", bodies, args.connections, args.seconds)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
        requests.delete("%s/api/vhosts/%s" % (MGMT, vhost), timeout=10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    bodies = residents()
    results = {"baseline: every request waits for a worker": one(NO_GATE, bodies, args),
               "gate, default: 20 may wait, the rest 503 at once": one("20", bodies, args),
               "gate, GATEWAY_WAITING=5": one("5", bodies, args)}
    print(json.dumps(results, indent=1))
    print("\n| gateway | answers/s | by status | within 2 s | p50 / p99 / max ms |")
    print("|---|---|---|---|---|")
    for name, r in results.items():
        print("| %s | %s | %s | %s%% | %s / %s / %s |" % (
            name, r["answers_s"], ", ".join("%s: %s" % kv for kv in r["codes"].items()),
            r["within_2s_pct"], r["p50_ms"], r["p99_ms"], r["max_ms"]))


if __name__ == "__main__":
    main()
