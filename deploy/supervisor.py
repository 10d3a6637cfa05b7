"""When deploy/run-local restarts a service that died, and when it gives up on it.

A service that exits on its own is started again after a backoff of 1, 2, 4
... seconds (capped at ``BACKOFF_CAP``), doubling with each crash of the last
``CRASH_WINDOW`` seconds; at the ``CRASH_LIMIT``-th crash within that window
run-local gives up on that service and the others keep running. Plain rules
on an injected clock (seconds, ``time.monotonic`` by default), so they are
tested without waiting. Standard library only.
"""
import time

BACKOFF_START = 1.0
BACKOFF_CAP = 30.0
CRASH_LIMIT = 5
CRASH_WINDOW = 60.0


class Restarts:
    """The crash history and restart plan of one service."""

    def __init__(self, limit=CRASH_LIMIT, window=CRASH_WINDOW, start=BACKOFF_START,
                 cap=BACKOFF_CAP):
        self.limit, self.window, self.start, self.cap = limit, window, start, cap
        self.crashes = []  # clock readings of the crashes within the window
        self.restart_at = None  # when the pending restart is due
        self.given_up = False

    def crashed(self, now):
        """Record a crash at ``now``; returns the backoff in seconds before the restart,
        or None when this crash is the ``limit``-th in ``window`` (give up)."""
        self.crashes = [at for at in self.crashes if now - at < self.window] + [now]
        if len(self.crashes) >= self.limit:
            self.given_up, self.restart_at = True, None
            return None
        delay = min(self.cap, self.start * 2 ** (len(self.crashes) - 1))
        self.restart_at = now + delay
        return delay

    def due(self, now):
        """True when a restart is pending and its backoff has passed."""
        return self.restart_at is not None and now >= self.restart_at

    def restarted(self):
        self.restart_at = None


class Supervisor:
    """Watches a ``deploy.processes.Platform``: restarts what died, says so, gives up."""

    def __init__(self, platform, say, clock=time.monotonic, **limits):
        self.platform, self.say, self.clock = platform, say, clock
        self.plans = {name: Restarts(**limits) for name, _ in platform.services}

    def check(self):
        """Look at every service once; restart those whose backoff has passed.

        Returns the names of the services given up on at this check (a list).
        """
        now = self.clock()
        given_up = []
        for name, status in self.platform.exited():
            plan = self.plans[name]
            if plan.given_up or plan.restart_at is not None:
                continue  # seen already
            delay = plan.crashed(now)
            tail = self.platform.log_tail(name)
            if delay is None:
                given_up.append(name)
                self.platform.note(name, "exited with status %s, %d crashes in %.0f s: "
                                   "not restarted again" % (status, plan.limit, plan.window))
                self.say("error: %s exited with status %s (crash %d of %d within %.0f s); "
                         "giving up on it (the other services keep running). The end of its "
                         "log:\n%s" % (name, status, plan.limit, plan.limit, plan.window, tail))
            else:
                self.platform.note(name, "exited with status %s; restarting in %g s"
                                   % (status, delay))
                self.say("%s exited with status %s; restarting it in %g s (crash %d of %d "
                         "allowed within %.0f s). The end of its log:\n%s"
                         % (name, status, delay, len(plan.crashes), plan.limit, plan.window,
                            tail))
        for name, plan in self.plans.items():
            if plan.due(now):
                plan.restarted()
                self.platform.restart(name)
        return given_up

    def all_given_up(self):
        """True when run-local gave up on every service it ran."""
        return all(plan.given_up for plan in self.plans.values())
