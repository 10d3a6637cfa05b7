"""The gateway's cache of public answers (gateway/public_cache.py): keys, topics,
age, what is never kept, and the router serving a kept answer only to outsiders."""
import json
from types import SimpleNamespace

from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.auth import Principal
from gateway.http import RouteTable, Router
from gateway.public_cache import INVALIDATED_BY, PublicCache, cache_key, holds_nik
from gateway.ratelimit import RateLimiter
from gateway.service import ROUTER
from services.distribution import contract as distribution
from services.marketplace import contract as marketplace
from services.partners import contract as partners


def test_the_key_ignores_parameter_order_but_not_values():
    a = cache_key("search_listings", {}, MultiDict([("q", "kerip"), ("sort", "price")]))
    b = cache_key("search_listings", {}, MultiDict([("sort", "price"), ("q", "kerip")]))
    assert a == b
    assert a != cache_key("search_listings", {}, MultiDict([("q", "kerip")]))
    assert a != cache_key("search_listings", {}, MultiDict([("q", "batik"), ("sort", "price")]))
    assert cache_key("get_programme", {"code": "PKH"}, {}) != cache_key(
        "get_programme", {"code": "BPNT"}, {})
    # a repeated parameter is one set of values whatever their order
    assert cache_key("r", {}, MultiDict([("k", "1"), ("k", "2")])) == cache_key(
        "r", {}, MultiDict([("k", "2"), ("k", "1")]))


def test_an_event_drops_only_the_answers_of_its_topics():
    cache = PublicCache(max_age=30)
    cache.put("listings?p=1", ("listings",), cache.generations(("listings",)), {"items": [1]})
    cache.put("programmes", ("programmes",), cache.generations(("programmes",)), {"items": [2]})
    cache.invalidate(*INVALIDATED_BY[("marketplace", "listing_published")])
    assert cache.get("listings?p=1") is None
    assert cache.get("programmes") == {"items": [2]}


def test_every_event_of_the_catalogue_reads_drops_its_topic():
    topics = {t for ts in INVALIDATED_BY.values() for t in ts}
    assert topics == {"programmes", "rounds", "partner_programmes", "listings"}
    assert INVALIDATED_BY[("distribution", "programme_revised")] == ("programmes", "rounds")
    assert INVALIDATED_BY[("marketplace", "order_placed")] == ("listings",)  # stock moved


def test_every_invalidating_event_is_one_its_service_publishes():
    published = {(e.source, e.name) for module in (distribution, marketplace, partners)
                 for e in vars(module).values() if hasattr(e, "envelope") and hasattr(e, "name")}
    published |= {(e.source, e.name) for e in distribution.ALLOCATION_EVENTS.values()}
    assert set(INVALIDATED_BY) <= published, set(INVALIDATED_BY) - published


def test_only_public_reads_are_cached_and_the_five_catalogue_reads_are():
    cached = {(s.method, s.path) for s in ROUTER.specs if s.cache}
    assert cached == {("GET", "/api/v1/programmes"), ("GET", "/api/v1/programmes/<code>"),
                      ("GET", "/api/v1/rounds"), ("GET", "/api/v1/partner-programmes"),
                      ("GET", "/api/v1/listings")}
    assert all(s.role is None for s in ROUTER.specs if s.cache)
    # a write on a listing, a photo or an order drops the catalogue at once
    assert ("listings",) == next(s.invalidates for s in ROUTER.specs
                                 if (s.method, s.path) == ("PATCH", "/api/v1/listings/<listing_id>"))


def test_no_answer_is_older_than_the_setting():
    now = [100.0]
    cache = PublicCache(max_age=30, clock=lambda: now[0])
    cache.put("k", ("rounds",), cache.generations(("rounds",)), "answer")
    now[0] += 29.9
    assert cache.get("k") == "answer"
    now[0] += 0.1
    assert cache.get("k") is None


def test_an_answer_computed_across_an_invalidation_is_not_kept():
    cache = PublicCache(max_age=30)
    before = cache.generations(("listings",))
    cache.invalidate("listings")  # the event arrived while the service answered
    assert cache.put("k", ("listings",), before, "maybe stale") is False
    assert cache.get("k") is None


def test_an_answer_with_a_nik_is_never_kept_even_masked():
    cache = PublicCache(max_age=30)
    answer = {"items": [{"seller": {"nik": "317409******0001"}}]}
    assert holds_nik(answer) and holds_nik(({"x": [{"member_nik": "1"}]}, {}))
    assert not holds_nik({"items": [{"nik": None, "title": "Keripik"}]})
    assert cache.put("k", ("listings",), cache.generations(("listings",)), answer) is False
    assert cache.get("k") is None


def test_the_cache_holds_at_most_max_entries_oldest_dropped_first():
    cache = PublicCache(max_age=30, max_entries=3)
    for i in range(5):
        cache.put(i, ("listings",), cache.generations(("listings",)), i)
    assert len(cache) == 3
    assert [cache.get(i) for i in range(5)] == [None, None, 2, 3, 4]


# ------------------------------------------------------------ through the router

def _router(calls):
    table = RouteTable()

    @table.route("GET", "/api/v1/things", cache=("things",))
    def list_things(ex):
        calls.append(ex.principal.role)
        return {"items": [{"title": "Keripik", "published_by": "Bu Officer"}],
                "call": len(calls)}

    @table.route("PATCH", "/api/v1/things/<thing_id>", role="officer", invalidates=("things",))
    def change_thing(ex, thing_id):
        return {"id": thing_id}

    return Router([table])


def _service():
    store = SimpleNamespace(principal_for=lambda token, admin, request_id: Principal(
        role="officer", token_id="tok", name="Bu Officer", request_id=request_id))
    return SimpleNamespace(store=store, limiter=RateLimiter(), public_cache=PublicCache(30),
                           services=None, settings=SimpleNamespace(
                               admin_token="", trust_forwarded_for=False, rpc_deadline=10))


def _get(router, service, path, method="GET", token=None):
    headers = {"Authorization": "Bearer " + token} if token else {}
    request = Request(EnvironBuilder(path=path, method=method, headers=headers).get_environ())
    response = router.dispatch(service, request)
    return response.status_code, json.loads(response.get_data())


def test_a_public_read_is_answered_from_the_cache_as_it_was_first_answered():
    calls, service = [], _service()
    router = _router(calls)
    first = _get(router, service, "/api/v1/things?page=1&sort=x")
    again = _get(router, service, "/api/v1/things?sort=x&page=1")
    assert first == again == (200, {"items": [{"title": "Keripik"}], "call": 1})
    assert calls == [None]


def test_staff_always_reach_the_service_and_see_the_unshaped_answer():
    calls, service = [], _service()
    router = _router(calls)
    _get(router, service, "/api/v1/things")
    status, answer = _get(router, service, "/api/v1/things", token="officer-token")
    assert status == 200 and answer["items"][0]["published_by"] == "Bu Officer"
    assert calls == [None, "officer"]
    # and what the officer saw was not kept for the public
    assert _get(router, service, "/api/v1/things")[1]["items"] == [{"title": "Keripik"}]


def test_a_write_through_this_gateway_drops_the_answers_it_changes():
    calls, service = [], _service()
    router = _router(calls)
    _get(router, service, "/api/v1/things")
    assert _get(router, service, "/api/v1/things/t1", "PATCH", token="officer-token")[0] == 200
    assert _get(router, service, "/api/v1/things")[1]["call"] == 2
