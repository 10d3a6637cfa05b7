"""A partner's pledge and deliveries reach monitoring over the real broker
(``commitment_set``, ``delivery_recorded``): the annual report's pledged against
delivered equals what the partners service says of the same year."""
import pytest

from services.monitoring.service import MonitoringService
from services.partners.service import PartnersService
from tests.helpers import wait_for
from tests.integration.partners.conftest import (OFFICER, TODAY, PartnersListener, days_ago,
                                                 verified_partner)
from tests.support.registry import FakeRegistry

pytestmark = pytest.mark.integration


def test_pledged_and_delivered_reach_the_annual_report(start, proxy):
    start(FakeRegistry, PartnersListener, PartnersService, MonitoringService)
    partners, monitoring = proxy(), proxy("monitoring")
    owner = verified_partner(partners, name="PT Dapur Sehat")
    year = TODAY.year

    def reported():
        rows = [r for r in monitoring.annual_counters(year, OFFICER)["contributions"]
                if r["partner_id"] == owner["id"]]
        return rows[0] if rows else None

    partners.set_commitment(owner["id"], year, {"amount_idr": 80_000_000,
                                                "in_kind_value_idr": 6_000_000,
                                                "trainer_hours": 40}, OFFICER)
    partners.set_commitment(owner["id"], year, {"amount_idr": 90_000_000,
                                                "in_kind_value_idr": 6_000_000,
                                                "trainer_hours": 40}, OFFICER)
    partners.record_delivery(owner["id"], {"delivered_on": days_ago(0),
                                           "amount_idr": 30_000_000, "trainer_hours": 8},
                             OFFICER)
    said = partners.record_delivery(owner["id"], {"delivered_on": days_ago(0),
                                                  "in_kind_value_idr": 2_500_000,
                                                  "in_kind": "Kompor gas"}, OFFICER)

    def settled():
        row = reported()
        # the pledge and the deliveries come through queues of their own, in any order
        if row and row["deliveries"] == 2 and row["pledged"]["amount_idr"] == 90_000_000:
            return row
        return None
    row = wait_for(settled, timeout=30, message="monitoring never counted the year's pledge "
                                                "and both deliveries")
    assert row["partner_name"] == "PT Dapur Sehat"
    assert row["pledged"] == said["pledged"] == {
        "amount_idr": 90_000_000, "in_kind_value_idr": 6_000_000, "trainer_hours": 40}
    assert row["delivered"] == said["delivered"] == {
        "amount_idr": 30_000_000, "in_kind_value_idr": 2_500_000, "trainer_hours": 8}
    assert row["delivered_pct"]["amount_idr"] == 33.3
    assert monitoring.list_parked_events() == []
