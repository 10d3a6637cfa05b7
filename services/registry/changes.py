"""Changes to one record, and the follow-ups they start (a mixin of RegistryRepository).

Each change is one conditional single-document write (``version`` must be
what was read; else Conflict) carrying its event and a history entry. A
follow-up that touches other documents (a household's status after a member
is deactivated; members' kk/rt/rw after their household changed) is marked
on the changed document first, so that ``repair`` finishes it after a crash.
"""
import time
import uuid

from services.shared import clock
from services.shared.errors import Conflict, InvalidInput
from services.shared.versioned import write_versioned

from services.registry import domain, events
from services.registry.keys import GRACE_SECONDS, kk_key, nik_key, person_key
from services.registry.queries import (NO_HISTORY, STAGED, STAGED_AT, SYNC_HOUSEHOLD,
                                       SYNC_MEMBERS, VISIBLE)

RETRIES = 5


class RecordChanges:
    """Expects ``residents``, ``households``, ``guard``, ``notify`` and the queries."""

    # --- changes to one record -----------------------------------------------

    def update_resident(self, nik, changes, reason, actor, correlation_id):
        """Apply a validated PATCH; returns the resident view after it.

        Raises NotFound, InvalidInput (nothing changes), Conflict (new NIK
        taken, or the record changed meanwhile).
        """
        doc = self.resident_doc(nik)
        update, diff = domain.resident_changes(doc, changes)
        if update.get("relationship") == "head" and any(
                rel == "head" and status == "active"
                for rel, status in self.member_summary(doc["household_id"])):
            raise InvalidInput("The family already has an active head.",
                               {"relationship": ["the family already has an active head"]})
        batch = uuid.uuid4().hex
        if "nik" in update:
            self._claim_or_refuse([(nik_key(update["nik"]), doc["_id"])], batch, "nik")
        after = self._write_resident(doc, update, actor, correlation_id, "updated", diff, reason,
                                     events.resident_updated, batch=batch)
        if "nik" in update:
            self.guard.release_owned(doc["_id"], [nik_key(doc["nik"])])
        return domain.resident_view(after)

    def deactivate_resident(self, nik, reason, note, actor, correlation_id):
        """Deactivate a resident, then the household if no member is left active."""
        doc = self.resident_doc(nik)
        update = domain.deactivation(doc, reason, note)
        diff = domain.field_changes(doc, update)
        after = self._write_resident(
            doc, update, actor, correlation_id, "deactivated", diff, reason,
            lambda d, changed, why, cid: events.resident_deactivated(d, reason, note, cid),
            note=note, extra={SYNC_HOUSEHOLD: True})
        self.sync_household_status(doc["household_id"], actor, correlation_id)
        self.residents.update_one({"_id": doc["_id"]}, {"$unset": {SYNC_HOUSEHOLD: ""}})
        return domain.resident_view(after)

    def update_household(self, household_id, changes, reason, actor, correlation_id):
        """Apply a validated household PATCH; members get the new kk/rt/rw."""
        doc = self.household_doc(household_id)
        update, diff = domain.household_changes(doc, changes)
        batch = uuid.uuid4().hex
        if "kk_number" in update:
            self._claim_or_refuse([(kk_key(update["kk_number"]), doc["_id"])], batch,
                                  "kk_number")
        copies = any(f in update for f in domain.MEMBER_COPIES)
        self._write("households", doc, update, actor, correlation_id, "updated", diff, reason,
                    events.household_updated, extra={SYNC_MEMBERS: True} if copies else None,
                    batch=batch)
        if "kk_number" in update:
            self.guard.release_owned(doc["_id"], [kk_key(doc["kk_number"])])
        if copies:
            self.sync_members(doc["_id"], reason, actor, correlation_id)
        return self.household(doc["_id"])

    def _claim_or_refuse(self, claims, batch, field):
        conflicts = self.guard.claim(claims, batch)
        if conflicts:
            key, owner = next(iter(conflicts.items()))
            raise Conflict("That %s is already registered (record %s)." % (field, owner),
                           {field: ["already registered as %s" % owner]})

    def _write_resident(self, doc, update, actor, correlation_id, action, diff, reason,
                        make_event, note=None, extra=None, batch=None):
        return self._write("residents", doc, update, actor, correlation_id, action, diff, reason,
                           make_event, note, extra, batch)

    def _write(self, collection, doc, update, actor, correlation_id, action, diff, reason,
               make_event, note=None, extra=None, batch=None):
        """One conditional write of ``update`` on ``doc`` (its version must still be the one
        read, else Conflict, releasing ``batch``'s claims) with a history entry and the
        event ``make_event(after, changed fields, reason, correlation_id)``; returns after."""
        now = clock.now_iso()
        entry = domain.history_entry(doc["version"] + 1, now, actor, action, diff, reason, note)
        after = write_versioned(
            self.db[collection], doc, dict(update, updated_at=now, **(extra or {})),
            push={"history": entry}, notify=self.notify,
            events=lambda after: [make_event(after, [d["field"] for d in diff], reason,
                                             correlation_id)])
        if after is None:
            if batch:
                self.guard.release(batch)
            raise Conflict("%s %s changed meanwhile; read it again."
                           % (collection[:-1].capitalize(), doc["_id"]))
        return after

    # --- follow-ups of a change (also finished by ``repair``) ----------------

    def sync_household_status(self, household_id, actor, correlation_id):
        """Make a household inactive when no member is active (and active again
        when one is); announced by ``household_updated``."""
        for _ in range(RETRIES):
            household = self.households.find_one({"_id": household_id}, NO_HISTORY)
            status = domain.household_status(self.member_statuses(household_id))
            if household is None or household["status"] == status:
                return
            update = {"status": status}
            reason = domain.ALL_MEMBERS_INACTIVE if status == "inactive" else "a member is active"
            try:
                self._write("households", household, update, actor, correlation_id, "updated",
                            domain.field_changes(household, update), reason,
                            events.household_updated)
                return
            except Conflict:
                continue  # changed meanwhile: read it again

    def sync_members(self, household_id, reason, actor, correlation_id):
        """Copy a household's kk_number/rt/rw onto each member (resident_updated each)."""
        household = self.households.find_one({"_id": household_id}, NO_HISTORY)
        copies = {f: household[f] for f in domain.MEMBER_COPIES}
        for member in self.residents.find(dict(VISIBLE, household_id=household_id),
                                          NO_HISTORY):
            update = {f: v for f, v in copies.items() if member.get(f) != v}
            if update:
                try:
                    self._write_resident(member, update, actor, correlation_id, "updated",
                                         domain.field_changes(member, update),
                                         "household %s: %s" % (household_id, reason),
                                         events.resident_updated)
                except Conflict:
                    return  # changed meanwhile: the flag stays, repair retries
        self.households.update_one({"_id": household_id}, {"$unset": {SYNC_MEMBERS: ""}})

    def repair(self, grace=GRACE_SECONDS):
        """Finish writes a crash interrupted; returns counts of what it did."""
        done = {"committed": 0, "deleted": 0, "households": 0, "members": 0}
        old = time.time() - grace
        staged = {}
        for s in self.residents.find({STAGED_AT: {"$lt": old}},
                                     {"household_id": 1, "nik": 1, "temp_key": 1}):
            staged.setdefault(s["household_id"], []).append(s)
        for household_id, residents in staged.items():
            household = self.households.find_one({"_id": household_id}, {"member_ids": 1})
            listed = set(household["member_ids"]) if household else set()
            for s in residents:
                # each write is conditional on the resident still being staged: another
                # instance's repair may have finished it since it was read
                if s["_id"] in listed:
                    done["committed"] += self._commit_staged({"_id": s["_id"]})
                elif self.residents.delete_one({"_id": s["_id"],
                                                STAGED: {"$exists": True}}).deleted_count:
                    keys = [nik_key(s["nik"])] + ([person_key(s["temp_key"])]
                                                  if s.get("temp_key") else [])
                    self.guard.release_owned(s["_id"], keys)
                    done["deleted"] += 1
        system = {"name": "registry repair"}
        for r in self.residents.find({SYNC_HOUSEHOLD: True}, {"household_id": 1}):
            self.sync_household_status(r["household_id"], system, None)
            self.residents.update_one({"_id": r["_id"]}, {"$unset": {SYNC_HOUSEHOLD: ""}})
            done["households"] += 1
        for h in self.households.find({SYNC_MEMBERS: True}, {"_id": 1}):
            self.sync_members(h["_id"], "address or KK changed", system, None)
            done["members"] += 1
        if done["committed"]:
            self.notify()
        return done
