"""The graduation funnel per cohort as plain functions (issue 14: "of the
residents who received business capital or completed entrepreneurship
training: how many became verified sellers, listed products, sold; and how many
households left the aid rolls because their situation improved";
docs/monitoring.md "Graduation funnel").

Each relevant event becomes one *step* (``step``, stored once per event id);
``funnel`` reads every step, in any order, so a redelivered or late event
changes nothing or only what it should.

- Support: ``aid_disbursed`` of a programme of kind ``business_capital`` (the
  kind from distribution's programme events, docs/distribution.md) to the
  family's recipient, or partners' ``enrolment_completed`` with
  ``entrepreneurship`` among its topics or outcome ``business_started`` (the
  rule distribution uses for ``business_training_completed``, docs/partners.md).
  The cohort is the village year (WIB) of a resident's first support.
- Verified seller: a ``seller_verified`` of the resident, whenever (a shop
  verified before the grant is still a verified shop); listed and sold: a
  ``listing_published`` / ``order_completed`` of their shop after the first support.
- Left the aid rolls because the situation improved: the family withdrew from
  an allocation (``allocation_cancelled``, reason ``household_request``; the
  grievance "a recipient withdrawing (graduation)", docs/domain.md) after the
  support, and none of its supported members was deactivated as deceased or
  moved out; those deactivations are counted apart (``left_deceased_or_moved``).
"""
from services.monitoring.domain import happened_at, village_month

TRAINING_TOPIC = "entrepreneurship"
TRAINING_OUTCOME = "business_started"
WITHDRAWAL_REASON = "household_request"
GONE_REASONS = ("deceased", "moved_out")
STAGES = ("supported", "verified_sellers", "listed", "sold", "left_improved",
          "left_deceased_or_moved")


def _base(event, kind, resident_id, household_id, **more):
    return dict({"_id": event["event_id"], "at": happened_at(event), "kind": kind,
                 "resident_id": resident_id, "household_id": household_id}, **more)


def step(event, person=None):
    """The funnel step an event makes, or None: ``{_id: event id, at, kind
    (capital, training, verified, listed, sold, withdrew, deactivated), resident_id,
    household_id, programme_code?, reason?}``. ``person``: the registry
    projection's resident the event names (for their family)."""
    source, kind, data = event["source"], event["type"], event["data"]
    family = (person or {}).get("household_id")
    if source == "distribution" and kind in ("aid_disbursed", "allocation_cancelled"):
        al = data["allocation"]
        if kind == "aid_disbursed":
            return _base(event, "capital", al.get("recipient_id"), al.get("household_id"),
                         programme_code=al.get("programme_code"))
        if al.get("status_reason") == WITHDRAWAL_REASON:
            return _base(event, "withdrew", None, al.get("household_id"))
        return None
    if source == "partners" and kind == "enrolment_completed":
        if TRAINING_TOPIC in (data.get("topics") or []) or data.get("outcome") == TRAINING_OUTCOME:
            return _base(event, "training", data["resident_id"], family)
        return None
    if source == "marketplace":
        stage = {"seller_verified": "verified", "listing_published": "listed",
                 "order_completed": "sold"}.get(kind)
        resident_id = (data.get("seller") or {}).get("resident_id")
        return _base(event, stage, resident_id, family) if stage and resident_id else None
    if source == "registry" and kind == "resident_deactivated":
        res = data["resident"]
        return _base(event, "deactivated", res["id"], res.get("household_id") or family,
                     reason=data.get("reason"))
    return None


def _first_support(steps, kinds):
    first = {}
    for s in steps:
        capital = (s["kind"] == "capital"
                   and kinds.get(s.get("programme_code")) == "business_capital")
        if (capital or s["kind"] == "training") and s["resident_id"]:
            known = first.get(s["resident_id"])
            if known is None or s["at"] < known["at"]:
                first[s["resident_id"]] = s
    return first


def funnel(steps, kinds):
    """Cohorts from every step (``step`` documents) and ``kinds`` (``{programme code:
    kind}``): ``[{cohort (year), supported, verified_sellers, listed, sold,
    left_improved, left_deceased_or_moved}]`` by year; residents counted in their
    first support's year, families once (in their first supported member's year)."""
    first = _first_support(steps, kinds)
    by_resident = {}
    for s in steps:
        by_resident.setdefault(s["resident_id"], []).append(s)
    cohorts, family_start, family_year, gone = {}, {}, {}, set()
    for resident_id, support in first.items():
        year = village_month(support["at"])[0]
        row = cohorts.setdefault(year, dict.fromkeys(STAGES, 0))
        row["supported"] += 1
        mine = by_resident.get(resident_id, [])
        row["verified_sellers"] += any(s["kind"] == "verified" for s in mine)
        row["listed"] += any(s["kind"] == "listed" and s["at"] >= support["at"] for s in mine)
        row["sold"] += any(s["kind"] == "sold" and s["at"] >= support["at"] for s in mine)
        if any(s["kind"] == "deactivated" and s.get("reason") in GONE_REASONS for s in mine):
            gone.add(resident_id)
        households = {s["household_id"] for s in mine if s["household_id"]}
        for household_id in households:
            if household_id not in family_start or support["at"] < family_start[household_id]:
                family_start[household_id], family_year[household_id] = support["at"], year
    members = {}
    for resident_id in first:
        for s in by_resident.get(resident_id, []):
            if s["household_id"]:
                members.setdefault(s["household_id"], set()).add(resident_id)
    withdrew = {s["household_id"]: s["at"] for s in sorted(steps, key=lambda s: s["at"])
                if s["kind"] == "withdrew" and s["household_id"] in family_start
                and s["at"] >= family_start[s["household_id"]]}
    for household_id, year in family_year.items():
        if members.get(household_id, set()) & gone:
            cohorts[year]["left_deceased_or_moved"] += 1
        elif household_id in withdrew:
            cohorts[year]["left_improved"] += 1
    return [dict(row, cohort=year) for year, row in sorted(cohorts.items())]
