"""Read side: eligibility explained, status check, who receives what, allocation lists."""
from services.shared import clock, rules
from services.shared.contract import load
from services.shared.errors import InvalidInput, NotFound
from services.shared.nik import mask_nik
from services.shared.pagination import page_args, page_of

from services.distribution import contract, domain
from services.distribution.store import public

#: The one answer to a status check that finds nobody: identical for an
#: unknown NIK and a wrong birth date, so guessing learns nothing (issue 3).
NO_MATCH = "Data tidak ditemukan. Periksa kembali NIK dan tanggal lahir, atau hubungi kantor kelurahan."
EXPORT_MAX = 1000
#: Shown to the public instead of officers' reasons.
PUBLIC_STATUS = {"pending": "siap diambil", "waiting": "daftar tunggu", "disbursed": "sudah diterima",
                 "not_collected": "tidak diambil", "cancelled": "dibatalkan",
                 "returned": "dikembalikan"}


def _resident(repo, nik):
    found = repo.residents_by_nik(nik)
    if not found:
        raise NotFound("No resident with NIK %s in the distribution service's registry "
                       "projection." % mask_nik(nik))  # logged: never a whole NIK
    found.sort(key=lambda r: r.get("status") != "active")
    person = dict(found[0])
    person["id"] = person.pop("_id")
    return person


def eligibility(repo, nik, code, deployment, on=None):
    """Explain a resident's eligibility for a programme (``GET /eligibility``).

    Args:
        nik (str), code (str): the resident and the programme.
        on (str|None): reference date YYYY-MM-DD for ages (default today, UTC).
    Returns ``{"nik", "programme_code", "reference_date", "eligible", "criteria":
    [{"criterion", "path", "value", "passed"}], "amount_idr", "components"}``:
    the programme's rule tree evaluated node by node with the values seen,
    then the checks the service adds (active, household, benefit, exclusivity).
    Raises NotFound (resident or programme), InvalidInput (bad date).
    """
    programme = repo.programme(code)
    try:
        reference = rules.parse_date(on) if on else clock.village_today()
    except ValueError:
        raise InvalidInput("Invalid date.", {"on": ["must be YYYY-MM-DD"]}) from None
    person = _resident(repo, nik)
    household = repo.household(person.get("household_id")) or {"_id": person.get("household_id")}
    household = dict(household, id=household.pop("_id"))
    receiving = domain.Receiving(repo.receiving(reference.year))
    members = repo.members_of(household["id"])
    completions = repo.completions_by_resident([m["id"] for m in members] + [person["id"]])
    ctx = domain.build_context(household, members, reference, receiving, completions)
    view = rules.member_view(person, reference,
                             sorted(receiving.of_member(household["id"], person["id"])),
                             completions.get(person["id"], ()))
    mctx = ctx.for_member(view)
    checks = [
        {"criterion": "Penduduk berstatus aktif", "path": "resident.status",
         "value": person.get("status"), "passed": person.get("status") == "active"},
        {"criterion": "Program berlaku untuk %s" % deployment, "path": "programme.applies_to",
         "value": programme.get("applies_to"), "passed": deployment in programme.get("applies_to", [])},
    ]
    explained = rules.explain(programme["criteria"], mctx)
    compiled = domain.Compiled(programme)
    benefit = domain.benefit_for(compiled, mctx, view if compiled.target == "member" else None)
    extra = []
    if compiled.components:
        extra.append({"criterion": "Memenuhi minimal satu komponen manfaat",
                      "path": "benefit.components",
                      "value": [c["code"] for c in (benefit or {}).get("components", [])],
                      "passed": bool(benefit)})
    received = view["programmes"] if compiled.target == "member" else ctx.household["programmes"]
    blocked = domain.excluded_by(code, compiled.excludes, received, repo.exclusion_table())
    extra.append({"criterion": "Tidak menerima program yang tidak boleh digabung",
                  "path": "excludes", "value": blocked, "passed": not blocked})
    if compiled.target == "household":
        adult = domain.choose_recipient(compiled.recipient_rule, ctx.members)
        extra.append({"criterion": "Ada anggota dewasa yang dapat menerima", "path": "recipient",
                      "value": adult.get("full_name") if adult else None, "passed": bool(adult)})
    criteria = checks + explained + extra
    eligible = all(c["passed"] for c in checks + extra) and explained[0]["passed"]
    return {"nik": nik, "programme_code": code, "reference_date": reference.isoformat(),
            "eligible": bool(eligible), "criteria": criteria,
            "amount_idr": (benefit or {}).get("amount_idr", 0) if eligible else 0,
            "components": [{k: c[k] for k in ("code", "label", "member_nik", "amount_idr")}
                           for c in (benefit or {}).get("components", [])]}


def _roles(alloc, person_id):
    if alloc.get("member_id") == person_id:
        return "individual"
    if alloc.get("recipient_id") == person_id:
        return "recipient"
    return "family_member" if not alloc.get("member_id") else "household_member"


def programmes_of_resident(repo, nik):
    """Every programme a resident receives, as an individual, as the family's
    recipient, as a family member and as a member of a household where another
    member receives. Returns ``{"nik", "resident_id", "household_id", "programmes":
    [{"programme_code", "as", "allocations": [...]}]}``. Raises NotFound."""
    person = _resident(repo, nik)
    query = {"$or": [{"member_id": person["id"]}, {"recipient_id": person["id"]},
                     {"household_id": person.get("household_id")}]}
    grouped = {}
    for alloc in repo.find_allocations(query, sort=(("round_id", 1), ("_id", 1))):
        key = (alloc["programme_code"], _roles(alloc, person["id"]))
        grouped.setdefault(key, []).append(public(alloc))
    return {"nik": nik, "resident_id": person["id"], "household_id": person.get("household_id"),
            "programmes": [{"programme_code": code, "as": role, "allocations": items}
                           for (code, role), items in sorted(grouped.items())]}


def programmes_of_family(repo, kk_number):
    """Every allocation of a family (KK), family-level and per member, by programme.
    Raises NotFound."""
    household = repo.household_by_kk(kk_number)
    if household is None:
        raise NotFound("No family with KK number %s in the projection." % kk_number)
    grouped = {}
    for alloc in repo.find_allocations({"household_id": household["_id"]},
                                       sort=(("round_id", 1), ("_id", 1))):
        grouped.setdefault(alloc["programme_code"], []).append(public(alloc))
    return {"kk_number": kk_number, "household_id": household["_id"],
            "programmes": [{"programme_code": code, "allocations": items}
                           for code, items in sorted(grouped.items())]}


#: what the status check reads of an allocation and of its round
STATUS_ALLOCATION_FIELDS = {"programme_code": 1, "round_id": 1, "status": 1, "amount_idr": 1}
STATUS_ROUND_FIELDS = ("name", "starts_on", "ends_on", "location", "status")


def status_check(repo, payload):
    """The public status check (``POST /status-check``): NIK + birth date.

    Returns ``{"full_name", "programmes": [{"programme_code", "programme_name",
    "round_name", "starts_on", "status"}], "upcoming": [{"programme_code",
    "programme_name", "round_name", "starts_on", "ends_on", "location",
    "amount_idr", "status"}]}``: one ``programmes`` entry per round, newest
    round first within a programme, covering only allocations this person
    receives, is the beneficiary of, or that go to their family; never another
    person's name, NIK or any reason. A pending allocation of a round that has
    not started reads "dijadwalkan". Raises NotFound with the same detail for
    an unknown NIK, a wrong birth date and a resident no longer active.
    """
    data = load(contract.StatusCheckIn, payload)
    matches = [r for r in repo.residents_by_nik(data["nik"])
               if r.get("birth_date") == data["birth_date"].isoformat()
               and r.get("status", "active") == "active"]
    if not matches:
        raise NotFound(NO_MATCH)
    person = matches[0]
    allocs = repo.allocations_of_person(person["_id"], person.get("household_id"),
                                        extra={"status": {"$ne": "cancelled"}},
                                        fields=STATUS_ALLOCATION_FIELDS)
    # only what the answer shows: a programme's rule tree and a round's bookkeeping
    # would be copied out of the store for nothing on every public request
    names = repo.programme_names({a["programme_code"] for a in allocs})
    rounds = repo.rounds_by_id({a["round_id"] for a in allocs}, STATUS_ROUND_FIELDS)
    today = clock.village_today().isoformat()
    programmes, upcoming = {}, []
    for alloc in allocs:
        code = alloc["programme_code"]
        names.setdefault(code, code)
        rnd = rounds.get(alloc["round_id"])
        label = PUBLIC_STATUS.get(alloc["status"], alloc["status"])
        if alloc["status"] == "pending" and rnd and rnd["starts_on"] > today:
            label = "dijadwalkan"
        programmes[(code, alloc["round_id"])] = {
            "programme_code": code, "programme_name": names[code],
            "round_name": rnd["name"] if rnd else None,
            "starts_on": rnd["starts_on"] if rnd else None, "status": label}
        if alloc["status"] in domain.OPEN and rnd and rnd["ends_on"] >= today \
                and rnd["status"] == "scheduled":
            upcoming.append({"programme_code": code, "programme_name": names[code],
                             "round_name": rnd["name"], "starts_on": rnd["starts_on"],
                             "ends_on": rnd["ends_on"], "location": rnd["location"],
                             "amount_idr": alloc["amount_idr"], "status": label})
    upcoming.sort(key=lambda u: (u["starts_on"], u["programme_code"]))
    rows = sorted(programmes.values(), key=lambda p: p["starts_on"] or "", reverse=True)
    rows.sort(key=lambda p: p["programme_code"])  # stable: newest round first per programme
    return {"full_name": person.get("full_name"), "programmes": rows, "upcoming": upcoming}


#: how a round's allocations may be listed: by id, or in the order the round serves them
ORDERS = ("id", "priority")
PRIORITY_FIELDS = {"welfare_decile": 1, "monthly_income_idr": 1, "kk_number": 1}


def list_allocations(repo, round_id, status=None, rw=None, rt=None, page=1, per_page=50,
                     order=None):
    """A round's allocations, optionally filtered by ``status``, ``rw``, ``rt``.

    ``order``: ``id`` (default) or ``priority``: the order a round gives slots and
    promotes from its waiting list (``domain.priority``: lowest welfare decile, then
    income, then KK number), so a waiting list reads in the order it is served.
    Returns a list page. Raises NotFound (unknown round), InvalidInput (bad status or order).
    """
    page, per_page, skip = page_args(page, per_page)
    if order not in (None, "") + ORDERS:
        raise InvalidInput("Unknown order.", {"order": ["must be one of %s" % ", ".join(ORDERS)]})
    repo.round(round_id)
    query = {"round_id": round_id}
    if status:
        if status not in domain.STATUSES:
            raise InvalidInput("Unknown status.", {"status": ["not an allocation status"]})
        query["status"] = status
    if rw:
        query["rw"] = rw
    if rt:
        query["rt"] = rt
    if order == "priority":
        # the priority key needs income and KK of every match: sorted here, one page returned
        ranked = sorted(repo.find_allocations(query, fields=PRIORITY_FIELDS), key=domain.priority)
        ids = [a["_id"] for a in ranked[skip:skip + per_page]]
        found = {a["_id"]: a for a in repo.find_allocations({"_id": {"$in": ids}})}
        return page_of([public(found[i]) for i in ids if i in found], page, per_page,
                       len(ranked))
    items = repo.find_allocations(query, skip, per_page)
    return page_of([public(a) for a in items], page, per_page, repo.count_allocations(query))


def export_allocations(repo, page=1, per_page=500):
    """Every allocation's public snapshot ordered by id, for consumers rebuilding a
    projection (the complaints service): ``{"items", "page", "per_page", "total"}``.
    ``per_page`` up to 1000 (``services.shared.projection.resync`` asks for 500)."""
    page, per_page, skip = page_args(page, per_page, max_per_page=EXPORT_MAX)
    items = repo.find_allocations({}, skip, per_page)
    return page_of([public(a) for a in items], page, per_page, repo.count_allocations({}))


def get_allocation(repo, allocation_id):
    """One allocation with its history; NotFound."""
    doc = repo.allocation(allocation_id)
    history = doc.pop("history", [])
    out = public(doc)
    out["history"] = history
    return out
