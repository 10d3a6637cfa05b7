"""The seller's path out of aid, from what other services announced.

- business capital: distribution's ``aid_disbursed`` (and ``allocation_returned``)
  for a programme whose kind is ``business_capital`` (the village's
  ``UMKM_DESA``, data/programmes/umkm_desa.json), given to the seller's
  family (the household the registry projection puts the seller in);
- training: partners' ``enrolment_completed`` of the seller (``entrepreneurship``
  among its topics marks a business training).

Only what the path needs is kept: for aid, the allocation's programme,
household, amount, status and the date it was received, and only for
business-capital programmes (or programmes not yet known here, which a
programme event or the catch-up names later); never other social aid.

When distribution or partners comes back on a new store (another store epoch
on its events), what was kept from the old one is dropped and read back from
the owner's export (``rebuild_business_capital``, ``rebuild_trainings``, run
in the background by ``services.marketplace.owners.PathCatchUp``).
"""
import logging

from marshmallow import ValidationError

from services.shared import clock
from services.shared.contract import read
from services.shared.projection import resync

from services.distribution.contract.events import AllocationSnapshot, handed_over_at

from services.marketplace import views

log = logging.getLogger(__name__)
BUSINESS_CAPITAL = "business_capital"
KEPT = ("disbursed", "returned")


def apply_programme(repo, programme):
    """Keep a programme's kind and name (a ``programme_published``/``_revised`` snapshot)."""
    return repo.apply_programme(programme["code"], programme.get("version", 1), {
        "kind": programme.get("kind"), "name": programme.get("name")})


def received_at(event):
    """When the family received an allocation event's aid: the handover's
    ``disbursed_at`` (entered later from its paper record, it is before the
    event), else the event's ``occurred_at``."""
    return handed_over_at(event["data"]["allocation"], event["occurred_at"])


def apply_allocation(repo, allocation, occurred_at):
    """Keep a disbursed or returned business-capital allocation (a snapshot as
    distribution's ``AllocationSnapshot`` reads it); True when kept."""
    if allocation.get("status") not in KEPT:
        return False
    kind = (repo.programme_kinds().get(allocation.get("programme_code")) or {}).get("kind")
    if kind not in (None, BUSINESS_CAPITAL):
        return False
    record = {k: allocation.get(k) for k in ("id", "programme_code", "household_id",
                                             "recipient_id", "amount_idr", "status",
                                             "version")}
    if allocation["status"] == "disbursed":
        record["received_on"] = clock.village_date(clock.parse_instant(occurred_at)).isoformat()
    return repo.apply_aid(record)


def load_business_capital(repo, distribution_call):
    """Read the programme kinds and the business capital from distribution's answers
    (``list_programmes`` with the disabled ones, then ``export_allocations``) into
    ``repo``, applying snapshots by version (what is stored stays unless the answer
    has it newer). ``distribution_call(method, *args)`` calls distribution with a
    deadline. Returns ``{"programmes": n, "allocations": n}`` (no allocations are
    read while distribution has no programme). Raises what ``distribution_call``
    raises (the caller retries)."""
    programmes = resync(lambda page, size: distribution_call("list_programmes", True, page,
                                                             size),
                        lambda item: apply_programme(repo, item), per_page=200)
    allocations = resync(lambda page, size: distribution_call("export_allocations", page,
                                                              size),
                         lambda item: _apply_exported(repo, item),
                         per_page=500) if programmes else 0
    return {"programmes": programmes, "allocations": allocations}


def catch_up(repo, distribution_call):
    """``load_business_capital`` once, when this service has never seen a programme
    (a marketplace added to a running platform). Returns the counts, or None when
    not needed or when distribution failed (logged; the next sweep tries again)."""
    if repo.knows_programmes():
        return None
    try:
        counts = load_business_capital(repo, distribution_call)
    except Exception as exc:  # noqa: BLE001 - distribution not up yet: the next sweep retries
        log.warning("business-capital catch-up from distribution failed: %r", exc)
        return None
    log.info("business-capital record rebuilt from distribution: %s", counts)
    return counts


def rebuild_business_capital(repo, distribution_call):
    """Distribution's store is new (another store epoch): drop every business-capital
    record and programme kind, then ``load_business_capital`` from its answers, so a
    profile shows only what distribution still has. Returns its counts; raises what
    ``distribution_call`` raises, leaving the record partial until a rebuild
    succeeds. Events of the new store applied before the drop are in the export
    (distribution wrote them before publishing), so none is lost."""
    repo.drop_business_capital()
    counts = load_business_capital(repo, distribution_call)
    repo.path_rebuilt("distribution")
    return counts


def rebuild_trainings(repo, partners_call):
    """Partners' store is new: drop every training record, then read the completed
    enrolments back from ``partners.export_completions`` (``enrolment_completed``
    payloads; ``partners_call(method, *args)`` calls partners with a deadline).
    Returns ``{"completions": n}`` (items read); raises what ``partners_call``
    raises, leaving the record partial until a rebuild succeeds."""
    repo.drop_trainings()
    read_ = resync(lambda page, size: partners_call("export_completions", page, size),
                   lambda item: _apply_exported_training(repo, item), per_page=500)
    repo.path_rebuilt("partners")
    return {"completions": read_}


def _apply_exported_training(repo, item):
    # only a completed enrolment is a training on the path (what enrolment_completed
    # carries); the export has no version: 0, so a live event of it (version 1 or
    # more) is as new and replaces it
    if item.get("status", "completed") != "completed" or not item.get("enrolment_id"):
        return False
    return repo.apply_training(item["enrolment_id"], 0, _training_record(item))


def _apply_exported(repo, item):
    try:
        apply_allocation(repo, read(AllocationSnapshot, item),
                         handed_over_at(item, clock.now_iso()))
    except ValidationError as exc:
        log.warning("allocation %s unreadable: %s", item.get("id"), exc.messages)


def paths_for(repo, sellers):
    """``{seller_id: PathOutOfAidOut}`` for ``sellers`` (stored documents), in a few
    queries; each says ``rebuilding_since`` while what it is read from is rebuilt."""
    if not sellers:
        return {}
    since = repo.path_rebuilding_since()
    residents = repo.residents_by_id([s["resident_id"] for s in sellers])
    household = {s["_id"]: (residents.get(s["resident_id"]) or {}).get("household_id")
                 for s in sellers}
    aid = repo.aid_of_household({h for h in household.values() if h})
    trainings = repo.trainings_of([s["resident_id"] for s in sellers])
    programmes = repo.programme_kinds()
    first_sale = {}
    for order in repo.orders_where({"seller_id": {"$in": [s["_id"] for s in sellers]},
                                    "status": "completed"}, {"seller_id": 1, "completed_at": 1}):
        seen = first_sale.get(order["seller_id"])
        if seen is None or order["completed_at"] < seen:
            first_sale[order["seller_id"]] = order["completed_at"]
    out = {}
    for seller in sellers:
        mine_aid = [a for a in aid if household[seller["_id"]] and
                    a.get("household_id") == household[seller["_id"]] and a.get("received_on")]
        mine_training = [t for t in trainings if t.get("resident_id") == seller["resident_id"]]
        out[seller["_id"]] = dict(views.path_out_of_aid(
            mine_aid, mine_training, programmes, first_sale.get(seller["_id"])),
            rebuilding_since=since)
    return out


def apply_training(repo, event):
    """Keep a completed training of a resident (partners' ``enrolment_completed``)."""
    data = event["data"]
    return repo.apply_training(data["enrolment_id"], event["aggregate_version"],
                               _training_record(data))


def _training_record(data):
    return {k: data.get(k) for k in ("resident_id", "programme_id", "programme_kind",
                                     "programme_title", "topics", "partner_id",
                                     "partner_name", "outcome", "completed_on")}


def profiles(repo, sellers, today):
    """The whole profile (``SellerOut``) of each stored seller, in a few queries: the
    resident's name from the registry projection, the path out of aid, listing counts."""
    paths = paths_for(repo, sellers)
    residents = repo.residents_by_id([s["resident_id"] for s in sellers])
    return [views.seller_view(s, residents.get(s["resident_id"]), paths[s["_id"]],
                              repo.listing_counts(s["_id"]), today) for s in sellers]
