"""What the contracts cost: answers dumped through their schemas, events read through theirs.

Run: ``.venv/bin/python -m bench.bench_contracts [--rounds 200]``. No broker, no store.
In one run, on the same data:
1. a page of 50 residents (``search_residents``) and of 200 allocations
   (``list_allocations``, the largest page) returned as built (the baseline,
   as before issue 7) and dumped through ``Page(ResidentOut)`` / ``Page(AllocationOut)``;
2. a registry ``resident_updated`` event: the envelope loaded alone (the
   baseline) and loaded, upcast and read through its contract (what the inbox
   does now before a handler runs).
Prints microseconds per item beside the baseline.
"""
import argparse
import time

from services.distribution.contract import AllocationPage
from services.registry import domain, events
from services.registry.contract import RESIDENT_UPDATED, ResidentOut
from services.shared.contract import Page, dump
from services.shared.envelope import load_envelope
from tests.unit.registry import factories

NOW = "2026-11-29T08:00:00.000Z"


def resident_view(i):
    person = dict(factories.person("head"), nik="317409%02d0190%04d" % (1 + i % 28, 1 + i))
    household = {"_id": "hh_%d" % i, "kk_number": "3174091201090001", "rt": "001", "rw": "002"}
    doc = domain.build_resident(person, person["nik"], household, "res_%d" % i, NOW,
                                {"name": "bench"})
    return doc, domain.resident_view(doc)


def allocation(i):
    return {"id": "al_%d" % i, "round_id": "rd_1", "round_name": "Tahap 1",
            "programme_code": "PKH", "year": 2026, "household_id": "hh_%d" % i,
            "kk_number": "3174091201090001", "rt": "001", "rw": "002", "welfare_decile": 2,
            "monthly_income_idr": 900000, "member_id": None, "member_nik": None,
            "member_name": None, "recipient_id": "res_%d" % i, "recipient_nik": "3174094506870003",
            "recipient_name": "Siti", "recipient_relationship": "wife", "amount_idr": 750000,
            "components": [{"code": "child", "label": "Anak", "member_id": "res_9",
                            "member_nik": "3174091203150001", "amount_idr": 750000}],
            "goods": [], "status": "pending", "status_reason": None, "status_note": "",
            "allotted": True, "reassigned_from": None, "reassigned_to": None,
            "disbursement": None, "created_at": NOW, "updated_at": NOW, "version": 1}


def per_item(fn, items, rounds):
    started = time.perf_counter()
    for _ in range(rounds):
        fn()
    return (time.perf_counter() - started) / rounds / items * 1e6


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args(argv)
    docs, views = zip(*[resident_view(i) for i in range(50)], strict=True)
    residents = {"items": list(views), "page": 1, "per_page": 50, "total": 50}
    allocations = {"items": [allocation(i) for i in range(200)], "page": 1, "per_page": 200,
                   "total": 200}
    event = events.resident_updated(dict(docs[0], version=2), ["phone"], "nomor baru", "req-1")
    rows = [
        ("page of 50 residents", 50,
         lambda: dict(residents), lambda: dump(Page(ResidentOut), residents)),
        ("page of 200 allocations", 200,
         lambda: dict(allocations), lambda: dump(AllocationPage, allocations)),
        ("resident_updated event read", 1,
         lambda: load_envelope(event), lambda: RESIDENT_UPDATED.read(load_envelope(event))),
    ]
    print("%-30s %14s %14s" % ("", "baseline us", "contract us"))
    for name, items, before, after in rows:
        base = per_item(before, items, args.rounds)
        now = per_item(after, items, args.rounds)
        print("%-30s %14.1f %14.1f   (+%.1f us per item)" % (name, base, now, now - base))


if __name__ == "__main__":
    main()
