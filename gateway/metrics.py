"""The platform's figures for a monitoring system, in Prometheus' text format.

``GET /api/v1/admin/metrics`` (admin) gathers what ``/health`` asks every
service, plus the gateway's own door, into gauges a scraper (Prometheus,
VictoriaMetrics, Grafana Agent) keeps over time, so drift from the registry
and parked events raise an alert instead of waiting for someone to open
``/health`` (issue 9, item 5). prometheus_client renders the text; each
scrape builds a fresh registry, since every figure is read at that moment.
"""
from prometheus_client import CollectorRegistry, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from services.shared import clock

#: the text format every Prometheus since 2.0 reads (what generate_latest writes)
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
PREFIX = "bansos_"


def render(pings, gate=None):
    """The metrics page.

    Args:
        pings (dict): service name -> ``(status, answer)``; ``status`` is
            ``"ok"`` or why the service did not answer, ``answer`` its ping
            (``{"parked": n, "registry": {"registry_epoch_ok", "drift",
            "checked_at"}}``, both keys optional) or None.
        gate: the gateway's ``AdmissionGate`` (``inside``, ``limit``, ``shed``),
            or None when the request did not come through it.
    Returns:
        bytes: the exposition text (``CONTENT_TYPE``). A service that did not
        answer is ``bansos_service_up 0`` and has no other series, so an absent
        figure is never read as zero.
    """
    reg = CollectorRegistry()
    up = _gauge(reg, "service_up", "1 when the service answered its ping in time", ["service"])
    parked = _gauge(reg, "parked_events", "Events the service's handlers gave up on "
                    "(GET /api/v1/admin/parked-events lists them)", ["service"])
    epoch_ok = _gauge(reg, "registry_epoch_ok", "1 when the service follows the registry's "
                      "current store; 0 when the registry's store is new to it", ["service"])
    drift = _gauge(reg, "registry_drift_records", "Records the service's registry projection "
                   "holds minus the registry's, at the last comparison", ["service", "kind"])
    checksum = _gauge(reg, "registry_checksum_ok", "1 when the projection's checksum equals "
                      "the registry's at the last comparison", ["service", "kind"])
    age = _gauge(reg, "registry_check_age_seconds", "Seconds since the service last compared "
                 "its projection with the registry", ["service"])
    now = clock.now()
    for name, (status, answer) in sorted(pings.items()):
        up.labels(name).set(1 if status == "ok" else 0)
        if status != "ok" or not isinstance(answer, dict):
            continue
        if isinstance(answer.get("parked"), int):
            parked.labels(name).set(answer["parked"])
        check = answer.get("registry")
        if not isinstance(check, dict) or check.get("registry_epoch_ok") is None:
            continue  # no comparison yet: nothing to report rather than a false zero
        epoch_ok.labels(name).set(1 if check["registry_epoch_ok"] else 0)
        for kind in ("households", "residents"):
            apart = (check.get("drift") or {}).get(kind)
            ours = apart.get("ours") if apart else None
            theirs = apart.get("theirs") if apart else None
            drift.labels(name, kind).set((ours or 0) - (theirs or 0) if apart else 0)
            checksum.labels(name, kind).set(0 if apart and not apart.get("checksum_ok") else 1)
        try:
            checked = clock.parse_instant(check.get("checked_at"))
        except ValueError:
            continue
        age.labels(name).set(max(0.0, (now - checked).total_seconds()))
    if gate is not None:
        _gauge(reg, "gateway_requests_inside", "API requests inside the gateway now").set(
            gate.inside)
        _gauge(reg, "gateway_admission_limit", "API requests let in at once "
               "(workers + GATEWAY_WAITING)").set(gate.limit)
        _gauge(reg, "gateway_shed_requests", "API requests answered 503 at the door since "
               "the gateway started").set(gate.shed)
    return generate_latest(reg)


def _gauge(reg, name, documentation, labels=()):
    return Gauge(PREFIX + name, documentation, list(labels), registry=reg)
