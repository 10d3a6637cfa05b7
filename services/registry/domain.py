"""Registry rules as plain functions: documents, snapshots, changes, history.

No nameko, no pymongo. Sources: issue 2 ("Registry service"), docs/domain.md
("NIK and KK", "Resident and household fields"), docs/events.md (snapshots).
Dates are ``YYYY-MM-DD`` strings and instants ISO 8601 UTC strings inside
documents, so every document, snapshot and history entry is JSON-safe as stored.
"""
import datetime
import re
import unicodedata
import uuid

from services.shared import codes
from services.shared.caller import actor_record
from services.shared.errors import Conflict, InvalidInput
from services.shared.nik import is_temporary, nik_quality_flags

#: docs/events.md, resident snapshot.
RESIDENT_SNAPSHOT = ("id", "nik", "nik_temporary", "kk_number", "household_id", "full_name",
                     "sex", "birth_place", "birth_date", "relationship", "religion",
                     "education", "occupation_code", "marital_status", "disability",
                     "pregnant", "status", "inactive_reason", "quality_flags", "rt", "rw",
                     "version")
#: docs/events.md, household snapshot.
HOUSEHOLD_SNAPSHOT = ("id", "kk_number", "street", "rt", "rw", "dusun", "village_code",
                      "welfare_decile", "monthly_income_idr", "house_ownership", "floor_type",
                      "wall_type", "roof_type", "water_source", "electricity_va",
                      "cooking_fuel", "sanitation", "has_car", "status", "member_ids",
                      "version")
#: What a person is described by (contract.ResidentFields without ``nik``).
PERSON_FIELDS = ("full_name", "sex", "birth_place", "birth_date", "relationship", "religion",
                 "education", "occupation_code", "marital_status", "disability", "pregnant",
                 "phone")
#: What a family is described by (contract.HouseholdFields).
HOUSEHOLD_FIELDS = HOUSEHOLD_SNAPSHOT[1:-3]
#: Household fields copied onto each member (for search and the resident snapshot).
MEMBER_COPIES = ("kk_number", "rt", "rw")

ALL_MEMBERS_INACTIVE = "all members inactive"


def new_id(prefix):
    """An opaque server-chosen id: ``res_<16 hex>`` or ``hh_<16 hex>``."""
    return "%s_%s" % (prefix, uuid.uuid4().hex[:16])


def history_entry(version, at, actor, action, changes=(), reason=None, note=None):
    """One line of a record's history: who, when, what changed (old -> new), why."""
    return {"version": version, "at": at, "by": actor_record(actor), "action": action,
            "changes": list(changes), "reason": reason, "note": note}


def normalise_name(name):
    """Case- and space-insensitive form of a name (dedupe of temporary numbers)."""
    return re.sub(r"\s+", " ", (name or "").strip()).casefold()


#: a word of a name: letters and digits (``'`` and accents dropped first)
NAME_WORD = re.compile(r"[^\W_]+")
NAME_TOKENS = "name_tokens"


def name_tokens(name):
    """The distinct words of a name as the officer search matches them, in order:
    lower case, accents folded, apostrophes dropped (``Ma'ruf Amin`` ->
    ``["maruf", "amin"]``; ``Zoë`` -> ``["zoe"]``). Stored on each resident as
    ``name_tokens`` (multikey index; docs/performance.md) and applied to a query."""
    text = unicodedata.normalize("NFKD", name or "").casefold()
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("'", "").replace("\u2019", "").replace("`", "")
    return list(dict.fromkeys(NAME_WORD.findall(text)))


def _plain(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def temporary_key(full_name, birth_date, birth_place):
    """Dedupe key of a person with no known NIK: name, birth date, birth place
    (docs/domain.md: OpenSID dedupes temporary numbers the same way)."""
    return "%s|%s|%s" % (normalise_name(full_name), _plain(birth_date),
                         normalise_name(birth_place))


def quality_flags(nik, birth_date, sex):
    """Data-quality flags of a person (NIK date/sex disagreements, temporary number)."""
    if isinstance(birth_date, str):
        birth_date = datetime.date.fromisoformat(birth_date)
    return nik_quality_flags(nik, birth_date, sex)


def household_status(member_statuses):
    """``inactive`` when every member is inactive (issue 2), else ``active``."""
    statuses = list(member_statuses)
    return "inactive" if statuses and all(s == "inactive" for s in statuses) else "active"


def check_new_members(members, existing_head=None):
    """Rules across the members of one request; returns ``{field: [messages]}``.

    A new family (``existing_head`` None) has exactly one head (KK ``kk_level``
    1); a member added to a family with an active head may not be a second
    head; a NIK, or a no-NIK person's name + birth date + birth place, appears
    once. Field names are ``members.<i>.<field>`` for a new family, plain
    field names for one added member.
    """
    def name(i, field):
        return "members.%d.%s" % (i, field) if existing_head is None else field

    errors, seen_nik, seen_key = {}, {}, {}
    heads = [i for i, m in enumerate(members) if m["relationship"] == "head"]
    if existing_head and heads:
        errors[name(heads[0], "relationship")] = ["the family already has an active head"]
    elif existing_head is None and len(heads) != 1:
        errors["members"] = ["exactly one member must have relationship 'head' "
                             "(found %d)" % len(heads)]
    for i, m in enumerate(members):
        if m.get("nik"):
            if m["nik"] in seen_nik:
                errors[name(i, "nik")] = ["same NIK as member %d" % seen_nik[m["nik"]]]
            seen_nik.setdefault(m["nik"], i)
        else:
            key = temporary_key(m["full_name"], m["birth_date"], m["birth_place"])
            if key in seen_key:
                errors[name(i, "full_name")] = [
                    "same person (name, birth date and place) as member %d" % seen_key[key]]
            seen_key.setdefault(key, i)
    return errors


def build_resident(person, nik, household, resident_id, now, actor, action="registered",
                   status="active", inactive_reason=None, inactive_note=None, note=None):
    """A new resident document (version 1) from loaded ``ResidentFields``.

    ``nik`` is the person's NIK or the temporary number assigned to them;
    ``household`` needs ``_id``, ``kk_number``, ``rt`` and ``rw``. An imported
    person may arrive inactive (OpenSID ``status_dasar``). ``note`` goes to
    the history entry.
    """
    doc = {"_id": resident_id, "nik": nik, "nik_temporary": is_temporary(nik),
           "household_id": household["_id"]}
    for name in MEMBER_COPIES:
        doc[name] = household[name]
    for name in PERSON_FIELDS:
        doc[name] = _plain(person.get(name))
    doc["disability"] = doc["disability"] or "none"
    doc["pregnant"] = bool(doc["pregnant"])
    doc.update(status=status, inactive_reason=inactive_reason if status == "inactive" else None,
               inactive_note=inactive_note if status == "inactive" else None,
               quality_flags=quality_flags(nik, doc["birth_date"], doc["sex"]),
               version=1, created_at=now, updated_at=now,
               history=[history_entry(1, now, actor, action, note=note)])
    doc[NAME_TOKENS] = name_tokens(doc["full_name"])
    if doc["nik_temporary"]:
        doc["temp_key"] = temporary_key(doc["full_name"], doc["birth_date"], doc["birth_place"])
    return doc


def build_household(family, household_id, member_ids, member_statuses, kk_flags, now, actor,
                    village_code, action="registered"):
    """A new household document (version 1) from loaded ``HouseholdFields``."""
    doc = {"_id": household_id}
    for name in HOUSEHOLD_FIELDS:
        doc[name] = family.get(name)
    doc["village_code"] = doc["village_code"] or village_code
    doc.update(status=household_status(member_statuses), member_ids=list(member_ids),
               quality_flags=list(kk_flags), version=1, created_at=now, updated_at=now,
               history=[history_entry(1, now, actor, action)])
    return doc


def resident_changes(doc, changes):
    """Compare a PATCH with a resident document.

    Args:
        doc (dict): the stored resident.
        changes (dict): loaded partial ``ResidentFields`` (without ``reason``).
    Returns:
        (dict, list): ``$set`` fields (flags recomputed) and ``[{field, old, new}]``.
    Raises InvalidInput: nothing would change, a NIK replaced by nothing, or a
    man marked pregnant.
    """
    if "nik" in changes and changes["nik"] is None:
        raise InvalidInput("A NIK cannot be removed.", {"nik": ["must be a 16-digit NIK"]})
    new, diff = _diff(doc, changes)
    merged = dict(doc, **new)
    if merged.get("pregnant") and merged.get("sex") == "M":
        raise InvalidInput("The resident cannot be both male and pregnant.",
                           {"pregnant": ["only a woman (sex F) can be pregnant"]})
    update = {d["field"]: d["new"] for d in diff}
    if "nik" in update:
        update["nik_temporary"] = is_temporary(update["nik"])
    if "full_name" in update:
        update[NAME_TOKENS] = name_tokens(update["full_name"])
    update["quality_flags"] = quality_flags(merged["nik"], merged["birth_date"], merged["sex"])
    return update, diff


def household_changes(doc, changes):
    """Like ``resident_changes`` for a household; returns ``($set, diff)``."""
    _, diff = _diff(doc, changes)
    return {d["field"]: d["new"] for d in diff}, diff


def field_changes(doc, update):
    """``[{field, old, new}]`` of ``update`` against ``doc``, by field name (history, events)."""
    return [{"field": k, "old": doc.get(k), "new": v} for k, v in sorted(update.items())]


def _diff(doc, changes):
    """``(new values, [{field, old, new}] of those that differ)``; InvalidInput if none do."""
    new = {k: _plain(v) for k, v in changes.items()}
    diff = field_changes(doc, {k: v for k, v in new.items() if doc.get(k) != v})
    if not diff:
        raise InvalidInput("Nothing to change: every field given already has that value.",
                           {"_body": ["give at least one field with a new value"]})
    return new, diff


def deactivation(doc, reason, note):
    """``$set`` fields deactivating a resident; Conflict if already inactive."""
    if doc["status"] == "inactive":
        raise Conflict("Resident %s is already inactive (%s)." % (doc["_id"],
                                                                 doc["inactive_reason"]),
                       {"nik": ["already inactive since version %d" % doc["version"]]})
    return {"status": "inactive", "inactive_reason": reason, "inactive_note": note}


def resident_snapshot(doc):
    """The event/export snapshot of a resident (no phone: docs/events.md)."""
    snap = {name: doc.get(name) for name in RESIDENT_SNAPSHOT}
    snap["id"] = doc["_id"]
    return snap


def household_snapshot(doc):
    """The event/export snapshot of a household."""
    snap = {name: doc.get(name) for name in HOUSEHOLD_SNAPSHOT}
    snap["id"] = doc["_id"]
    return snap


def resident_view(doc):
    """What an officer sees of a resident (the snapshot plus contact and labels)."""
    view = resident_snapshot(doc)
    view.update(occupation=codes.occupation_label(doc.get("occupation_code")),
                phone=doc.get("phone"), inactive_note=doc.get("inactive_note"),
                created_at=doc.get("created_at"), updated_at=doc.get("updated_at"))
    return view


def household_view(doc, members=None):
    """What an officer sees of a household; ``members`` as resident views, head first."""
    view = household_snapshot(doc)
    view.update(quality_flags=doc.get("quality_flags", []), created_at=doc.get("created_at"),
                updated_at=doc.get("updated_at"))
    if members is not None:
        order = codes.RELATIONSHIP_SLUGS
        view["members"] = [resident_view(m) for m in sorted(
            members, key=lambda m: (order.get(m["relationship"], 99), m["birth_date"], m["_id"]))]
    return view
