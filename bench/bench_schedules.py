"""Publishing a health programme, in one process, no broker: the request and the
scheduling it asks for, beside the scheduling the request used to hold.

Run: ``.venv/bin/python -m bench.bench_schedules [--families 1500 15000]``

For each size, a partners service (``tests.support.kit.service_worker``) on the
in-memory store with the adapter, its registry projection filled from the
``samplegen`` file (seeded) as the registry's events fill it. A verified
Puskesmas publishes an immunisation programme (children under 5); measured in
the same run, seconds of wall time:

- ``publish``: ``create_programme``, what the officer waits for now;
- ``background``: the due timer's run (``scheduled_due``) making every child's
  schedule: the baseline, since the request did this work itself before;
- ``again``: a second run over what is made (the sweep's cost: nothing new);
- the appointments made and the load average.
Prints one JSON object per size.
"""
import argparse
import csv
import datetime
import json
import os
import time

import mongomock

from services.partners.service import PartnersService
from services.partners.store import PartnersRepository
from services.shared import clock
from services.shared.inbox import InboxRecords
from services.shared.mongomock_fast import install
from tests.support.kit import MemoryLot, service_worker

from bench.bench_footprint import generate

OFFICER = {"name": "bench", "role": "officer", "token_id": "t1", "request_id": None}
ADMIN = {"name": "bench", "role": "admin", "token_id": "t0", "request_id": None}
UNDER_5 = {"attr": "member.age_months", "op": "lt", "value": 60, "label": "Anak di bawah 5 tahun"}


def fill(repo, rows):
    """The projection as the registry's snapshots make it: one household per KK."""
    households = {}
    for n, row in enumerate(rows):
        hid = households.get(row["kk_number"])
        if hid is None:
            hid = households[row["kk_number"]] = "hh_%d" % len(households)
            repo.apply_household({"id": hid, "kk_number": row["kk_number"], "rt": row["rt"],
                                  "rw": row["rw"],
                                  "welfare_decile": int(row["welfare_decile"] or 0) or None,
                                  "status": "active", "version": 1})
        repo.apply_resident({"id": "res_%d" % n, "nik": row["nik"] or None,
                             "kk_number": row["kk_number"], "household_id": hid,
                             "full_name": row["full_name"], "sex": row["sex"],
                             "birth_date": row["birth_date"], "relationship": row["relationship"],
                             "occupation_code": int(row["occupation_code"] or 0),
                             "pregnant": row["pregnant"] == "true", "status": "active",
                             "rt": row["rt"], "rw": row["rw"], "version": 1})


def timed(call):
    began = time.perf_counter()
    answer = call()
    return round(time.perf_counter() - began, 3), answer


def measure(families):
    with open(generate(families), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    db = mongomock.MongoClient(tz_aware=True)["bench_schedules_%d" % families]
    PartnersRepository.ensure_indexes(db)
    repo = PartnersRepository(db, lambda *args: None)
    fill(repo, rows)
    service = service_worker(PartnersService, store=repo, inbox=InboxRecords(db, MemoryLot()))
    owner = service.register_partner({"name": "Puskesmas Kelurahan Tanjung Barat",
                                      "kind": "health_facility", "contact_name": "dr. Maya",
                                      "contact_phone": "0217890123"}, OFFICER)
    service.verify_partner(owner["id"], {}, ADMIN)
    today = clock.village_today()
    publish, programme = timed(lambda: service.create_programme(owner["id"], {
        "title": "Imunisasi Rutin Lengkap Balita", "kind": "immunisation",
        "description": "Imunisasi dasar dan lanjutan di posyandu.", "location": "Posyandu",
        "starts_on": (today - datetime.timedelta(days=120)).isoformat(),
        "ends_on": (today + datetime.timedelta(days=245)).isoformat(), "capacity": 100000,
        "criteria": UNDER_5}, OFFICER))
    background, made = timed(service.scheduled_due)
    service.sweep_schedules()
    again, remade = timed(service.scheduled_due)
    return {"families": families, "residents": len(rows), "publish_s": publish,
            "status_after_publish": programme["scheduling"]["status"],
            "background_s": background, "appointments": made["created"], "again_s": again,
            "again_created": remade["created"], "load_average": round(os.getloadavg()[0], 1)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, nargs="+", default=[1500, 15000])
    args = parser.parse_args()
    install()
    for families in args.families:
        print(json.dumps(measure(families)), flush=True)


if __name__ == "__main__":
    main()
