"""What following the registry's store epoch costs a follower (issue 9, item 5).

Run: ``.venv/bin/python -m bench.bench_epoch [--events 5000] [--residents 10000]``.

No broker: the store-level work of a registry event handler on the in-memory
store, as before epochs (``apply_resident(snapshot)``, the baseline) and now
(read the epochs followed, ``epoch.judge``, ``apply_resident(snapshot, epoch)``),
taking turns in blocks of 500 events; then the drift check's summary
(``epoch.summarize``: count and checksum) over N residents, which the registry
answers and the follower computes every ``REGISTRY_DRIFT_SECONDS``, with
the longest another greenthread (a request) waited while it ran (the summary
yields every ``epoch.SUMMARY_YIELD_EVERY`` documents).
"""
import argparse
import time
import uuid

import eventlet

from services.shared.epoch import judge, summarize
from services.shared.mongo import get_client
from services.shared.registry_store import RegistryProjection

BLOCK = 500
FILLER = dict({"field_%02d" % n: "nilai %d" % n for n in range(24)},
              history=[{"at": "2026-01-0%dT00:00:00Z" % d, "changed": ["rw"]} for d in (1, 2)])


def snapshot(i, version):
    return {"id": "res_%08d" % i, "nik": "3174094308%06d" % i, "household_id": "hh_%d" % (i // 4),
            "full_name": "Warga %d" % i, "status": "active", "version": version}


def before(projection, snap):
    projection.apply_resident(snap)


def now(projection, snap):
    epochs = projection.epochs()
    if judge("e1", epochs["epoch"], epochs["next_epoch"], epochs["retired"]) != "stale":
        projection.apply_resident(snap, "e1")


def tick(gaps):
    """Another request's greenthread: how long it waits between two turns."""
    last = time.perf_counter()
    while True:
        eventlet.sleep(0)
        now_ = time.perf_counter()
        gaps.append(now_ - last)
        last = now_


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--residents", type=int, default=10000)
    args = parser.parse_args()
    spent = {"before": 0.0, "now": 0.0}
    stores = {}
    for name in spent:
        db = get_client(None)["b" + uuid.uuid4().hex[:8]]
        RegistryProjection.ensure_indexes(db)
        stores[name] = RegistryProjection(db)
    stores["now"].adopt_epoch("e1")
    for start in range(0, args.events, BLOCK):
        for name, apply in (("before", before), ("now", now)):
            t0 = time.perf_counter()
            for i in range(start, min(start + BLOCK, args.events)):
                apply(stores[name], snapshot(i, 1))
            spent[name] += time.perf_counter() - t0
    for name, seconds in spent.items():
        print("%-6s %8.0f events/s" % (name, args.events / seconds))
    db = get_client(None)["s" + uuid.uuid4().hex[:8]]
    # residents the size the registry stores them (about 30 fields, a change history)
    db["residents"].insert_many([dict(snapshot(i, 1), _id="res_%08d" % i, **FILLER)
                                 for i in range(args.residents)])
    gaps = []
    ticker = eventlet.spawn(tick, gaps)
    eventlet.sleep(0)
    t0 = time.perf_counter()
    summarize(db["residents"])
    took = (time.perf_counter() - t0) * 1000
    ticker.kill()
    # before the summary yielded, the longest gap was the whole summary: nothing else ran
    print("summary of %d residents: %.0f ms; the longest another greenthread waited "
          "meanwhile: %.1f ms" % (args.residents, took, max(gaps) * 1000))


if __name__ == "__main__":
    main()
