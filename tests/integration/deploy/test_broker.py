"""deploy/broker.py against the real RabbitMQ."""
import pytest

from deploy import broker

pytestmark = pytest.mark.integration


def test_the_test_broker_and_its_management_api_answer():
    """What scripts/test makes sure of before pytest runs."""
    assert broker.ensure(broker.DEFAULT_AMQP_URI, management=True, say=print) is False
    assert broker.management_answers(broker.management_url(broker.DEFAULT_AMQP_URI))
    assert not broker.management_answers("http://guest:wrong@127.0.0.1:15672")
