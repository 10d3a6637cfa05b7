"""A replay of a parked event that fails says why, as an error of the contract (issue 9, item 6):
409 when the handler fails again, 422 when the payload cannot be read, never a bare 500.
Through the gateway and the broker: tests/integration/shared/test_replay_reasons.py."""
import json

import mongomock
import pytest

from gateway.errors import problem_from_exception
from services.shared.envelope import make_envelope
from services.shared.errors import Conflict, InvalidInput, NotFound, RuleRefused
from services.shared.inbox import InboxRecords, consumes, replay
from tests.support.kit import MemoryLot

NIK = "3174094506870003"


class Consumer:
    fail = True
    applied = []

    @consumes("somewhere", "thing_happened")
    def handle_thing_happened(self, event):
        if self.fail:
            raise ValueError("resident %s is not known here" % NIK)
        self.applied.append(event["event_id"])


@pytest.fixture
def records():
    return InboxRecords(mongomock.MongoClient(tz_aware=True)["replay_test"], MemoryLot())


def _parked(records, **envelope):
    payload = make_envelope("thing_happened", "somewhere", "a1", 1, {"name": "x"})
    payload.update(envelope)
    return records.park("handle_thing_happened", payload, "first failure", 5), payload


def test_a_handler_failing_again_is_a_409_with_its_reason_and_the_event_stays_parked(records):
    parked_id, _ = _parked(records)
    with pytest.raises(Conflict) as caught:
        replay(Consumer(), records, parked_id)
    assert "failed again in handle_thing_happened: ValueError: resident" in caught.value.detail
    assert NIK not in caught.value.detail and "3174********0003" in caught.value.detail
    assert caught.value.errors["handler"][0].startswith("ValueError: resident")
    answer = problem_from_exception(caught.value)
    body = json.loads(answer.get_data())
    assert answer.status_code == 409 and body["status"] == 409
    assert body["errors"]["handler"] and "Traceback" not in answer.get_data(as_text=True)
    [still] = records.list_parked()
    assert still["attempts"] == 6 and "ValueError" in still["error"]


def test_a_payload_this_contract_cannot_read_is_a_422(records):
    from services.registry import contract
    parked_id, _ = _parked(records, type="resident_registered", source="registry",
                           data={"resident": {}})

    class Reader:
        @consumes(contract.RESIDENT_REGISTERED)
        def handle_thing_happened(self, event):
            raise AssertionError("never reached")

    with pytest.raises(RuleRefused, match="cannot be read by handle_thing_happened"):
        replay(Reader(), records, parked_id)
    assert problem_from_exception(RuleRefused("x")).status_code == 422
    assert len(records.list_parked()) == 1


def test_a_replay_that_succeeds_empties_the_lot(records):
    parked_id, payload = _parked(records)
    consumer = Consumer()
    consumer.fail = False
    assert replay(consumer, records, parked_id) == {"replayed": parked_id}
    assert records.list_parked() == [] and payload["event_id"] in Consumer.applied


def test_an_unknown_id_is_not_found_and_an_undecodable_message_stays_as_it_was(records):
    with pytest.raises(NotFound, match="No parked event with id nope"):
        replay(Consumer(), records, "nope")
    parked_id = records.park("handle_thing_happened", {"undecodable": "\ufffd{not json"},
                             "The message could not be decoded", 1)
    with pytest.raises(InvalidInput, match="not an event envelope"):
        replay(Consumer(), records, parked_id)
    [still] = records.list_parked()
    assert (still["id"], still["attempts"]) == (parked_id, 1)
    assert still["error"] == "The message could not be decoded"
