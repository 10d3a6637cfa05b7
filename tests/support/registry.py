"""A stand-in registry on the real broker, for services that follow the registry.

``FakeRegistry`` answers the registry's export RPCs from ``RegistryData``;
``Family`` builds a family's snapshots and publishes its registry events in the
CONTRACT envelope with nameko's standalone dispatcher. Tests of a consumer pin
its side of the contract (docs/events.md "registry") with these, without
depending on the registry's internals. Reset with ``RegistryData.reset()``;
``RegistryData.new_store()`` empties it as a registry back on a new store, with a
new store epoch that its export, summary and events then carry.
"""
import uuid

from nameko.rpc import rpc
from nameko.standalone.events import event_dispatcher

from services.shared.envelope import make_envelope
from services.shared.epoch import item_hash


class RegistryData:
    households, residents = {}, {}
    export_calls = 0
    epoch = None

    @classmethod
    def reset(cls):
        cls.households, cls.residents, cls.export_calls, cls.epoch = {}, {}, 0, None

    @classmethod
    def new_store(cls):
        """Empty, with a new store epoch (a registry restarted on an empty store)."""
        cls.households, cls.residents, cls.epoch = {}, {}, uuid.uuid4().hex
        return cls.epoch


def _stamped(envelope):
    if RegistryData.epoch is not None:
        envelope = dict(envelope, store_epoch=RegistryData.epoch)
    return envelope


def _summary(items):
    acc = 0
    for item in items.values():
        acc ^= item_hash(item["id"], item["version"])
    return len(items), "%016x" % acc


class FakeRegistry:
    name = "registry"

    @rpc
    def export_households(self, page=1, per_page=500):
        RegistryData.export_calls += 1
        return _page(RegistryData.households, page, per_page)

    @rpc
    def export_residents(self, page=1, per_page=500):
        return _page(RegistryData.residents, page, per_page)

    @rpc
    def projection_summary(self):
        out = {"store_epoch": RegistryData.epoch}
        out["households"], out["households_checksum"] = _summary(RegistryData.households)
        out["residents"], out["residents_checksum"] = _summary(RegistryData.residents)
        return out


def _page(items, page, per_page):
    ordered = [items[k] for k in sorted(items)]
    start = (page - 1) * per_page
    return {"items": ordered[start:start + per_page], "page": page, "per_page": per_page,
            "total": len(ordered), "store_epoch": RegistryData.epoch}


class Family:
    """Snapshots of one family, with helpers to publish its registry events.

    ``people``: ``(relationship, sex, birth_date)`` or ``(relationship, sex,
    birth_date, {more resident fields})`` tuples.
    """

    def __init__(self, config, decile=1, people=(), rw="002", rt="001"):
        self.config = config
        self.hid = "hh_" + uuid.uuid4().hex[:8]
        self.kk = "31740901%08d" % (uuid.uuid4().int % 10 ** 8)
        self.household = {"id": self.hid, "kk_number": self.kk, "rt": rt, "rw": rw,
                          "welfare_decile": decile, "monthly_income_idr": 900000,
                          "has_car": False, "status": "active", "version": 1}
        self.members = []
        for rel, sex, birth, *extra in people:
            self.add(rel, sex, birth, **(extra[0] if extra else {}))

    def add(self, relationship, sex, birth, **fields):
        """Add a member's snapshot (not yet published); returns it."""
        day = int(birth[8:10]) + (40 if sex == "F" else 0)
        nik = "317409%02d%s%s%04d" % (day, birth[5:7], birth[2:4], 1 + len(self.members))
        member = {"id": "res_" + uuid.uuid4().hex[:8], "nik": nik, "kk_number": self.kk,
                  "household_id": self.hid,
                  "full_name": "%s %d" % (relationship, len(self.members)), "sex": sex,
                  "birth_date": birth, "relationship": relationship, "occupation_code": 1,
                  "disability": "none", "pregnant": False, "status": "active",
                  "rt": self.household["rt"], "rw": self.household["rw"], "version": 1}
        member.update(fields)
        self.members.append(member)
        return member

    def registered(self, index):
        """The envelope of member ``index``'s registration (not yet published)."""
        m = self.members[index]
        return make_envelope("resident_registered", "registry", m["id"], m["version"],
                             {"resident": dict(m)})

    def updated(self, index, reason="correction", **changes):
        """The envelope of a change to member ``index`` (not yet published)."""
        m = self.members[index]
        m.update(changes, version=m["version"] + 1)
        return make_envelope("resident_updated", "registry", m["id"], m["version"],
                             {"resident": dict(m), "changed": sorted(changes),
                              "reason": reason})

    def export(self):
        """Put the family into the stand-in registry's export."""
        RegistryData.households[self.hid] = self.household
        for m in self.members:
            RegistryData.residents[m["id"]] = m

    def publish_registered(self):
        dispatch = event_dispatcher(self.config)
        dispatch("registry", "household_registered", _stamped(make_envelope(
            "household_registered", "registry", self.hid, 1, {"household": self.household})))
        for i in range(len(self.members)):
            dispatch("registry", "resident_registered", _stamped(self.registered(i)))

    def deactivated(self, index, reason="deceased"):
        """The envelope of member ``index``'s deactivation (not yet published)."""
        m = self.members[index]
        m.update(status="inactive", inactive_reason=reason, version=m["version"] + 1)
        return make_envelope("resident_deactivated", "registry", m["id"], m["version"],
                             {"resident": dict(m), "reason": reason, "note": ""})


def publish(config, envelope):
    """Publish a registry event (stamped with the stand-in's store epoch, if any)."""
    event_dispatcher(config)("registry", envelope["type"], _stamped(envelope))
