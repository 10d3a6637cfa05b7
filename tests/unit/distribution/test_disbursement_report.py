"""Aid handed over per programme and month: the report the console charts (issue 13)."""
import pytest

from services.distribution import allocations, reports
from services.shared import clock
from services.shared.errors import InvalidInput
from tests.unit.distribution.conftest import OFFICER, PKH_FAMILY


def _hand_over(repo, monkeypatch, alloc, people, at, representative=False):
    monkeypatch.setattr(clock, "now_iso", lambda: at)
    receiver = people[0] if representative else next(
        p for p in people if p["nik"] == alloc["recipient_nik"])
    allocations.disburse(repo, alloc["_id"], {"received_by_nik": receiver["nik"],
                                             "channel": "cash", "evidence_ref": "BAST"}, OFFICER)


def test_handovers_count_in_the_villages_month_with_rupiah_and_representatives(
        repo, registry, publish, schedule, monkeypatch):
    publish("SEMBAKO")
    families = [registry.household(decile=d, members=PKH_FAMILY)[1] for d in (1, 2, 3)]
    rnd = schedule("SEMBAKO", starts_on="2026-01-05", ends_on="2026-03-30")
    allocations.generate(repo, rnd["id"], OFFICER)
    by_kk = {a["kk_number"]: a for a in repo.find_allocations({"round_id": rnd["id"]})}
    mine = [by_kk[people[0]["kk_number"]] for people in families]
    # 31 Jan 23:59 WIB is January; 1 Feb 00:30 WIB (still 31 Jan in UTC) is February
    _hand_over(repo, monkeypatch, mine[0], families[0], "2026-01-31T16:59:59.999Z")
    _hand_over(repo, monkeypatch, mine[1], families[1], "2026-01-31T17:30:00.000Z",
               representative=True)
    _hand_over(repo, monkeypatch, mine[2], families[2], "2026-02-10T03:00:00.000Z")
    allocations.return_allocation(repo, mine[2]["_id"], {"reason": "duplicate"}, OFFICER)

    report = reports.disbursement_report(repo, "2026")
    assert report["months"][0] == "2026-01" and len(report["months"]) == 12
    [sembako] = report["programmes"]
    january, february = sembako["months"][0], sembako["months"][1]
    assert (january["count"], january["amount_idr"]) == (1, 600_000)
    assert (february["count"], february["amount_idr"], february["by_representative"],
            february["returned"]) == (2, 1_200_000, 1, 1)
    assert sembako["totals"] == {"count": 3, "amount_idr": 1_800_000, "by_representative": 1,
                                 "returned": 1}
    assert report["totals"]["count"] == 3 and report["months_total"][1]["count"] == 2
    assert reports.disbursement_report(repo, 2025)["programmes"] == []
    text = reports.disbursement_csv(report).splitlines()
    assert text[0] == "programme_code,month,count,amount_idr,by_representative,returned"
    assert "SEMBAKO,2026-02,2,1200000,1,1" in text and "all,2026-01,1,600000,0,0" in text


@pytest.mark.parametrize("year", ["abc", None, "1999", 2101])
def test_a_bad_year_is_named(repo, year):
    with pytest.raises(InvalidInput) as exc:
        reports.disbursement_report(repo, year)
    assert "year" in exc.value.errors
