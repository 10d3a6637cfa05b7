"""The service kit: the base class every Bansos service is written on (docs/service-kit.md).

    class RegistryService(Service):
        name = "registry"
        store = MongoStore(RegistryRepository, outbox=["households", "residents"])

        @rpc
        def deactivate_resident(self, nik, reason, note=None, actor=None):
            cid = self.caller.correlation_id(actor)
            ...

``Service`` declares, for every service and in one place:

- ``settings``: the loaded settings (``services.shared.settings``), checked at start;
- ``inbox``: what the service's ``@consumes`` handlers applied, failed and parked;
- ``caller``: the calling convention (below);
- the operator RPCs ``ping``, ``list_parked_events``, ``replay_parked_event``.

A subclass declares ``name`` and ``store`` (a ``MongoStore``; its ``outbox``
collections are relayed by the store's own relay): a class without them is
refused when it is defined, not when a request first needs them.

The calling convention: an RPC made on someone's behalf takes ``actor`` as
its last parameter (``actor=None``), the JSON dict the gateway passes as
``principal.actor``: ``{token_id, name, role, partner_id, seller_id,
request_id}``. ``self.caller.correlation_id(actor)`` is what the events the
call causes carry: the request id, else the id of the call chain's first
call. An event handler acts as ``system_actor(...)`` (``services.shared.caller``).
"""
from nameko.extensions import DependencyProvider
from nameko.timer import Timer

from services.shared.caller import request_id, system_actor  # noqa: F401 - the kit's API
from services.shared.inbox import Inbox, replay
from services.shared.mongo import MongoStore
from services.shared.rpc import rpc
from services.shared.settings import settings_for


class SettingsProvider(DependencyProvider):
    """Injects the service's ``Settings``; reading them at setup stops a
    service with a malformed setting before it takes any work."""

    def setup(self):
        self.settings = settings_for(self.container)

    def get_dependency(self, worker_ctx):
        return self.settings


class CallerContext:
    """What a worker knows of its call: the chain's first call id."""

    def __init__(self, origin):
        self.origin = origin

    def correlation_id(self, actor=None):
        """The request id in ``actor``, else the call chain's first call id."""
        return request_id(actor) or self.origin


class Caller(DependencyProvider):
    def get_dependency(self, worker_ctx):
        stack = worker_ctx.call_id_stack or [worker_ctx.call_id]
        return CallerContext(stack[0])


class SettingTimer(Timer):
    """nameko's timer with its interval read from a setting at start
    (``@every("registry_repair_seconds")``), not when the module is imported."""

    def __init__(self, setting, **kwargs):
        self.setting = setting
        super().__init__(interval=None, **kwargs)

    def setup(self):
        self.interval = getattr(settings_for(self.container), self.setting)
        super().setup()


every = SettingTimer.decorator


class Service:
    """Base of every service: settings, inbox, caller and the operator RPCs."""

    name = None
    store = None
    settings = SettingsProvider()
    inbox = Inbox()
    caller = Caller()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not isinstance(cls.name, str) or not cls.name:
            raise TypeError("%s must declare name = '<service name>'" % cls.__name__)
        if not isinstance(cls.store, MongoStore):
            raise TypeError("%s must declare store = MongoStore(Repository, outbox=[...])"
                            % cls.__name__)

    @rpc
    def ping(self):
        """``{"service": name, "ok": True, "parked": n}``: the gateway's ``/health``
        and metrics ask every service; ``parked`` is how many events its handlers
        gave up on (docs/reliability.md "Metrics")."""
        return self.ping_answer()

    def ping_answer(self):
        """What ``ping`` answers; a service that adds to it extends this dict."""
        return {"service": self.name, "ok": True, "parked": self.inbox.count_parked()}

    @rpc
    def list_parked_events(self):
        """Events a handler gave up on: ``[{id, handler, payload, error, attempts, parked_at}]``."""
        return self.inbox.list_parked()

    @rpc
    def replay_parked_event(self, parked_id):
        """Run a parked event through its handler again; ``{"replayed": id}``.

        Raises NotFound for an unknown id; the handler's error when it fails
        again (the event stays parked with that error).
        """
        return replay(self, self.inbox, parked_id)
