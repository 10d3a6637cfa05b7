"""Registering households and members: validate all, then one protocol write (store.py)."""
from services.shared import clock
from services.shared.contract import load
from services.shared.errors import Conflict, InvalidInput
from services.shared.nik import mask_nik, validate_kk

from services.registry import domain
from services.registry.contract import HouseholdIn, ResidentFields


def register_household(store, body, actor, village_code, correlation_id):
    """Register a family (KK) with its members.

    Returns the household view with ``members``. Raises InvalidInput (every
    bad field, as ``members.<i>.<field>`` for members), Conflict naming the
    records that already hold the KK number, a NIK or a no-NIK person.
    """
    data = load(HouseholdIn, body)
    members = data.pop("members")
    errors = domain.check_new_members(members)
    if errors:
        raise InvalidInput("The household's members are invalid.", errors)
    village = data["village_code"] or village_code
    temporaries = store.allocate_temporary(village, sum(1 for m in members if not m["nik"]))
    now, household_id = clock.now_iso(), domain.new_id("hh")
    stub = {"_id": household_id, "kk_number": data["kk_number"], "rt": data["rt"],
            "rw": data["rw"]}
    docs = [domain.build_resident(m, m["nik"] or temporaries.pop(0), stub, domain.new_id("res"),
                                  now, actor) for m in members]
    household = domain.build_household(data, household_id, [d["_id"] for d in docs],
                                       [d["status"] for d in docs], validate_kk(data["kk_number"]),
                                       now, actor, village_code)
    refused = store.register([(household, docs)], [], actor, correlation_id)
    if refused:
        index = {d["_id"]: i for i, d in enumerate(docs)}
        raise _conflict(refused, lambda owner, field: "kk_number" if owner == household_id
                        else "members.%d.%s" % (index[owner], field))
    return domain.household_view(household, docs)


def add_member(store, household_id, body, actor, village_code, correlation_id):
    """Add one person to a registered household; returns the resident view.

    Raises InvalidInput, NotFound (no such household), Conflict (NIK or
    no-NIK person already registered; the household changed meanwhile).
    """
    person = load(ResidentFields, body)
    household = store.household_doc(household_id)
    has_head = any(rel == "head" and status == "active"
                   for rel, status in store.member_summary(household_id))
    errors = domain.check_new_members([person], existing_head=has_head)
    if errors:
        raise InvalidInput("The member is invalid.", errors)
    nik = person["nik"] or store.allocate_temporary(
        household.get("village_code") or village_code, 1)[0]
    doc = domain.build_resident(person, nik, household, domain.new_id("res"), clock.now_iso(), actor)
    refused = store.register([], [(household_id, [doc])], actor, correlation_id)
    if refused:
        raise _conflict(refused, lambda owner, field: field)
    return domain.resident_view(doc)


def _conflict(refused, field_name):
    """A 409 naming, for each refused key, the record that already holds it."""
    errors, named = {}, []
    for owner, (key, existing) in refused.items():
        kind, _, value = key.partition(":")
        field = {"nik": "nik", "kk": "kk_number", "person": "full_name"}.get(kind, kind)
        shown = mask_nik(value) if kind == "nik" else value.replace("|", ", ")
        errors.setdefault(field_name(owner, field), []).append(
            "already registered as %s" % existing)
        named.append("%s %s is already registered as %s" % (field, shown, existing))
    return Conflict("; ".join(named) + ".", errors)
