"""Events the registry publishes (schema_version 1; table in docs/events.md).

Each carries the aggregate's full snapshot after the change, so a consumer
that skips an older ``aggregate_version`` loses nothing.
"""
from services.shared.envelope import make_envelope

from services.registry.domain import household_snapshot, resident_snapshot

SOURCE = "registry"

HOUSEHOLD_REGISTERED = "household_registered"
HOUSEHOLD_UPDATED = "household_updated"
RESIDENT_REGISTERED = "resident_registered"
RESIDENT_UPDATED = "resident_updated"
RESIDENT_DEACTIVATED = "resident_deactivated"

TYPES = (HOUSEHOLD_REGISTERED, HOUSEHOLD_UPDATED, RESIDENT_REGISTERED, RESIDENT_UPDATED,
         RESIDENT_DEACTIVATED)


def resident_registered(doc, correlation_id=None):
    """``{"resident": snapshot}`` for a new resident document."""
    return make_envelope(RESIDENT_REGISTERED, SOURCE, doc["_id"], doc["version"],
                         {"resident": resident_snapshot(doc)}, correlation_id)


def resident_updated(doc, changed, reason, correlation_id=None):
    """``{"resident", "changed": [fields], "reason"}``; ``doc`` is the state after."""
    return make_envelope(RESIDENT_UPDATED, SOURCE, doc["_id"], doc["version"],
                         {"resident": resident_snapshot(doc), "changed": list(changed),
                          "reason": reason}, correlation_id)


def resident_deactivated(doc, reason, note, correlation_id=None):
    """``{"resident", "reason", "note"}``; ``doc`` is the state after."""
    return make_envelope(RESIDENT_DEACTIVATED, SOURCE, doc["_id"], doc["version"],
                         {"resident": resident_snapshot(doc), "reason": reason,
                          "note": note or ""}, correlation_id)


def household_registered(doc, correlation_id=None):
    """``{"household": snapshot}`` for a new household document."""
    return make_envelope(HOUSEHOLD_REGISTERED, SOURCE, doc["_id"], doc["version"],
                         {"household": household_snapshot(doc)}, correlation_id)


def household_updated(doc, changed, reason, correlation_id=None):
    """``{"household", "changed": [fields], "reason"}``; ``doc`` is the state after."""
    return make_envelope(HOUSEHOLD_UPDATED, SOURCE, doc["_id"], doc["version"],
                         {"household": household_snapshot(doc), "changed": list(changed),
                          "reason": reason}, correlation_id)
