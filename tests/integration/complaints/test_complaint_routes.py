"""The complaints HTTP surface, gateway and service in-process over the real broker."""
import csv
import datetime
import io
import uuid

import pytest
import requests

from services.complaints.service import ComplaintsService
from services.shared.clock import WIB

from gateway.service import GatewayService
from tests.helpers import free_port

pytestmark = pytest.mark.integration

ADMIN = "test-admin-token"
NIK = "3174094506870003"



@pytest.fixture
def api(container_factory, service_config):
    port = free_port()
    config = dict(service_config, WEB_SERVER_ADDRESS="127.0.0.1:%d" % port, ADMIN_TOKEN=ADMIN,
                  TRUST_FORWARDED_FOR="1", RPC_DEADLINE=10)
    container_factory(ComplaintsService, config).start()
    container_factory(GatewayService, config).start()
    url = "http://127.0.0.1:%d/api/v1" % port
    officer = requests.post(url + "/tokens", json={"role": "officer", "name": "Petugas Rina"},
                            headers=auth(ADMIN)).json()["token"]
    return url, officer


def auth(token=None, client=None):
    headers = {"X-Forwarded-For": client or "client-%s" % uuid.uuid4().hex[:8]}
    if token:
        headers["Authorization"] = "Bearer %s" % token
    return headers


def file(url, body, client=None):
    return requests.post(url + "/complaints", json=body, headers=auth(client=client))


def test_anonymous_submission_tracking_and_officer_handling(api):
    url, officer = api
    r = file(url, {"category": "not_received", "anonymous": True,
                   "description": "Sembako belum sampai 🙏 (RT 005/RW 03)"})
    assert r.status_code == 201, r.text
    code = r.json()["tracking_code"]
    tracked = requests.get(url + "/complaints/" + code.lower(), headers=auth()).json()
    assert tracked["status"] == "received" and "description" not in tracked
    listed = requests.get(url + "/complaints", params={"status": "received"},
                          headers=auth(officer)).json()
    assert listed["counts"]["received"] == 1 and listed["total"] == 1
    item = listed["items"][0]
    assert item["description"] == "Sembako belum sampai 🙏 (RT 005/RW 03)"
    r = requests.post(url + "/complaints/%s/transitions" % item["id"],
                      json={"to": "verified", "note": "Sedang kami cek."}, headers=auth(officer))
    assert r.status_code == 200 and r.json()["assigned_to"] == "Petugas Rina"
    r = requests.post(url + "/complaints/%s/transitions" % item["id"],
                      json={"to": "reopened", "note": "x"}, headers=auth(officer))
    assert r.status_code == 422 and r.headers["Content-Type"] == "application/problem+json"
    r = requests.post(url + "/complaints/%s/transitions" % item["id"],
                      json={"to": "in_progress", "version": 1}, headers=auth(officer))
    assert r.status_code == 409
    tracked = requests.get(url + "/complaints/" + code, headers=auth()).json()
    assert tracked["status"] == "verified"
    assert [n["text"] for n in tracked["public_notes"]] == ["Sedang kami cek."]


def test_bad_input_is_a_400_naming_each_field(api):
    url, _ = api
    r = file(url, {"category": "bribe", "description": "x" * 4001, "reporter": {"name": "A",
                                                                               "nik": "12"}})
    assert r.status_code == 400
    assert {"category", "description", "reporter.nik"} <= set(r.json()["errors"])
    r = requests.post(url + "/complaints", data=b"\xff\xfe", headers=auth())
    assert r.status_code == 400 and "_body" in r.json()["errors"]
    r = requests.get(url + "/complaints/NOT-A-CODE!", headers=auth())
    assert r.status_code == 400 and "tracking_code" in r.json()["errors"]
    assert requests.get(url + "/complaints/ABCDEFGHJK", headers=auth()).status_code == 404


def test_submissions_are_rate_limited_per_client(api):
    url, _ = api
    body = {"category": "suggestion", "anonymous": True, "description": "Antrean diatur per RT."}
    statuses = [file(url, body, client="10.9.9.9").status_code for _ in range(11)]
    assert statuses == [201] * 10 + [429]
    assert file(url, body, client="10.9.9.10").status_code == 201  # another client is unaffected


def test_roles_and_the_pungli_reporter(api):
    url, officer = api
    r = file(url, {"category": "pungli", "description": "Diminta uang Rp20.000 saat pencairan.",
                   "reporter": {"name": "Siti Aminah", "nik": NIK, "phone": "081234567890"}})
    cid = requests.get(url + "/complaints", params={"category": "pungli"},
                       headers=auth(officer)).json()["items"][0]["id"]
    as_officer = requests.get(url + "/complaints/" + cid, headers=auth(officer)).json()
    assert as_officer["reporter"] is None and "Siti" not in str(as_officer)
    as_admin = requests.get(url + "/complaints/" + cid, headers=auth(ADMIN)).json()
    assert as_admin["reporter"]["nik"] == NIK  # admins see the NIK whole
    audit = requests.get(url + "/audit", params={"subject": NIK}, headers=auth(ADMIN)).json()
    assert [e["action"] for e in audit["items"]] == ["read_complaint_reporter"]
    assert requests.get(url + "/complaints/" + cid, headers=auth()).status_code == 401
    assert requests.get(url + "/complaints", headers=auth()).status_code == 401
    partner = requests.post(url + "/tokens", json={"role": "partner", "name": "NGO",
                                                   "partner_id": "prt_1"}, headers=auth(ADMIN)).json()
    assert requests.get(url + "/complaints", headers=auth(partner["token"])).status_code == 403
    tracked = requests.get(url + "/complaints/" + r.json()["tracking_code"], headers=auth()).json()
    assert "Siti" not in str(tracked) and NIK not in str(tracked)


def test_feedback_reports_and_csv(api):
    url, officer = api
    r = requests.post(url + "/feedback", json={"programme_code": "PKH", "rating": 4,
                                               "needs": ["school_costs"], "comment": "Bagus"},
                      headers=auth())
    assert r.status_code == 201
    r = requests.post(url + "/feedback", json={"programme_code": "PKH", "rating": 0}, headers=auth())
    assert r.status_code == 400 and "rating" in r.json()["errors"]
    file(url, {"category": "schedule", "anonymous": True, "description": "Jadwal bentrok."})
    year = datetime.datetime.now(WIB).year  # periods are WIB
    report = requests.get(url + "/reports/complaints", params={"year": year},
                          headers=auth(officer)).json()
    assert report["total"]["by_category"]["schedule"] >= 1
    r = requests.get(url + "/reports/complaints", params={"year": year, "format": "csv"},
                     headers=auth(officer))
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows[0]["period"] == str(year)
    summary = requests.get(url + "/reports/feedback", params={"year": year},
                           headers=auth(officer)).json()
    assert summary["programmes"][0]["programme_code"] == "PKH"
    assert requests.get(url + "/reports/complaints", params={"year": "abc"},
                        headers=auth(officer)).status_code == 400
    assert requests.get(url + "/reports/complaints", params={"year": year}).status_code == 401


def test_openapi_describes_the_complaints_surface(api):
    url, _ = api
    doc = requests.get(url + "/openapi.json").json()
    assert "post" in doc["paths"]["/api/v1/complaints"]
    assert "ComplaintIn" in doc["components"]["schemas"]
    assert "security" not in doc["paths"]["/api/v1/complaints"]["post"]
