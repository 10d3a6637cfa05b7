"""A handler with effects is never skipped as "stale" (issue 7's inbox defect), and its
effects happen exactly once, over the real broker.

The case: registry's ``resident_deactivated`` v2 fails once in distribution and
is requeued; meanwhile ``resident_updated`` v3 for the same resident is applied
on its own queue. The redelivered v2 must still make its effects (the
allocation passes to the next adult), once, also when delivered again later.
Before the fix the redelivered v2 was skipped (v2 < v3 applied) and the
allocation stayed with the deceased recipient.
"""
import pytest
from nameko.testing.services import entrypoint_waiter
from nameko.testing.utils import get_extension

from services.distribution import allocations
from services.distribution.service import DistributionService
from services.shared.envelope import make_envelope
from services.shared.mongo import MongoStore
from tests.helpers import wait_for
from tests.integration.distribution.conftest import Listener, publish
from tests.integration.distribution.test_consistency import one_sembako_allocation, start

pytestmark = pytest.mark.integration


def test_a_failed_deactivation_redelivered_after_a_newer_update_takes_effect_once(
        container_factory, service_config, rpc_proxy, monkeypatch):
    _, service = start(container_factory, service_config, Listener, DistributionService)
    projection = get_extension(service, MongoStore).db["residents"]
    dist = rpc_proxy()
    fam, _, alloc = one_sembako_allocation(service_config, dist)
    # SEMBAKO prefers a woman as recipient: the wife, then the head
    head, wife = fam.members[0], fam.members[1]
    assert alloc["recipient_id"] == wife["id"] and alloc["version"] == 1

    deactivated = fam.deactivated(1, "deceased")                       # v2
    corrected = dict(wife, full_name="Nama Dibetulkan", version=3)     # v3, another queue
    updated = make_envelope("resident_updated", "registry", wife["id"], 3,
                            {"resident": corrected, "changed": ["full_name"], "reason": "ejaan"})
    real, calls = allocations.on_resident_deactivated, []

    def fails_once(repo, resident, reason, correlation_id=None):
        calls.append(resident["version"])
        if len(calls) == 1:
            publish(service_config, updated)
            wait_for(lambda: projection.find_one({"_id": wife["id"]})["version"] == 3)
            raise RuntimeError("the store blinked")
        return real(repo, resident, reason, correlation_id)

    monkeypatch.setattr(allocations, "on_resident_deactivated", fails_once)
    publish(service_config, deactivated)
    after = wait_for(lambda: (lambda a: a if a["version"] == 2 else None)(
        dist.get_allocation(alloc["id"])), timeout=20,
        message="the redelivered deactivation was dropped as stale")
    assert calls == [2, 2]
    assert after["recipient_id"] == head["id"] and after["status"] == "pending"
    assert [h["action"] for h in after["history"]] == ["created", "member_left"]

    # the handler's effects are written before its inbox record: redeliver once both are
    applied = get_extension(service, MongoStore).db["_inbox_applied"]
    wait_for(lambda: applied.find_one({"_id": "handle_resident_deactivated:%s"
                                       % deactivated["event_id"]}))
    with entrypoint_waiter(service, "handle_resident_deactivated"):
        publish(service_config, deactivated)                            # delivered again
    again = dist.get_allocation(alloc["id"])
    assert calls == [2, 2] and again["version"] == 2
    assert [h["action"] for h in again["history"]] == ["created", "member_left"]
