"""Storage of complaints, feedback and the projection of distribution's allocations.

Every write that announces an event is one single-document operation carrying
its events (``services.shared.outbox``), then ``notify()``. Workflow moves are
conditional on the status and version read, so two officers pressing at once
cannot both apply. Reads hide the outbox bookkeeping.
"""
import datetime
import hashlib
import json
import uuid

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.shared.clock import WIB, parse_instant
from services.shared.errors import Conflict, NotFound, RuleRefused
from services.shared.outbox import HIDE_OUTBOX, new_document
from services.shared.projection import apply_snapshot
from services.shared.versioned import write_versioned

from services.complaints import data as datafiles
from services.complaints import domain, events, sla


def _overdue(now):
    return {"deadlines": {"$elemMatch": {"met_at": None, "due_at": {"$lt": now}}}}


def _key_id(prefix, request_key, payload):
    """A deterministic id for an idempotent retry: the same key *and* body give the same id."""
    return prefix + _body_digest(request_key, payload)[:24]


def _body_digest(request_key, payload):
    return hashlib.sha256((request_key + "\n" + json.dumps(payload, sort_keys=True, default=str))
                          .encode("utf-8")).hexdigest()


def _key_claim(request_key):
    """The ``_id`` under which an idempotency key is remembered, whatever the body."""
    return "key_" + hashlib.sha256(request_key.encode("utf-8")).hexdigest()[:32]


def year_bounds(year, month=None):
    """UTC instants bounding a WIB calendar year or month: ``(start, end)``."""
    start = datetime.datetime(year, month or 1, 1, tzinfo=WIB)
    if month and month < 12:
        end = datetime.datetime(year, month + 1, 1, tzinfo=WIB)
    else:
        end = datetime.datetime(year + 1, 1, 1, tzinfo=WIB)
    return start.astimezone(datetime.timezone.utc), end.astimezone(datetime.timezone.utc)


class ComplaintRepository:
    """Handed to each worker by ``MongoStore``."""

    def __init__(self, db, notify, levels=None):
        self.complaints = db["complaints"]
        self.feedback = db["feedback"]
        self.allocations = db["allocations"]
        self.request_keys = db["idempotency_keys"]
        self.notify = notify
        self.levels = levels or datafiles.service_levels()

    @classmethod
    def ensure_indexes(cls, db):
        c = db["complaints"]
        c.create_index("tracking_code", unique=True)
        c.create_index([("status", 1), ("submitted_at", -1)])
        c.create_index([("category", 1), ("submitted_at", -1)])
        c.create_index("submitted_at")
        c.create_index("allocation_id", sparse=True)
        c.create_index("deadlines.due_at")
        db["feedback"].create_index([("year", 1), ("programme_code", 1)])

    # ---- complaints ----

    def submit(self, data, now, request_key=None, correlation_id=None):
        """Store a new complaint (status ``received``) and queue ``complaint_submitted``.

        Args:
            data (dict): a loaded ``ComplaintIn``.
            now (datetime): aware UTC submission instant.
            request_key (str|None): an idempotency key; the same key and body
                answer the complaint already stored.
        Returns:
            dict: the stored document.
        """
        # An officer sees the id: it derives from the key alone, never from the body,
        # which holds the reporter (a hash of both could be tested against candidates).
        complaint_id = ("cmp_" + _key_claim(request_key)[4:28] if request_key
                        else "cmp_" + uuid.uuid4().hex[:24])
        if request_key:
            # The same key with another body is a client error, not a new complaint
            # (IETF draft "The Idempotency-Key HTTP Header Field": 422/409).
            claim = {"_id": _key_claim(request_key), "complaint_id": complaint_id,
                     "body": _body_digest(request_key, data)}
            try:
                self.request_keys.insert_one(claim)
            except DuplicateKeyError:
                held = self.request_keys.find_one({"_id": claim["_id"]}) or claim
                # a claim stored before bodies were digested names its id by key and body
                same = (held["body"] == claim["body"] if "body" in held
                        else held["complaint_id"] == _key_id("cmp_", request_key, data))
                if not same:
                    raise Conflict("This Idempotency-Key was already used for a different "
                                   "complaint.", {"Idempotency-Key": ["already used with "
                                                                      "another body"]}) from None
                complaint_id = held["complaint_id"]
        for _ in range(5):
            doc = {"_id": complaint_id, "tracking_code": domain.new_tracking_code(),
                   "category": data["category"], "description": data["description"],
                   "programme_code": data.get("programme_code"), "round_id": data.get("round_id"),
                   "allocation_id": data.get("allocation_id"), "anonymous": bool(data["anonymous"]),
                   "reporter": None if data["anonymous"] else data["reporter"],
                   "correction": data.get("correction"), "status": "received", "version": 1,
                   "submitted_at": now, "updated_at": now, "resolved_at": None, "closed_at": None,
                   "assigned_to": None, "forwarded_to": None, "forwarded_at": None,
                   "deadlines": sla.initial_deadlines(self.levels, data["category"], now),
                   "history": [], "notes": [], "overdue_keys": [], "publication": None}
            try:
                self.complaints.insert_one(new_document(doc, events.submitted(doc, now, correlation_id)))
            except DuplicateKeyError:
                existing = self.complaints.find_one({"_id": complaint_id}, HIDE_OUTBOX)
                if existing is not None:
                    return existing
                continue  # the tracking code was taken: draw another
            self.notify()
            return doc
        raise Conflict("Could not allocate a unique tracking code; please try again.")

    def get(self, complaint_id):
        doc = self.complaints.find_one({"_id": complaint_id}, HIDE_OUTBOX)
        if doc is None:
            raise NotFound("No complaint with id %s." % complaint_id)
        return doc

    def by_tracking_code(self, code):
        doc = self.complaints.find_one({"tracking_code": code}, HIDE_OUTBOX)
        if doc is None:
            raise NotFound("No complaint with tracking code %s." % code)
        return doc

    def allocation_for(self, doc):
        """This service's projection of the allocation a complaint links to, or None."""
        if not doc.get("allocation_id"):
            return None
        return self.allocations.find_one({"_id": doc["allocation_id"]})

    def allocations_for(self, docs):
        """``allocation_for`` of many complaints in one query: ``{allocation_id: projection}``."""
        ids = list({d["allocation_id"] for d in docs if d.get("allocation_id")})
        if not ids:
            return {}
        return {a["_id"]: a for a in self.allocations.find({"_id": {"$in": ids}})}

    def search(self, filters, skip, limit, now):
        """Complaints matching ``filters`` (status, category, overdue, programme_code,
        assigned_to, tracking_code), newest first; returns ``(docs, total)``."""
        query = {k: filters[k] for k in ("status", "category", "programme_code", "assigned_to",
                                         "tracking_code") if filters.get(k) is not None}
        if filters.get("overdue") is True:
            query.update(_overdue(now))
        elif filters.get("overdue") is False:
            query["$nor"] = [_overdue(now)]
        total = self.complaints.count_documents(query)
        docs = list(self.complaints.find(query, HIDE_OUTBOX)
                    .sort([("submitted_at", -1), ("_id", 1)]).skip(skip).limit(limit))
        return docs, total

    def counts(self, now):
        """What the officer views show first: new (``received``) and overdue complaints."""
        return {"received": self.complaints.count_documents({"status": "received"}),
                "overdue": self.complaints.count_documents(_overdue(now))}

    def transition(self, complaint_id, request, actor, now, correlation_id=None):
        """Apply a workflow move once, conditionally on the status and version read.

        Raises NotFound, RuleRefused (not allowed from the current status), or
        Conflict when ``request["version"]`` is stale or another move won the race.
        Returns the stored document after the move.
        """
        expected = request.get("version")
        for _ in range(3):
            doc = self.get(complaint_id)
            if expected is not None and doc["version"] != expected:
                raise Conflict("The complaint is at version %d (%s), not %d: reload it and try again."
                               % (doc["version"], doc["status"], expected),
                               {"version": ["stale: current is %d" % doc["version"]]})
            plan = domain.plan_transition(doc, request, actor, now, self.levels)
            after = write_versioned(
                self.complaints, doc, plan["set"], where={"status": doc["status"]},
                push={"history": plan["history"], "notes": {"$each": plan["notes"]}},
                events=lambda after, step=plan["history"]: events.transitioned(
                    after, step, now, correlation_id), notify=self.notify)
            if after is not None:
                return self.get(complaint_id)
            fresh = self.get(complaint_id)
            if fresh["status"] != doc["status"]:
                raise Conflict("Another officer changed this complaint meanwhile: it is now %s. "
                               "Reload it and decide again." % fresh["status"])
            # only the version moved (an overdue announcement): plan again on fresh data
        raise Conflict("The complaint keeps changing; reload it and try again.")

    def add_note(self, complaint_id, note):
        """Append a note (no status change, no event) unless one with its id is
        there already (a re-run of the same request); returns the document."""
        self.complaints.update_one({"_id": complaint_id, "notes.id": {"$ne": note["id"]}},
                                   {"$push": {"notes": note}})
        return self.get(complaint_id)

    def publish(self, complaint_id, summary, answer, actor, now, role):
        """Put a resolved complaint on the public list with an officer's wording,
        redacted again (NIK-like numbers, phone numbers, and the reporter's name
        where ``role`` may see it: ``domain.redaction_names``)."""
        doc = self.get(complaint_id)
        if doc["status"] != "resolved":
            raise RuleRefused("Only a resolved complaint can be published; this one is %s."
                              % doc["status"], {"status": ["must be resolved"]})
        names = domain.redaction_names(doc, role)
        publication = {"id": "pub_" + uuid.uuid4().hex[:12], "summary": domain.redact(summary, names),
                       "answer": domain.redact(answer, names), "published_at": now,
                       "published_by": (actor or {}).get("name")}
        result = self.complaints.update_one({"_id": complaint_id, "status": "resolved"},
                                            {"$set": {"publication": publication}})
        if result.modified_count != 1:
            raise Conflict("The complaint changed meanwhile; reload it and try again.")
        return self.get(complaint_id)

    def unpublish(self, complaint_id):
        doc = self.complaints.find_one_and_update({"_id": complaint_id},
                                                  {"$set": {"publication": None}},
                                                  HIDE_OUTBOX, return_document=ReturnDocument.AFTER)
        if doc is None:
            raise NotFound("No complaint with id %s." % complaint_id)
        return doc

    def published(self, skip, limit):
        """Resolved complaints the village published, latest resolution first."""
        query = {"status": "resolved", "publication": {"$ne": None}}
        total = self.complaints.count_documents(query)
        docs = list(self.complaints.find(query, HIDE_OUTBOX).sort([("resolved_at", -1), ("_id", 1)])
                    .skip(skip).limit(limit))
        return docs, total

    def export(self, skip, limit):
        """``(complaints by id, total)``, outbox bookkeeping hidden."""
        docs = self.complaints.find({}, HIDE_OUTBOX).sort("_id", 1).skip(skip).limit(limit)
        return list(docs), self.complaints.count_documents({})

    def submitted_between(self, start, end):
        return list(self.complaints.find({"submitted_at": {"$gte": start, "$lt": end}}, HIDE_OUTBOX))

    def announce_overdue(self, now):
        """Queue ``complaint_overdue`` once per complaint per missed deadline.

        Safe to run concurrently and repeatedly: each announcement is a
        conditional update that also records the deadline's key. Returns the
        number announced now.
        """
        announced = 0
        for doc in self.complaints.find(_overdue(now), HIDE_OUTBOX):
            for deadline in sla.missed(doc["deadlines"], now):
                key = sla.deadline_key(deadline)
                if key in doc.get("overdue_keys", []):
                    continue
                after = write_versioned(
                    self.complaints, doc, {}, where={"overdue_keys": {"$ne": key}},
                    push={"overdue_keys": key}, notify=self.notify,
                    events=lambda after, deadline=deadline: events.overdue(after, deadline, now))
                if after is None:
                    break  # changed meanwhile: the next check sees it afresh
                announced += 1
                doc = dict(after, overdue_keys=doc.get("overdue_keys", []) + [key])
        return announced

    # ---- projection of distribution's allocations ----

    def apply_allocation(self, event):
        """Store an allocation's state from a distribution event; add the automatic
        note to linked not_received complaints. Idempotent. Returns notes added."""
        data = event["data"]
        alloc = dict(data["allocation"] if isinstance(data.get("allocation"), dict) else data)
        alloc.setdefault("id", event["aggregate_id"])
        alloc.setdefault("version", event["aggregate_version"])
        if not alloc.get("status"):
            alloc["status"] = {"aid_disbursed": "disbursed",
                               "allocation_cancelled": "cancelled"}.get(event["type"], "pending")
        allocation_id, version = self.apply_allocation_snapshot(alloc, event["type"])
        at = parse_instant(event["occurred_at"])
        note = domain.allocation_note(event["type"], allocation_id, version, at)
        if note is None:
            return 0
        result = self.complaints.update_many(
            {"allocation_id": allocation_id, "category": "not_received", "notes.id": {"$ne": note["id"]}},
            {"$push": {"notes": note}})
        return result.modified_count

    def apply_allocation_snapshot(self, alloc, source="export"):
        """Store one allocation snapshot (``{id, version, status, status_reason,
        programme_code, round_id, amount_idr}``) if newer; returns ``(id, version)``."""
        allocation_id, version = str(alloc["id"]), int(alloc.get("version") or 1)
        apply_snapshot(self.allocations, allocation_id, version, {
            "status": alloc.get("status"), "status_reason": alloc.get("status_reason"),
            "programme_code": alloc.get("programme_code"), "round_id": alloc.get("round_id"),
            "amount_idr": alloc.get("amount_idr"), "last_event": source})
        return allocation_id, version

    # ---- feedback ----

    def add_feedback(self, data, now, request_key=None):
        """Store one feedback (always anonymous); the same key and body store it once."""
        feedback_id = (_key_id("fb_", request_key, data) if request_key
                       else "fb_" + uuid.uuid4().hex[:24])
        doc = dict(data, _id=feedback_id, submitted_at=now,
                   year=now.astimezone(sla.WIB).year)
        try:
            self.feedback.insert_one(doc)
        except DuplicateKeyError:
            doc = self.feedback.find_one({"_id": feedback_id})
        return doc

    def feedback_of_year(self, year, programme_code=None):
        query = {"year": year}
        if programme_code:
            query["programme_code"] = programme_code
        return list(self.feedback.find(query))
