"""A request repeated with its X-Request-Id is carried out once over HTTP (issue 9, item 4):
the gateway's request id travels with the call and the service remembers its answer."""
import uuid

import pytest
import requests

from gateway.service import GatewayService
from services.complaints.service import ComplaintsService
from services.registry.service import RegistryService
from tests.helpers import free_port
from tests.unit.registry import factories

pytestmark = pytest.mark.integration

ADMIN = "test-admin-token-of-32-characters-or-more"


@pytest.fixture
def api(container_factory, service_config):
    port = free_port()
    config = dict(service_config, WEB_SERVER_ADDRESS="127.0.0.1:%d" % port, ADMIN_TOKEN=ADMIN,
                  RPC_DEADLINE=10)
    for service in (RegistryService, ComplaintsService, GatewayService):
        container_factory(service, config).start()
    url = "http://127.0.0.1:%d/api/v1" % port
    officer = requests.post(url + "/tokens", json={"role": "officer", "name": "Petugas Rina"},
                            headers={"Authorization": "Bearer %s" % ADMIN}, timeout=10)
    return url, officer.json()["token"]


def test_a_household_posted_twice_with_one_request_id_is_registered_once(api):
    url, officer = api
    body = factories.household()
    headers = {"Authorization": "Bearer %s" % officer, "X-Request-Id": uuid.uuid4().hex}
    first = requests.post(url + "/households", json=body, headers=headers, timeout=10)
    again = requests.post(url + "/households", json=body, headers=headers, timeout=10)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json()
    found = requests.get(url + "/households", params={"kk_number": body["kk_number"]},
                         headers=headers, timeout=10).json()
    assert found["total"] == 1
    # a new request id is a new request: the same family again is refused as a duplicate
    other = dict(headers, **{"X-Request-Id": uuid.uuid4().hex})
    assert requests.post(url + "/households", json=body, headers=other,
                         timeout=10).status_code == 409


def test_a_complaint_without_idempotency_key_repeated_with_its_request_id_is_stored_once(api):
    url, officer = api
    body = {"category": "not_received", "anonymous": True, "description": "Beras belum sampai"}
    headers = {"X-Request-Id": uuid.uuid4().hex}
    first = requests.post(url + "/complaints", json=body, headers=headers, timeout=10)
    again = requests.post(url + "/complaints", json=body, headers=headers, timeout=10)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    listed = requests.get(url + "/complaints", headers={"Authorization": "Bearer %s" % officer},
                          timeout=10).json()
    assert listed["total"] == 1
