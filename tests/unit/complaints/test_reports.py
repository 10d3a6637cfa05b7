"""Complaint reports (counts, time to resolve, overdue, per month/year, CSV) and feedback."""
import csv
import datetime
import io

import pytest

from services.shared.errors import InvalidInput

from services.complaints.reports import percentile
from services.shared.clock import WIB
from tests.unit.complaints.conftest import UTC, anonymous

OFFICER = {"name": "Rina", "role": "officer"}


def test_nearest_rank_percentiles():
    values = list(range(1, 11))
    assert percentile(values, 90) == 9 and percentile(values, 50) == 5
    assert percentile([7.5], 90) == 7.5 and percentile([], 90) is None


@pytest.fixture
def filed(repo):
    """Five complaints in November 2025 and one in December (WIB), four resolved after
    10, 20, 30 and 200 hours (the last after its 7-day deadline), two left open."""
    base = datetime.datetime(2025, 11, 3, 2, 0, tzinfo=UTC)
    for i, hours in enumerate([10, 20, 30, 200]):
        doc = repo.submit(anonymous("pungli" if i == 0 else "exclusion"), base + datetime.timedelta(days=i))
        t = base + datetime.timedelta(days=i)
        repo.transition(doc["_id"], {"to": "verified"}, OFFICER, t + datetime.timedelta(hours=1))
        repo.transition(doc["_id"], {"to": "resolved", "note": "ok"}, OFFICER,
                        t + datetime.timedelta(hours=hours))
    repo.submit(anonymous("schedule"), base)
    # 30 Nov 18:00 UTC is 1 Dec 01:00 WIB: a December complaint
    repo.submit(anonymous("suggestion"), datetime.datetime(2025, 11, 30, 18, 0, tzinfo=UTC))


def test_the_year_report_counts_and_times(service, filed):
    report = service.complaint_report(2025)
    total = report["total"]
    assert total["submitted"] == 6
    assert total["by_category"]["exclusion"] == 3 and total["by_category"]["pungli"] == 1
    assert total["by_status"]["resolved"] == 4 and total["by_status"]["received"] == 2
    assert total["by_category_and_status"]["exclusion"]["resolved"] == 3
    assert total["hours_to_resolve"] == {"median": 25.0, "p90": 200.0}
    assert total["overdue_now"] == 2  # both open ones are long past their deadlines
    assert total["missed_deadline"] == 3  # the two open ones and the one resolved late
    months = {m["month"]: m for m in report["months"]}
    assert len(months) == 12
    assert months["2025-11"]["submitted"] == 5 and months["2025-12"]["submitted"] == 1
    assert months["2025-01"]["hours_to_resolve"] == {"median": None, "p90": None}


def test_a_month_report(service, filed):
    report = service.complaint_report(2025, 12)
    assert report["total"]["submitted"] == 1 and [m["month"] for m in report["months"]] == ["2025-12"]


def test_the_csv_export(service, filed):
    rows = list(csv.DictReader(io.StringIO(service.complaint_report_csv(2025))))
    year_all = [r for r in rows if r["period"] == "2025" and r["category"] == "all"][0]
    assert year_all["submitted"] == "6" and year_all["resolved"] == "4"
    assert year_all["median_hours_to_resolve"] == "25.0"
    assert year_all["p90_hours_to_resolve"] == "200.0"
    assert len(rows) == 13 * 9  # the year and 12 months, 8 categories + all
    nov_pungli = [r for r in rows if r["period"] == "2025-11" and r["category"] == "pungli"][0]
    assert nov_pungli["submitted"] == "1" and nov_pungli["median_hours_to_resolve"] == "10.0"


def test_a_bad_period_is_a_400(service):
    with pytest.raises(InvalidInput) as exc:
        service.complaint_report("twenty", 13)
    assert {"year", "month"} <= set(exc.value.errors)


def test_feedback_aggregates_per_programme_and_year(service):
    for rating, needs in ((5, ["food"]), (4, ["food", "clean_water"]), (2, [])):
        service.submit_feedback({"programme_code": "SEMBAKO", "rating": rating, "needs": needs,
                                 "comment": "Beras kadang terlambat 🙏"})
    service.submit_feedback({"programme_code": "PKH", "rating": 3, "needs_other": "Les anak"})
    summary = service.feedback_summary(datetime.datetime.now(WIB).year)
    sembako = [p for p in summary["programmes"] if p["programme_code"] == "SEMBAKO"][0]
    assert sembako["responses"] == 3 and sembako["average_rating"] == 3.67
    assert sembako["ratings"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}
    assert sembako["needs"][0] == {"code": "food", "label": "Bahan pangan / sembako", "count": 2}
    assert sembako["comments"] == 3
    pkh = [p for p in summary["programmes"] if p["programme_code"] == "PKH"][0]
    assert pkh["needs_other"] == 1
    rows = list(csv.DictReader(io.StringIO(service.feedback_summary_csv(summary["year"]))))
    assert {r["programme_code"]: r["need_food"] for r in rows} == {"PKH": "0", "SEMBAKO": "2"}
    assert service.feedback_summary(summary["year"] - 1)["programmes"] == []
