"""Which instance of a service relays its outbox: a lease in the service's database.

Two instances on one database would otherwise both scan the same pending
events and publish each twice. One document per service in ``_leases``
(``{"_id": "outbox_relay", "holder", "expires_at"}``) names the instance that
publishes; it is taken or renewed by ONE conditional ``find_one_and_update``
(filter: this holder, or an expired lease), so two instances cannot both
succeed. The holder renews it every ``renew_every`` seconds; when the holder
dies its lease runs out after ``seconds`` and another instance takes it.

The kit's timers (``services.shared.service.every``) take one lease each,
``timer:<method>``, so a sweep runs on one instance at a time
(docs/reliability.md "Two instances on one database behave as one").

Expiry is compared with each instance's own clock (UTC seconds): instances'
clocks must agree to well within ``seconds - renew_every`` (NTP does that).
"""
import time
import uuid

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

COLLECTION = "_leases"
RELAY = "outbox_relay"


def lease_for(container, name, seconds, renew_every=None):
    """The lease ``name`` of a service's instance: a ``Lease`` in its database when
    instances may share it (``MONGO_URI`` set), else ``AlwaysHeld`` (the in-process
    store belongs to one process)."""
    from services.shared.mongo import database_for
    from services.shared.settings import settings_for
    if not settings_for(container).mongo_uri:
        return AlwaysHeld()
    return Lease(database_for(container), name=name, seconds=seconds, renew_every=renew_every)


class Lease:
    """One named lease in ``db``; ``holds()`` says whether this instance has it now.

    ``seconds`` is how long a taken lease lasts without renewal (default 15);
    ``renew_every`` how often ``tick()`` renews it (default a third of that).
    """

    def __init__(self, db, name=RELAY, seconds=15.0, renew_every=None, holder=None):
        self.coll = db[COLLECTION]
        self.name = name
        self.seconds = float(seconds)
        self.renew_every = float(renew_every or self.seconds / 3)
        self.holder = holder or uuid.uuid4().hex
        self._valid_until = 0.0  # monotonic: when our own view of the lease runs out
        self._next_try = 0.0

    def holds(self):
        """True while this instance's last successful take or renewal still runs.

        Judged on the local monotonic clock with the renewal period as margin,
        so a holder stalled past its lease stops before another can take over.
        """
        return time.monotonic() < self._valid_until

    def due(self):
        """True when ``tick()`` should run: time to renew, or to try to take it."""
        return time.monotonic() >= self._next_try

    def tick(self):
        """Take or renew the lease; return whether this instance holds it now.

        One conditional upsert: it matches our own lease or an expired one; a
        lease another holder keeps alive makes the upsert insert a second
        ``_id`` and fail with DuplicateKeyError, which means "not ours".
        Store errors propagate (the caller treats them as not holding).
        """
        started = time.monotonic()
        self._next_try = started + self.renew_every
        now = time.time()
        try:
            doc = self.coll.find_one_and_update(
                {"_id": self.name, "$or": [{"holder": self.holder},
                                           {"expires_at": {"$lt": now}}]},
                {"$set": {"holder": self.holder, "expires_at": now + self.seconds}},
                upsert=True, return_document=ReturnDocument.AFTER)
        except DuplicateKeyError:
            doc = None
        except Exception:
            self._valid_until = 0.0
            raise
        if doc is not None and doc.get("holder") == self.holder:
            self._valid_until = started + self.seconds - self.renew_every
            return True
        self._valid_until = 0.0
        return False

    def release(self):
        """Give the lease up (a clean stop), so another instance takes it at once."""
        self._valid_until = 0.0
        self.coll.update_one({"_id": self.name, "holder": self.holder},
                             {"$set": {"expires_at": 0.0}})


class AlwaysHeld:
    """The lease on the in-process store: one process owns the data, so it always holds."""

    holder = "this-process"

    def holds(self):
        return True

    def due(self):
        return False

    def tick(self):
        return True

    def release(self):
        pass
