"""What a follower's handler pays for a registration, in one process (issue 10).

Run: ``.venv/bin/python -m bench.bench_follower [--families 1500] [--rounds 3]``.

No broker, no nameko worker: the marketplace's snapshot handler of
``resident_registered`` (``FollowsRegistry.handle_resident_registered``, through
the inbox's ``consumes``: read the envelope, skip or not, copy the snapshot,
record it) called for the first 4,000 residents of a ``samplegen`` file as the
registry builds their events, on a fresh in-memory store each round. Two
cases take turns: ``upsert`` writes every first version as the conditional
upsert (the projection) and the ``$max``/``$push`` upsert (the inbox record),
as before; ``insert`` inserts them when nothing is stored
(``projection.insert_new``). Prints CPU ms per event, the median of the rounds.
"""
import argparse
import csv
import json
import time
import types

import mongomock

from services.shared import projection
from services.shared.inbox import InboxRecords
from services.shared.mongomock_fast import install
from services.shared.nik import temporary_number
from services.registry import domain, events
from services.marketplace.service import MarketplaceService

from bench.bench_footprint import generate

EVENTS = 4000


def registrations(families):
    """JSON round-tripped ``resident_registered`` envelopes, as a consumer reads them."""
    with open(generate(families), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:EVENTS]
    out, households = [], {}
    for n, row in enumerate(rows):
        household = households.setdefault(row["kk_number"], {
            "_id": "hh_%d" % len(households), "kk_number": row["kk_number"], "rt": row["rt"],
            "rw": row["rw"], "street": "Jl. Bench", "version": 1})
        person = {k: row.get(k) or None for k in domain.PERSON_FIELDS}
        doc = domain.build_resident(person, row["nik"] or temporary_number("3174091005", n),
                                    household, "res_%07d" % n, "2026-12-08T00:00:00Z",
                                    {"name": "bench"})
        out.append(json.loads(json.dumps(dict(events.resident_registered(doc),
                                              store_epoch="epoch-bench"))))
    return out


def one_round(payloads):
    db = mongomock.MongoClient(tz_aware=True)["bench_follower"]
    repository = MarketplaceService.store.repository_class
    repository.ensure_indexes(db)
    worker = types.SimpleNamespace(
        inbox=InboxRecords(db, None), store=repository(db, lambda *a, **k: None),
        registry_catch_up=types.SimpleNamespace(request_rebuild=lambda: None))
    worker.apply_registry_event = lambda event: MarketplaceService.apply_registry_event(
        worker, event)
    began = time.process_time()
    for payload in payloads:
        MarketplaceService.handle_resident_registered(worker, payload)
    return 1000 * (time.process_time() - began) / len(payloads)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    install()
    payloads = registrations(args.families)
    kept = projection.insert_new
    results = {"upsert": [], "insert": []}
    for _ in range(args.rounds):
        for case in results:
            projection.insert_new = kept if case == "insert" else lambda c, d: False
            results[case].append(one_round(payloads))
    projection.insert_new = kept
    medians = {case: sorted(ms)[len(ms) // 2] for case, ms in results.items()}
    for case, ms in results.items():
        print("%-7s %.3f CPU ms per event (rounds: %s)" % (
            case, medians[case], ", ".join("%.3f" % m for m in ms)))
    print("ratio   x%.2f events per CPU second" % (medians["upsert"] / medians["insert"]))


if __name__ == "__main__":
    main()
