"""Registry changes from HTTP request to event handled, and the sample import rate.

Run: ``.venv/bin/python -m bench.bench_registry [--changes 2000 --concurrency 8]``.

In one run, on this machine's RabbitMQ:
1. baseline: nameko's own confirmed ``EventDispatcher`` rate to a trivial
   handler in another process (``bench/bench_backbone.py``), and the outbox
   relay's rate on the same harness;
2. the platform (``deploy/run-local``, mongomock stores) on a fresh vhost, with
   the trivial consumer ``bench/sink.py`` subscribed to the registry's events;
3. (b) the sample CSV (5,098 residents) imported through the gateway: seconds
   for the HTTP answer, and seconds until the consumer had handled every
   ``resident_registered`` and ``household_registered``;
   By default only the registry and the gateway run (``--services all`` adds
   the other services, whose consumers then compete for the same 2 cores);
4. (a) N ``PATCH /api/v1/residents/{nik}`` from ``concurrency`` clients:
   changes per second from the first request sent to the last
   ``resident_updated`` handled, and the p50/p99 lag from sending a request
   to the consumer handling its event.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import requests  # noqa: E402

from bench.bench_backbone import (MGMT, NamekoProducer, RelayProducer, fresh_vhost,  # noqa: E402
                                  measure, sink_stats, start_sink, wait_count, wait_sink_ready)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "data", "sample", "tanjung-barat-registry.csv")


def start_platform(uri, services=()):
    ready = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
    os.unlink(ready)
    env = dict(os.environ, AMQP_URI=uri, GATEWAY_PORT=str(free_port()),
               ADMIN_TOKEN="bench-admin-" + "0" * 32, RUN_LOCAL_READY_FILE=ready,
               LOG_DIR=os.path.join(ROOT, "var", "log", "bench"))
    env.pop("MONGO_URI", None)
    proc = subprocess.Popen([os.path.join(ROOT, "deploy", "run-local")] + list(services),
                            cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 180
    while not os.path.exists(ready):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the platform did not start (see var/log/bench/)")
        eventlet.sleep(0.2)
    eventlet.sleep(0.2)
    with open(ready) as handle:
        info = json.load(handle)
    return proc, info["url"], info["admin_token"]


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100.0 * (len(values) - 1))))]


def bench_import(url, headers, config, expected):
    with open(SAMPLE, "rb") as handle:
        body = handle.read()
    start = time.time()
    r = requests.post(url + "/api/v1/imports/registry", data=body, timeout=300,
                      headers=dict(headers, **{"Content-Type": "text/csv"}))
    answered = time.time()
    r.raise_for_status()
    result = r.json()
    stats = wait_count(config, expected, timeout=600)
    return {"residents": result.get("created_residents"), "http_seconds": answered - start,
            "events_handled_seconds": stats["last"] - start}


def bench_changes(url, headers, config, niks, concurrency):
    sink_base = sink_stats(config)["count"]
    sent = {}
    session = requests.Session()

    def change(i_nik):
        i, nik = i_nik
        t0 = time.time()
        r = session.patch(url + "/api/v1/residents/" + nik, headers=headers, timeout=60,
                          json={"phone": "0813%08d" % i, "reason": "benchmark: nomor HP baru"})
        r.raise_for_status()
        sent["%s:%s" % (nik, r.json()["version"])] = t0

    pool = eventlet.GreenPool(concurrency)
    first = time.time()
    list(pool.imap(change, enumerate(niks)))
    stats = wait_count(config, sink_base + len(niks), timeout=600)
    times = sink_stats(config, with_times=True)["times"]
    lags = [times[k] - t0 for k, t0 in sent.items() if k in times]
    return {"changes": len(niks), "changes_per_s": len(niks) / (stats["last"] - first),
            "lag_p50_ms": 1000 * statistics.median(lags), "lag_p99_ms": 1000 * percentile(lags, 99),
            "matched": len(lags)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--events", type=int, default=3000, help="baseline events")
    parser.add_argument("--services", default="registry,gateway",
                        help="services deploy/run-local starts (comma-separated; 'all' for "
                             "every one, whose consumers then share the 2 cores with the sink)")
    args = parser.parse_args()

    baseline = measure(NamekoProducer, args.events)
    relay = measure(RelayProducer, args.events)

    vhost, uri = fresh_vhost()
    config = {"AMQP_URI": uri}
    sink = start_sink(uri)
    wait_sink_ready(config, sink)
    services = [] if args.services == "all" else args.services.split(",")
    platform, url, token = start_platform(uri, services)
    headers = {"Authorization": "Bearer " + token}
    try:
        with open(SAMPLE, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        families = len({r["kk_number"] for r in rows})
        imported = bench_import(url, headers, config, len(rows) + families)
        niks = [r["nik"] for r in rows if r["nik"]][: args.changes]
        changes = bench_changes(url, headers, config, niks, args.concurrency)
    finally:
        os.killpg(platform.pid, signal.SIGTERM)
        platform.wait(60)
        sink.terminate()
        sink.wait(30)
        requests.delete("%s/api/vhosts/%s" % (MGMT, vhost), timeout=10)

    print("date (UTC):                               %s" % time.strftime("%Y-%m-%d %H:%M", time.gmtime()))
    print("machine:                                  %d cores, %s" % (os.cpu_count(), sys.platform))
    print("platform services:                        %s" % args.services)
    print("baseline nameko EventDispatcher:          %6.0f events/s handled" % baseline)
    print("outbox relay, same harness:               %6.0f events/s handled" % relay)
    print("(a) registry changes, HTTP -> handled:    %6.0f changes/s  (x%.2f of baseline; "
          "%d clients, %d changes)" % (changes["changes_per_s"], changes["changes_per_s"] / baseline,
                                       args.concurrency, changes["changes"]))
    print("    lag request -> handled:               p50 %.0f ms, p99 %.0f ms" % (
        changes["lag_p50_ms"], changes["lag_p99_ms"]))
    print("(b) sample import (%s residents):       %.1f s HTTP answer, %.1f s until every event "
          "handled (%.0f residents/s)" % (imported["residents"], imported["http_seconds"],
                                          imported["events_handled_seconds"],
                                          len(rows) / imported["events_handled_seconds"]))
    events = len(rows) + families
    print("    import events handled per second:     %6.0f  (x%.2f of baseline; %d events)" % (
        events / imported["events_handled_seconds"],
        events / imported["events_handled_seconds"] / baseline, events))


if __name__ == "__main__":
    main()
