"""Two distribution instances on one database generate a round's allocations once (issue 9).

Generation takes the round's lease (one conditional update on the round), so
of two officers pressing "generate" on two instances at the same moment one
generates and the other is told to try again (or, if it came second, finds
everything allocated); the relay lease lets one instance publish.
"""
import collections

import eventlet
import pytest
from nameko.testing.services import entrypoint_hook
from nameko.testing.utils import get_extension

from services.distribution.service import DistributionService
from services.shared.errors import Conflict
from services.shared.mongo import MongoStore
from tests.helpers import wait_for
from tests.integration.distribution.conftest import OFFICER, RECEIVED, Family, Listener
from tests.integration.distribution.test_consistency import SEMBAKO_FAMILY, programme

pytestmark = [pytest.mark.integration, pytest.mark.mongo]


def call(container, method, *args):
    with entrypoint_hook(container, method) as entrypoint:
        return entrypoint(*args)


def attempt(container, method, *args):
    try:
        return call(container, method, *args)
    except Conflict as exc:
        return exc


def test_generate_on_both_instances_at_once_makes_one_set_announced_once(
        container_factory, service_config, service_instances):
    container_factory(Listener, service_config).start()
    first, second = service_instances(DistributionService, 2, OUTBOX_LEASE_SECONDS=3)
    for _ in range(2):
        Family(service_config, decile=1, people=SEMBAKO_FAMILY).publish_registered()
    wait_for(lambda: call(first, "projection_status")["residents"] == 6, timeout=30)
    call(first, "publish_programme", programme("SEMBAKO"), OFFICER)
    rnd = call(second, "schedule_round", "SEMBAKO", {
        "name": "Tahap 1", "starts_on": "2026-01-05", "ends_on": "2026-01-31",
        "location": "Balai RW 02"}, OFFICER)

    pool = eventlet.GreenPool(2)
    runs = [pool.spawn(attempt, c, "generate_allocations", rnd["id"], OFFICER)
            for c in (first, second)]
    answers = [r.wait() for r in runs]
    summaries = [a for a in answers if not isinstance(a, Conflict)]
    assert sum(s["created"] for s in summaries) == 2
    assert all(isinstance(a, Conflict) or a["created"] in (0, 2) for a in answers)

    listed = [call(c, "list_allocations", rnd["id"]) for c in (first, second)]
    assert listed[0] == listed[1] and listed[0]["total"] == 2
    ids = {a["id"] for a in listed[0]["items"]}

    db = get_extension(first, MongoStore).db
    wait_for(lambda: db.allocations.count_documents({"_pending": {"$gt": 0}}) == 0, timeout=20)
    created = lambda: [e for e in RECEIVED if e["type"] == "allocation_created"]  # noqa: E731
    wait_for(lambda: len(created()) >= 2, timeout=15)
    per_allocation = collections.Counter(e["aggregate_id"] for e in created())
    assert per_allocation == {i: 1 for i in ids}
