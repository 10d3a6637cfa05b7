"""Building the events the distribution service publishes (types: ``contract.events``).

Each carries the aggregate's full public snapshot, so a consumer that skips an
older ``aggregate_version`` loses nothing.
"""
from services.distribution.contract import events as contract

PROGRAMME_PUBLISHED = contract.PROGRAMME_PUBLISHED.name
PROGRAMME_REVISED = contract.PROGRAMME_REVISED.name
ROUND_SCHEDULED = contract.ROUND_SCHEDULED.name
ROUND_CLOSED = contract.ROUND_CLOSED.name
ALLOCATION_CREATED = "allocation_created"
ALLOCATION_PROMOTED = "allocation_promoted"
ALLOCATION_UPDATED = "allocation_updated"
ALLOCATION_CANCELLED = "allocation_cancelled"
ALLOCATION_NOT_COLLECTED = "allocation_not_collected"
ALLOCATION_RETURNED = "allocation_returned"
AID_DISBURSED = "aid_disbursed"

_PROGRAMME = {e.name: e for e in (contract.PROGRAMME_PUBLISHED, contract.PROGRAMME_REVISED)}
_ROUND = {e.name: e for e in (contract.ROUND_SCHEDULED, contract.ROUND_CLOSED)}


def programme_event(event_type, programme, correlation_id=None):
    """``{"programme": snapshot}``; ``aggregate_id`` is the programme code."""
    return _PROGRAMME[event_type].envelope(programme["code"], programme["version"],
                                           {"programme": programme}, correlation_id)


def round_event(event_type, round_doc, correlation_id=None):
    """``{"round": snapshot}``."""
    return _ROUND[event_type].envelope(round_doc["id"], round_doc["version"],
                                       {"round": round_doc}, correlation_id)


def allocation_event(event_type, allocation, correlation_id=None):
    """``{"allocation": snapshot}`` for one of ``contract.ALLOCATION_TYPES``."""
    return contract.ALLOCATION_EVENTS[event_type].envelope(
        allocation["id"], allocation["version"], {"allocation": allocation}, correlation_id)
