"""The outbox relay's lease (services/shared/lease.py): one holder, renewed, taken after expiry."""
import time

from services.shared.lease import COLLECTION, Lease

from tests.conformance.concurrency import concurrently


def test_racing_instances_have_one_holder_and_it_renews(db):
    leases = [Lease(db, seconds=30, holder="i%d" % i) for i in range(5)]
    results = concurrently(5, lambda i: leases[i].tick())
    won = [i for i, held in results if held is True]
    assert len(won) == 1
    assert [lease.holds() for lease in leases] == [i in won for i in range(5)]
    holder = leases[won[0]]
    assert holder.tick() is True
    assert db[COLLECTION].find_one({"_id": "outbox_relay"})["holder"] == holder.holder
    others = [lease for lease in leases if lease is not holder]
    assert [lease.tick() for lease in others] == [False] * 4


def test_an_expired_lease_is_taken_over_and_a_released_one_at_once(db):
    dead = Lease(db, seconds=30, holder="dead")
    assert dead.tick() is True
    db[COLLECTION].update_one({"_id": "outbox_relay"}, {"$set": {"expires_at": time.time() - 1}})
    heir = Lease(db, seconds=30, holder="heir")
    assert heir.tick() is True
    assert dead.tick() is False and not dead.holds()
    heir.release()
    assert not heir.holds()
    assert Lease(db, seconds=30, holder="next").tick() is True
