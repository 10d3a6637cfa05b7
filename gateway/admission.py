"""Shedding load at the gateway's door (issue 10, "Overload").

Each API request needs one of the gateway's nameko workers (``max_workers``).
Without a bound, a request that finds every worker busy waits for one in
nameko's pool for as long as the client is patient: with 200 public
connections, clients timed out without ever hearing 503 or 429. Here a
request is let in only while fewer than ``max_workers + GATEWAY_WAITING``
API requests are in the gateway; any other is answered at once, without a
worker, with 503 and ``Retry-After``. Those let in wait at most for the
``GATEWAY_WAITING`` (default 20) ahead of them. bench/bench_overload.py, 200
clients on the status check: 96.5% answered within 2 s with the default and
every one within 2.2 s with 5, against 89.5% without the gate
(docs/performance.md). The default stays 20 because the web app's pages make
one to four API calls each: 20 people opening pages at once must not see 503.

``/health`` is always let in: an orchestrator's liveness probe must not
restart a gateway for being busy (its own answer says whether the services
answer). Pages are not counted here: the web app's own calls to the API come
back through this gate like any client's.
"""
import logging
import time

from gateway.errors import problem

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 1
#: the request's arrival (UTC epoch seconds) in its WSGI environ: its deadline
#: starts there, not when a worker takes it (``gateway.http.Exchange.call``)
ARRIVED_AT = "bansos.arrived_at"
ALWAYS_ADMITTED = ("/health", "/api/v1/admin/metrics")
#: the gate itself in every request's environ: the metrics route reads its counts
GATE = "bansos.gate"


def busy():
    """The 503 problem answered to a request the gateway has no room for."""
    return problem(503, "Service unavailable",
                   "The platform is answering as many requests as it can; try again in "
                   "%d s." % RETRY_AFTER_SECONDS, slug="overloaded",
                   headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


class AdmissionGate:
    """WSGI middleware letting at most ``limit`` requests in at once.

    ``limit`` (int > 0) is the gateway's workers plus the requests allowed to
    wait for one. eventlet switches greenthreads only at I/O, so the count
    needs no lock. ``shed`` counts the requests answered 503 since start.
    """

    def __init__(self, app, limit):
        self.app = app
        self.limit = limit
        self.inside = 0
        self.shed = 0

    def __call__(self, environ, start_response):
        environ.setdefault(ARRIVED_AT, time.time())
        environ[GATE] = self
        if environ.get("PATH_INFO") not in ALWAYS_ADMITTED and self.inside >= self.limit:
            self.shed += 1
            if self.shed % 100 == 1:
                log.warning("busy: %d requests inside (limit %d); %d answered 503 so far",
                            self.inside, self.limit, self.shed)
            return busy()(environ, start_response)
        self.inside += 1
        try:
            # the answer is built inside the app (nameko's worker has finished
            # by the time it returns), so the slot is free once it returns
            return self.app(environ, start_response)
        finally:
            self.inside -= 1
