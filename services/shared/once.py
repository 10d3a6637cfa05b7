"""At most once per request: the deadline and request id a call carries (docs/reliability.md).

``services.shared.rpc.call`` sends two values in the message headers (nameko's
context data, ``nameko.<key>``), and nameko passes them on to every call the
callee makes in turn:

- ``deadline``: the absolute instant (UTC epoch seconds, a float) after which
  nobody waits for the answer. The service drops a request received after it,
  before the method runs: a command that answered 504 must not be carried out
  when its service comes back.
- ``request_id``: the gateway's request id. A method declared with
  ``services.shared.rpc.command`` remembers ``request_id -> result`` in the
  service's store (``_once``), so the same request delivered again (a requeue
  after a lost reply, a publish kombu retried, a client repeating its
  ``X-Request-Id``) is answered with the stored result instead of running again.

Plain functions and one small records class; the entrypoint that applies them
is ``services.shared.messaging.DecodeSafeRpc``.
"""
import datetime
import hashlib
import logging
import time

from kombu.utils import json
from pymongo.errors import DuplicateKeyError

from services.shared import clock

log = logging.getLogger(__name__)

DEADLINE = "deadline"
REQUEST_ID = "request_id"

#: how long a command's result is remembered, in seconds: a client repeating a
#: request after a 504 or a dropped connection does so within minutes
REMEMBER_SECONDS = 24 * 3600

#: how long a repeat waits for the first delivery still running when the request
#: carries no deadline, in seconds
RUNNING_WAIT = 60.0

RUNNING, DONE = "running", "done"

#: how long a running claim holds without being renewed, in seconds: a process
#: that died mid-command stops renewing, and a repeat of the request after this
#: runs the command instead of waiting for an answer that will never come
CLAIM_SECONDS = 90.0

#: how often a process renews the claims of the commands it is running, in seconds
RENEW_SECONDS = 15.0

#: claims between two purges of expired results on the in-memory store
PURGE_EVERY = 1000
_claims = [0]


def _in_memory(db):
    return type(db).__module__.startswith("mongomock")


def expired(context, now=None):
    """True when ``context`` (a message's context data) has a deadline that has passed.

    ``now`` is UTC epoch seconds (default: ``time.time()``). A request without
    a deadline never expires. The gateway's and the service's clocks are
    assumed to agree (NTP) to well under a deadline (10 s).
    """
    deadline = context.get(DEADLINE)
    if not isinstance(deadline, (int, float)) or isinstance(deadline, bool):
        return False
    return (time.time() if now is None else now) > deadline


def sooner(context, seconds, now=None):
    """The absolute deadline of a call made now with ``seconds`` to answer, no later than
    the deadline already in ``context`` (a call made while serving another one).

    Returns UTC epoch seconds.
    """
    now = time.time() if now is None else now
    inherited = context.get(DEADLINE) if context else None
    own = now + seconds
    if isinstance(inherited, (int, float)) and not isinstance(inherited, bool):
        return min(own, inherited)
    return own


def request_key(request_id, method, args, kwargs):
    """The key a command's result is remembered under: the request id, the method and a
    digest of its arguments.

    The arguments belong to the key because one request may carry out the same
    command twice with different arguments (two households of one form); a
    repeat of the request sends the same ones. Returns a str.
    """
    digest = hashlib.sha256(json.dumps([args, kwargs], sort_keys=True).encode()).hexdigest()
    return "%s:%s:%s" % (request_id, method, digest[:32])


def request_of(key):
    """The request id in a ``request_key`` (a request id may itself hold colons)."""
    return key.rsplit(":", 2)[0]


class OnceRecords:
    """The ``_once`` collection of a service: one document per command request.

    ``{_id: request_key, state: "running"|"done", result: <JSON text>,
    expires_at, held_until}``; ``_id`` is the unique index that lets only one delivery run,
    and a TTL index on ``expires_at`` lets MongoDB drop old ones (the in-memory
    store treats an expired document as absent and purges them every
    ``PURGE_EVERY`` claims).
    """

    def __init__(self, db):
        self.coll = db["_once"]

    @classmethod
    def ensure_indexes(cls, db):
        # mongomock honours a TTL index by scanning the collection on every
        # operation (6 ms a command at 3,000 kept, and growing): in memory the
        # expired ones are purged every PURGE_EVERY claims instead
        if not _in_memory(db):
            db["_once"].create_index("expires_at", expireAfterSeconds=0)

    def claim(self, key, keep=REMEMBER_SECONDS):
        """Claim ``key`` for this delivery.

        Returns None when the claim is ours (run the command, then ``done`` or
        ``release``, renewing it every ``RENEW_SECONDS`` meanwhile), else the
        document of the delivery that claimed it first (``state`` ``running``
        or ``done``). A running claim not renewed for ``CLAIM_SECONDS`` (its
        process died mid-command) is taken over: the command runs again,
        which is what the caller asked for and never got an answer to.
        """
        now = clock.now()
        self.coll.delete_one({"_id": key, "expires_at": {"$lte": now}})
        _claims[0] += 1
        if _claims[0] % PURGE_EVERY == 0 and _in_memory(self.coll.database):
            self.coll.delete_many({"expires_at": {"$lte": now}})
        try:
            self.coll.insert_one({"_id": key, "state": RUNNING, "claimed_at": now,
                                  "held_until": now + datetime.timedelta(seconds=CLAIM_SECONDS),
                                  "expires_at": now + datetime.timedelta(seconds=keep)})
            return None
        except DuplicateKeyError:
            pass
        # one conditional update: of two repeats finding the same abandoned claim, one takes it
        taken = self.coll.find_one_and_update(
            {"_id": key, "state": RUNNING, "held_until": {"$lte": now}},
            {"$set": {"claimed_at": now, "taken_over": True,
                      "held_until": now + datetime.timedelta(seconds=CLAIM_SECONDS)}})
        if taken is not None:
            log.warning("request %s: its first delivery stopped without an answer (its process "
                        "no longer renewed the claim); running it again", request_of(key))
            return None
        return self.coll.find_one({"_id": key}) or {"state": None}

    def abandoned(self, doc, now=None):
        """True when ``doc`` is a running claim whose holder stopped renewing it."""
        held = doc.get("held_until")
        if doc.get("state") != RUNNING or held is None:
            return False
        if held.tzinfo is None:  # pymongo answers naive UTC
            held = held.replace(tzinfo=clock.UTC)
        return held <= (now or clock.now())

    def renew(self, keys):
        """Hold the running claims ``keys`` (request keys this process is running) for
        another ``CLAIM_SECONDS``."""
        until = clock.now() + datetime.timedelta(seconds=CLAIM_SECONDS)
        self.coll.update_many({"_id": {"$in": list(keys)}, "state": RUNNING},
                              {"$set": {"held_until": until}})

    def done(self, key, result):
        """Remember ``result`` (JSON-serialisable, as the reply carries it) for ``key``."""
        self.coll.update_one({"_id": key}, {"$set": {"state": DONE, "result": json.dumps(result),
                                                     "done_at": clock.now()}})

    def release(self, key):
        """Forget ``key``: the command failed, changed nothing, and may be run again."""
        self.coll.delete_one({"_id": key, "state": RUNNING})

    def find(self, key):
        """The document for ``key``, or None."""
        return self.coll.find_one({"_id": key})


def stored_result(doc):
    """The result kept in a ``done`` document."""
    return json.loads(doc["result"])

