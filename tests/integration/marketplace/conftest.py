"""The marketplace on the real broker: the service, a stand-in registry, a listener of
its events, and helpers that set up a verified seller with one listing."""
import collections

import pytest
from nameko.events import event_handler
from nameko.standalone.rpc import ServiceRpcProxy

from services.marketplace.contract import EVENTS
from services.marketplace.service import MarketplaceService

from tests.helpers import wait_for
from tests.support.registry import FakeRegistry, Family, RegistryData

OFFICER = {"name": "Petugas Ani", "role": "officer", "token_id": "tok_o", "request_id": "it"}
SELLER_FAMILY = (("head", "F", "1980-04-12"), ("child", "M", "2012-01-01"))
RECEIVED = collections.defaultdict(list)


def _listener():
    attrs = {"name": "market_listener"}
    for event_type in EVENTS:
        def handle(self, payload, _type=event_type.name):
            RECEIVED[_type].append(payload)
        attrs["on_" + event_type.name] = event_handler("marketplace", event_type.name)(handle)
    return type("MarketListener", (), attrs)


MarketListener = _listener()


@pytest.fixture(autouse=True)
def fresh():
    RegistryData.reset()
    RECEIVED.clear()


@pytest.fixture
def start(container_factory, service_config):
    """``start(instances=1, **settings)``: the marketplace (and the listener and the
    stand-in registry) on the real broker; returns an RPC proxy to it. ``start.proxy()``
    opens another (a standalone proxy serves one greenthread at a time)."""
    proxies = []

    def proxy():
        opened = ServiceRpcProxy("marketplace", service_config)
        proxies.append(opened)
        return opened.start()

    def run(instances=1, **overrides):
        config = dict(service_config, **overrides)
        for cls in (MarketListener, FakeRegistry):
            container_factory(cls, config).start()
        for _ in range(instances):
            container_factory(MarketplaceService, config).start()
        return proxy()
    run.proxy = proxy
    yield run
    for opened in proxies:
        opened.stop()


def seller_with_listing(config, market, stock=20, family=None):
    """A family in the registry whose adult is a verified seller with one listing.

    Returns ``(family, seller, listing, seller actor)``.
    """
    family = family or Family(config, people=SELLER_FAMILY, rw="005")
    family.publish_registered()
    adult = family.members[0]
    wait_for(lambda: market.projection_status()["residents"] >= 2, timeout=20)
    seller = market.register_seller({"nik": adult["nik"], "business_name": "Keripik Bu Sari",
                                     "category": "food", "phone": "081234567890", "rt": "1",
                                     "rw": "5"}, OFFICER)
    market.verify_seller(seller["id"], {}, OFFICER)
    me = {"name": "Bu Sari", "role": "seller", "seller_id": seller["id"], "request_id": "it"}
    listing = market.create_listing({"title": "Keripik Pisang", "description": "250 g",
                                     "price_idr": 15000, "unit": "bungkus", "stock": stock,
                                     "category": "food"}, me)
    return family, seller, listing, me


def buyer(i, quantity=1):
    return {"buyer_name": "Pembeli %d" % i, "buyer_phone": "0812%08d" % i, "quantity": quantity}
