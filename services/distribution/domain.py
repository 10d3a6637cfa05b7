"""Distribution rules as plain functions: eligibility, benefit, recipient, planning.

No nameko, no pymongo. Rules come from the programme's data (issue 3): the
criteria and benefit components are evaluated by ``services.shared.rules``.
"""
import datetime
import hashlib

from services.shared import clock, rules
from services.shared.errors import InvalidInput, RuleRefused

#: Allocation statuses (docs/contract.md).
PENDING, WAITING, DISBURSED = "pending", "waiting", "disbursed"
NOT_COLLECTED, CANCELLED, RETURNED = "not_collected", "cancelled", "returned"
STATUSES = (PENDING, WAITING, DISBURSED, NOT_COLLECTED, CANCELLED, RETURNED)
#: What counts as "receiving" a programme for the exclusivity policy.
RECEIVING = (PENDING, DISBURSED)
OPEN = (PENDING, WAITING)

#: Default family recipient: the head, then the spouse, then other adults (issue 3).
HEAD_FIRST = {"relationships": ["head", "wife", "husband", "child", "child_in_law", "parent",
                                "parent_in_law", "grandchild", "other_relative"],
              "prefer_sex": None, "min_age": 17}
#: Age of majority for receiving aid: the KTP (identity card) age in Indonesia.
ADULT_AGE = 17
#: How far ahead of the service's clock a handover time may be: an officer's
#: phone or laptop clock runs a little fast, and a handover "just now" is not
#: a handover in the future.
CLOCK_SKEW = datetime.timedelta(minutes=5)


def validate_programme(data):
    """Check the rules inside a loaded programme; raise InvalidInput naming each path."""
    errors = rules.validate_rule(data["criteria"], "criteria",
                                 member_scope=data["target"] == "member")
    for path, attr in rules.attributes_used(data["criteria"]):
        if attr in rules.PARTNERS_ONLY:
            errors.setdefault(path + ".attr", []).append(
                "%s is known only to the partners service" % attr)
    rules.errors_merge(errors, rules.validate_components(data["benefit"]["components"]))
    if data["code"] in data["excludes"]:
        errors.setdefault("excludes", []).append("a programme cannot exclude itself")
    if errors:
        raise InvalidInput("The programme's rules are invalid.", errors)
    return data


class Compiled:
    """A programme's rules compiled once for a whole round (fast evaluation)."""

    def __init__(self, programme):
        self.programme = programme
        self.target = programme["target"]
        self.criteria = rules.compile_rule(programme["criteria"])
        self.benefit = programme["benefit"]
        self.components = rules.compile_components(self.benefit.get("components") or [])
        self.recipient_rule = programme.get("recipient") or HEAD_FIRST
        self.excludes = set(programme.get("excludes") or [])


def excluded_by(programme_code, excludes, received, catalogue_excludes):
    """Codes in ``received`` that cannot be combined with ``programme_code``.

    Exclusion is symmetric: A excludes B when A lists B or B lists A.
    ``catalogue_excludes`` maps every code to its ``excludes`` list.
    """
    return sorted(code for code in received
                  if code != programme_code and (
                      code in excludes or programme_code in catalogue_excludes.get(code, ())))


class Receiving:
    """Who receives which programme this year, for exclusivity and rules.

    Built from ``[(household_id, member_id|None, code)]`` of allocations that
    are pending or disbursed. A family receives a programme through its own
    allocation or any member's; a member through their own or the family's.
    """

    def __init__(self, rows=()):
        self.family, self.family_level, self.member = {}, {}, {}
        for household_id, member_id, code in rows:
            self.family.setdefault(household_id, set()).add(code)
            if member_id:
                self.member.setdefault(member_id, set()).add(code)
            else:
                self.family_level.setdefault(household_id, set()).add(code)

    def of_household(self, household_id):
        return self.family.get(household_id, set())

    def of_member(self, household_id, member_id):
        return self.member.get(member_id, set()) | self.family_level.get(household_id, set())


def build_context(household, residents, reference, receiving=None, completions=None):
    """A rules.Context over a household's *active* members at ``reference``.

    ``receiving`` (a ``Receiving``) fills the ``programmes`` attributes;
    ``completions`` (``{resident_id: [completed partner programmes]}``, from the
    partners service's ``enrolment_completed``) the training attributes.
    """
    receiving = receiving or Receiving()
    completions = completions or {}
    hid = household["id"]
    family = set(receiving.of_household(hid))
    members = []
    for r in residents:
        if r.get("status", "active") == "active":
            members.append(rules.member_view(r, reference, sorted(receiving.of_member(hid, r["id"])),
                                             completions.get(r["id"], ())))
            # a member who joined from another family brings their own programmes along
            family |= receiving.member.get(r["id"], set())
    hh = dict(household)
    hh["programmes"] = sorted(family)
    return rules.Context(hh, members)


def evaluate_household(compiled, ctx):
    """Candidates of one household for one programme.

    Returns ``[{"member": view|None, "components": [...], "amount_idr": int}]``:
    one for a household programme that the household meets, one per
    qualifying member for a per-member programme; empty when none qualifies.
    """
    if compiled.target == "household":
        if not compiled.criteria(ctx):
            return []
        benefit = benefit_for(compiled, ctx, None)
        return [benefit] if benefit else []
    out = []
    for member in ctx.members:
        mctx = ctx.for_member(member)
        if compiled.criteria(mctx):
            benefit = benefit_for(compiled, mctx, member)
            if benefit:
                out.append(benefit)
    return out


def benefit_for(compiled, ctx, member):
    """``{"member", "components", "amount_idr"}`` earned, or None when a programme
    with components finds none (``member``: a per-member programme's beneficiary)."""
    if compiled.components:
        comps = rules.member_components(compiled.components, ctx, member,
                                        compiled.benefit.get("max_components"))
        if not comps:
            return None
        return {"member": member, "components": comps,
                "amount_idr": sum(c["amount_idr"] for c in comps)}
    return {"member": member, "components": [],
            "amount_idr": int(compiled.benefit.get("amount_idr") or 0)}


def choose_recipient(rule, members, beneficiary=None, skip_ids=()):
    """Who receives an allocation, by the programme's recipient rule.

    Args:
        rule (dict): ``{"relationships": [...], "prefer_sex": "F"|None, "min_age": 17}``.
        members (list[dict]): member views (with ``age``) of the active members.
        beneficiary (dict|None): the member a per-member allocation is for: an
            adult beneficiary receives it personally.
        skip_ids: members who may not receive it (deactivated).
    Returns:
        dict|None: the member view, or None when no eligible adult is left.
    """
    min_age = rule.get("min_age", ADULT_AGE)
    if beneficiary is not None and beneficiary["id"] not in skip_ids and \
            (beneficiary.get("age") or 0) >= max(min_age, ADULT_AGE):
        return beneficiary
    order = {rel: i for i, rel in enumerate(rule["relationships"])}
    prefer = rule.get("prefer_sex")
    eligible = [m for m in members if m["id"] not in skip_ids
                and m.get("relationship") in order and (m.get("age") or 0) >= min_age]
    if not eligible:
        return None
    return min(eligible, key=lambda m: (prefer is not None and m.get("sex") != prefer,
                                        order[m["relationship"]], -(m.get("age") or 0), m["id"]))


def allocation_id(round_id, household_id, member_id=None):
    """Deterministic id: a rerun or a duplicate request makes the same id (issue 3)."""
    key = "%s|%s|%s" % (round_id, household_id, member_id or "")
    return "al_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def round_id(programme_code, name, starts_on):
    """Deterministic round id, so a retried request cannot schedule a round twice."""
    key = "%s|%s|%s" % (programme_code, name, starts_on)
    return "rd_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def priority(candidate):
    """Sort key when budget or quota is short: lowest welfare decile first (issue 3),
    then lowest income, then the KK number (stable across runs and deployments,
    unlike ids), then the id. Unknown deciles come last."""
    decile = candidate.get("welfare_decile")
    income = candidate.get("monthly_income_idr")
    return (decile if decile is not None else 99, income if income is not None else 1 << 62,
            candidate.get("kk_number") or "", candidate["_id"])


def plan(candidates, budget_idr, quota, committed_idr=0, committed_count=0):
    """Give each new candidate ``pending`` while budget and quota last, else ``waiting``.

    Args:
        candidates (list[dict]): new allocations with ``amount_idr``,
            ``welfare_decile``, ``monthly_income_idr``, ``_id``.
        budget_idr (int|None), quota (int|None): the round's limits (None: none).
        committed_idr, committed_count: what existing allocations already hold.
    Returns:
        list[dict]: the candidates in priority order with ``status`` set. Once
        one candidate does not fit, all after it wait too, so a smaller,
        richer household never overtakes a poorer one.
    """
    out, full = [], False
    for cand in sorted(candidates, key=priority):
        fits = not full and (budget_idr is None or committed_idr + cand["amount_idr"] <= budget_idr) \
            and (quota is None or committed_count + 1 <= quota)
        if fits:
            committed_idr += cand["amount_idr"]
            committed_count += 1
            cand["status"] = PENDING
        else:
            full = True
            cand["status"] = WAITING
        out.append(cand)
    return out


def deactivation_effect(allocation, resident_id, members, rule, reason):
    """What a member's deactivation does to one open allocation of their household.

    Args:
        allocation (dict): a pending or waiting allocation.
        resident_id (str): the member who left (deceased, moved out, ...).
        members (list[dict]): member views of the household's *remaining* active members.
        rule (dict): the programme's recipient rule.
        reason (str): the registry's ``inactive_reason``.
    Returns:
        ``("cancel", reason)``, ``("update", {fields})`` or ``(None, None)``.
    Past disbursements are never touched (only open allocations reach here).
    """
    if allocation.get("member_id") == resident_id:
        return "cancel", "member_%s" % (reason or "inactive")
    changes = {}
    comps = allocation.get("components") or []
    if any(c.get("member_id") == resident_id for c in comps):
        kept = [c for c in comps if c.get("member_id") != resident_id]
        if not kept:
            return "cancel", "no_eligible_component"
        changes["components"] = kept
        changes["amount_idr"] = sum(c["amount_idr"] for c in kept)
    if allocation.get("recipient_id") == resident_id or not any(
            m["id"] == allocation.get("recipient_id") for m in members):
        beneficiary = next((m for m in members if m["id"] == allocation.get("member_id")), None)
        nxt = choose_recipient(rule, members, beneficiary, skip_ids=(resident_id,))
        if nxt is None:
            return "cancel", "no_eligible_recipient"
        changes.update(recipient_fields(nxt))
    return ("update", changes) if changes else (None, None)


def handover_time(handed_over_at, now, rnd):
    """When a handover happened, checked against the clock and its round.

    Args:
        handed_over_at (str|None): the officer's ``handed_over_at`` (UTC ISO text,
            ``clock.iso``), None when the handover is recorded as it happens.
        now (str): the instant it is recorded (UTC ISO text).
        rnd (dict): the round, with ``starts_on`` (``YYYY-MM-DD``, a village day)
            and, once closed, ``closed_at`` (UTC ISO text).
    Returns:
        str: the ``disbursed_at`` to store: ``handed_over_at``, ``now`` when it is
        None or no more than ``CLOCK_SKEW`` ahead (never after it was recorded).
    Raises:
        RuleRefused naming ``handed_over_at``: later than ``now`` + ``CLOCK_SKEW``,
        on a village day (WIB) before the round's ``starts_on``, or after the
        round's ``closed_at``.
    """
    if handed_over_at is None:
        return now
    at, recorded = clock.parse_instant(handed_over_at), clock.parse_instant(now)
    if at > recorded + CLOCK_SKEW:
        raise RuleRefused("A handover cannot be recorded as happening in the future.", {
            "handed_over_at": ["must not be in the future (it is now %s)" % now]})
    if clock.village_date(at).isoformat() < rnd["starts_on"]:
        raise RuleRefused("Round %s starts on %s; aid is handed over from that day."
                          % (rnd.get("_id") or rnd.get("id"), rnd["starts_on"]), {
                              "handed_over_at": ["must not be before the round's first day, "
                                                 "%s (WIB)" % rnd["starts_on"]]})
    if rnd.get("closed_at") and at > clock.parse_instant(rnd["closed_at"]):
        raise RuleRefused("Round %s was closed at %s." % (rnd.get("_id") or rnd.get("id"),
                                                          rnd["closed_at"]), {
            "handed_over_at": ["must not be after the round was closed (%s)"
                               % rnd["closed_at"]]})
    return clock.iso(min(at, recorded))


def recipient_fields(member):
    """The allocation fields naming its recipient."""
    return {"recipient_id": member["id"], "recipient_nik": member.get("nik"),
            "recipient_name": member.get("full_name"),
            "recipient_relationship": member.get("relationship")}
