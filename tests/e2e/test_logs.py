"""No NIK reaches the logs of a real run (issue 8, item 12): the access log's paths and
queries, services' error messages, dumps of messages. Greps var/log of the run."""
import glob
import os
import random

import pytest

from tests.support.api import ApiError
from tests.helpers import wait_for
from tests.unit.registry import factories

pytestmark = pytest.mark.e2e

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOG_DIR = os.path.join(ROOT, "var", "log", "e2e")


def _logs():
    text = ""
    for path in glob.glob(os.path.join(LOG_DIR, "*.log")):
        with open(path, encoding="utf-8", errors="replace") as handle:
            text += handle.read()
    return text


def test_niks_sent_in_paths_queries_and_bodies_are_masked_in_every_log(officer, public,
                                                                        client_ip):
    if os.environ.get("E2E_GATEWAY_URL"):
        pytest.skip("the logs of an outside platform are not here")
    nik = factories.nik_for(factories.random_date(1950, 2000), "F",
                            serial=random.randint(1000, 9999))
    for call in (lambda: officer.get("residents/%s" % nik),
                 lambda: officer.get("eligibility", params={"nik": nik, "programme": "PKH"}),
                 lambda: officer.get("residents/%s/history" % nik)):
        with pytest.raises(ApiError):
            call()
    with pytest.raises(ApiError):
        public.post("status-check", {"nik": nik, "birth_date": "1990-01-01"},
                    headers={"X-Forwarded-For": client_ip})
    masked = nik[:4] + "*" * 8 + nik[-4:]
    # the access log and the registry's refusal are written after the answers: wait for them
    wait_for(lambda: _logs().count(masked) >= 3, timeout=20,
             message="the requests never reached the logs")
    assert nik not in _logs()
