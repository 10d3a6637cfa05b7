"""The metrics page (gateway/metrics.py): what a scraper reads for each service's answer."""
import datetime

import mongomock
from prometheus_client.parser import text_string_to_metric_families

from gateway import metrics
from services.shared import clock
from services.shared.inbox import InboxRecords
from tests.support.kit import MemoryLot


class Gate:
    inside, limit, shed = 7, 30, 412


def samples(text):
    """``{(name, ((label, value), ...)): value}`` of an exposition text."""
    out = {}
    for family in text_string_to_metric_families(text.decode()):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def test_each_services_figures_and_a_silent_service_only_as_down():
    checked = clock.iso(clock.now() - datetime.timedelta(seconds=90))
    pings = {
        "registry": ("ok", {"service": "registry", "ok": True, "parked": 0}),
        "distribution": ("ok", {"parked": 3, "registry": {
            "registry_epoch_ok": False, "checked_at": checked,
            "drift": {"residents": {"ours": 500, "theirs": 0, "checksum_ok": False}}}}),
        "partners": ("timeout", None),
    }
    got = samples(metrics.render(pings, Gate()))
    svc = lambda name: (("service", name),)  # noqa: E731
    assert got[("bansos_service_up", svc("registry"))] == 1
    assert got[("bansos_service_up", svc("partners"))] == 0
    assert got[("bansos_parked_events", svc("distribution"))] == 3
    assert got[("bansos_parked_events", svc("registry"))] == 0
    assert ("bansos_parked_events", svc("partners")) not in got
    assert got[("bansos_registry_epoch_ok", svc("distribution"))] == 0
    residents = (("kind", "residents"), ("service", "distribution"))
    households = (("kind", "households"), ("service", "distribution"))
    assert got[("bansos_registry_drift_records", residents)] == 500
    assert got[("bansos_registry_checksum_ok", residents)] == 0
    assert got[("bansos_registry_drift_records", households)] == 0
    assert got[("bansos_registry_checksum_ok", households)] == 1
    assert 89 <= got[("bansos_registry_check_age_seconds", svc("distribution"))] < 120
    assert got[("bansos_gateway_requests_inside", ())] == 7
    assert got[("bansos_gateway_shed_requests", ())] == 412


def test_a_follower_before_its_first_comparison_reports_no_drift_figures():
    pings = {"marketplace": ("ok", {"parked": 0, "registry": {
        "registry_epoch_ok": None, "drift": {}, "checked_at": None}})}
    got = samples(metrics.render(pings))
    assert got[("bansos_service_up", (("service", "marketplace"),))] == 1
    assert not [key for key in got if key[0].startswith("bansos_registry_")]
    assert not [key for key in got if key[0].startswith("bansos_gateway_")]


def test_a_projection_that_lost_records_is_negative_drift():
    pings = {"partners": ("ok", {"parked": 0, "registry": {
        "registry_epoch_ok": True, "checked_at": clock.now_iso(),
        "drift": {"households": {"ours": 10, "theirs": 12, "checksum_ok": False}}}})}
    got = samples(metrics.render(pings))
    key = ("bansos_registry_drift_records", (("kind", "households"), ("service", "partners")))
    assert got[key] == -2
    assert got[("bansos_registry_epoch_ok", (("service", "partners"),))] == 1


def test_parked_events_are_counted():
    records = InboxRecords(mongomock.MongoClient(tz_aware=True)["metrics_test"], MemoryLot())
    assert records.count_parked() == 0
    for n in range(3):
        records.park("handle_x", {"event_id": str(n)}, "failed", 5)
    assert records.count_parked() == 3
