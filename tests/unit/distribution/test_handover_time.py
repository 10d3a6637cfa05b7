"""A handover entered later from its paper record (berita acara serah terima):
``handed_over_at`` on ``disburse`` dates it when it happened, ``recorded_at``
keeps when it was entered, and the reports count it in its own month."""
import pytest

from services.distribution import allocations, domain, reports
from services.distribution.contract.events import ALLOCATION_EVENTS, handed_over_at
from services.shared import clock
from services.shared.errors import InvalidInput, RuleRefused
from tests.unit.distribution.conftest import OFFICER, PKH_FAMILY

NOW = "2026-12-03T05:00:00.000Z"


@pytest.fixture
def pending(repo, registry, publish, schedule, monkeypatch):
    """A pending SEMBAKO allocation of a round from 5 January to 30 March 2026, its
    family's recipient NIK, and the clock at ``NOW``."""
    monkeypatch.setattr(clock, "now_iso", lambda: NOW)
    publish("SEMBAKO")
    _, people = registry.household(decile=1, members=PKH_FAMILY)
    rnd = schedule("SEMBAKO", starts_on="2026-01-05", ends_on="2026-03-30")
    allocations.generate(repo, rnd["id"], OFFICER)
    [alloc] = repo.find_allocations({"round_id": rnd["id"]})
    return alloc, alloc["recipient_nik"], rnd


def _disburse(repo, alloc, nik, **extra):
    return allocations.disburse(repo, alloc["_id"], dict(
        {"received_by_nik": nik, "channel": "cash", "evidence_ref": "BAST/01"}, **extra), OFFICER)


def _refused_field(exc_info):
    return exc_info.value.errors["handed_over_at"][0]


def test_a_handover_entered_later_keeps_when_it_happened_and_when_it_was_entered(
        repo, pending):
    alloc, nik, _ = pending
    done = _disburse(repo, alloc, nik, handed_over_at="2026-02-10T09:30:00+07:00")

    assert done["disbursement"]["disbursed_at"] == "2026-02-10T02:30:00.000Z"
    assert done["disbursement"]["recorded_at"] == NOW
    stored = repo.allocations.find_one({"_id": alloc["_id"]})
    assert stored["disbursement"]["disbursed_at"] == "2026-02-10T02:30:00.000Z"
    # the event carries both, and consumers read both through the contract
    [event] = [e for e in stored["_outbox"] if e["type"] == "aid_disbursed"]
    assert event["occurred_at"] == NOW
    read = ALLOCATION_EVENTS["aid_disbursed"].read(event)["data"]
    assert read["allocation"]["disbursement"] == {"disbursed_at": "2026-02-10T02:30:00.000Z",
                                                  "recorded_at": NOW}
    assert handed_over_at(read["allocation"]) == "2026-02-10T02:30:00.000Z"


def test_without_handed_over_at_it_happened_when_it_was_recorded(repo, pending):
    alloc, nik, _ = pending
    done = _disburse(repo, alloc, nik)
    assert done["disbursement"]["disbursed_at"] == done["disbursement"]["recorded_at"] == NOW


def test_the_disbursement_report_counts_it_in_the_month_it_happened(repo, pending):
    alloc, nik, _ = pending
    _disburse(repo, alloc, nik, handed_over_at="2026-02-28T23:30:00+07:00")

    [sembako] = reports.disbursement_report(repo, 2026)["programmes"]
    counts = {cell["month"]: cell["count"] for cell in sembako["months"] if cell["count"]}
    assert counts == {"2026-02": 1}


def test_a_handover_in_the_future_is_refused(repo, pending):
    alloc, nik, _ = pending
    with pytest.raises(RuleRefused) as exc:
        _disburse(repo, alloc, nik, handed_over_at="2026-12-03T05:06:00Z")
    assert "future" in _refused_field(exc)
    assert repo.allocation(alloc["_id"])["status"] == "pending"


def test_a_clock_a_few_minutes_fast_is_read_as_now(repo, pending):
    alloc, nik, _ = pending
    done = _disburse(repo, alloc, nik, handed_over_at="2026-12-03T05:04:00Z")
    assert done["disbursement"]["disbursed_at"] == NOW


@pytest.mark.parametrize("at, accepted", [
    ("2026-01-04T16:59:59Z", False),        # 4 January 23:59:59 WIB
    ("2026-01-04T17:00:00Z", True),         # 5 January 00:00 WIB, the round's first day
    ("2026-01-05T07:00:00+07:00", True),
])
def test_a_handover_before_the_rounds_first_day_in_the_village_is_refused(
        repo, pending, at, accepted):
    alloc, nik, rnd = pending
    if accepted:
        assert _disburse(repo, alloc, nik, handed_over_at=at)["status"] == "disbursed"
        return
    with pytest.raises(RuleRefused) as exc:
        _disburse(repo, alloc, nik, handed_over_at=at)
    assert "before the round's first day, 2026-01-05" in _refused_field(exc)


@pytest.mark.parametrize("value, says", [
    ("2026-02-10", "a date alone is not enough"),
    ("2026-02-10T09:30:00", "with its offset"),
    ("10/02/2026", "with its offset"),
])
def test_a_date_alone_or_a_time_without_offset_is_invalid_input(repo, pending, value, says):
    alloc, nik, _ = pending
    with pytest.raises(InvalidInput) as exc:
        _disburse(repo, alloc, nik, handed_over_at=value)
    assert says in exc.value.errors["handed_over_at"][0]


def test_a_handover_after_its_round_was_closed_is_refused():
    rnd = {"_id": "rd_1", "starts_on": "2026-01-05", "closed_at": "2026-03-31T10:00:00.000Z"}
    assert domain.handover_time("2026-03-31T09:00:00.000Z", NOW, rnd) == \
        "2026-03-31T09:00:00.000Z"
    with pytest.raises(RuleRefused) as exc:
        domain.handover_time("2026-03-31T10:00:01.000Z", NOW, rnd)
    assert "after the round was closed" in _refused_field(exc)
