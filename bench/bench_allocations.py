"""Allocation generation for a round: the sample registry and a 50,000-household one.

Run: ``.venv/bin/python -m bench.bench_allocations [--households 50000] [--mongo-uri URI]``

What is timed is ``services.distribution.allocations.generate`` itself, the
function behind ``POST /rounds/{id}/allocations``: read the registry
projection, evaluate the programme's rules for every household (and member),
plan budget and quota, and insert the allocations with their
``allocation_created`` events in the outbox. RPC and HTTP add a few
milliseconds per call on top; publishing the events is the relay's work,
measured by bench_backbone. Each figure is for one round of one programme on
a fresh store, then the idempotent rerun on the same round.

Registries: (a) ``data/sample/tanjung-barat-registry.csv`` (1,500 families,
5,098 residents, synthetic) loaded into the projection as the registry's
events would; (b) a synthetic registry of ``--households`` families drawn with
a fixed seed (deciles 1-10, 1-7 members of realistic ages, pupils, pregnancies,
disabilities). Storage: in-process mongomock unless ``--mongo-uri`` is given.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import csv  # noqa: E402
import datetime  # noqa: E402
import glob  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

from services.distribution import allocations, catalogue  # noqa: E402
from services.distribution.store import DistributionRepository  # noqa: E402
from services.shared.mongo import get_client  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "data", "sample", "tanjung-barat-registry.csv")
ACTOR = {"name": "bench", "role": "officer", "request_id": "bench"}
PROGRAMMES = ("PKH", "SEMBAKO", "KLJ", "KJP_PLUS")


def repository(uri):
    db = get_client(uri)["bench_%s_distribution" % uuid.uuid4().hex[:8]]
    DistributionRepository.ensure_indexes(db)
    return DistributionRepository(db, lambda *args: None)


def publish_catalogue(repo):
    for path in sorted(glob.glob(os.path.join(ROOT, "data", "programmes", "*.json"))):
        with open(path, encoding="utf-8") as handle:
            catalogue.publish_programme(repo, json.load(handle), ACTOR, "kelurahan")


def load_sample(repo):
    """The sample CSV as projection snapshots; returns ``(households, residents)``."""
    households, residents = {}, []
    with open(SAMPLE, encoding="utf-8", newline="") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            hid = "hh_" + row["kk_number"]
            if hid not in households:
                households[hid] = {
                    "id": hid, "kk_number": row["kk_number"], "rt": row["rt"], "rw": row["rw"],
                    "welfare_decile": int(row["welfare_decile"]) if row["welfare_decile"] else None,
                    "monthly_income_idr": int(row["monthly_income_idr"] or 0),
                    "has_car": row["has_car"] == "true", "status": "active", "version": 1}
            residents.append({
                "id": "res_%05d" % i, "nik": row["nik"] or None, "household_id": hid,
                "kk_number": row["kk_number"], "full_name": row["full_name"], "sex": row["sex"],
                "birth_date": row["birth_date"], "relationship": row["relationship"],
                "occupation_code": int(row["occupation_code"]), "disability": row["disability"],
                "pregnant": row["pregnant"] == "true", "status": "active", "version": 1})
    return _store(repo, list(households.values()), residents)


def synthetic(repo, n, seed=50000):
    """``n`` synthetic families; returns ``(households, residents)``."""
    rng = random.Random(seed)
    households, residents = [], []
    year = datetime.date.today().year
    for h in range(n):
        hid = "hh_%06d" % h
        decile = rng.choices(range(1, 11), weights=(6, 8, 9, 10, 11, 11, 12, 12, 11, 10))[0]
        households.append({"id": hid, "kk_number": "317409%010d" % h, "rt": "%03d" % rng.randint(1, 12),
                           "rw": "%03d" % rng.randint(1, 10), "welfare_decile": decile,
                           "monthly_income_idr": decile * 900_000 + rng.randint(0, 800_000),
                           "has_car": decile >= 8 and rng.random() < 0.5, "status": "active",
                           "version": 1})
        head_age = rng.randint(22, 80)
        people = [("head", "M" if rng.random() < 0.8 else "F", head_age)]
        if rng.random() < 0.8:
            people.append(("wife", "F", max(18, head_age - rng.randint(0, 8))))
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
            people.append(("child", rng.choice("MF"), rng.randint(0, max(0, head_age - 20))))
        if rng.random() < 0.1:
            people.append(("parent", rng.choice("MF"), rng.randint(60, 90)))
        for m, (rel, sex, age) in enumerate(people):
            residents.append({
                "id": "res_%06d_%d" % (h, m), "nik": "3174%06d%06d" % (h, m),
                "household_id": hid, "kk_number": households[-1]["kk_number"],
                "full_name": "Warga %d-%d" % (h, m), "sex": sex,
                "birth_date": "%d-%02d-%02d" % (year - age - 1, rng.randint(1, 12), rng.randint(1, 28)),
                "relationship": rel, "occupation_code": 3 if 6 <= age <= 18 else rng.choice((1, 19, 84, 88)),
                "disability": "physical" if rng.random() < 0.02 else "none",
                "pregnant": rel == "wife" and age < 45 and rng.random() < 0.03,
                "status": "active", "version": 1})
    return _store(repo, households, residents)


def _store(repo, households, residents):
    repo.households.insert_many([dict(h, _id=h["id"]) for h in households])
    repo.residents.insert_many([dict(r, _id=r["id"]) for r in residents])
    return len(households), len(residents)


def measure(repo, code, budget_idr=None):
    today = datetime.date.today()
    rnd = catalogue.schedule_round(repo, code, {
        "name": "bench %s" % uuid.uuid4().hex[:6], "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=60)).isoformat(), "location": "Balai",
        "budget_idr": budget_idr}, ACTOR, "kelurahan")
    began = time.perf_counter()
    first = allocations.generate(repo, rnd["id"], ACTOR)
    seconds = time.perf_counter() - began
    began = time.perf_counter()
    again = allocations.generate(repo, rnd["id"], ACTOR)
    rerun = time.perf_counter() - began
    assert again["created"] == again["waiting"] == 0
    return {"programme": code, "eligible": first["eligible"], "pending": first["created"],
            "waiting": first["waiting"], "seconds": round(seconds, 2),
            "allocations_per_s": round((first["created"] + first["waiting"]) / seconds),
            "rerun_seconds": round(rerun, 2)}


def report(title, households, residents, rows):
    print("\n%s: %d households, %d residents" % (title, households, residents))
    cols = ("programme", "eligible", "pending", "waiting", "seconds", "allocations_per_s",
            "rerun_seconds")
    print("  ".join("%-17s" % c for c in cols))
    for row in rows:
        print("  ".join("%-17s" % row[c] for c in cols))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--mongo-uri", default=os.environ.get("MONGO_URI") or None)
    args = parser.parse_args()
    print("bench_allocations on %s, %s, Python %s, store: %s, %s" % (
        platform.node(), platform.processor() or platform.machine(), platform.python_version(),
        "MongoDB" if args.mongo_uri else "mongomock (in-process)",
        datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")))

    repo = repository(args.mongo_uri)
    publish_catalogue(repo)
    sizes = load_sample(repo)
    report("Sample registry (data/sample)", *sizes,
           [measure(repo, code) for code in PROGRAMMES]
           + [dict(measure(repo, "SEMBAKO", budget_idr=60_000_000), programme="SEMBAKO budget")])

    repo = repository(args.mongo_uri)
    publish_catalogue(repo)
    began = time.perf_counter()
    sizes = synthetic(repo, args.households)
    print("\n(synthetic registry of %d households built in %.1f s)"
          % (args.households, time.perf_counter() - began))
    report("Synthetic registry", *sizes, [measure(repo, code) for code in ("PKH", "SEMBAKO")])


if __name__ == "__main__":
    main()
