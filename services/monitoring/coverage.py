"""Coverage of the year's rounds, eligible against reached (issue 14 "Reports";
docs/monitoring.md "Coverage"), from monitoring's allocation facts.

Eligible are the households (or, for a programme whose allocations go to one
member, the persons) that got an allocation in a round of the year, those
waiting beyond the quota included (``allocation_created`` with status
``waiting``); reached are those of them whose allocation was disbursed
(``aid_disbursed``). A family allocated in two rounds of one programme counts
once, and is reached when either was handed over.
"""
from collections import defaultdict

#: the allocation facts coverage reads
KINDS = ("allocation_created", "aid_disbursed")


def _pct(reached, eligible):
    return round(100.0 * reached / eligible, 1) if eligible else None


def _row(eligible, reached, **extra):
    return dict(extra, eligible=len(eligible), reached=len(reached),
                reached_pct=_pct(len(reached), len(eligible)))


def coverage(facts, year):
    """Eligible against reached per programme and RW in the rounds of ``year``.

    Args:
        facts: allocation facts (``domain.fact`` documents with ``unit``,
            ``unit_id``, ``at``, and ``round_year`` when the round's year is not
            the fact's ``year``), any order; those of other rounds' years, other
            kinds and without ``unit_id`` (recorded before coverage) are left out.
        year: the rounds' year (the round's ``year``, not the month of the event).

    Returns ``[{programme_code, unit ("household" or "person"), eligible, reached,
    reached_pct (0-100, one decimal; None when none is eligible), by_rw: [{rw,
    eligible, reached, reached_pct}]}]`` by programme code, RWs in order. A unit's
    RW is the one of its latest fact (``"-"`` when unknown). A disbursement whose
    creation monitoring never saw makes its unit eligible too.
    """
    facts = sorted((f for f in facts if f.get("round_year", f.get("year")) == year
                    and f.get("kind") in KINDS and f.get("unit_id")),
                   key=lambda f: (f.get("at") or "", f["_id"]))
    eligible, reached = defaultdict(set), defaultdict(set)
    units, where = {}, {}
    for f in facts:
        code = f.get("programme_code") or "-"
        eligible[code].add(f["unit_id"])
        if f["kind"] == "aid_disbursed":
            reached[code].add(f["unit_id"])
        if f.get("unit") == "person" or code not in units:
            units[code] = f.get("unit") or "household"
        where[(code, f["unit_id"])] = f.get("rw") or "-"
    out = []
    for code in sorted(eligible):
        by_rw = defaultdict(lambda: (set(), set()))
        for unit_id in eligible[code]:
            rw_eligible, rw_reached = by_rw[where[(code, unit_id)]]
            rw_eligible.add(unit_id)
            if unit_id in reached[code]:
                rw_reached.add(unit_id)
        out.append(_row(eligible[code], reached[code], programme_code=code, unit=units[code],
                        by_rw=[_row(e, r, rw=rw) for rw, (e, r) in sorted(by_rw.items())]))
    return out
