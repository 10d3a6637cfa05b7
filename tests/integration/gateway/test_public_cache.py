"""The gateway's cache of public reads over the real broker (issue 10): a change made
behind the gateway's back is seen by the next public read once its event arrives,
and a kept answer is exactly the one the service gave."""
import json
import os

import pytest
import requests
from nameko.standalone.rpc import ServiceRpcProxy

from gateway.service import GatewayService
from services.distribution.service import DistributionService
from services.marketplace.service import MarketplaceService
from tests.helpers import free_port, wait_for
from tests.integration.distribution.conftest import OFFICER
from tests.integration.marketplace.conftest import (FakeRegistry, RegistryData, buyer,
                                                    seller_with_listing)

pytestmark = pytest.mark.integration

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def programme(code):
    with open(os.path.join(ROOT, "data", "programmes", code.lower() + ".json"),
              encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture
def platform(container_factory, service_config):
    """Distribution and a gateway whose answers would live an hour: only an event
    can make a change visible within a test."""
    port = free_port()
    config = dict(service_config, WEB_SERVER_ADDRESS="127.0.0.1:%d" % port,
                  PUBLIC_CACHE_SECONDS=3600)
    containers = {cls: container_factory(cls, config)
                  for cls in (DistributionService, GatewayService)}
    for container in containers.values():
        container.start()
    proxy = ServiceRpcProxy("distribution", config)
    yield "http://127.0.0.1:%d/api/v1" % port, proxy.start(), containers
    proxy.stop()


def _codes(url):
    answer = requests.get(url + "/programmes", timeout=10)
    assert answer.status_code == 200, answer.text
    return [p["code"] for p in answer.json()["items"]]


def test_a_programme_published_behind_the_gateway_is_in_the_next_public_read(platform):
    url, dist, _ = platform
    dist.publish_programme(programme("SEMBAKO"), OFFICER)
    wait_for(lambda: _codes(url) == ["SEMBAKO"], message="first programme never listed")
    # now kept; the next one is published straight to the service, not through the gateway
    dist.publish_programme(programme("PKH"), OFFICER)
    wait_for(lambda: sorted(_codes(url)) == ["PKH", "SEMBAKO"],
             message="programme_published did not drop the kept catalogue")
    rounds = requests.get(url + "/rounds", params={"upcoming": "true"}, timeout=10).json()
    assert rounds["total"] == 0
    dist.schedule_round("PKH", {"name": "Tahap 1", "starts_on": "2099-01-05",
                                "ends_on": "2099-01-31", "location": "Balai RW 02"}, OFFICER)
    wait_for(lambda: requests.get(url + "/rounds", params={"upcoming": "true"},
                                  timeout=10).json()["total"] == 1,
             message="round_scheduled did not drop the kept rounds")


def test_a_kept_answer_is_the_one_the_service_gave(platform):
    url, dist, containers = platform
    dist.publish_programme(programme("SEMBAKO"), OFFICER)
    wait_for(lambda: _codes(url) == ["SEMBAKO"])
    uncached = requests.get(url + "/programmes/SEMBAKO", timeout=10)  # first read: a miss
    cached = requests.get(url + "/programmes/SEMBAKO", timeout=10)
    assert uncached.status_code == cached.status_code == 200
    assert cached.content == uncached.content
    assert cached.headers["Content-Type"] == uncached.headers["Content-Type"]
    assert "published_by" not in cached.json()  # the public's shape, not an officer's
    # the second read was the cache's: it is served while distribution is away
    containers[DistributionService].stop()
    again = requests.get(url + "/programmes/SEMBAKO", timeout=10)
    assert (again.status_code, again.content) == (200, uncached.content)


def test_the_catalogue_follows_listing_and_order_events_made_behind_the_gateway(
        container_factory, service_config):
    """A listing published, a unit ordered and a listing hidden, each straight to the
    marketplace: the kept catalogue shows each change once its event arrives."""
    RegistryData.reset()
    port = free_port()
    config = dict(service_config, WEB_SERVER_ADDRESS="127.0.0.1:%d" % port,
                  PUBLIC_CACHE_SECONDS=3600)
    for cls in (FakeRegistry, MarketplaceService, GatewayService):
        container_factory(cls, config).start()
    proxy = ServiceRpcProxy("marketplace", config)
    market = proxy.start()
    try:
        _follow_the_catalogue("http://127.0.0.1:%d/api/v1/listings" % port, config, market)
    finally:
        proxy.stop()


def _follow_the_catalogue(url, config, market):
    def catalogue():
        answer = requests.get(url, params={"sort": "newest"}, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()["items"]
    assert catalogue() == []  # kept, empty
    _, _, listing, _ = seller_with_listing(config, market, stock=5)
    wait_for(lambda: [i["id"] for i in catalogue()] == [listing["id"]],
             message="listing_published did not drop the kept catalogue")
    market.place_order(listing["id"], buyer(1, quantity=2), "it-order-1")
    wait_for(lambda: catalogue()[0]["stock"] == 3, message="order_placed did not drop it")
    market.suspend_listing(listing["id"], {"reason": "misleading_listing"}, OFFICER)
    wait_for(lambda: catalogue() == [], message="listing_suspended did not drop it")
