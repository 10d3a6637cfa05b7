"""A handover entered later from its paper record, over the real RabbitMQ: distribution
stores and announces when it happened and when it was entered, and monitoring counts
it in the month it happened."""
import pytest

from services.distribution.service import DistributionService
from services.monitoring.service import MonitoringService
from services.shared import clock
from services.shared.errors import RuleRefused
from tests.helpers import wait_for
from tests.integration.distribution.conftest import OFFICER, RECEIVED, FakeRegistry, Listener
from tests.integration.distribution.test_consistency import one_sembako_allocation, start

pytestmark = pytest.mark.integration


def test_a_handover_entered_later_is_announced_and_counted_in_its_month(
        container_factory, service_config, rpc_proxy):
    start(container_factory, service_config, Listener, FakeRegistry, DistributionService,
          MonitoringService)
    dist, monitoring = rpc_proxy(), rpc_proxy("monitoring")
    _, _, alloc = one_sembako_allocation(service_config, dist)
    body = {"received_by_nik": alloc["recipient_nik"], "channel": "cash",
            "evidence_ref": "BAST/SEMBAKO/01"}

    ahead = clock.iso(clock.now().replace(year=clock.now().year + 1))
    with pytest.raises(RuleRefused) as exc:
        dist.disburse(alloc["id"], dict(body, handed_over_at=ahead), OFFICER)
    assert "future" in exc.value.errors["handed_over_at"][0]

    before = clock.now_iso()
    done = dist.disburse(alloc["id"], dict(body, handed_over_at="2026-01-12T10:15:00+07:00"),
                         OFFICER)
    assert done["disbursement"]["disbursed_at"] == "2026-01-12T03:15:00.000Z"
    assert done["disbursement"]["recorded_at"] >= before

    event = wait_for(lambda: next((e for e in RECEIVED if e["type"] == "aid_disbursed"), None))
    assert event["occurred_at"] >= before
    handed = event["data"]["allocation"]["disbursement"]
    assert (handed["disbursed_at"], handed["recorded_at"]) == (
        "2026-01-12T03:15:00.000Z", done["disbursement"]["recorded_at"])

    def counted():
        rows = monitoring.annual_counters(2026, OFFICER)["distribution"]["disbursements"]
        return rows or None
    rows = wait_for(counted)
    assert [(r["programme_code"], r["month"], r["count"]) for r in rows] == [
        ("SEMBAKO", "2026-01", 1)]
