"""Console: partners (CSR companies, NGOs, the Puskesmas...), their programmes with
enrolments and the waiting list, and the health cadre's due/overdue list.

Officers register partners and enrol residents; verifying and suspending a
partner is an admin's (the API's roles, docs/partners.md). The waiting list is
shown in the order the service serves it, with the rule in its own words
(``waitlist_order``). The cadre's list is one programme's appointments due this
week or late, per RW, with a form per row to record the dose or visit.
"""
import datetime
from urllib.parse import quote

from web import forms
from web.api import ApiError
from web.pages import ORDER, enrolments, nav, page
from web.pages.enrolments import OUTCOMES, WITHDRAW_REASONS

#: the partners contract's lists (a unit test keeps them equal)
PARTNER_KINDS = ("company", "ngo", "government", "health_facility", "university", "community")
VERIFICATIONS = ("pending", "verified", "suspended")
HEALTH_KINDS = ("immunisation", "antenatal_care")
APPOINTMENT_VIEWS = ("due", "overdue", "due_or_overdue", "all")
PER_PAGE = 50


def _q(value):
    return quote(value, safe="")


def _today():
    """Today in WIB (UTC+7), the day a cadre writes in the book."""
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)).date()


def _partners_page(ctx, form=None, errors=None, status=200, notice=None):
    kind = ctx.request.args.get("jenis", "")
    params = {"per_page": 100}
    if kind in PARTNER_KINDS:
        params["kind"] = kind
    items = ctx.officer_api.get("partners", params)["items"]
    return ctx.render("console/partners.html", status=status, items=items, kind=kind,
                      kinds=PARTNER_KINDS, form=form or {}, errors=errors or {},
                      kind_options=[(k, ctx.t("partners_console.kinds." + k))
                                    for k in PARTNER_KINDS],
                      notice=notice)


@page("/konsol/mitra", methods=("GET", "POST"), login="officer")
def partners(ctx):
    """GET: the partners (``?jenis=`` a kind) and the form for a new one. POST: register
    it (``POST partners``), then 303 to its page; 400 with the fields to correct."""
    if ctx.request.method == "GET":
        return _partners_page(ctx)
    form = ctx.form
    body = {k: form.get(k, "").strip() for k in ("name", "kind", "contact_name",
                                                  "contact_phone", "address")}
    body["contact_phone"] = forms.digits(body["contact_phone"])
    if not body["address"]:
        del body["address"]
    try:
        created = ctx.officer_api.post("partners", body)
    except ApiError as exc:
        if exc.status != 400:
            raise
        return _partners_page(ctx, form, forms.api_errors(exc, ctx.t), 400)
    return ctx.redirect("partner", partner_id=created["id"], selesai="created")


def _partner_page(ctx, partner_id, status=200, errors=None, notice=None):
    partner, programmes = (ctx.officer_api.get("partners/%s" % _q(partner_id)),
                           ctx.officer_api.get("partners/%s/programmes" % _q(partner_id),
                                               {"per_page": 100})["items"])
    return ctx.render("console/partner.html", status=status, partner=partner,
                      programmes=programmes, errors=errors or {}, notice=notice)


@page("/konsol/mitra/<partner_id>", login="officer")
def partner(ctx, partner_id):
    """A partner: contact, verification, its programmes with places taken and waiting."""
    done = ctx.request.args.get("selesai")
    notice = ctx.t("partners_console.done." + done) if done in (
        "created", "verify", "suspend") else None
    return _partner_page(ctx, partner_id, notice=notice)


@page("/konsol/mitra/<partner_id>/aksi", methods=("POST",), login="admin")
def partner_action(ctx, partner_id):
    """Admins: ``action`` verify (``note``) or suspend (``reason``, required)."""
    action = ctx.form.get("action")
    text = ctx.form.get("text", "").strip()
    if action == "verify":
        body = {"note": text} if text else {}
    elif action == "suspend":
        if not text:
            return _partner_page(ctx, partner_id, 400,
                                 {"text": ["partners_console.errors.reason"]})
        body = {"reason": text}
    else:
        return ctx.render("console/error.html", status=400, message_key="errors.invalid_field")
    try:
        ctx.officer_api.post("partners/%s/%s" % (_q(partner_id), action), body)
    except ApiError as exc:
        if exc.status not in (400, 409, 422):
            raise
        return _partner_page(ctx, partner_id, exc.status,
                             {"_action": [forms.problem_sentence(exc, ctx.t)]})
    return ctx.redirect("partner", partner_id=partner_id, selesai=action)


def _programme_page(ctx, programme_id, status=200, errors=None, notice=None, form=None):
    programme = ctx.officer_api.get("partner-programmes/%s" % _q(programme_id))
    answer = ctx.officer_api.get("partner-programmes/%s/enrolments" % _q(programme_id),
                                 {"per_page": 200})
    groups = {s: [e for e in answer["items"] if e["status"] == s]
              for s in ("accepted", "completed", "waitlisted", "withdrawn")}
    return ctx.render("console/partner_programme.html", status=status, programme=programme,
                      groups=groups, waitlist_order=answer.get("waitlist_order"),
                      errors=errors or {}, notice=notice, form=form or {},
                      withdraw_reasons=WITHDRAW_REASONS, outcomes=OUTCOMES,
                      health=programme["kind"] in HEALTH_KINDS)


@page("/konsol/mitra/program/<programme_id>", methods=("GET", "POST"), login="officer")
def partner_programme(ctx, programme_id):
    """GET: a programme with its enrolments and waiting list. POST: enrol a resident by
    ``nik``; 303 saying accepted or waitlisted (and the place), or the failed criteria."""
    if ctx.request.method == "GET":
        return _programme_page(ctx, programme_id, notice=enrolments.notice(ctx))
    return enrolments.enrol(ctx, ctx.officer_api, programme_id, _programme_page,
                            "partner_programme")


@page("/konsol/mitra/peserta/<enrolment_id>", methods=("POST",), login="officer")
def enrolment_action(ctx, enrolment_id):
    """``action`` withdraw (``reason``, ``note``) or complete (``outcome``,
    ``completed_on`` YYYY-MM-DD or blank for today); 303 back to ``programme_id``."""
    return enrolments.act(ctx, ctx.officer_api, enrolment_id, _programme_page,
                          "partner_programme", note=True)


def _cadre_page(ctx, programme_id, status=200, errors=None, notice=None):
    args = ctx.request.args if ctx.request.method == "GET" else ctx.form
    rw = "".join(ch for ch in args.get("rw", "") if ch.isdigit())[:3]
    view = args.get("lihat") if args.get("lihat") in APPOINTMENT_VIEWS else "due_or_overdue"
    params = {"view": view, "per_page": 200}
    if rw:
        params["rw"] = rw.zfill(3)
    answer = ctx.officer_api.get("partner-programmes/%s/appointments" % _q(programme_id),
                                 params)
    return ctx.render("console/cadre.html", status=status, answer=answer,
                      programme_id=programme_id, rw=rw, view=view, views=APPOINTMENT_VIEWS,
                      errors=errors or {}, notice=notice, today=_today().isoformat())


@page("/konsol/mitra/program/<programme_id>/jadwal", login="officer")
def cadre_list(ctx, programme_id):
    """The cadre's list: appointments due this week and late (``lihat``), per RW (``rw``)."""
    notice = ctx.t("partners_console.recorded", item=ctx.request.args["dicatat"]) \
        if ctx.request.args.get("dicatat") else None
    return _cadre_page(ctx, programme_id, notice=notice)


@page("/konsol/mitra/jadwal/<appointment_id>", methods=("POST",), login="officer")
def record_appointment(ctx, appointment_id):
    """Record a dose or visit: ``done_on`` (YYYY-MM-DD), ``place``, ``batch``; 303 back to
    the cadre's list of ``programme_id`` with its ``rw`` and ``lihat``."""
    form, programme_id = ctx.form, ctx.form.get("programme_id", "")
    field = "a-%s" % appointment_id
    try:
        done_on = forms.iso_date(form.get("done_on"))
    except ValueError:
        done_on = None
    if not done_on or done_on > _today().isoformat():
        return _cadre_page(ctx, programme_id, 400, {field: ["partners_console.errors.date"]})
    body = {"done_on": done_on}
    for key in ("place", "batch"):
        if form.get(key, "").strip():
            body[key] = form[key].strip()
    try:
        done = ctx.officer_api.post("appointments/%s/record" % _q(appointment_id), body)
    except ApiError as exc:
        if exc.status not in (400, 409, 422):
            raise
        return _cadre_page(ctx, programme_id, exc.status,
                           {field: [forms.problem_sentence(exc, ctx.t)]})
    return ctx.redirect("cadre_list", programme_id=programme_id, rw=form.get("rw", ""),
                        lihat=form.get("lihat", ""),
                        dicatat="%s, %s" % (done.get("item", ""), done.get("full_name", "")))


nav("console", "partners", "console.nav.partners", match="/konsol/mitra",
    order=ORDER["partners"])
