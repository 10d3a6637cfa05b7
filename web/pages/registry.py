"""Console: the registry (officers). Search residents; a resident with family and history.

Every call goes through ``/api/v1`` with the officer's session, so the
gateway's roles, NIK masking and audit trail apply as for any client.
"""
from web.pages import nav, page

PER_PAGE = 25
FILTERS = ("q", "rt", "rw", "status")


@page("/konsol/warga", login="officer")
def residents(ctx):
    """Search residents by name/NIK/KK (``q``), ``rt``, ``rw``, ``status``; 25 a page."""
    args = ctx.request.args
    query = {k: args.get(k, "").strip() for k in FILTERS}
    try:
        page_no = max(1, int(args.get("page", 1)))
    except ValueError:
        page_no = 1
    result = None
    if any(query.values()):
        params = {k: v for k, v in query.items() if v}
        for area in ("rt", "rw"):
            if params.get(area, "").isdigit():
                params[area] = params[area].zfill(3)
        params.update(page=page_no, per_page=PER_PAGE)
        result = ctx.officer_api.get("residents", params)
    pages = (result["total"] + PER_PAGE - 1) // PER_PAGE if result else 0
    return ctx.render("console/residents.html", query=query, result=result, page_no=page_no,
                      pages=pages)


@page("/konsol/warga/<nik>", login="officer")
def resident(ctx, nik):
    """A resident's record, their family (KK) and their change history."""
    api = ctx.officer_api
    person = api.get("residents/%s" % nik)
    household = api.get("households/%s" % person["household_id"]) if person.get(
        "household_id") else None
    history = api.get("residents/%s/history" % nik, {"per_page": 100})
    return ctx.render("console/resident.html", person=person, household=household,
                      history=history["items"], history_total=history["total"])


nav("console", "residents", "console.nav.registry")
