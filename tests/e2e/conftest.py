"""End-to-end fixtures: the whole platform started by deploy/run-local, spoken to over HTTP.

Once per session: a fresh RabbitMQ vhost (durable queues of earlier runs must not
leak in), deploy/run-local on a free port with a known admin token, and a wait
until /health is 200. Set E2E_GATEWAY_URL (and E2E_ADMIN_TOKEN) to test an
already running platform instead.
"""
import uuid

import pytest

from tests.support.platform import platform_fixtures

platform, checked, admin, public, make_client, officer = platform_fixtures("session")


@pytest.fixture
def client_ip():
    """A distinct client key (sent as X-Forwarded-For, trusted in e2e) per test, so the
    rate limits one test exhausts never hit another."""
    return "e2e-client-%s" % uuid.uuid4().hex[:12]
