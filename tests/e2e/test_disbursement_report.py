"""GET /api/v1/reports/disbursements over HTTP: a handover counts in its month (WIB),
with rupiah and representatives, as JSON and as CSV; officers only; a bad year is named."""
import datetime

import pytest

from tests.support.api import ApiError
from tests.e2e.test_distribution import programme_for, register, round_body

pytestmark = pytest.mark.e2e


def test_a_handover_shows_in_its_month_as_json_and_csv(officer, public):
    household = register(officer)
    head, wife, _ = household["members"]
    body = programme_for([household["kk_number"]], amount=450000)
    officer.post("programmes", body)
    rnd = officer.post("programmes/%s/rounds" % body["code"], round_body())
    officer.post("rounds/%s/allocations" % rnd["id"])
    [alloc] = officer.get("rounds/%s/allocations" % rnd["id"])["items"]
    done = officer.post("allocations/%s/disburse" % alloc["id"], {
        "received_by_nik": head["nik"], "channel": "cash", "evidence_ref": "BAST-REP"})
    at = datetime.datetime.fromisoformat(done["disbursement"]["disbursed_at"].replace(
        "Z", "+00:00")) + datetime.timedelta(hours=7)
    report = officer.get("reports/disbursements", {"year": at.year})
    [mine] = [p for p in report["programmes"] if p["programme_code"] == body["code"]]
    month = mine["months"][at.month - 1]
    assert month == {"month": at.strftime("%Y-%m"), "count": 1, "amount_idr": 450000,
                     "by_representative": 1, "returned": 0}
    assert mine["totals"]["count"] == 1 and len(report["months"]) == 12
    text = officer.raw("GET", "reports/disbursements",
                       params={"year": at.year, "format": "csv"}).text
    assert "%s,%s,1,450000,1,0" % (body["code"], at.strftime("%Y-%m")) in text
    with pytest.raises(ApiError) as refused:
        officer.get("reports/disbursements", {"year": "tahun"})
    assert refused.value.status == 400 and "year" in refused.value.errors
    with pytest.raises(ApiError) as anonymous:
        public.get("reports/disbursements", {"year": at.year})
    assert anonymous.value.status == 401
