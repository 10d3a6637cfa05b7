"""A service that is not running answers 503 at once, not 504 at the deadline (issue 9, item 2).

A stopped service's queue stays on the broker, so a request sent to it waited
there for the caller's whole deadline. ``services.shared.rpc.call`` asks the
broker first whether anything consumes the queue.
"""
import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from services.shared import rpc as rpc_module
from services.shared.rpc import Unavailable, call, rpc
from tests.helpers import wait_for

pytestmark = pytest.mark.integration

DEADLINE = 5.0


class Sleeper:
    name = "sleeper"

    @rpc
    def ping(self):
        return "pong"


def _answers(proxy):
    try:
        return call(proxy.ping, deadline=DEADLINE)
    except Unavailable:
        return None


def test_a_stopped_service_is_unavailable_and_answers_again_once_restarted(container_factory,
                                                                           rabbit_config):
    container = container_factory(Sleeper, rabbit_config)
    container.start()
    with ServiceRpcProxy("sleeper", rabbit_config, timeout=DEADLINE + 1) as proxy:
        assert call(proxy.ping, deadline=DEADLINE) == "pong"
        container.stop()  # its queue stays declared, with no consumer

        rpc_module._consumers_seen.clear()  # what a gateway knows once its cache expired
        with pytest.raises(Unavailable, match="sleeper.ping is not running"):
            call(proxy.ping, deadline=DEADLINE)

        again = container_factory(Sleeper, rabbit_config)
        again.start()
        assert wait_for(lambda: _answers(proxy), timeout=DEADLINE) == "pong"


def test_a_service_never_started_is_unavailable(rabbit_config):
    with ServiceRpcProxy("nobody_here", rabbit_config) as proxy:
        with pytest.raises(Unavailable, match="nobody_here.ping is not running"):
            call(proxy.ping, deadline=DEADLINE)
