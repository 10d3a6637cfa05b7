"""A completed entrepreneurship training reaches distribution over the real broker:
the family becomes a candidate for the village's business-capital programme."""
import json
import os

import pytest

from services.distribution.service import DistributionService
from services.partners.service import PartnersService
from tests.helpers import wait_for
from tests.integration.partners.conftest import (OFFICER, PartnersListener, born_years_ago,
                                                 caught_up, days_ago, seen, training,
                                                 verified_partner)
from tests.support.registry import Family, FakeRegistry

pytestmark = pytest.mark.integration
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def umkm():
    with open(os.path.join(ROOT, "data", "programmes", "umkm_desa.json"), encoding="utf-8") as f:
        return json.load(f)


def candidate(distribution, nik):
    out = distribution.check_eligibility(nik, "UMKM_DESA")
    trained = next(c for c in out["criteria"] if c["path"] == "criteria.all.1.any.1")
    return out["eligible"], trained["value"]


def test_a_completed_training_makes_the_family_a_business_capital_candidate(start, proxy,
                                                                            service_config):
    family = Family(service_config, decile=3, people=(("head", "F", born_years_ago(34)),))
    family.export()
    start(FakeRegistry, PartnersListener, PartnersService, DistributionService)
    partners, distribution = proxy(), proxy("distribution")
    caught_up(partners, 1)
    wait_for(lambda: distribution.projection_status()["residents"] == 1, timeout=30)
    distribution.publish_programme(umkm(), OFFICER)
    nik = family.members[0]["nik"]
    assert candidate(distribution, nik) == (False, False)

    course = training(partners, verified_partner(partners), capacity=10,
                      required_attendance_pct=100)
    enrolment = partners.enrol(course["id"], {"nik": nik}, OFFICER)
    session = partners.add_session(course["id"], {
        "held_on": days_ago(0), "starts_at": "09:00", "ends_at": "12:00",
        "location": "Balai RW 02", "facilitator": "Chef Ani"}, OFFICER)
    partners.record_attendance(session["id"], {"entries": [
        {"enrolment_id": enrolment["id"], "status": "attended"}]}, OFFICER)
    partners.complete_enrolment(enrolment["id"], {"outcome": "certificate"}, OFFICER)

    wait_for(lambda: candidate(distribution, nik) == (True, True), timeout=20)
    [event] = seen("enrolment_completed")
    assert event["data"]["topics"] == ["entrepreneurship"]
    assert distribution.list_parked_events() == [] and partners.list_parked_events() == []
    assert distribution.resync_completions() == {"applied": 1}  # rebuilt from the export: same
    assert candidate(distribution, nik) == (True, True)
