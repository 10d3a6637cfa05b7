"""Publish pending outbox events with publisher confirms, in batches.

nameko's ``EventDispatcher`` waits for one broker confirm per event. The relay
puts its channel in confirm mode, publishes a whole batch, then waits for the
broker's (cumulative) acks once, which is what lets it beat nameko's own
dispatch rate. Events go to the same exchange nameko uses (``<service>.events``,
topic, durable, routing key = event type), so ordinary nameko
``event_handler``s receive them.

Only after every event of a batch is confirmed are they pulled from their
documents' outboxes: a crash at any point before that re-publishes them on
restart (at least once; consumers drop duplicates by ``event_id``).

Several instances on one database: only the holder of the service's relay
lease (``services.shared.lease``) publishes. The others' writes still wake
their own relay, which drops the ids; the holder's scan, every
``SHARED_SCAN_SECONDS`` instead of ``full_scan_interval``, finds those
events (one indexed query per outbox collection). A holder that dies after
publishing and before pulling leaves its batch pending and the next holder
publishes it again: still at least once (docs/reliability.md).
"""
import json
import logging
import time

import amqp
import eventlet
from eventlet.queue import Empty, LightQueue
from kombu import Connection

from services.shared.bundle import bundled
from services.shared.lease import AlwaysHeld
from services.shared.outbox import OUTBOX, PENDING, ensure_outbox_index

log = logging.getLogger(__name__)

#: How often a lease holder scans for events other instances wrote: their
#: publish delay. On a real server the scan is one query on the ``_pending`` index.
SHARED_SCAN_SECONDS = 1.0


class PublishFailed(Exception):
    """The broker nacked, or the connection failed, before every confirm came."""


class ConfirmingPublisher:
    """Publishes JSON envelopes to ``<service>.events`` and waits for confirms."""

    def __init__(self, amqp_uri, exchange_name, confirm_timeout=10):
        self.amqp_uri = amqp_uri
        self.exchange_name = exchange_name
        self.confirm_timeout = confirm_timeout
        self._conn = None
        self._channel = None
        self._tag = 0
        self._acked = 0
        self._nacked = False

    def _connect(self):
        info = Connection(self.amqp_uri)
        conn = amqp.Connection(
            host="%s:%s" % (info.hostname or "localhost", info.port or 5672),
            userid=info.userid, password=info.password,
            virtual_host=info.virtual_host or "/", connect_timeout=5,
        )
        conn.connect()
        ch = conn.channel()
        ch.exchange_declare(self.exchange_name, "topic", durable=True, auto_delete=False)
        ch.confirm_select()
        ch.events["basic_ack"].add(self._on_ack)
        ch.events["basic_nack"].add(self._on_nack)
        self._conn, self._channel, self._tag, self._acked = conn, ch, 0, 0

    def _on_ack(self, delivery_tag, multiple):
        self._acked = max(self._acked, delivery_tag)

    def _on_nack(self, delivery_tag, multiple):
        self._nacked = True

    def publish(self, events):
        """Publish ``events`` (envelopes) and return once all are confirmed.

        Raises PublishFailed (after closing the connection) on a nack, a
        timeout or a connection error; the caller keeps the events pending.
        """
        if not events:
            return
        try:
            if self._conn is None:
                self._connect()
            self._nacked = False
            for event in events:
                body = json.dumps(event, ensure_ascii=False).encode("utf-8")
                msg = amqp.Message(body, content_type="application/json",
                                   content_encoding="utf-8", delivery_mode=2,
                                   message_id=event["event_id"])
                self._channel.basic_publish(msg, exchange=self.exchange_name,
                                            routing_key=event["type"])
                self._tag += 1
            while self._acked < self._tag and not self._nacked:
                self._conn.drain_events(timeout=self.confirm_timeout)
            if self._nacked:
                raise PublishFailed("broker nacked a published event")
        except Exception as exc:
            self.close()
            if isinstance(exc, PublishFailed):
                raise
            raise PublishFailed(repr(exc)) from exc

    def close(self):
        conn, self._conn, self._channel = self._conn, None, None
        if conn is not None:
            try:
                conn.collect()
            except Exception:  # noqa: BLE001 - closing a dead socket
                pass


class LeaseLost(Exception):
    """This instance's relay lease ran out before a batch was published."""


class OutboxRelay:
    """Runs in a service's managed greenthread; publishes pending events.

    Woken by ``kick(collection, ids)`` after each write: it then reads just
    those documents by ``_id``. A full scan of every outbox collection (by the
    indexed ``_pending``) runs at start, after a failure, when ``kick()`` names
    no documents, and every ``full_scan_interval`` seconds, to pick up what a
    crashed process left behind.

    ``lease`` (a ``services.shared.lease.Lease``) decides whether this
    instance publishes; without one (the in-process store, one process) it
    always does.
    """

    def __init__(self, container, db, collections, batch_size=500,
                 poll_interval=0.5, full_scan_interval=60.0, publisher=None, lease=None,
                 epoch=None, bundle_at=None):
        self.container = container
        # a publish of at least ``bundle_at`` events goes as bundles (services.shared.bundle)
        self.bundle_at = bundle_at
        # ``epoch()``: the store's epoch, stamped on each event as it is published;
        # read per batch, so a store replaced under a running process is told apart
        self.epoch = epoch
        self.db = db
        self.collections = collections
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.publisher = publisher or ConfirmingPublisher(
            container.config["AMQP_URI"], "%s.events" % container.service_name)
        self.lease = lease or AlwaysHeld()
        self.full_scan_interval = full_scan_interval
        if lease is not None:
            # other instances' writes are only ever found by this scan
            self.full_scan_interval = min(full_scan_interval, SHARED_SCAN_SECONDS)
        self._wake = LightQueue(maxsize=1)
        self._dirty = {}
        self._full = True
        self._last_full = 0.0
        self._running = False
        self._gt = None
        for name in collections:
            ensure_outbox_index(db[name])

    def start(self):
        self._running = True
        self._gt = self.container.spawn_managed_thread(self._run)

    def stop(self):
        self._running = False
        self.kick()
        if self._gt is not None:
            self._gt.kill()
            self._gt = None
        self.publisher.close()
        try:
            self.lease.release()
        except Exception:  # noqa: BLE001 - the lease then expires on its own
            log.warning("outbox relay: could not release the lease; it expires by itself")

    def kick(self, collection=None, ids=None):
        """Wake the relay; ``collection`` and ``ids`` name the documents just written."""
        if collection and ids:
            self._dirty.setdefault(collection, set()).update(ids)
        else:
            self._full = True
        try:
            self._wake.put_nowait(True)
        except Exception:  # noqa: BLE001 - queue full: a wake-up is already pending
            pass

    def _run(self):
        backoff = self.poll_interval
        while self._running:
            try:
                self._wake.get(timeout=backoff)
            except Empty:
                pass
            if not self._running:
                break
            if not self._lease_held():
                self._dirty = {}  # the holder's scan finds these
                continue
            try:
                if self._full or time.monotonic() - self._last_full >= self.full_scan_interval:
                    self.flush()
                else:
                    self.flush_dirty()
                backoff = self.poll_interval
            except LeaseLost:
                self._full = True
            except PublishFailed as exc:
                self._full = True
                backoff = min(max(backoff * 2, 0.2), 10.0)
                log.warning("outbox relay: publish failed (%s); retrying in %.1fs", exc, backoff)
            except Exception:  # noqa: BLE001 - keep relaying after a store hiccup
                self._full = True
                backoff = min(max(backoff * 2, 0.2), 10.0)
                log.exception("outbox relay: flush failed; retrying in %.1fs", backoff)

    def _lease_held(self):
        """Renew or take the lease when due; whether this instance may publish now."""
        if self.lease.due():
            had = self.lease.holds()
            try:
                held = self.lease.tick()
            except Exception:  # noqa: BLE001 - the store is down: nobody can mark events
                log.exception("outbox relay: could not renew the lease")
                held = False
            if held and not had:
                self._full = True  # taken over: publish what the last holder left
                log.info("outbox relay: lease taken by %s", self.lease.holder)
        return self.lease.holds()

    def flush_dirty(self):
        """Publish the pending events of the documents named by ``kick``; return the count."""
        dirty, self._dirty = self._dirty, {}
        total = 0
        try:
            for name, ids in dirty.items():
                ids = list(ids)
                for i in range(0, len(ids), self.batch_size):
                    docs = list(self.db[name].find(
                        {"_id": {"$in": ids[i:i + self.batch_size]}, PENDING: {"$gt": 0}},
                        {OUTBOX: 1}))
                    total += self._publish(self.db[name], docs)
        except Exception:
            self._full = True  # whatever was dirty is found again by the full scan
            raise
        return total

    def _publish(self, coll, docs):
        events = [e for d in docs for e in d.get(OUTBOX, [])]
        if events and self.epoch is not None:
            epoch = self.epoch()
            events = [dict(e, store_epoch=epoch) for e in events]
        if events:
            if not self.lease.holds():
                raise LeaseLost()
            self.publisher.publish(bundled(events, self.container.service_name,
                                           self.bundle_at))
            self._mark_sent(coll, docs)
        return len(events)

    def flush(self):
        """Publish everything pending now (a full scan); return how many events went out."""
        self._full = False
        self._dirty = {}
        self._last_full = time.monotonic()
        total = 0
        for name in self.collections:
            coll = self.db[name]
            while True:
                docs = list(coll.find({PENDING: {"$gt": 0}}, {OUTBOX: 1})
                            .limit(self.batch_size))
                if not docs:
                    break
                total += self._publish(coll, docs)
                if len(docs) < self.batch_size:
                    break
            eventlet.sleep(0)
        return total

    @staticmethod
    def _mark_sent(coll, docs):
        """Remove published events from their documents' outboxes.

        Fast path: documents whose outbox still holds exactly what was read are
        emptied with one ``update_many`` per outbox size. A document that got
        a new event meanwhile does not match (its ``_pending`` grew) and has
        only the published events pulled, guarded by the presence of the first
        one so a document already emptied is not decremented twice.
        """
        by_size = {}
        for d in docs:
            by_size.setdefault(len(d.get(OUTBOX, [])), []).append(d)
        for size, group in by_size.items():
            if size == 0:
                continue
            result = coll.update_many({"_id": {"$in": [d["_id"] for d in group]}, PENDING: size},
                                      {"$set": {OUTBOX: [], PENDING: 0}})
            if result.modified_count == len(group):
                continue
            for d in group:
                ids = [e["event_id"] for e in d[OUTBOX]]
                coll.update_one({"_id": d["_id"], OUTBOX + ".event_id": ids[0]},
                                {"$pull": {OUTBOX: {"event_id": {"$in": ids}}},
                                 "$inc": {PENDING: -len(ids)}})
