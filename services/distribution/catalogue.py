"""Programmes and rounds: publish, revise, read, schedule, close.

Functions take the repository (``store.DistributionRepository``) and return
JSON-safe dicts. A round keeps a copy of its programme's rules as they were
when it was scheduled, so revising a programme applies to future rounds only
and never rewrites a past one (issue 3).
"""
from services.shared import clock
from services.shared.caller import request_id
from services.shared.contract import load
from services.shared.errors import Conflict, InvalidInput, RuleRefused
from services.shared.pagination import page_args, page_of

from services.distribution import allocations, contract, domain, events as ev
from services.distribution.store import public

RULE_FIELDS = ("name", "kind", "target", "criteria", "benefit", "recipient", "excludes",
               "frequency", "rights_and_obligations")


def _enabled(doc, deployment):
    out = public(doc)
    out["enabled"] = deployment in doc.get("applies_to", contract.DEPLOYMENTS)
    return out


def publish_programme(repo, payload, actor, deployment):
    """Publish a new programme (``POST /programmes``).

    Args:
        payload (dict): a ``contract.ProgrammeIn`` body; its rules are checked by
            ``services.shared.rules`` (errors name the rule's path).
        actor (dict): who publishes (the gateway's principal.actor).
    Returns the programme with ``version`` 1 and ``enabled`` for this
    deployment. Raises InvalidInput, Conflict when the code exists.
    """
    data = domain.validate_programme(load(contract.ProgrammeIn, payload))
    now = clock.now_iso()
    doc = dict(data, _id=data["code"], version=1, published_at=now, updated_at=now,
               published_by=actor)
    if repo.insert_programme(doc, request_id(actor)) is None:
        raise Conflict("Programme %s is already published; revise it instead." % data["code"],
                       {"code": ["already exists"]})
    return _enabled(doc, deployment)


def revise_programme(repo, code, payload, actor, deployment):
    """Replace a programme's definition (``PUT /programmes/{code}``); version + 1.

    Rounds already scheduled keep the rules they were scheduled with.
    Raises NotFound, InvalidInput (also when the body's code differs), Conflict
    when a concurrent revision won.
    """
    current = repo.programme(code)
    data = domain.validate_programme(load(contract.ProgrammeIn, payload))
    if data["code"] != code:
        raise InvalidInput("The code cannot change.", {"code": ["must be %s" % code]})
    doc = dict(data, _id=code, version=current["version"] + 1,
               published_at=current["published_at"], published_by=current["published_by"],
               updated_at=clock.now_iso(), revised_by=actor)
    if repo.replace_programme(doc, current["version"], request_id(actor)) is None:
        raise Conflict("Programme %s changed meanwhile; reload and retry." % code)
    return _enabled(doc, deployment)


def get_programme(repo, code, deployment):
    """One programme with its criteria, benefit, rights and obligations; NotFound."""
    return _enabled(repo.programme(code), deployment)


def list_programmes(repo, deployment, include_disabled=False, page=1, per_page=50):
    """Programmes enabled for this deployment (all with ``include_disabled``), by code."""
    page, per_page, skip = page_args(page, per_page)
    items = [_enabled(d, deployment) for d in repo.list_programmes()]
    if not include_disabled:
        items = [p for p in items if p["enabled"]]
    return page_of(items[skip:skip + per_page], page, per_page, len(items))


def schedule_round(repo, code, payload, actor, deployment):
    """Schedule a round (tahap) of a programme (``POST /programmes/{code}/rounds``).

    Args:
        payload (dict): ``name``, ``starts_on``, ``ends_on`` (YYYY-MM-DD),
            ``location``, optional ``budget_idr`` (rupiah) and ``quota``.
    Returns the round (``status`` ``scheduled``). Raises NotFound, InvalidInput,
    RuleRefused when the programme is not enabled for this deployment (BLT
    Dana Desa in a kelurahan).
    """
    programme = repo.programme(code)
    data = load(contract.RoundIn, payload)
    if deployment not in programme.get("applies_to", contract.DEPLOYMENTS):
        raise RuleRefused("Programme %s applies only to a %s deployment; this one is a %s." % (
            code, " or ".join(programme["applies_to"]), deployment))
    round_id = domain.round_id(code, data["name"], data["starts_on"].isoformat())
    doc = {"_id": round_id, "programme_code": code, "programme_name": programme["name"],
           "programme_version": programme["version"],
           "rules": {k: programme.get(k) for k in RULE_FIELDS},
           "name": data["name"], "starts_on": data["starts_on"].isoformat(),
           "ends_on": data["ends_on"].isoformat(), "year": data["starts_on"].year,
           "location": data["location"], "budget_idr": data["budget_idr"],
           "quota": data["quota"], "status": "scheduled", "eligible": None,
           "generated_at": None, "created_at": clock.now_iso(), "created_by": actor, "version": 1}
    existing = repo.get_round(round_id)
    if existing is not None:
        raise Conflict("A round named %r of %s starting %s already exists (%s)." % (
            data["name"], code, doc["starts_on"], round_id), {"name": ["already scheduled"]})
    snapshot = repo.insert_round(doc, request_id(actor))
    if snapshot is None:  # a concurrent duplicate request made the same id first
        raise Conflict("Round %s already exists." % round_id, {"name": ["already scheduled"]})
    return _round_out(snapshot)


def _round_out(doc):
    out = dict(doc)
    out.pop("rules", None)
    return out


def get_round(repo, round_id):
    """A round (without its copied rules); NotFound."""
    return _round_out(public(repo.round(round_id)))


def list_rounds(repo, programme=None, upcoming=None, on=None, page=1, per_page=50):
    """Rounds by start date; ``upcoming`` keeps those not ended by ``on`` (default today, UTC)."""
    page, per_page, skip = page_args(page, per_page)
    query = {}
    if programme:
        query["programme_code"] = programme
    if upcoming:
        query["ends_on"] = {"$gte": (on or clock.village_today().isoformat())}
        query["status"] = "scheduled"
    docs, total = repo.find_rounds(query, skip, per_page)
    return page_of([_round_out(public(d)) for d in docs], page, per_page, total)


def close_round(repo, round_id, actor):
    """Close a round: allocations still pending become ``not_collected`` (reason
    ``other``, note "round ended"); waiting ones stay on record as waiting.
    Returns the round. Raises NotFound; closing twice answers the closed round."""
    doc = repo.round(round_id)
    for alloc in repo.find_allocations({"round_id": round_id, "status": domain.PENDING}):
        allocations.mark_not_collected(repo, alloc["_id"], {
            "reason": "other", "note": "tidak diambil sampai akhir tahap"}, actor)
    while doc["status"] != "closed":
        if repo.update_round(doc, {"status": "closed", "closed_at": clock.now_iso(),
                                   "closed_by": actor}, ev.ROUND_CLOSED) is not None:
            break
        doc = repo.get_round(round_id)
    return get_round(repo, round_id)
