"""The HTTP gateway: one nameko service; its routes come from route tables.

The routes served are those of ``ROUTE_MODULES`` (the gateway's own) plus,
for each service in deploy/services.txt, ``gateway/routes/<name>.py`` when it
exists. Another module is added by one line in ``ROUTE_MODULES``. A route
declared twice stops the gateway at start (``gateway.http.RouteConflict``).
Only ``/api/...`` and ``/health`` reach these routes: every other path is the
web app's, relayed before nameko sees it (``gateway/webapp.py``).
"""
import importlib
import importlib.util

from nameko.events import BROADCAST

from services.shared.messaging import DroppableEventHandler
from services.shared.mongo import MongoStore
from services.shared.service import SettingsProvider

from deploy.services import service_names
from gateway.accounts import AccountRepository
from gateway.auth import GatewayRepository
from gateway.dependencies import LimiterProvider, PublicCacheProvider, ServiceProxies
from gateway.http import METHODS, Router, http
from gateway.public_cache import INVALIDATED_BY

#: Route modules that belong to no service behind the gateway.
ROUTE_MODULES = ("gateway.routes.platform", "gateway.routes.accounts")
SERVICES = tuple(service_names())


def route_modules(services=SERVICES, extra=ROUTE_MODULES):
    """The modules whose ``routes`` tables the gateway serves."""
    own = ["gateway.routes.%s" % name for name in services
           if importlib.util.find_spec("gateway.routes.%s" % name) is not None]
    return list(extra) + own


ROUTER = Router([importlib.import_module(m).routes for m in route_modules()])


class GatewayService:
    name = "gateway"

    store = MongoStore(GatewayRepository)
    accounts = MongoStore(AccountRepository)  # people's logins (gateway/accounts.py)
    settings = SettingsProvider()
    limiter = LimiterProvider()
    services = ServiceProxies(SERVICES)
    public_cache = PublicCacheProvider()  # gateway/public_cache.py

    @http(METHODS, "/")
    def serve_root(self, request):
        return ROUTER.dispatch(self, request)

    @http(METHODS, "/<path:path>")
    def serve(self, request, path):
        return ROUTER.dispatch(self, request)


def _invalidator(source, event, topics):
    """A handler dropping ``topics`` on ``source``'s ``event``. BROADCAST: every
    gateway process has its own queue and cache; unreliable: a gateway that was
    down has an empty cache anyway."""
    def invalidate(self, payload):
        self.public_cache.invalidate(*topics)
    invalidate.__name__ = "invalidate_on_%s_%s" % (source, event)
    return DroppableEventHandler.decorator(source, event, handler_type=BROADCAST,
                                            reliable_delivery=False)(invalidate)


for (_source, _event), _topics in INVALIDATED_BY.items():
    if _source in SERVICES:
        _handler = _invalidator(_source, _event, _topics)
        setattr(GatewayService, _handler.__name__, _handler)
