"""Allocations: generate for a round, disburse exactly once, close, reassign,
and follow the registry when a member leaves (issue 3).

Every change is one conditional single-document update carrying its event
(``store.change_allocation``): a concurrent change makes the other match nothing.
"""
import contextlib
import uuid

import eventlet

from services.shared import clock
from services.shared.caller import request_id, system_actor
from services.shared.contract import load
from services.shared.errors import Conflict, RuleRefused
from services.shared.rules import member_view, parse_date

from services.distribution import contract, domain, events as ev
from services.distribution.domain import (CANCELLED, DISBURSED, NOT_COLLECTED, OPEN, PENDING,
                                          RETURNED, WAITING)

#: Yield to the eventlet hub this often while evaluating a whole registry, so
#: broker heartbeats and other workers are served (docs/style.md).
YIELD_EVERY = 250


def generate(repo, round_id, actor):
    """Create allocations for everyone eligible in a round (``POST /rounds/{id}/allocations``).

    One per eligible household, or per qualifying member for a per-member
    programme, with the amount from the round's copy of the programme's rules,
    evaluated on the registry projection with ages at the round's first day.
    Idempotent: ids are deterministic, so a rerun creates nothing new. When
    budget or quota is short the lowest welfare deciles get ``pending`` and
    the rest ``waiting`` (never dropped).

    Returns ``{"round_id", "eligible", "created", "waiting", "already_allocated",
    "refused": {reason: count}}``: ``created`` counts new pending allocations,
    ``waiting`` new waiting ones. Raises NotFound, RuleRefused (round closed).
    """
    rnd = repo.round(round_id)
    if rnd["status"] == "closed":
        raise RuleRefused("Round %s is closed." % round_id)
    with _round_lease(repo, round_id):
        return _generate(repo, rnd, round_id, actor)


@contextlib.contextmanager
def _round_lease(repo, round_id):
    """Serialise work that spends a round's budget or quota (generation, reassignment),
    so two officers acting at once cannot overshoot it."""
    holder = uuid.uuid4().hex
    if not repo.lock_round(round_id, holder):
        raise Conflict("Allocations of round %s are being generated or reassigned right now; "
                       "try again in a moment." % round_id)
    try:
        yield
    finally:
        repo.unlock_round(round_id, holder)


def _generate(repo, rnd, round_id, actor):
    rules_doc = dict(rnd["rules"], code=rnd["programme_code"])
    compiled = domain.Compiled(rules_doc)
    reference = parse_date(rnd["starts_on"])
    receiving = domain.Receiving(repo.receiving(rnd["year"]))
    exclusions = repo.exclusion_table()
    existing = {d["_id"]: d for d in repo.find_allocations(
        {"round_id": round_id}, fields={"status": 1, "amount_idr": 1})}
    held = [d for d in existing.values() if d["status"] in (PENDING, DISBURSED)]
    members_by_hh = repo.active_residents_by_household()
    completions = repo.completions_by_resident()
    eligible, refused, fresh = 0, {}, []
    for i, household in enumerate(repo.active_households()):
        if i % YIELD_EVERY == 0:
            eventlet.sleep(0)
        ctx = domain.build_context(household, members_by_hh.get(household["id"], []),
                                   reference, receiving, completions)
        if not ctx.members:
            continue
        for cand in domain.evaluate_household(compiled, ctx):
            member = cand["member"]
            received = member["programmes"] if member else ctx.household["programmes"]
            blocked = domain.excluded_by(rnd["programme_code"], compiled.excludes, received,
                                         exclusions)
            if blocked:
                key = "excluded_by_" + "_".join(blocked)
                refused[key] = refused.get(key, 0) + 1
                continue
            recipient = domain.choose_recipient(compiled.recipient_rule, ctx.members, member)
            if recipient is None:
                refused["no_eligible_recipient"] = refused.get("no_eligible_recipient", 0) + 1
                continue
            eligible += 1
            alloc_id = domain.allocation_id(round_id, household["id"], member and member["id"])
            if alloc_id not in existing:
                fresh.append(_new_allocation(alloc_id, rnd, household, member, recipient,
                                             cand, actor))
    planned = domain.plan(fresh, rnd.get("budget_idr"), rnd.get("quota"),
                          sum(d["amount_idr"] for d in held), len(held))
    for doc in planned:
        doc["allotted"] = doc["status"] == PENDING
        doc["history"][0]["status"] = doc["status"]
    repo.insert_allocations(planned, request_id(actor))
    summary = {"round_id": round_id, "eligible": eligible,
               "created": sum(1 for d in planned if d["status"] == PENDING),
               "waiting": sum(1 for d in planned if d["status"] == WAITING),
               "already_allocated": len(existing), "refused": refused}
    _record_generation(repo, rnd, summary)
    return summary


def _new_allocation(alloc_id, rnd, household, member, recipient, cand, actor):
    now = clock.now_iso()
    doc = {"_id": alloc_id, "round_id": rnd["_id"], "round_name": rnd["name"],
           "programme_code": rnd["programme_code"], "year": rnd["year"],
           "household_id": household["id"], "kk_number": household.get("kk_number"),
           "rt": household.get("rt"), "rw": household.get("rw"),
           "welfare_decile": household.get("welfare_decile"),
           "monthly_income_idr": household.get("monthly_income_idr"),
           "member_id": member["id"] if member else None,
           "member_nik": member.get("nik") if member else None,
           "member_name": member.get("full_name") if member else None,
           "amount_idr": cand["amount_idr"], "components": cand["components"],
           "goods": rnd["rules"]["benefit"].get("goods") or [],
           "status": None, "status_reason": None, "status_note": "",
           "reassigned_from": None, "reassigned_to": None, "disbursement": None,
           "created_at": now, "updated_at": now, "version": 1,
           "history": [{"at": now, "action": "created", "by": actor, "version": 1}]}
    doc.update(domain.recipient_fields(recipient))
    return doc


def _record_generation(repo, rnd, summary):
    """Store the generation's counts on the round: one unconditional write (under
    the round's lease no other generation writes them), so no number of
    concurrent changes to the round can leave ``eligible`` stale."""
    repo.record_generation(rnd["_id"], {"eligible": summary["eligible"],
                                        "generated_at": clock.now_iso(),
                                        "refused": summary["refused"]})


def _change(repo, allocation_id, allowed, changes, event_type, entry, already=None):
    """Change an allocation whose status is in ``allowed``; retry a lost race.

    ``already`` (status, message) answers Conflict when the allocation is
    already in that status; any other status answers RuleRefused.
    """
    for _ in range(10):
        doc = repo.allocation(allocation_id)
        if already and doc["status"] == already[0]:
            raise Conflict(already[1] % doc)
        if doc["status"] not in allowed:
            raise RuleRefused("Allocation %s is %s; this needs %s." % (
                allocation_id, doc["status"], " or ".join(allowed)), {"status": [doc["status"]]})
        new = repo.change_allocation(doc, changes(doc) if callable(changes) else changes,
                                     event_type, entry, {"status": {"$in": list(allowed)}},
                                     request_id(entry["by"]))
        if new is not None:
            return new
    raise Conflict("Allocation %s keeps changing; retry." % allocation_id)


def disburse(repo, allocation_id, payload, actor):
    """Record the handover of a pending allocation, exactly once.

    Args:
        payload (dict): ``received_by_nik`` (the recipient, or an active member
            of the household standing in), ``channel`` (cash, bank, post),
            ``evidence_ref``, optional ``location`` (default: the round's), ``note``
            and ``handed_over_at`` (when it happened, for a handover entered later
            from its paper record; default now).
    Returns the disbursed allocation: ``disbursement.disbursed_at`` is when the
    aid was handed over, ``disbursement.recorded_at`` when it was entered (the
    same instant without ``handed_over_at``). Raises Conflict (409) when it was
    already disbursed, also by a concurrent request; InvalidInput (400) for a
    ``handed_over_at`` that is not a date and time with offset; RuleRefused (422)
    when it is not pending, its round is closed, the receiver is not of the
    household, or ``handed_over_at`` is in the future, before the round's first
    day or after it was closed (``domain.handover_time``).
    """
    data = load(contract.DisbursementIn, payload)
    doc = repo.allocation(allocation_id)
    if doc["status"] == DISBURSED:
        # before the checks of who receives: a repeat is a repeat whoever it names (409)
        raise Conflict("Allocation %s was already disbursed." % allocation_id)
    rnd = repo.round(doc["round_id"])
    if rnd["status"] == "closed" and doc["status"] == PENDING:
        raise RuleRefused("Round %s is closed; record the allocation as not collected." % rnd["_id"])
    if doc["status"] == PENDING and clock.village_today().isoformat() < rnd["starts_on"]:
        raise RuleRefused("Round %s starts on %s; aid is handed over from that day."
                          % (rnd["_id"], rnd["starts_on"]))
    now = clock.now_iso()
    disbursed_at = domain.handover_time(data["handed_over_at"], now, rnd)
    receiver = _receiver(repo, doc, data["received_by_nik"])
    disbursement = {"received_by_nik": data["received_by_nik"],
                    "received_by_name": receiver.get("full_name"),
                    "received_by_relationship": receiver.get("relationship"),
                    "representative": receiver.get("id") != doc.get("recipient_id"),
                    "channel": data["channel"], "evidence_ref": data["evidence_ref"],
                    "location": data["location"] or rnd["location"], "note": data["note"],
                    "disbursed_at": disbursed_at, "recorded_at": now, "recorded_by": actor}
    return _change(repo, allocation_id, (PENDING,),
                   {"status": DISBURSED, "disbursement": disbursement}, ev.AID_DISBURSED,
                   {"action": "disbursed", "by": actor},
                   already=(DISBURSED, "Allocation %(_id)s was already disbursed."))


def _receiver(repo, doc, nik):
    if nik == doc.get("recipient_nik"):
        person = repo.resident(doc["recipient_id"]) or {}
        return dict(person, id=doc["recipient_id"], full_name=doc.get("recipient_name"),
                    relationship=doc.get("recipient_relationship"))
    for person in repo.residents_by_nik(nik):
        if person.get("household_id") == doc["household_id"] and person.get("status") == "active":
            return dict(person, id=person["_id"])
    raise RuleRefused("The person receiving must be the recipient or an active member of "
                      "the household.", {"received_by_nik": ["not the recipient nor an active "
                                                             "member of this household"]})


def cancel(repo, allocation_id, payload, actor):
    """Cancel a pending or waiting allocation with a reason (``CANCEL_REASONS``)."""
    data = load(contract.CancelIn, payload)
    return _change(repo, allocation_id, OPEN, {"status": CANCELLED, "status_reason": data["reason"],
                                               "status_note": data["note"]},
                   ev.ALLOCATION_CANCELLED, {"action": "cancelled", "by": actor, **data},
                   already=(CANCELLED, "Allocation %(_id)s is already cancelled."))


def return_allocation(repo, allocation_id, payload, actor):
    """Record that disbursed aid came back (``RETURN_REASONS``); the disbursement stays on record."""
    data = load(contract.ReturnIn, payload)
    return _change(repo, allocation_id, (DISBURSED,),
                   {"status": RETURNED, "status_reason": data["reason"], "status_note": data["note"]},
                   ev.ALLOCATION_RETURNED, {"action": "returned", "by": actor, **data},
                   already=(RETURNED, "Allocation %(_id)s is already returned."))


def mark_not_collected(repo, allocation_id, payload, actor):
    """Close a pending allocation as not collected (refused, moved, not_found, died, other)."""
    data = load(contract.NotCollectedIn, payload)
    return _change(repo, allocation_id, (PENDING,),
                   {"status": NOT_COLLECTED, "status_reason": data["reason"],
                    "status_note": data["note"]},
                   ev.ALLOCATION_NOT_COLLECTED, {"action": "not_collected", "by": actor, **data},
                   already=(NOT_COLLECTED, "Allocation %(_id)s is already not collected."))


def reassign(repo, allocation_id, actor):
    """Give the slot of a not-collected, cancelled or returned allocation to the
    next waiting one of its round (lowest decile first, within budget and quota).

    Returns ``{"from": closed allocation, "to": promoted allocation}``. Raises
    Conflict when it was already reassigned, RuleRefused when nothing waits.
    """
    source = repo.allocation(allocation_id)
    if source["status"] not in (NOT_COLLECTED, CANCELLED, RETURNED):
        raise RuleRefused("Only a not collected, cancelled or returned allocation can be "
                          "reassigned; %s is %s." % (allocation_id, source["status"]))
    if source.get("reassigned_to"):
        raise Conflict("Allocation %s was already reassigned to %s." % (
            allocation_id, source["reassigned_to"]))
    rnd = repo.round(source["round_id"])
    with _round_lease(repo, rnd["_id"]):
        return _reassign(repo, rnd, source, allocation_id, actor)


def _reassign(repo, rnd, source, allocation_id, actor):
    held = repo.find_allocations({"round_id": rnd["_id"], "status": {"$in": [PENDING, DISBURSED]}},
                                 fields={"amount_idr": 1})
    spent = sum(d["amount_idr"] for d in held)
    if rnd.get("quota") is not None and len(held) + 1 > rnd["quota"]:
        raise RuleRefused("The round's quota is already taken.")
    waiting = sorted(repo.find_allocations({"round_id": rnd["_id"], "status": WAITING}),
                     key=domain.priority)
    for cand in waiting:
        if rnd.get("budget_idr") is not None and spent + cand["amount_idr"] > rnd["budget_idr"]:
            continue
        promoted = repo.change_allocation(
            cand, {"status": PENDING, "allotted": True, "reassigned_from": allocation_id},
            ev.ALLOCATION_PROMOTED, {"action": "promoted", "by": actor, "from": allocation_id},
            {"status": WAITING}, request_id(actor))
        if promoted is None:
            continue
        closed = repo.change_allocation(source, {"reassigned_to": cand["_id"]},
                                        ev.ALLOCATION_UPDATED,
                                        {"action": "reassigned", "by": actor, "to": cand["_id"]},
                                        {"reassigned_to": None}, request_id(actor))
        if closed is None:  # another officer reassigned it first: put ours back
            back = repo.get_allocation(cand["_id"])
            repo.change_allocation(back, {"status": WAITING, "allotted": False,
                                          "reassigned_from": None}, ev.ALLOCATION_UPDATED,
                                   {"action": "promotion_undone", "by": actor}, {"status": PENDING})
            raise Conflict("Allocation %s was reassigned by someone else meanwhile." % allocation_id)
        return {"from": closed, "to": promoted}
    raise RuleRefused("No waiting allocation in round %s fits its budget and quota." % rnd["_id"])


def on_resident_deactivated(repo, resident, reason, correlation_id=None):
    """Follow a member's deactivation (registry ``resident_deactivated``).

    Cancels that member's open per-member allocations; removes their benefit
    components from open family allocations; passes allocations they were to
    receive to the next adult by the programme's recipient rule, cancelling
    only when none is left. Disbursed allocations are never touched.
    Idempotent: a replay finds nothing left to change. Returns the number changed.
    """
    rid = resident["id"]
    query = {"status": {"$in": list(OPEN)}, "$or": [
        {"member_id": rid}, {"recipient_id": rid}, {"components.member_id": rid}]}
    actor = system_actor("registry event", correlation_id)
    changed, rounds, households = 0, {}, {}
    for alloc in repo.find_allocations(query):
        rnd = rounds.get(alloc["round_id"]) or rounds.setdefault(
            alloc["round_id"], repo.get_round(alloc["round_id"]))
        hid = alloc["household_id"]
        if hid not in households:
            households[hid] = [r for r in repo.members_of(hid)
                               if r.get("status") == "active" and r["id"] != rid]
        members = [member_view(r, parse_date(rnd["starts_on"])) for r in households[hid]]
        rule = rnd["rules"].get("recipient") or domain.HEAD_FIRST
        action, arg = domain.deactivation_effect(alloc, rid, members, rule, reason)
        if action == "cancel":
            new = repo.change_allocation(alloc, {"status": CANCELLED, "status_reason": arg,
                                                 "status_note": "resident %s: %s" % (rid, reason)},
                                         ev.ALLOCATION_CANCELLED,
                                         {"action": "cancelled", "by": actor, "reason": arg},
                                         {"status": {"$in": list(OPEN)}}, correlation_id)
        elif action == "update":
            new = repo.change_allocation(alloc, arg, ev.ALLOCATION_UPDATED,
                                         {"action": "member_left", "by": actor, "member_id": rid,
                                          "changes": sorted(arg)},
                                         {"status": {"$in": list(OPEN)}}, correlation_id)
        else:
            continue
        if new is None:  # changed meanwhile: the handler is retried by the inbox
            raise Conflict("allocation %s changed during deactivation handling" % alloc["_id"])
        changed += 1
    return changed
