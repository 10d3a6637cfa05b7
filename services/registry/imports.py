"""Bulk import: validate every row, skip what is already registered, write the rest in batches.

Rules (issue 2, docs/registry-data.md): valid rows are stored, invalid rows
come back as ``{"row", "field", "rule"}``; the household columns of a family
are read from its first row; a row whose person is already registered in the
same family counts as ``already_present`` (so importing a file twice adds
nothing); new members of a family already registered are added to it.
"""
import logging
import time

from marshmallow import ValidationError

from services.shared import clock
from services.shared.errors import flatten_errors
from services.shared.nik import mask_nik, validate_kk

from services.registry import domain
from services.registry.contract import HouseholdFields, ResidentFields
from services.registry.importer import OPENSID_CODED

HOUSEHOLD_COLUMNS = frozenset(HouseholdFields().fields)
PERSON_COLUMNS = frozenset(ResidentFields().fields)
PAUSE_EVERY = 250
#: OpenSID column -> registry field, for the columns read as codes
OPENSID_FIELDS = {column: field for column, (field, _) in OPENSID_CODED.items()}

log = logging.getLogger(__name__)


class ImportRun:
    """One import: ``ImportRun(store, ...).run(rows)`` returns the result dict."""

    def __init__(self, store, fmt, names, actor, village_code, correlation_id, filename,
                 pause=lambda: None):
        self.store, self.actor, self.village_code = store, actor, village_code
        self.correlation_id, self.pause, self.names = correlation_id, pause, names
        self.note = "imported from %s" % (filename or "an upload")
        self.result = {"format": fmt, "rows": 0, "created_households": 0,
                       "created_residents": 0, "updated_households": 0,
                       "already_present": 0, "errors": []}
        #: person key -> first row: a person twice in the file is refused across chunks too
        self.seen = {}

    def error(self, row, field, rule):
        entry = {"row": int(row), "field": self.names.get(field, field), "rule": rule}
        if getattr(row, "sheet", None):  # a workbook with several sheets of residents
            entry["sheet"] = row.sheet
        self.result["errors"].append(entry)

    def run(self, rows):
        started = time.monotonic()
        self.result["rows"] = len(rows)
        families = self.validate(rows)
        self.plan_and_write(families)
        self.result["errors"].sort(key=lambda e: (e.get("sheet", ""), e["row"], e["field"]))
        log.info("import (%s, correlation %s): %d rows in %.2f s: %d households and %d "
                 "residents created, %d already present, %d errors", self.note,
                 self.correlation_id, len(rows), time.monotonic() - started,
                 self.result["created_households"], self.result["created_residents"],
                 self.result["already_present"], len(self.result["errors"]))
        return self.result

    def run_chunk(self, rows):
        """Import some whole families of a file (an import job's chunk, ``jobs.chunks``).

        ``rows`` holds every row of each family it holds; counts and errors add up
        in ``result`` over the chunks, and a person seen in an earlier chunk is
        refused as in one run. Returns the errors this chunk found.
        """
        before = len(self.result["errors"])
        self.plan_and_write(self.validate(rows))
        return self.result["errors"][before:]

    # --- step 1: every row on its own, then grouped by family ----------------

    def validate(self, rows):
        """``{kk: {"row", "household", "members": [(row, person, status)]}}``, valid rows only."""
        people, families, seen = ResidentFields(), HouseholdFields(), self.seen
        out = {}
        for count, (row, fields) in enumerate(rows, start=1):
            if count % PAUSE_EVERY == 0:
                self.pause()
            bad = False
            for field, rule in fields.get("_errors", ()):
                self.error(row, field, rule)
                bad = True
            status = fields.get("_status", ("active", None, None))
            kk = fields.get("kk_number")
            family = out.get(kk)
            if family is None:
                family = self._new_family(families, row, fields, kk, out)
            elif family["household"] is None:
                self.error(row, "kk_number", "family not imported: its household columns "
                                             "(row %d) are invalid" % family["row"])
                bad = True
            try:
                person = people.load({k: v for k, v in fields.items() if k in PERSON_COLUMNS})
            except ValidationError as exc:
                # a value refused while reading (a wrong code) is not "missing" as well
                reported = {OPENSID_FIELDS.get(f, f) for f, _ in fields.get("_errors", ())}
                for field, messages in flatten_errors(exc.messages).items():
                    if field not in reported:
                        self.error(row, field, "; ".join(messages))
                continue
            if bad or family is None or family["household"] is None:
                continue
            key = person["nik"] or domain.temporary_key(
                person["full_name"], person["birth_date"], person["birth_place"])
            if key in seen:
                self.error(row, "nik" if person["nik"] else "full_name",
                           "same person as row %d" % seen[key])
                continue
            seen[key] = row
            family["members"].append((row, person, status))
        return out

    def _new_family(self, schema, row, fields, kk, out):
        try:
            household = schema.load({k: v for k, v in fields.items() if k in HOUSEHOLD_COLUMNS})
        except ValidationError as exc:
            for field, messages in flatten_errors(exc.messages).items():
                self.error(row, field, "; ".join(messages))
            household = None
        if not isinstance(kk, str):
            return None
        out[kk] = {"row": row, "household": household, "members": []}
        return out[kk]

    # --- step 2: against what is registered; step 3: write -------------------

    def plan_and_write(self, families):
        families = {kk: f for kk, f in families.items() if f["household"] and f["members"]}
        members = [m for f in families.values() for m in f["members"]]
        households = self.store.lookup("households", "kk_number", families, domain.MEMBER_COPIES)
        by_nik = self.store.lookup("residents", "nik", [p["nik"] for _, p, _ in members
                                                        if p["nik"]], ["kk_number"])
        by_person = self.store.lookup("residents", "temp_key", [
            domain.temporary_key(p["full_name"], p["birth_date"], p["birth_place"])
            for _, p, _ in members if not p["nik"]], ["kk_number"])
        self.pause()
        fresh = {}
        for kk, family in families.items():
            new = []
            for row, person, status in family["members"]:
                known = (by_nik.get(person["nik"]) if person["nik"] else by_person.get(
                    domain.temporary_key(person["full_name"], person["birth_date"],
                                         person["birth_place"])))
                if known is None:
                    new.append((row, person, status))
                elif known["kk_number"] == kk:
                    self.result["already_present"] += 1
                else:
                    self.error(row, "nik" if person["nik"] else "full_name",
                               "already registered in family KK %s as %s"
                               % (known["kk_number"], known["_id"]))
            if new:
                fresh[kk] = new
        self.write(families, fresh, households)

    def write(self, families, fresh, households):
        temporaries = self._temporaries(families, fresh)
        now, rows_of = clock.now_iso(), {}
        new_households, additions = [], []
        for kk, new in fresh.items():
            household = families[kk]["household"]
            existing = households.get(kk)
            # members take the registered household's kk/rt/rw (an existing family keeps them)
            stub = dict(existing) if existing else {
                "_id": domain.new_id("hh"), "kk_number": kk, "rt": household["rt"],
                "rw": household["rw"]}
            docs = []
            for row, person, (status, reason, inactive_note) in new:
                nik = person["nik"] or temporaries[kk].pop(0)
                doc = domain.build_resident(person, nik, stub, domain.new_id("res"), now,
                                            self.actor, "imported", status, reason,
                                            inactive_note, self.note)
                rows_of[doc["_id"]] = row
                docs.append(doc)
            if existing:
                additions.append((existing["_id"], docs))
            else:
                rows_of[stub["_id"]] = families[kk]["row"]
                new_households.append((domain.build_household(
                    household, stub["_id"], [d["_id"] for d in docs], [d["status"] for d in docs],
                    validate_kk(kk), now, self.actor, self.village_code, "imported"), docs))
        refused = self.store.register(new_households, additions, self.actor,
                                      self.correlation_id, all_or_nothing=False)
        for owner, (key, existing) in refused.items():
            if owner in rows_of and not owner.startswith("hh_"):
                kind, _, value = key.partition(":")
                self.error(rows_of[owner], {"person": "full_name"}.get(kind, kind),
                           "%s already registered as %s" % (
                               mask_nik(value) if kind == "nik" else value, existing))
        self.result["created_households"] += sum(1 for h, _ in new_households
                                                 if h["_id"] not in refused)
        self.result["updated_households"] += sum(1 for h, docs in additions if any(
            d["_id"] not in refused for d in docs))
        self.result["created_residents"] += sum(1 for _, docs in new_households + additions
                                                for d in docs if d["_id"] not in refused)

    def _temporaries(self, families, fresh):
        """``{kk: [numbers]}``: temporary numbers, allocated per village in one step each."""
        wanted = {}
        for kk, new in fresh.items():
            village = families[kk]["household"]["village_code"] or self.village_code
            count = sum(1 for _, person, _ in new if not person["nik"])
            if count:
                wanted.setdefault(village, []).append((kk, count))
        out = {}
        for village, needs in wanted.items():
            numbers = self.store.allocate_temporary(village, sum(c for _, c in needs))
            for kk, count in needs:
                out[kk], numbers = numbers[:count], numbers[count:]
        return out
