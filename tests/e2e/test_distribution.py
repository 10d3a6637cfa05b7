"""Distribution over HTTP: publish, schedule, generate, disburse exactly once, follow the
registry, explain, status check, reports. Each test targets its own families with a
programme of its own (criteria on their KK numbers), so the shared platform's other
data never changes the counts."""
import concurrent.futures
import datetime
import uuid

import pytest

from tests.support.api import ApiError
from tests.helpers import wait_for
from tests.unit.registry import factories

pytestmark = pytest.mark.e2e


def fails(call, status):
    with pytest.raises(ApiError) as exc:
        call()
    assert exc.value.status == status, exc.value
    return exc.value.problem


def programme_for(kks, target="household", amount=600000, **extra):
    code = "E2E_" + uuid.uuid4().hex[:8].upper()
    body = {"code": code, "name": "Uji %s" % code, "kind": "cash_transfer", "target": target,
            "benefit": {"description": "Uang tunai uji", "amount_idr": amount},
            "frequency": {"rounds_per_year": 4, "description": "per triwulan"},
            "funding_source": "APBD (uji)",
            "criteria": {"all": [
                {"attr": "household.welfare_decile", "op": "lte", "value": 4,
                 "label": "Desil 1-4"},
                {"attr": "household.kk_number", "op": "in", "value": list(kks)}]},
            "recipient": {"relationships": ["wife", "head", "child"], "prefer_sex": "F"},
            "rights_and_obligations": {"rights": ["Menerima bantuan"],
                                       "obligations": ["Melapor bila pindah"]}}
    body.update(extra)
    return body


def register(officer, **extra):
    household = officer.post("households", factories.household(welfare_decile=2, **extra))
    nik = household["members"][0]["nik"]
    wait_for(lambda: _known(officer, nik), timeout=30,
             message="distribution never saw household %s" % household["id"])
    return household


def _known(officer, nik):
    try:
        officer.get("eligibility", {"nik": nik, "programme": "PKH_NOT_THERE"})
    except ApiError as exc:
        return exc.status == 404 and "programme" in exc.detail.lower()
    return True


def round_body(name="Tahap uji", days=30):
    today = datetime.date.today()
    return {"name": name, "starts_on": today.isoformat(),
            "ends_on": (today + datetime.timedelta(days=days)).isoformat(),
            "location": "Balai Warga RW 03"}


def test_a_round_from_publication_to_a_single_disbursement(officer, public, platform):
    household = register(officer)
    head, wife, child = household["members"]
    body = programme_for([household["kk_number"]])
    code = body["code"]
    published = officer.post("programmes", body)
    assert published["version"] == 1 and published["enabled"] is True
    seen = public.get("programmes/%s" % code)
    assert seen["rights_and_obligations"]["rights"] == ["Menerima bantuan"]
    assert "published_by" not in seen
    fails(lambda: officer.post("programmes", body), 409)

    rnd = officer.post("programmes/%s/rounds" % code, round_body())
    upcoming = public.get("rounds", {"programme": code, "upcoming": "true"})
    assert [r["id"] for r in upcoming["items"]] == [rnd["id"]]
    assert officer.post("rounds/%s/allocations" % rnd["id"])["created"] == 1
    again = officer.post("rounds/%s/allocations" % rnd["id"])
    assert (again["created"], again["waiting"], again["already_allocated"]) == (0, 0, 1)

    [alloc] = officer.get("rounds/%s/allocations" % rnd["id"])["items"]
    assert alloc["recipient_nik"] == wife["nik"] and alloc["amount_idr"] == 600000
    fails(lambda: public.get("rounds/%s/allocations" % rnd["id"]), 401)

    pay = {"received_by_nik": wife["nik"], "channel": "cash", "evidence_ref": "BAST-E2E-1"}

    def press():
        try:
            return officer.post("allocations/%s/disburse" % alloc["id"], pay)["status"]
        except ApiError as exc:
            return exc.status
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = sorted(map(str, pool.map(lambda _: press(), range(2))))
    assert results == ["409", "disbursed"]
    fails(lambda: officer.post("allocations/%s/disburse" % alloc["id"], pay), 409)

    report = officer.get("rounds/%s/report" % rnd["id"])["totals"]
    assert report["disbursed"] == {"count": 1, "amount_idr": 600000, "by_representative": 0}
    answer = officer.raw("GET", "rounds/%s/report" % rnd["id"], params={"format": "csv"})
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert "%s,%s,Tahap uji,disbursed,1,600000" % (rnd["id"], code) in answer.text
    year = officer.get("programmes/%s/reports/%s" % (code, rnd["starts_on"][:4]))
    assert year["totals"]["eligible"]["count"] == 1


def test_deactivation_follows_the_registry(officer):
    household = register(officer)
    head, wife, child = household["members"]
    code = officer.post("programmes", programme_for([household["kk_number"]]))["code"]
    rnd = officer.post("programmes/%s/rounds" % code, round_body())
    officer.post("rounds/%s/allocations" % rnd["id"])
    [alloc] = officer.get("rounds/%s/allocations" % rnd["id"])["items"]
    assert alloc["recipient_nik"] == wife["nik"]

    officer.post("residents/%s/deactivate" % wife["nik"], {"reason": "deceased", "note": "uji"})
    moved = wait_for(lambda: (lambda a: a["recipient_nik"] == head["nik"] and a)(
        officer.get("allocations/%s" % alloc["id"])), timeout=30)
    assert moved["status"] == "pending"
    officer.post("residents/%s/deactivate" % head["nik"], {"reason": "moved_out", "note": "uji"})
    gone = wait_for(lambda: (lambda a: a["status"] == "cancelled" and a)(
        officer.get("allocations/%s" % alloc["id"])), timeout=30)
    assert gone["status_reason"] == "no_eligible_recipient"
    mine = officer.get("residents/%s/programmes" % child["nik"])
    assert [(p["programme_code"], p["as"]) for p in mine["programmes"]] == [(code, "family_member")]


def test_status_check_reveals_nothing_to_a_guess_and_is_rate_limited(officer, public, client_ip):
    household = register(officer)
    wife = household["members"][1]
    code = officer.post("programmes", programme_for([household["kk_number"]]))["code"]
    rnd = officer.post("programmes/%s/rounds" % code, round_body())
    officer.post("rounds/%s/allocations" % rnd["id"])
    headers = {"X-Forwarded-For": client_ip}
    mine = public.post("status-check", {"nik": wife["nik"], "birth_date": wife["birth_date"]},
                       headers=headers)
    assert [p["programme_code"] for p in mine["programmes"]] == [code]
    assert mine["upcoming"][0]["location"] == "Balai Warga RW 03"
    assert household["members"][0]["nik"] not in repr(mine)
    wrong = fails(lambda: public.post("status-check", {"nik": wife["nik"],
                                                       "birth_date": "1901-01-01"},
                                      headers=headers), 404)
    unknown = fails(lambda: public.post("status-check", {"nik": "3174090101010001",
                                                         "birth_date": "1901-01-01"},
                                        headers=headers), 404)
    assert wrong == unknown
    for _ in range(2):
        fails(lambda: public.post("status-check", {"nik": "3174090101010001",
                                                   "birth_date": "1901-01-01"},
                                  headers=headers), 404)
    fails(lambda: public.post("status-check", {"nik": wife["nik"],
                                               "birth_date": wife["birth_date"]},
                              headers=headers), 429)


def test_eligibility_is_explained_and_bad_requests_are_named(officer, make_client):
    household = register(officer)
    head = household["members"][0]
    body = programme_for([household["kk_number"]])
    officer.post("programmes", body)
    answer = officer.get("eligibility", {"nik": head["nik"], "programme": body["code"]})
    decile = next(c for c in answer["criteria"] if c["criterion"] == "Desil 1-4")
    assert answer["eligible"] is True and (decile["value"], decile["passed"]) == (2, True)

    problem = fails(lambda: officer.get("eligibility", {"nik": head["nik"]}), 400)
    assert "programme" in problem["errors"]
    bad = programme_for([], code="E2E_BAD")
    bad["criteria"] = {"any": [{"attr": "household.welfare_decile", "op": "lte", "value": "x"}]}
    problem = fails(lambda: officer.post("programmes", bad), 400)
    assert list(problem["errors"]) == ["criteria.any.0.value"]
    partner = make_client("partner", partner_id="p-" + uuid.uuid4().hex[:6])
    fails(lambda: partner.post("programmes", programme_for([])), 403)
    fails(lambda: officer.post("allocations/al_nope/disburse", {
        "received_by_nik": head["nik"], "channel": "cash", "evidence_ref": "x"}), 404)
    fails(lambda: officer.post("programmes/NOPE/rounds", round_body()), 404)


def test_short_budget_waiting_list_not_collected_and_reassigned(officer, public, client_ip):
    poorer = register(officer)  # decile 2
    richer = officer.post("households", factories.household(welfare_decile=4))
    wait_for(lambda: _known(officer, richer["members"][0]["nik"]), timeout=30)
    body = programme_for([poorer["kk_number"], richer["kk_number"]], amount=500000)
    code = officer.post("programmes", body)["code"]
    revised = officer.request("PUT", "programmes/%s" % code,
                              json=dict(body, benefit=dict(body["benefit"], amount_idr=400000)))
    assert revised["version"] == 2
    rnd = officer.post("programmes/%s/rounds" % code, dict(round_body(), budget_idr=400000))
    assert officer.post("rounds/%s/allocations" % rnd["id"]) == {
        "round_id": rnd["id"], "eligible": 2, "created": 1, "waiting": 1,
        "already_allocated": 0, "refused": {}}
    items = {a["kk_number"]: a for a in officer.get("rounds/%s/allocations" % rnd["id"])["items"]}
    first, second = items[poorer["kk_number"]], items[richer["kk_number"]]
    assert (first["status"], second["status"], first["amount_idr"]) == ("pending", "waiting", 400000)

    fails(lambda: officer.post("allocations/%s/not-collected" % first["id"],
                               {"reason": "asleep"}), 400)
    closed = officer.post("allocations/%s/not-collected" % first["id"],
                          {"reason": "moved", "note": "pindah ke Bogor"})
    assert (closed["status"], closed["status_reason"]) == ("not_collected", "moved")
    moved = officer.post("allocations/%s/reassign" % first["id"])
    assert moved["to"]["id"] == second["id"] and moved["to"]["status"] == "pending"
    fails(lambda: officer.post("allocations/%s/reassign" % first["id"]), 409)

    wife = poorer["members"][1]
    mine = public.post("status-check", {"nik": wife["nik"], "birth_date": wife["birth_date"]},
                       headers={"X-Forwarded-For": client_ip})
    assert [(p["programme_code"], p["programme_name"], p["round_name"], p["status"])
            for p in mine["programmes"]] == [(code, body["name"], rnd["name"], "tidak diambil")]
    assert "moved" not in repr(mine) and "Bogor" not in repr(mine)
    totals = officer.get("rounds/%s/report" % rnd["id"])["totals"]
    assert (totals["eligible"]["count"], totals["allocated"]["count"],
            totals["not_collected"]["count"], totals["pending"]["count"]) == (2, 2, 1, 1)
