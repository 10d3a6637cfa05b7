"""The officer search in one process, no broker: ``RegistryQueries.search_residents``
on the in-memory store (mongomock with ``services.shared.mongomock_fast``) holding
a ``samplegen`` registry, beside the old query shape (a case-insensitive regex on
``full_name``) and a lookup by NIK in the same run.

    .venv/bin/python -m bench.bench_search --families 50000 --searches 20

Residents are stored as the import stores them (``domain.build_resident``); the
searches are those of ``bench.bench_scale`` (a word of a resident's name and
their RW). Prints ms per call (p50, max) and the machine's load average.
"""
import argparse
import csv
import os
import re
import statistics
import time

import mongomock

from services.shared import mongomock_walk as walk
from services.shared.mongomock_fast import install
from services.shared.nik import temporary_number
from services.registry import domain
from services.registry.queries import NO_HISTORY, VISIBLE
from services.registry.store import RegistryRepository

from bench.bench_footprint import generate
from bench.bench_scale import searches


def fill(db, rows):
    """Residents of ``rows`` (the samplegen CSV), one household per KK number."""
    docs, households, temporaries = [], {}, 0
    for n, row in enumerate(rows):
        household = households.setdefault(row["kk_number"], {
            "_id": "hh_%d" % len(households), "kk_number": row["kk_number"],
            "rt": row["rt"], "rw": row["rw"]})
        person = {name: row.get(name) or None for name in domain.PERSON_FIELDS}
        if not row["nik"]:
            temporaries += 1  # numbered as the import numbers them
        nik = row["nik"] or temporary_number("3174091005", temporaries)
        docs.append(domain.build_resident(person, nik, household, "res_%07d" % n,
                                          "2026-12-03T00:00:00Z", {"name": "bench"}))
    for start in range(0, len(docs), 1000):
        db["residents"].insert_many(docs[start:start + 1000])
    db["households"].insert_many(list(households.values()))


def old_search(db, q, rw, per_page=50):
    """The query shape before ``name_tokens``: a regex over every resident of the RW."""
    query = dict(VISIBLE, rw=rw, full_name={"$regex": re.escape(q), "$options": "i"})
    total = db["residents"].count_documents(query)
    docs = db["residents"].find(query, NO_HISTORY).sort([("full_name", 1), ("_id", 1)]).limit(
        per_page)
    return total, [domain.resident_view(d) for d in docs]


def timed(calls):
    out = []
    for call in calls:
        began = time.perf_counter()
        call()
        out.append(1000 * (time.perf_counter() - began))
    return {"p50": round(statistics.median(out), 1), "max": round(max(out), 1), "n": len(out)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=50000)
    parser.add_argument("--searches", type=int, default=20)
    parser.add_argument("--old", type=int, default=5, help="searches of the old shape")
    parser.add_argument("--lists", type=int, default=5, help="list pages of each kind")
    args = parser.parse_args()
    install()
    with open(generate(args.families), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    db = mongomock.MongoClient(tz_aware=True)["bench_search"]
    RegistryRepository.ensure_indexes(db)
    began = time.perf_counter()
    fill(db, rows)
    filled = time.perf_counter() - began
    repo = RegistryRepository(db, lambda *a: None, pause=lambda: None)
    asked = searches(rows, args.searches, args.families)
    niks = [r["nik"] for r in rows[::max(1, len(rows) // args.searches)] if r["nik"]][
        :args.searches]
    totals = [repo.search_residents(s["q"], None, s["rw"], None, None, None, 1, 50, 0)["total"]
              for s in asked[:args.old]]
    olds = [old_search(db, s["q"], s["rw"])[0] for s in asked[:args.old]]
    print("families %d, residents %d, filled in %.0f s" % (args.families, len(rows), filled))
    print("totals, new shape (word beginnings):", totals)
    print("totals, old shape (any part):       ", olds)
    print("by NIK        ", timed([lambda n=n: repo.resident(n) for n in niks]))
    print("search (new)  ", timed([lambda s=s: repo.search_residents(
        s["q"], None, s["rw"], None, None, None, 1, 50, 0) for s in asked]))
    print("search (old)  ", timed([lambda s=s: old_search(db, s["q"], s["rw"])
                                   for s in asked[:args.old]]))
    rws = sorted({r["rw"] for r in rows})
    lists = {
        "RW page 1": lambda rw: repo.search_residents(None, None, rw, None, None, None, 1, 50, 0),
        "RW page 40": lambda rw: repo.search_residents(None, None, rw, None, None, None, 40, 50,
                                                       1950),
        "all, page 1": lambda rw: repo.search_residents(None, None, None, None, None, None, 1,
                                                        50, 0),
        "households of an RW": lambda rw: repo.search_households(None, None, rw, None, 1, 50, 0),
    }
    for name, call in lists.items():
        for on in (False, True):
            walk.SWITCH["on"] = on
            label = "walked, counted off the indexes" if on else "sorted dataset, scanned count"
            print("%-20s %-32s" % (name, label),
                  timed([lambda rw=rw, call=call: call(rw) for rw in rws[:args.lists]]))
    print("load average  ", os.getloadavg()[0])


if __name__ == "__main__":
    main()
