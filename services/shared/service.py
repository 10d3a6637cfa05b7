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
- ``inbox``: what the service's ``@consumes`` handlers applied, and their parking
  lot on the broker (``services.shared.parking``);
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
import logging

import eventlet
from nameko.extensions import DependencyProvider
from nameko.timer import Timer

from services.shared.caller import request_id, system_actor  # noqa: F401 - the kit's API
from services.shared.inbox import Inbox, replay
from services.shared.lease import AlwaysHeld, lease_for
from services.shared.mongo import MongoStore
from services.shared.rpc import rpc
from services.shared.settings import settings_for

log = logging.getLogger(__name__)


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


#: the shortest lease a timer takes, whatever its interval (tests use intervals under a second)
TIMER_LEASE_MIN_SECONDS = 2.0


class SettingTimer(Timer):
    """nameko's timer with its interval read from a setting at start
    (``@every("registry_repair_seconds")``), not when the module is imported,
    run by ONE instance of the service at a time.

    Instances sharing a database (``MONGO_URI`` set) would otherwise all run
    every sweep at the same moment. Each tick first takes or renews the
    timer's lease ``timer:<method>`` (``services.shared.lease``): the instance
    holding it runs the method, the others skip that tick. The lease lasts two
    intervals (at least ``TIMER_LEASE_MIN_SECONDS``) and is renewed, at a tick
    or during a long run, once a third of it has passed; the holder stops
    running ticks a third before it would expire. A holder that stops gives it
    up; one that dies is replaced by another instance's first tick after it
    expires. On the in-process store every tick runs (one process owns the data).

    ``each_instance=True`` runs it on every instance (work about the instance
    itself, not the shared data). The lease avoids doing a sweep twice; it does
    not make a sweep's writes safe to repeat: a holder stalled past its lease
    can still overlap its successor, so sweeps keep writing conditionally.
    """

    def __init__(self, setting, each_instance=False, **kwargs):
        self.setting = setting
        self.each_instance = each_instance
        self.lease = None
        self._keeper = None
        super().__init__(interval=None, **kwargs)

    def setup(self):
        self.interval = getattr(settings_for(self.container), self.setting)
        if self.each_instance:
            self.lease = AlwaysHeld()
        else:
            self.lease = lease_for(self.container, "timer:%s" % self.method_name,
                                   max(2 * self.interval, TIMER_LEASE_MIN_SECONDS))
        super().setup()

    def handle_timer_tick(self):
        if not self._hold():
            self.worker_complete.send()  # nothing runs: the loop waits for the next tick
            return
        if not isinstance(self.lease, AlwaysHeld):
            self._keeper = self.container.spawn_managed_thread(
                self._keep_lease, identifier="lease-%s" % self.method_name)
        super().handle_timer_tick()

    def handle_result(self, worker_ctx, result, exc_info):
        keeper, self._keeper = self._keeper, None
        if keeper is not None:
            keeper.kill()
        return super().handle_result(worker_ctx, result, exc_info)

    def _hold(self, renew=False):
        """Whether this instance runs the tick: the lease is taken or renewed when due
        (every third of it, not at every tick of a short interval), and held."""
        if renew or self.lease.due():
            try:
                self.lease.tick()
            except Exception as exc:  # noqa: BLE001 - the store is down: no sweep could write
                log.warning("timer %s: could not take its lease (%r); skipping this run",
                            self.method_name, exc)
                return False
        return self.lease.holds()

    def _keep_lease(self):
        """Renew the lease while a run lasts longer than a renewal period."""
        while True:
            eventlet.sleep(self.lease.renew_every)
            if not self._hold(renew=True):
                log.warning("timer %s: lease lost during a run; another instance may "
                            "start one before it ends", self.method_name)
                return

    def stop(self):
        super().stop()
        try:
            self.lease.release()  # the next instance's tick takes over at once
        except Exception:  # noqa: BLE001 - it then expires by itself
            log.warning("timer %s: could not release its lease", self.method_name)


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
        """What ``ping`` answers; a service that adds to it extends this dict.
        ``parked`` is None when the parking lot (on the broker) does not answer:
        the ping is also the orchestrator's liveness probe, and a restart cures
        no broker outage."""
        try:
            parked = self.inbox.count_parked()
        except Exception as exc:  # noqa: BLE001 - reported as unknown, not as dead
            log.warning("ping: parked events not counted: %s", exc)
            parked = None
        return {"service": self.name, "ok": True, "parked": parked}

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
