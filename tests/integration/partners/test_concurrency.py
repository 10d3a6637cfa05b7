"""Capacity and the waiting list under concurrency, through the service's own RPCs on
the real broker (issue 11): N places, 3N enrolments at once, then N/2 simultaneous
withdrawals. Never more than N places taken, and each freed place goes to exactly
one waiting person, the first by need.

mongomock runs each worker's reads and writes without a pause, so two requests
would never interleave; the store under test pauses after every programme read
(as a real server's round trip does), so requests really race and lose writes.
With ``TEST_MONGO_URI`` (a real MongoDB, or a SecantusDB wire server) the same
test runs on a real server.
"""
import eventlet
import pytest

from services.partners.service import PartnersService
from services.partners.store import OUTBOX_COLLECTIONS, PartnersRepository
from services.shared.mongo import MongoStore
from tests.helpers import wait_for
from tests.integration.partners.conftest import (OFFICER, PartnersListener, caught_up,
                                                 days_ago, seen, training, verified_partner)
from tests.support.registry import Family, FakeRegistry

pytestmark = pytest.mark.integration
N = 10


class RacingRepository(PartnersRepository):
    """The real repository, with a round trip's pause after each programme read."""

    lost = 0

    def get_programme(self, programme_id, roster=True):
        doc = super().get_programme(programme_id, roster)
        eventlet.sleep(0.002)
        return doc

    def write_programme(self, doc, changes, events=None):
        after = super().write_programme(doc, changes, events)
        if after is None:
            RacingRepository.lost += 1
        return after


class RacingPartnersService(PartnersService):
    store = MongoStore(RacingRepository, outbox=OUTBOX_COLLECTIONS)


def enrolment_events():
    return seen("enrolment_accepted") + seen("enrolment_waitlisted") + seen("enrolment_withdrawn")


def results(replies):
    return [reply.result() for reply in replies]


def test_n_places_3n_enrolments_and_n_over_2_simultaneous_withdrawals(start, proxy,
                                                                    service_config):
    RacingRepository.lost = 0
    # one birth date each, so every NIK differs (it encodes the birth date)
    families = [Family(service_config, decile=1 + i % 5, people=(
        ("head", "M", days_ago(365 * 20 + 31 * i)),)) for i in range(3 * N)]
    for family in families:
        family.export()
    start(FakeRegistry, PartnersListener, RacingPartnersService)
    partners = proxy()
    caught_up(partners, 3 * N)
    course = training(partners, verified_partner(partners), capacity=N)

    enrolled = results([partners.enrol.call_async(course["id"], {"nik": f.members[0]["nik"]},
                                                  OFFICER) for f in families])
    assert sorted(e["status"] for e in enrolled).count("accepted") == N
    assert len({e["id"] for e in enrolled}) == 3 * N
    waiting = partners.list_enrolments(course["id"], {"status": "waitlisted"}, 1, 200,
                                       OFFICER)["items"]
    assert [w["waitlist_position"] for w in waiting] == list(range(1, 2 * N + 1))
    assert [w["welfare_decile"] for w in waiting] == sorted(w["welfare_decile"] for w in waiting)
    first_by_need = [w["id"] for w in waiting[:N // 2]]

    leaving = [e["id"] for e in enrolled if e["status"] == "accepted"][:N // 2]
    gone = results([partners.withdraw_enrolment.call_async(
        enrolment_id, {"reason": "resident_request"}, OFFICER) for enrolment_id in leaving])
    assert {g["status"] for g in gone} == {"withdrawn"}

    after = partners.get_programme(course["id"], OFFICER)
    assert (after["accepted"], after["waitlisted"], after["places_left"]) == (N, 2 * N - N // 2, 0)
    everyone = {e["id"]: e for e in partners.list_enrolments(course["id"], None, 1, 200,
                                                             OFFICER)["items"]}
    promoted = sorted(i for i, e in everyone.items() if e["promoted"])
    assert promoted == sorted(first_by_need)
    assert all(everyone[i]["status"] == "accepted" for i in promoted)

    # every committed roster, as its events saw it, held at most N places, and each
    # waiting person was admitted once at most
    # N accepted, 2N waitlisted, N/2 withdrawn, N/2 accepted from the waiting list
    events = wait_for(lambda: len(enrolment_events()) == 4 * N and enrolment_events(),
                      timeout=30)
    assert max(e["data"]["places_taken"] for e in events) == N
    accepted = [e["data"]["enrolment_id"] for e in events if e["type"] == "enrolment_accepted"]
    assert len(accepted) == len(set(accepted)) == N + N // 2
    assert sorted(e["data"]["enrolment_id"] for e in events
                  if e["type"] == "enrolment_accepted" and e["data"]["promoted"]) == promoted
    assert RacingRepository.lost > 0  # the requests really raced
    print("\nconcurrency: N=%d, %d enrolments and %d withdrawals at once; %d roster writes "
          "lost a race and were planned again" % (N, 3 * N, N // 2, RacingRepository.lost))
