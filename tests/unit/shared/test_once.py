"""The rules of at-most-once (services.shared.once) and the headers a call sends
(services.shared.rpc.call); over the broker: tests/integration/shared/test_once.py."""
import datetime
import re

import mongomock
import pytest
from nameko.messaging import HeaderEncoder

from services.shared import once
from services.shared.once import OnceRecords, expired, request_key, sooner
from services.shared.rpc import call


class _Worker:
    def __init__(self, data):
        self.data = data

    @property
    def context_data(self):
        return dict(self.data, call_id_stack=["gateway.http.1"])


class _Method(HeaderEncoder):
    """A nameko method proxy whose send records the headers it would publish."""

    service_name, method_name = "registry", "register_household"

    def __init__(self, worker_ctx, sent):
        self.worker_ctx, self.sent = worker_ctx, sent

    def call_async(self, *args, **kwargs):
        self.sent.append(self.get_message_headers(self.worker_ctx))
        return self

    def result(self):
        return {"id": "H1"}


def test_a_call_sends_its_request_id_and_absolute_deadline_in_the_headers():
    sent = []
    before = datetime.datetime.now(datetime.timezone.utc).timestamp()
    assert call(_Method(_Worker({}), sent), deadline=10, request_id="req-1") == {"id": "H1"}
    headers = sent[0]
    assert headers["nameko.request_id"] == "req-1"
    assert before + 10 <= headers["nameko.deadline"] <= before + 11
    assert headers["nameko.call_id_stack"] == ["gateway.http.1"]  # nameko's own still go


def test_two_calls_of_one_request_each_get_their_own_deadline():
    sent, worker = [], _Worker({})
    call(_Method(worker, sent), deadline=1, request_id="req-1")
    call(_Method(worker, sent), deadline=30, request_id="req-1")
    assert sent[1]["nameko.deadline"] - sent[0]["nameko.deadline"] >= 28
    assert worker.data == {}  # nothing left behind on the shared worker context


def test_a_call_made_while_serving_one_keeps_the_served_request_id_and_earlier_deadline():
    sent = []
    served = _Worker({"request_id": "req-outer", "deadline": 1000.0})
    call(_Method(served, sent), deadline=10)
    assert sent[0]["nameko.request_id"] == "req-outer"
    assert sent[0]["nameko.deadline"] == 1000.0


def test_a_deadline_in_the_past_is_expired_and_none_never_expires():
    assert expired({"deadline": 99.0}, now=100.0)
    assert not expired({"deadline": 100.0}, now=100.0)
    assert not expired({}, now=100.0)
    assert not expired({"deadline": "soon"}, now=100.0)
    assert not expired({"deadline": True}, now=100.0)


def test_sooner_keeps_the_earlier_of_the_inherited_and_the_own_deadline():
    assert sooner({}, 10, now=100.0) == 110.0
    assert sooner({"deadline": 105.0}, 10, now=100.0) == 105.0
    assert sooner({"deadline": 500.0}, 10, now=100.0) == 110.0


def test_the_key_tells_apart_methods_and_arguments_not_the_order_of_keywords():
    base = request_key("req-1", "register_household", [{"kk": "1"}], {"a": 1, "b": 2})
    assert base == request_key("req-1", "register_household", [{"kk": "1"}], {"b": 2, "a": 1})
    assert base != request_key("req-1", "register_household", [{"kk": "2"}], {"a": 1, "b": 2})
    assert base != request_key("req-1", "update_household", [{"kk": "1"}], {"a": 1, "b": 2})
    assert base != request_key("req-2", "register_household", [{"kk": "1"}], {"a": 1, "b": 2})


@pytest.fixture
def records():
    db = mongomock.MongoClient(tz_aware=True)["once_test"]
    OnceRecords.ensure_indexes(db)
    return OnceRecords(db)


def test_the_first_claim_runs_a_repeat_sees_it_running_then_its_result(records):
    assert records.claim("k") is None
    assert records.claim("k")["state"] == once.RUNNING
    records.done("k", {"id": "H1", "members": [{"a.b": 1}]})  # dotted keys: kept as JSON text
    doc = records.claim("k")
    assert doc["state"] == once.DONE and once.stored_result(doc) == {"id": "H1",
                                                                    "members": [{"a.b": 1}]}


def test_a_released_claim_may_run_again(records):
    assert records.claim("k") is None
    records.release("k")
    assert records.claim("k") is None


def test_a_result_kept_past_its_time_is_forgotten(records):
    assert records.claim("k", keep=-1) is None
    records.done("k", 1)
    assert records.claim("k") is None


def test_a_running_claim_its_process_stopped_renewing_is_taken_over_once(records, monkeypatch):
    monkeypatch.setattr(once, "CLAIM_SECONDS", -1)  # every claim is abandoned as soon as made
    assert records.claim("k") is None
    doc = records.find("k")
    assert records.abandoned(doc)
    monkeypatch.setattr(once, "CLAIM_SECONDS", 90)
    assert records.claim("k") is None  # taken over: the command runs again
    again = records.claim("k")  # a third delivery finds the new holder running
    assert again["state"] == once.RUNNING and not records.abandoned(again)


def test_a_renewed_claim_is_not_taken_over(records, monkeypatch):
    monkeypatch.setattr(once, "CLAIM_SECONDS", 90)
    assert records.claim("k") is None
    records.coll.update_one({"_id": "k"}, {"$set": {
        "held_until": datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)}})
    records.renew({"k"})
    assert records.claim("k")["state"] == once.RUNNING
    records.done("k", 1)
    records.renew({"k"})  # a finished command is not made running again
    assert records.find("k")["state"] == once.DONE


#: the verbs of RPC methods that change state (the name's first word); each must be a ``command``
CHANGING = re.compile(r"^(register|update|add|create|set|record|submit|transition|publish|"
                      r"unpublish|verify|suspend|reinstate|remove|place|enrol|withdraw|complete|"
                      r"disburse|cancel|return|mark|reassign|revise|schedule|close|generate|"
                      r"deactivate|import|confirm|reject|start)(_|$)")


def _rpc_methods():
    import importlib

    from deploy.services import read_services
    for name, spec in read_services():
        module, cls = spec.split(":")
        if not module.startswith("services."):
            continue
        service = getattr(importlib.import_module(module), cls)
        for attr in dir(service):
            for entrypoint in getattr(getattr(service, attr), "nameko_entrypoints", ()):
                if hasattr(entrypoint, "once"):
                    yield name, attr, entrypoint.once


def test_every_rpc_that_changes_state_is_carried_out_at_most_once():
    methods = list(_rpc_methods())
    assert ("registry", "register_household", True) in methods
    assert ("registry", "get_household", False) in methods
    plain = ["%s.%s" % (name, attr) for name, attr, is_once in methods
             if CHANGING.match(attr) and not is_once]
    assert plain == []


def test_the_in_memory_store_purges_expired_results_now_and_then(records, monkeypatch):
    monkeypatch.setattr(once, "PURGE_EVERY", 3)
    monkeypatch.setattr(once, "_claims", [0])
    for key in ("old-1", "old-2"):
        records.claim(key, keep=-1)
    records.claim("kept")
    assert records.find("old-1") is None and records.find("old-2") is None
    assert records.find("kept") is not None


def test_the_request_id_is_read_back_from_a_key_even_with_colons_in_it():
    assert once.request_of(request_key("web:page:42", "add_note", [], {})) == "web:page:42"
