"""Console: the registry (officers). Search residents; a resident with family and history.

Every call goes through ``/api/v1`` with the officer's session, so the
gateway's roles, NIK masking and audit trail apply as for any client.
"""
from web.api import ApiError, together
from web.pages import ORDER, nav, page

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
    """A resident's record, their family (KK), the aid they receive and their change
    history; ``?diubah=1``/``?nonaktif=1`` say that a change was saved."""
    api = ctx.officer_api
    person, history, programmes = together(
        lambda: api.get("residents/%s" % nik),
        lambda: api.get("residents/%s/history" % nik, {"per_page": 100}),
        lambda: _programmes(api, nik))
    household = api.get("households/%s" % person["household_id"]) if person.get(
        "household_id") else None
    notice = None
    if ctx.request.args.get("diubah"):
        notice = ctx.t("registry.changed")
    elif ctx.request.args.get("nonaktif"):
        notice = ctx.t("registry.deactivated")
    return ctx.render("console/resident.html", person=person, household=household,
                      history=history["items"], history_total=history["total"],
                      programmes=programmes, notice=notice)


def _programmes(api, nik):
    """What a resident receives; nothing when distribution does not know them yet (its
    projection follows the registry's events a moment later)."""
    try:
        return api.get("residents/%s/programmes" % nik)["programmes"]
    except ApiError as exc:
        if exc.status == 404:
            return []
        raise


nav("console", "residents", "console.nav.registry", match=("/konsol/warga", "/konsol/keluarga"),
    order=ORDER["registry"])
