"""deploy/healthcheck.py, the containers' health checks, against the real RabbitMQ."""
import pytest

from deploy.healthcheck import check_rpc, main
from services.shared.mongo import MongoStore
from services.shared.service import Service
from tests.support.kit import NoRepository

pytestmark = pytest.mark.integration


class Pinged(Service):
    name = "deploytest_pinged"
    store = MongoStore(NoRepository)


def test_a_running_service_is_healthy_and_a_missing_one_is_not(container_factory, service_config):
    container = container_factory(Pinged, service_config)
    container.start()
    assert check_rpc("deploytest_pinged", config=service_config, timeout=10)
    assert not check_rpc("deploytest_nobody", config=service_config, timeout=2)


def test_usage_errors_are_not_reported_as_healthy(capsys):
    assert main([]) == 2
    assert main(["tcp", "x"]) == 2
    assert "healthcheck.py rpc registry" in capsys.readouterr().err
