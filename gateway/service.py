"""The HTTP gateway: one nameko service whose routes come from mixins.

Each ``gateway/routes/<service>.py`` holds one mixin; add it to the bases and
declare its ``RpcProxy`` here.
"""

from services.shared.mongo import MongoStore
from services.shared.rpc import RpcProxy

from gateway.auth import GatewayRepository
from gateway.dependencies import LimiterProvider, SettingsProvider
from gateway.http import RouteHandling
from gateway.routes.admin import AdminRoutes
from gateway.routes.complaints import ComplaintRoutes
from gateway.routes.distribution import DistributionRoutes
from gateway.routes.registry import RegistryRoutes


class GatewayService(AdminRoutes, ComplaintRoutes, DistributionRoutes, RegistryRoutes,
                     RouteHandling):
    name = "gateway"

    store = MongoStore(GatewayRepository)
    settings = SettingsProvider()
    limiter = LimiterProvider()

    registry = RpcProxy("registry")
    complaints = RpcProxy("complaints")
    distribution = RpcProxy("distribution")
