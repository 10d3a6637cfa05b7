"""The running platform the end-to-end tests speak to, as pytest fixtures of a scope.

``platform_fixtures("session")`` gives the fixtures every e2e test shares
(tests/e2e/conftest.py); a test module whose figures must not see other tests'
data (the monitoring rebuild compares whole reports) takes
``platform_fixtures("module")``: a platform of its own, started for it.
Set E2E_GATEWAY_URL (and E2E_ADMIN_TOKEN) to test an already running platform.
"""
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
import requests

from tests.helpers import free_port
from tests.support.api import Client, checked_session

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MGMT = os.environ.get("RABBIT_API_URI", "http://guest:guest@127.0.0.1:15672")


def _wait_healthy(url, proc, timeout=120):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("deploy/run-local exited with %s" % proc.returncode)
        try:
            r = requests.get(url + "/health", timeout=5)
            if r.status_code == 200:
                return
            last = r.text
        except requests.RequestException as exc:
            last = repr(exc)
        time.sleep(0.5)  # polling a condition with a deadline, not waiting for an event
    raise RuntimeError("platform not healthy within %ds: %s" % (timeout, last))


def platform_fixtures(scope):
    """``(platform, checked, admin, public, make_client, officer)`` fixtures of ``scope``.

    Assign them to those names in a conftest or test module.
    """
    @pytest.fixture(scope=scope)
    def platform():
        """``(gateway_url, admin_token)`` of a running platform."""
        if os.environ.get("E2E_GATEWAY_URL"):
            yield os.environ["E2E_GATEWAY_URL"], os.environ["E2E_ADMIN_TOKEN"]
            return
        vhost = "e2e_%s" % uuid.uuid4().hex[:8]
        requests.put("%s/api/vhosts/%s" % (MGMT, vhost), timeout=10).raise_for_status()
        requests.put("%s/api/permissions/%s/guest" % (MGMT, vhost),
                     json={"configure": ".*", "write": ".*", "read": ".*"}, timeout=10).raise_for_status()
        port = free_port()
        admin = "e2e-admin-" + uuid.uuid4().hex
        env = dict(os.environ, GATEWAY_PORT=str(port), ADMIN_TOKEN=admin,
                   AMQP_URI="amqp://guest:guest@127.0.0.1:5672/%s" % vhost,
                   TRUST_FORWARDED_FOR="1",
                   # the 50-buyers test sends 50 orders at once: all must reach the
                   # marketplace, none shed by the gateway's gate (gateway/admission.py)
                   GATEWAY_WAITING="100", LOG_DIR=os.path.join(ROOT, "var", "log", "e2e"))
        env.pop("MONGO_URI", None)
        proc = subprocess.Popen([os.path.join(ROOT, "deploy", "run-local")], cwd=ROOT, env=env,
                                stdout=sys.stderr, stderr=sys.stderr, start_new_session=True)
        url = "http://127.0.0.1:%d" % port
        try:
            _wait_healthy(url, proc)
            yield url, admin
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
            requests.delete("%s/api/vhosts/%s" % (MGMT, vhost), timeout=10)


    @pytest.fixture(scope=scope)
    def checked(platform):
        """``(session, check)``: every answer through this session is validated against the
        platform's openapi.json (tests/support/api.py); the check counts what it saw."""
        session, check = checked_session(platform[0])
        yield session, check
        if check.checked:
            sys.stderr.write("\ne2e: %d answers checked against openapi.json, %d distinct "
                             "(method, path, status)\n" % (sum(check.checked.values()),
                                                            len(check.checked)))


    @pytest.fixture(scope=scope)
    def admin(platform, checked):
        """An API client with the admin token."""
        url, token = platform
        return Client(url, token, session=checked[0])


    @pytest.fixture(scope=scope)
    def public(platform, checked):
        """An API client with no token."""
        return Client(platform[0], None, session=checked[0])


    @pytest.fixture(scope=scope)
    def make_client(platform, admin):
        """``make_client(role, **scope)`` -> an API client holding a fresh token of that role."""
        def make(role, name=None, **scope):
            body = {"role": role, "name": name or "e2e %s %s" % (role, uuid.uuid4().hex[:6])}
            body.update(scope)
            token = admin.post("/api/v1/tokens", body)["token"]
            return admin.with_token(token)
        return make


    @pytest.fixture(scope=scope)
    def officer(make_client):
        return make_client("officer")

    return platform, checked, admin, public, make_client, officer
