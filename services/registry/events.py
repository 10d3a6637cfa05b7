"""Building the events the registry publishes (types and payloads: ``contract.events``).

Each carries the aggregate's full snapshot after the change, so a consumer
that skips an older ``aggregate_version`` loses nothing.
"""
from services.registry.contract import events as contract
from services.registry.domain import household_snapshot, resident_snapshot


def resident_registered(doc, correlation_id=None):
    """``{"resident": snapshot}`` for a new resident document."""
    return contract.RESIDENT_REGISTERED.envelope(
        doc["_id"], doc["version"], {"resident": resident_snapshot(doc)}, correlation_id)


def resident_updated(doc, changed, reason, correlation_id=None):
    """``{"resident", "changed": [fields], "reason"}``; ``doc`` is the state after."""
    return contract.RESIDENT_UPDATED.envelope(
        doc["_id"], doc["version"], {"resident": resident_snapshot(doc),
                                     "changed": list(changed), "reason": reason},
        correlation_id)


def resident_deactivated(doc, reason, note, correlation_id=None):
    """``{"resident", "reason", "note"}``; ``doc`` is the state after."""
    return contract.RESIDENT_DEACTIVATED.envelope(
        doc["_id"], doc["version"], {"resident": resident_snapshot(doc), "reason": reason,
                                     "note": note or ""}, correlation_id)


def household_registered(doc, correlation_id=None):
    """``{"household": snapshot}`` for a new household document."""
    return contract.HOUSEHOLD_REGISTERED.envelope(
        doc["_id"], doc["version"], {"household": household_snapshot(doc)}, correlation_id)


def household_updated(doc, changed, reason, correlation_id=None):
    """``{"household", "changed": [fields], "reason"}``; ``doc`` is the state after."""
    return contract.HOUSEHOLD_UPDATED.envelope(
        doc["_id"], doc["version"], {"household": household_snapshot(doc),
                                     "changed": list(changed), "reason": reason},
        correlation_id)
