"""Enrolments under concurrency, through the partners service's own RPCs on the real broker.

Run: ``.venv/bin/python -m bench.bench_enrolments [--places 50] [--mongo-uri URI]``
(RabbitMQ at AMQP_URI; storage: in-process mongomock unless ``--mongo-uri``).

One partners service (and a stand-in registry answering its export) runs in
this process on a fresh vhost; 3N residents are in its projection. Measured in
the same run:

* baseline: 3N enrolments one after another into a programme with room for
  all (nobody waits, no two requests at once);
* 3N enrolments sent at once into a programme of N places (N accepted, 2N on
  the waiting list), then N/2 withdrawals at once (each place passed to the
  first waiting person in the same write).

Figures: enrolments (or withdrawals) per second, roster writes that lost a race
and were planned again, and the checks the issue asks for: the most places
ever taken (from the events' ``places_taken``) and the promotions (exactly the
first N/2 of the waiting list).
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import datetime  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import requests  # noqa: E402
from nameko.events import event_handler  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402
from nameko.standalone.rpc import ServiceRpcProxy  # noqa: E402

from services.partners.service import PartnersService  # noqa: E402
from services.partners.store import OUTBOX_COLLECTIONS, PartnersRepository  # noqa: E402
from services.shared.mongo import MongoStore  # noqa: E402
from tests.support.registry import Family, FakeRegistry, RegistryData  # noqa: E402

AMQP = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
MGMT = os.environ.get("RABBIT_API_URI", "http://guest:guest@127.0.0.1:15672")
OFFICER = {"name": "bench", "role": "officer", "request_id": None}
ADMIN = {"name": "bench", "role": "admin", "request_id": None}
EVENTS = []


class CountingRepository(PartnersRepository):
    lost = 0

    def write_programme(self, doc, changes, events=None):
        after = super().write_programme(doc, changes, events)
        if after is None:
            CountingRepository.lost += 1
        return after


class BenchPartners(PartnersService):
    store = MongoStore(CountingRepository, outbox=OUTBOX_COLLECTIONS)


class Listener:
    name = "bench_listener"

    @event_handler("partners", "enrolment_accepted")
    def accepted(self, payload):
        EVENTS.append(payload)

    @event_handler("partners", "enrolment_waitlisted")
    def waitlisted(self, payload):
        EVENTS.append(payload)

    @event_handler("partners", "enrolment_withdrawn")
    def withdrawn(self, payload):
        EVENTS.append(payload)


def fresh_vhost():
    vhost = "bench_%s" % uuid.uuid4().hex[:8]
    requests.put("%s/api/vhosts/%s" % (MGMT, vhost), timeout=10).raise_for_status()
    requests.put("%s/api/permissions/%s/guest" % (MGMT, vhost),
                 json={"configure": ".*", "write": ".*", "read": ".*"}, timeout=10).raise_for_status()
    return vhost, AMQP.rstrip("/") + "/" + vhost


def programme(partners, owner, capacity):
    today = datetime.date.today()
    return partners.create_programme(owner["id"], {
        "title": "Bench %s" % uuid.uuid4().hex[:6], "kind": "training", "description": "bench",
        "location": "Balai", "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=30)).isoformat(), "capacity": capacity,
        "criteria": {"attr": "member.age", "op": "gte", "value": 15}}, OFFICER)


def timed(fn):
    began = time.monotonic()
    result = fn()
    return result, time.monotonic() - began


def wait(condition, timeout=300):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out")
        eventlet.sleep(0.05)


def run(places, mongo_uri):
    vhost, uri = fresh_vhost()
    config = {"AMQP_URI": uri, "MONGO_URI": mongo_uri or "",
              "MONGO_DB_PREFIX": "bench%s" % uuid.uuid4().hex[:6], "serializer": "json"}
    today = datetime.date.today()
    families = [Family(config, decile=1 + i % 10, people=(
        ("head", "M", (today - datetime.timedelta(days=365 * 18 + 13 * i)).isoformat()),))
        for i in range(3 * places)]
    RegistryData.reset()
    for family in families:
        family.export()
    runner = ServiceRunner(config)
    for cls in (FakeRegistry, Listener, BenchPartners):
        runner.add_service(cls)
    runner.start()
    try:
        with ServiceRpcProxy("partners", config) as partners:
            wait(lambda: partners.projection_status()["state"] == "current")
            owner = partners.register_partner({"name": "Bench", "kind": "company",
                                               "contact_name": "x",
                                               "contact_phone": "0812345678"}, OFFICER)
            owner = partners.verify_partner(owner["id"], {}, ADMIN)
            niks = [f.members[0]["nik"] for f in families]

            roomy = programme(partners, owner, 3 * places)
            _, sequential = timed(lambda: [partners.enrol(roomy["id"], {"nik": n}, OFFICER)
                                           for n in niks])
            lost_before = CountingRepository.lost

            tight = programme(partners, owner, places)
            EVENTS.clear()
            enrolled, together = timed(lambda: [r.result() for r in [
                partners.enrol.call_async(tight["id"], {"nik": n}, OFFICER) for n in niks]])
            lost_enrol = CountingRepository.lost - lost_before
            waiting = partners.list_enrolments(tight["id"], {"status": "waitlisted"}, 1, 200,
                                               OFFICER)["items"]
            leaving = [e["id"] for e in enrolled if e["status"] == "accepted"][:places // 2]
            _, withdrawing = timed(lambda: [r.result() for r in [
                partners.withdraw_enrolment.call_async(i, {"reason": "other"}, OFFICER)
                for i in leaving]])
            lost_withdraw = CountingRepository.lost - lost_before - lost_enrol
            wait(lambda: len(EVENTS) >= 4 * places)
            after = partners.get_programme(tight["id"], OFFICER)
            promoted = sorted(e["data"]["enrolment_id"] for e in EVENTS
                              if e["type"] == "enrolment_accepted" and e["data"]["promoted"])
            right = promoted == sorted(w["id"] for w in waiting[:places // 2])
            most = max(e["data"]["places_taken"] for e in EVENTS)
    finally:
        runner.stop()
        requests.delete("%s/api/vhosts/%s" % (MGMT, vhost), timeout=10)
    n = 3 * places
    print("storage: %s; N = %d places, %d residents" % (mongo_uri or "mongomock", places, n))
    print("%-46s %8s %12s %10s" % ("", "seconds", "per second", "lost races"))
    print("%-46s %8.2f %12.1f %10d" % ("baseline: %d enrolments one after another" % n,
                                        sequential, n / sequential, lost_before))
    print("%-46s %8.2f %12.1f %10d" % ("%d enrolments at once into %d places" % (n, places),
                                        together, n / together, lost_enrol))
    print("%-46s %8.2f %12.1f %10d" % ("%d withdrawals at once" % (places // 2), withdrawing,
                                        (places // 2) / withdrawing, lost_withdraw))
    print("accepted %d (capacity %d), waiting %d; most places ever taken %d; the %d promoted "
          "are the first %d of the waiting list: %s" % (
              after["accepted"], places, after["waitlisted"], most, len(promoted),
              places // 2, right))


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.bench_enrolments")
    parser.add_argument("--places", type=int, default=50)
    parser.add_argument("--mongo-uri", default=None)
    args = parser.parse_args()
    run(args.places, args.mongo_uri)


if __name__ == "__main__":
    main()
