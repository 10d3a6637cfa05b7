"""Monitoring's projections rebuilt from the owners' exports (issue 14: "dropped
and rebuilt from the owners' exports, it reaches the same figures";
docs/monitoring.md "Rebuilding from the exports").

Each function turns one owner's exported item into the events that the item's
state says happened, shaped as the owner publishes them (``source``, ``type``,
``occurred_at``, ``data``), so ``domain.timeline_entry``, ``domain.fact`` and
``graduation.step`` read them exactly as they read the live events. An owner
keeps the latest state with the instants of its milestones, not every event:
what that state cannot say is listed in ``NOT_REBUILT`` and in the docs.

Event ids are ``rebuilt:<source>:<type>:<item id>``: a second rebuild stores
the same documents again, and no live event id can collide with them.
"""

#: what a rebuild cannot give back, and why (docs/monitoring.md)
NOT_REBUILT = {
    "timeline.updates": "household_updated / resident_updated: the registry keeps the "
                        "latest snapshot, not which fields each change touched",
    "timeline.health": "immunisations, antenatal visits and overdue appointments: partners "
                       "has no export of them yet",
    "timeline.market": "seller suspended / reinstated: the marketplace keeps only the "
                       "current suspension",
    "distribution.rw": "allocations are placed in the family's RW of today, not of the day "
                       "of the event (a family that moved RW is counted in its new one)",
    "distribution.amount": "an allocation's amount is today's; one changed after its "
                           "creation counts the new amount in allocations",
    "distribution.closing_month": "a cancellation or a return is dated by the allocation's "
                                  "last change (updated_at)",
    "distribution.not_collected": "allocation_promoted and allocation_not_collected are "
                                  "not rebuilt (a state the allocation may have left)",
}


def _event(source, kind, item_id, at, data):
    return {"event_id": "rebuilt:%s:%s:%s" % (source, kind, item_id), "source": source,
            "type": kind, "occurred_at": at, "data": data}


def _snapshot(item, extra=("created_at", "inactive_at")):
    return {k: v for k, v in item.items() if k not in extra}


def registry_events(household=None, resident=None):
    """Events of one exported household or resident (``export_households`` /
    ``export_residents`` items with ``created_at`` and, when inactive,
    ``inactive_at``): ``household_registered``; ``resident_registered`` and
    ``resident_deactivated`` (with its ``reason``). Items without ``created_at``
    (exported by an older registry) make none."""
    if household is not None:
        if not household.get("created_at"):
            return []
        return [_event("registry", "household_registered", household["id"],
                       household["created_at"], {"household": _snapshot(household)})]
    out = []
    snap = _snapshot(resident)
    if resident.get("created_at"):
        out.append(_event("registry", "resident_registered", resident["id"],
                          resident["created_at"], {"resident": snap}))
    if resident.get("status") == "inactive" and resident.get("inactive_at"):
        out.append(_event("registry", "resident_deactivated", resident["id"],
                          resident["inactive_at"],
                          {"resident": snap, "reason": resident.get("inactive_reason")}))
    return out


def allocation_events(allocation):
    """Events of one ``distribution.export_allocations`` item: created (at
    ``created_at``), disbursed (at ``disbursement.disbursed_at``, also for a returned one),
    and a return or cancellation at ``updated_at``."""
    data = {"allocation": allocation}
    aid = allocation["id"]
    out = []
    if allocation.get("created_at"):
        out.append(_event("distribution", "allocation_created", aid,
                          allocation["created_at"], data))
    disbursed_at = (allocation.get("disbursement") or {}).get("disbursed_at")
    if disbursed_at:
        out.append(_event("distribution", "aid_disbursed", aid, disbursed_at, data))
    closing = {"returned": "allocation_returned",
               "cancelled": "allocation_cancelled"}.get(allocation.get("status"))
    if closing and allocation.get("updated_at"):
        out.append(_event("distribution", closing, aid, allocation["updated_at"], data))
    return out


def complaint_events(complaint):
    """Events of one ``complaints.export_complaints`` item (the events' complaint
    snapshot): submitted at ``submitted_at``, resolved at ``resolved_at``."""
    out = [_event("complaints", "complaint_submitted", complaint["id"],
                  complaint["submitted_at"], {"complaint": complaint})]
    if complaint.get("resolved_at"):
        out.append(_event("complaints", "complaint_resolved", complaint["id"],
                          complaint["resolved_at"],
                          {"complaint": complaint, "resolved_at": complaint["resolved_at"]}))
    return out


def enrolment_events(enrolment):
    """Events of one ``partners.export_enrolments`` item: one per entry of its
    ``changes`` (``[{at, status}]``, the enrolment's own history), ``enrolment_<status>``
    with the item as its data."""
    data = {k: v for k, v in enrolment.items() if k != "changes"}
    return [_event("partners", "enrolment_%s" % change["status"],
                   "%s:%d" % (enrolment["enrolment_id"], n), change["at"], data)
            for n, change in enumerate(enrolment.get("changes") or [])
            if change.get("status") in ("accepted", "waitlisted", "withdrawn", "completed")]


def contribution_events(item):
    """Events of one ``partners.export_contributions`` item (a partner's pledges and
    deliveries as their events carry them): ``commitment_set`` at each pledge's
    ``set_at``, ``delivery_recorded`` at each delivery's ``recorded_at``."""
    out = [_event("partners", "commitment_set", "%s:%s" % (c["partner_id"], c["year"]),
                  c["set_at"], c) for c in item.get("commitments") or [] if c.get("set_at")]
    out += [_event("partners", "delivery_recorded", d["delivery_id"], d["recorded_at"], d)
            for d in item.get("deliveries") or []]
    return out


def seller_events(seller):
    """Events of one ``marketplace.export_sellers`` item (the seller snapshot):
    registered at ``created_at``, verified at ``verified_at``."""
    out = [_event("marketplace", "seller_registered", seller["id"], seller["created_at"],
                  {"seller": seller})]
    if seller.get("verified_at"):
        out.append(_event("marketplace", "seller_verified", seller["id"],
                          seller["verified_at"], {"seller": seller}))
    return out


def listing_events(item):
    """Events of one ``marketplace.export_listings`` item (``{listing, seller}``):
    published at the listing's ``published_at``."""
    listing = item["listing"]
    if not listing.get("published_at"):
        return []
    return [_event("marketplace", "listing_published", listing["id"],
                   listing["published_at"], item)]


def order_events(item):
    """Events of one ``marketplace.export_orders`` item (``{order, seller}``):
    completed at the order's ``completed_at``."""
    order = item["order"]
    if order.get("status") != "completed" or not order.get("completed_at"):
        return []
    return [_event("marketplace", "order_completed", order["id"], order["completed_at"],
                   item)]


#: ``(owner, export RPC, function turning one item into events)``, read in this order
EXPORTS = (
    ("registry", "export_households", lambda item: registry_events(household=item)),
    ("registry", "export_residents", lambda item: registry_events(resident=item)),
    ("distribution", "export_allocations", allocation_events),
    ("complaints", "export_complaints", complaint_events),
    ("partners", "export_enrolments", enrolment_events),
    ("partners", "export_contributions", contribution_events),
    ("marketplace", "export_sellers", seller_events),
    ("marketplace", "export_listings", listing_events),
    ("marketplace", "export_orders", order_events),
)


def pages(fetch_page, per_page=500):
    """Every item of a paged export (``fetch_page(page, per_page)`` answering
    ``{items, total}``), page after page."""
    page = 1
    while True:
        answer = fetch_page(page, per_page)
        yield from answer["items"]
        if not answer["items"] or page * per_page >= answer["total"]:
            return
        page += 1
