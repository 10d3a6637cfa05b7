"""What the in-memory store's short paths for plain values save (issue 10).

Run: ``.venv/bin/python -m bench.bench_store [--rounds 3] [--file data/sample/tanjung-barat-registry.csv]``.

No broker. Two cases take turns in one process, ``--rounds`` times each:
the baseline is mongomock's own datetime walks and ``copy.deepcopy`` with
every index re-keyed on each write (the adapter as it was before
``services/shared/mongomock_fast.py`` items 4 to 6); the other is the adapter now.
Each round, on a fresh store: the registry's import job of the file
(``job_runner.run_job``, what ``POST /imports/registry/jobs`` runs), then
what a follower does with those residents (``RegistryProjection.apply_resident``
of each one's snapshot), then reading every resident back, then a page of
200 of 7,000 appointments sorted by due date, RW, name and id (the health
cadre's list, ``partners`` ``find_appointments``). CPU seconds of
this process are given beside wall seconds: other work on the machine
inflates wall time, not CPU time.
"""
import argparse
import base64
import time

import mongomock

from services.registry import jobs
from services.registry.job_runner import Runner, run_job
from services.registry.service import RegistryService
from services.registry.store import RegistryRepository
from services.shared import mongomock_fast
from services.shared.registry_store import RegistryProjection
from tests.support.kit import service_worker

ACTOR = {"token_id": "tok_bench", "name": "Petugas Bench", "role": "officer"}
VILLAGE = "3174091005"


def use(case):
    """The adapter's items 4 to 6 off (``"baseline"``) or on (``"now"``)."""
    mongomock_fast.install()
    mongomock_fast._use_short_paths(case == "now")


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def one_round(content):
    db = mongomock.MongoClient(tz_aware=True)["bench_store"]
    RegistryRepository.ensure_indexes(db)
    repo = RegistryRepository(db, lambda collection=None, ids=None: None, pause=lambda: None)
    service = service_worker(RegistryService, store=repo,
                             import_runner=Runner("bench", lambda fn, identifier=None: None))
    job = service.start_import_job("warga.csv", len(content), ACTOR)
    size = jobs.PART_BYTES
    for index in range(job["parts_expected"]):
        job = service.add_import_part(job["id"], index, base64.b64encode(
            content[index * size:(index + 1) * size]).decode("ascii"))
    _, wall, cpu = timed(lambda: run_job(repo, job["id"], VILLAGE))
    rows = repo.import_jobs.get(job["id"])["rows_processed"]
    snapshots = [{"id": d["_id"], "nik": d["nik"], "household_id": d["household_id"],
                  "full_name": d["full_name"], "rt": d["rt"], "rw": d["rw"],
                  "status": d["status"], "version": d["version"]} for d in db.residents.find()]
    follower_db = mongomock.MongoClient(tz_aware=True)["bench_follower"]
    RegistryProjection.ensure_indexes(follower_db)
    projection = RegistryProjection(follower_db)
    _, f_wall, f_cpu = timed(lambda: [projection.apply_resident(s) for s in snapshots])
    count, r_wall, r_cpu = timed(lambda: sum(1 for _ in db.residents.find({})))
    appointments = mongomock.MongoClient(tz_aware=True)["bench_partners"]["appointments"]
    appointments.create_index([("programme_id", 1), ("status", 1), ("due_on", 1)])
    appointments.insert_many([{
        "_id": "ap_%05d" % n, "programme_id": "pp_1", "status": "scheduled",
        "due_on": "2026-%02d-%02d" % (n * 7 % 12 + 1, n * 13 % 28 + 1), "rw": "%03d" % (n % 10 + 1),
        "full_name": "Anak %d" % (n * 31 % 7000)} for n in range(7000)])
    _, p_wall, p_cpu = timed(lambda: [list(appointments.find({"programme_id": "pp_1"}).sort(
        [("due_on", 1), ("rw", 1), ("full_name", 1), ("_id", 1)]).skip(200 * page).limit(200))
        for page in range(5)])
    return {"rows": rows, "import": (wall, cpu), "follow": (f_wall, f_cpu),
            "read": (r_wall, r_cpu), "residents": count, "pages": (p_wall / 5, p_cpu / 5)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--file", default="data/sample/tanjung-barat-registry.csv")
    args = parser.parse_args()
    with open(args.file, "rb") as handle:
        content = handle.read()
    results = {"baseline": [], "now": []}
    for _ in range(args.rounds):
        for case in ("baseline", "now"):
            use(case)
            results[case].append(one_round(content))
    use("now")
    print("file: %s; %d rounds each, taking turns" % (args.file, args.rounds))
    print("%-9s %22s %26s %22s %18s" % ("case", "import rows/CPU-s (wall)",
                                         "follower events/CPU-s (wall)", "read docs/CPU-s",
                                         "sorted page CPU-ms"))
    medians = {}
    for case, runs in results.items():
        def med(values):
            values = sorted(values)
            return values[len(values) // 2]
        imp = med([r["rows"] / r["import"][1] for r in runs])
        imp_wall = med([r["rows"] / r["import"][0] for r in runs])
        fol = med([r["residents"] / r["follow"][1] for r in runs])
        fol_wall = med([r["residents"] / r["follow"][0] for r in runs])
        read = med([r["residents"] / r["read"][1] for r in runs])
        page = med([r["pages"][1] * 1000 for r in runs])
        medians[case] = (imp, fol, read, 1000.0 / page)
        print("%-9s %12.0f (%7.0f) %15.0f (%7.0f) %22.0f %18.0f" % (
            case, imp, imp_wall, fol, fol_wall, read, page))
    base, now = medians["baseline"], medians["now"]
    print("ratio     %12s %26s %22s %18s" % tuple("x%.2f" % (n / b) for n, b in zip(now, base, strict=True)))


if __name__ == "__main__":
    main()
