"""Complaints end to end: the running platform over HTTP (anonymous filing, tracking,
rate limits, 400s, roles, the workflow, feedback, reports, and distribution's events)."""
import csv
import datetime
import io
import json
import os

import pytest

from tests.support.api import ApiError
from tests.helpers import wait_for
from tests.unit.registry import factories

pytestmark = pytest.mark.e2e

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NIK = "3174094506870003"
WIB = datetime.timezone(datetime.timedelta(hours=7))


def status_of(call, *args, **kwargs):
    with pytest.raises(ApiError) as exc:
        call(*args, **kwargs)
    return exc.value


def test_anonymous_filing_tracking_and_the_workflow(public, officer, client_ip):
    ip = {"X-Forwarded-For": client_ip}
    filed = public.post("complaints", {"category": "schedule", "anonymous": True,
                                       "description": "Jadwal pembagian bentrok dengan posyandu 🙏"},
                        headers=ip)
    code = filed["tracking_code"]
    assert len(code) == 10 and code in filed["message"]
    tracked = public.get("complaints/%s-%s" % (code[:5].lower(), code[5:]), headers=ip)
    assert tracked["status"] == "received" and tracked["public_notes"] == []
    [item] = officer.get("complaints", params={"tracking_code": code})["items"]
    assert item["description"] == "Jadwal pembagian bentrok dengan posyandu 🙏"
    path = "complaints/%s/transitions" % item["id"]
    officer.post(path, {"to": "verified"})
    officer.post(path, {"to": "forwarded", "forwarded_to": "Suku Dinas Sosial Jakarta Selatan",
                        "note": "Diteruskan ke Sudinsos Jakarta Selatan."})
    view = officer.post(path, {"to": "resolved", "note": "Jadwal dipindah ke Sabtu pukul 09.00.",
                               "internal_note": "Koordinasi dengan kader posyandu RW 03"})
    assert [h["to"] for h in view["history"]] == ["verified", "forwarded", "resolved"]
    assert status_of(officer.post, path, {"to": "in_progress"}).status == 422
    tracked = public.get("complaints/" + code, headers=ip)
    assert tracked["status"] == "resolved" and tracked["status_label"] == "Selesai"
    assert [n["text"] for n in tracked["public_notes"]] == [
        "Diteruskan ke Sudinsos Jakarta Selatan.", "Jadwal dipindah ke Sabtu pukul 09.00."]
    assert "posyandu RW 03" not in json.dumps(tracked)


def test_filing_is_rate_limited_per_client(public, client_ip):
    body = {"category": "suggestion", "anonymous": True, "description": "Mohon antrean per RT."}
    for _ in range(10):
        public.post("complaints", body, headers={"X-Forwarded-For": client_ip})
    error = status_of(public.post, "complaints", body, headers={"X-Forwarded-For": client_ip})
    assert error.status == 429
    public.post("complaints", body, headers={"X-Forwarded-For": client_ip + "-other"})


@pytest.mark.parametrize("body, field", [
    ({"category": "bribe", "description": "x", "anonymous": True}, "category"),
    ({"category": "other", "description": "x" * 4001, "anonymous": True}, "description"),
    ({"category": "other", "description": "x"}, "reporter"),
    ({"category": "other", "description": "x", "reporter": {"name": "A", "nik": "99"}}, "reporter.nik"),
    ({"category": "other", "description": "x", "anonymous": True, "extra": True}, "extra"),
])
def test_bad_submissions_are_400_naming_the_field(public, client_ip, body, field):
    error = status_of(public.post, "complaints", body, headers={"X-Forwarded-For": client_ip})
    assert error.status == 400 and field in error.errors
    assert error.problem["type"].endswith("invalid-input")


def test_who_sees_a_pungli_reporter(public, officer, admin, make_client, client_ip):
    filed = public.post("complaints", {
        "category": "pungli", "description": "Oknum meminta Rp25.000 per KPM saat pencairan.",
        "reporter": {"name": "Siti Aminah", "nik": NIK, "phone": "081234567890"}},
        headers={"X-Forwarded-For": client_ip})
    [item] = officer.get("complaints", params={"tracking_code": filed["tracking_code"]})["items"]
    assert item["reporter"] is None and "Siti" not in json.dumps(item)
    full = admin.get("complaints/" + item["id"])
    assert full["reporter"] == {"name": "Siti Aminah", "nik": NIK, "phone": "081234567890"}
    assert status_of(make_client("partner", partner_id="prt_e2e").get, "complaints").status == 403
    assert status_of(public.get, "complaints/" + item["id"]).status == 401
    tracked = public.get("complaints/" + filed["tracking_code"], headers={"X-Forwarded-For": client_ip})
    assert "Siti" not in json.dumps(tracked) and NIK not in json.dumps(tracked)


def test_feedback_and_reports_with_csv(public, officer, client_ip):
    public.post("feedback", {"programme_code": "SEMBAKO", "rating": 4, "needs": ["food"],
                             "comment": "Beras bagus, minyak kurang."},
                headers={"X-Forwarded-For": client_ip})
    error = status_of(public.post, "feedback", {"programme_code": "SEMBAKO", "rating": 9},
                      headers={"X-Forwarded-For": client_ip})
    assert error.status == 400 and "rating" in error.errors
    year = datetime.datetime.now(WIB).year
    summary = officer.get("reports/feedback", params={"year": year})
    assert any(p["programme_code"] == "SEMBAKO" for p in summary["programmes"])
    report = officer.get("reports/complaints", params={"year": year})
    assert report["total"]["submitted"] >= 1 and len(report["months"]) == 12
    answer = officer.raw("GET", "reports/complaints", params={"year": year, "format": "csv"})
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows[0]["period"] == str(year) and "median_hours_to_resolve" in rows[0]


def _family(seed=None):
    """A poor one-person family with a fresh NIK and KK: random birth date and
    4-digit serials (``tests.unit.registry.factories``), so two tests of one
    session, or the sample another test imported, never collide."""
    born = factories.random_date(1960, 1995)
    kk, nik = factories.kk_number(), factories.nik_for(born, "F")
    return kk, nik, {
        "kk_number": kk, "street": "Jl. Tanjung Barat Raya No. %d" % (born.day + 1),
        "rt": "005", "rw": "003", "welfare_decile": 1, "monthly_income_idr": 900000,
        "members": [{"nik": nik, "full_name": "Siti Rahayu", "sex": "F", "birth_place": "Jakarta",
                     "birth_date": born.isoformat(), "relationship": "head"}]}


def test_a_not_received_complaint_follows_its_allocation(public, officer, client_ip):
    """Across services: the allocation's state, and a note when distribution disburses it."""
    kk, nik, household = _family()
    officer.post("households", household)
    with open(os.path.join(ROOT, "data", "programmes", "sembako.json"), encoding="utf-8") as fh:
        programme = json.load(fh)
    try:
        officer.post("programmes", programme)
    except ApiError as exc:
        assert exc.status == 409  # already published in this session
    def eligible():  # distribution learns of the family through registry events
        try:
            return officer.get("eligibility", params={"nik": nik, "programme": "SEMBAKO"})["eligible"]
        except ApiError as exc:
            if exc.status == 404:
                return False
            raise

    wait_for(eligible, timeout=30)
    today = datetime.date.today()
    rnd = officer.post("programmes/SEMBAKO/rounds", {
        "name": "Tahap e2e %s" % kk[-4:], "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=14)).isoformat(), "location": "Balai RW 03"})
    officer.post("rounds/%s/allocations" % rnd["id"])
    mine = [a for a in officer.get("rounds/%s/allocations" % rnd["id"], params={"per_page": 200})["items"]
            if a["kk_number"] == kk]
    assert mine, "the eligible family got no allocation"
    allocation = mine[0]
    ip = {"X-Forwarded-For": client_ip}
    code = public.post("complaints", {"category": "not_received", "anonymous": True,
                                      "programme_code": "SEMBAKO", "round_id": rnd["id"],
                                      "allocation_id": allocation["id"],
                                      "description": "Saya belum menerima Sembako tahap ini."},
                       headers=ip)["tracking_code"]
    def officer_view():  # the officer list has no rate limit: fit for polling
        return officer.get("complaints", params={"tracking_code": code})["items"][0]

    wait_for(lambda: officer_view()["allocation"]["status"] == "pending")
    assert public.get("complaints/" + code, headers=ip)["allocation_status"] == "pending"
    officer.post("allocations/%s/disburse" % allocation["id"], {
        "received_by_nik": nik, "channel": "cash", "evidence_ref": "BAST-e2e-%s" % kk[-4:]})
    wait_for(lambda: any(n["kind"] == "system" for n in officer_view()["notes"]))
    tracked = public.get("complaints/" + code, headers=ip)
    assert tracked["allocation_status"] == "disbursed"
    assert [n["author"] for n in tracked["public_notes"]] == ["Sistem"]
    assert "sudah disalurkan" in tracked["public_notes"][0]["text"]
    assert nik not in json.dumps(tracked)


def test_a_resolved_data_correction_waits_for_an_officer_in_the_registry(public, officer, client_ip):
    kk, nik, household = _family()
    officer.post("households", household)
    code = public.post("complaints", {
        "category": "data_correction", "anonymous": True,
        "description": "Tempat lahir saya tertulis Jakarta, seharusnya Bogor.",
        "correction": {"subject_nik": nik, "fields": {"birth_place": "Bogor"}}},
        headers={"X-Forwarded-For": client_ip})["tracking_code"]
    [item] = officer.get("complaints", params={"tracking_code": code})["items"]
    for move in ({"to": "verified"}, {"to": "resolved", "note": "Koreksi diajukan ke registri."}):
        officer.post("complaints/%s/transitions" % item["id"], move)

    def pending():
        return [c for c in officer.get("corrections")["items"] if c["complaint_id"] == item["id"]]

    [correction] = wait_for(pending)
    assert correction["fields"] == {"birth_place": "Bogor"} and correction["subject_nik"] == nik
    assert officer.get("residents/" + nik)["birth_place"] == "Jakarta"  # not applied silently
    done = officer.post("corrections/%s/confirm" % correction["id"], {"note": "Sesuai akta."})
    assert done["status"] == "confirmed"
    assert officer.get("residents/" + nik)["birth_place"] == "Bogor"
    assert status_of(officer.post, "corrections/%s/confirm" % correction["id"], {}).status == 409
