"""Partners' contributions, pledged against delivered (issue 14 "Reports";
docs/monitoring.md "Partner contributions"), from the partners' ``commitment_set``
and ``delivery_recorded`` events.

Monitoring keeps one pledge per partner and year (the latest ``set_at`` wins: a
new pledge replaces the year's, as in the partners service) and every delivery
once by its id.
"""
from collections import defaultdict

AMOUNTS = ("amount_idr", "in_kind_value_idr", "trainer_hours")


def pledge(event):
    """The pledge document of a ``commitment_set`` event, or None for other events:
    ``{"_id": "<partner id>:<year>", partner_id, partner_name, year, amount_idr,
    in_kind_value_idr (rupiah), trainer_hours, in_kind, set_at (UTC)}``."""
    if event.get("source") != "partners" or event.get("type") != "commitment_set":
        return None
    d = event["data"]
    return dict({k: d.get(k) or 0 for k in AMOUNTS}, _id="%s:%d" % (d["partner_id"], d["year"]),
                partner_id=d["partner_id"], partner_name=d.get("partner_name"),
                year=d["year"], in_kind=d.get("in_kind"), set_at=d.get("set_at"))


def delivery(event):
    """The delivery document of a ``delivery_recorded`` event, or None: ``{"_id":
    delivery id, partner_id, partner_name, year, delivered_on, amount_idr,
    in_kind_value_idr, trainer_hours, programme_id, recorded_at}``."""
    if event.get("source") != "partners" or event.get("type") != "delivery_recorded":
        return None
    d = event["data"]
    return dict({k: d.get(k) or 0 for k in AMOUNTS}, _id=d["delivery_id"],
                partner_id=d["partner_id"], partner_name=d.get("partner_name"), year=d["year"],
                delivered_on=d.get("delivered_on"), programme_id=d.get("programme_id"),
                recorded_at=d.get("recorded_at"))


def pledged_vs_delivered(pledges, deliveries, year):
    """Per partner, what it pledged for ``year`` and what it delivered in it.

    Args:
        pledges: ``pledge`` documents; deliveries: ``delivery`` documents (any years).
        year: the year of the pledge and of ``delivered_on``.

    Returns ``[{partner_id, partner_name, pledged: {amount_idr, in_kind_value_idr,
    trainer_hours}, delivered: {...}, deliveries (count), delivered_pct: {measure:
    0-100 or None when nothing was pledged}}]`` by partner name then id; a partner
    that delivered without a pledge, or pledged and delivered nothing yet, is listed.
    """
    rows = defaultdict(lambda: {"partner_name": None, "deliveries": 0,
                                "pledged": dict.fromkeys(AMOUNTS, 0),
                                "delivered": dict.fromkeys(AMOUNTS, 0)})
    for p in pledges:
        if p.get("year") == year:
            row = rows[p["partner_id"]]
            row["pledged"] = {k: p.get(k) or 0 for k in AMOUNTS}
            row["partner_name"] = row["partner_name"] or p.get("partner_name")
    for d in sorted(deliveries, key=lambda d: (d.get("recorded_at") or "", d["_id"])):
        if d.get("year") == year:
            row = rows[d["partner_id"]]
            row["deliveries"] += 1
            for k in AMOUNTS:
                row["delivered"][k] += d.get(k) or 0
            row["partner_name"] = d.get("partner_name") or row["partner_name"]
    out = [dict(r, partner_id=pid, partner_name=r["partner_name"] or pid, delivered_pct={
        k: round(100.0 * r["delivered"][k] / r["pledged"][k], 1) if r["pledged"][k] else None
        for k in AMOUNTS}) for pid, r in rows.items()]
    return sorted(out, key=lambda r: (r["partner_name"].lower(), r["partner_id"]))
