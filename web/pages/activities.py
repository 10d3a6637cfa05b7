"""Partner programmes (public): what companies, NGOs and the Puskesmas offer, and a
resident's own health appointments.

``/kegiatan`` lists ``GET /partner-programmes`` (only verified partners'
programmes are public); who each is for is the API's ``criteria_text``, the
rule engine's own labels in Bahasa Indonesia, as the aid programme pages show
criteria. ``/kegiatan/jadwal-saya`` is the appointment check (NIK and birth
date, ``POST /appointment-check``, rate limited per resident as the status
check is); an unknown NIK and a wrong birth date read the same.
"""
from urllib.parse import quote

from web.pages import nav, page
from web.pages.status import identity_check

#: the partners contract's programme kinds (a unit test keeps them equal)
KINDS = ("training", "mentoring", "business_capital", "market_access", "education",
         "immunisation", "antenatal_care", "health_screening", "other")
PER_PAGE = 100  # the API's page; a village has a handful of partner programmes at a time


@page("/kegiatan")
def activities(ctx):
    """Partner programmes on offer, by kind (``?jenis=``), soonest first."""
    kind = ctx.request.args.get("jenis", "")
    params = {"per_page": PER_PAGE}
    if kind in KINDS:
        params["kind"] = kind
    items = ctx.api.get("partner-programmes", params)["items"]
    items.sort(key=lambda p: (p.get("starts_on") or "", p["title"]))
    return ctx.render("resident/activities.html", programmes=items, kind=kind,
                      kind_options=[(k, ctx.t("activities.kinds." + k)) for k in KINDS])


@page("/kegiatan/<programme_id>")
def activity(ctx, programme_id):
    """One partner programme: for whom, when, where, places left, how to join."""
    found = ctx.api.get("partner-programmes/%s" % quote(programme_id, safe=""))
    return ctx.render("resident/activity.html", programme=found)


@page("/kegiatan/jadwal-saya", methods=("GET", "POST"))
def my_appointments(ctx):
    """GET: the form. POST: the resident's upcoming immunisations and antenatal visits
    (200), the field errors (400), or the limit (429)."""
    return identity_check(ctx, "appointment-check", "resident/appointments.html")


nav("resident", "activities", "nav.activities", match="/kegiatan")
