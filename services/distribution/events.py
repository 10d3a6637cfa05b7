"""Events the distribution service publishes (schema_version 1; docs/events.md).

Each carries the aggregate's full public snapshot, so a consumer that skips an
older ``aggregate_version`` loses nothing.
"""
from services.shared.envelope import make_envelope

SOURCE = "distribution"

PROGRAMME_PUBLISHED = "programme_published"
PROGRAMME_REVISED = "programme_revised"
ROUND_SCHEDULED = "round_scheduled"
ROUND_CLOSED = "round_closed"
ALLOCATION_CREATED = "allocation_created"
ALLOCATION_PROMOTED = "allocation_promoted"
ALLOCATION_UPDATED = "allocation_updated"
ALLOCATION_CANCELLED = "allocation_cancelled"
ALLOCATION_NOT_COLLECTED = "allocation_not_collected"
ALLOCATION_RETURNED = "allocation_returned"
AID_DISBURSED = "aid_disbursed"

def programme_event(event_type, programme, correlation_id=None):
    return make_envelope(event_type, SOURCE, programme["code"], programme["version"],
                         {"programme": programme}, correlation_id)


def round_event(event_type, round_doc, correlation_id=None):
    return make_envelope(event_type, SOURCE, round_doc["id"], round_doc["version"],
                         {"round": round_doc}, correlation_id)


def allocation_event(event_type, allocation, correlation_id=None, **extra):
    data = {"allocation": allocation}
    data.update(extra)
    return make_envelope(event_type, SOURCE, allocation["id"], allocation["version"],
                         data, correlation_id)
