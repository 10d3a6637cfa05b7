"""Rebuilding in the background, one at a time, until it succeeds.

A follower whose projection must be rebuilt from an owner's export (the
owner's store is new, or the projection is empty at start) cannot wait for
the owner inside the event or RPC worker that noticed: the owner may still be
starting. ``BackgroundRebuild`` runs the subclass's ``rebuild_now`` in a
managed thread, retried with doubling delays (``retry`` to ``max_retry``
seconds) while it raises; a request that arrives during a rebuild runs one
more after it, because the first may have read the export before what the
request saw. Used by ``services.shared.registry_catchup.RegistryCatchUp`` and
``services.monitoring.owners.OwnersCatchUp``.
"""
import logging

import eventlet
from eventlet.semaphore import Semaphore
from nameko.extensions import DependencyProvider

log = logging.getLogger(__name__)


class BackgroundRebuild(DependencyProvider):
    """A dependency provider that rebuilds in the background on request.

    Subclasses define ``rebuild_now()`` (blocking; raises when an owner fails;
    returns counts to log) and may set ``what`` (for the log) and
    ``busy_state`` (``state`` while a rebuild is due or running). Callers of
    ``rebuild_now`` should hold ``one_at_a_time``.
    """

    what = "projection rebuild"
    busy_state = "rebuilding"

    def __init__(self, retry=1.0, max_retry=30.0):
        self.retry, self.max_retry = retry, max_retry
        self.one_at_a_time = Semaphore(1)
        self._gt = None
        self._again = False
        self.state = "current"

    def rebuild_now(self):
        raise NotImplementedError

    def running(self):
        """True while a background rebuild is due or running."""
        return self._gt is not None

    def request_rebuild(self):
        """Rebuild soon in the background; a request during a rebuild runs one more."""
        if self._gt is not None:
            self._again = True
            return
        self.state = self.busy_state
        self._gt = self.container.spawn_managed_thread(self._run)

    def _run(self):
        delay = self.retry
        try:
            while True:
                self._again = False
                self.state = self.busy_state
                try:
                    log.info("%s done: %s", self.what, self.rebuild_now())
                    if not self._again:
                        return
                    delay = self.retry
                except Exception as exc:  # noqa: BLE001 - an owner not up yet: retry
                    log.warning("%s failed (%r); retrying in %.1fs", self.what, exc, delay)
                    eventlet.sleep(delay)
                    delay = min(delay * 2, self.max_retry)
        finally:
            self._gt = None

    def stop(self):
        if self._gt is not None:
            self._gt.kill()
            self._gt = None

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        return self
