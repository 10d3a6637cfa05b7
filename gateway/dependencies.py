"""Gateway dependency providers: an RPC proxy to every service, and the rate limiter."""
from nameko.extensions import DependencyProvider
from nameko.rpc import ServiceProxy

from services.shared.messaging import DecodeSafeReplyListener
from services.shared.settings import settings_for

from gateway.public_cache import PublicCache
from gateway.ratelimit import RateLimiter


class Services:
    """``services.registry``, ``services.distribution``...: one RPC proxy per name;
    ``services.names`` in the order of deploy/services.txt."""

    def __init__(self, names, make_proxy):
        self.names = tuple(names)
        self._make = make_proxy

    def __getattr__(self, name):
        if name.startswith("_") or name not in self.names:
            raise AttributeError("no service %r behind the gateway (deploy/services.txt)" % name)
        return self._make(name)

    def get(self, name):
        """The proxy to ``name``, or None when it is not behind the gateway."""
        return self._make(name) if name in self.names else None

    def items(self):
        return [(name, self._make(name)) for name in self.names]


class ServiceProxies(DependencyProvider):
    """nameko's ``RpcProxy`` for a list of services, sharing one reply queue
    (read by the decode-safe listener: an undecodable reply fails its call at
    once, ``services.shared.messaging``)."""

    rpc_reply_listener = DecodeSafeReplyListener()

    def __init__(self, names):
        self.names = tuple(names)

    def get_dependency(self, worker_ctx):
        return Services(self.names, lambda name: ServiceProxy(worker_ctx, name,
                                                              self.rpc_reply_listener))


class LimiterProvider(DependencyProvider):
    def setup(self):
        self.limiter = RateLimiter(settings_for(self.container).rate_limit_overrides)

    def get_dependency(self, worker_ctx):
        return self.limiter


class PublicCacheProvider(DependencyProvider):
    """One ``PublicCache`` per gateway process, shared by its workers; answers live
    at most ``PUBLIC_CACHE_SECONDS``."""

    def setup(self):
        self.cache = PublicCache(settings_for(self.container).public_cache_seconds)

    def get_dependency(self, worker_ctx):
        return self.cache
