"""A partner's own pages, ``/mitra-saya`` (role partner; issue 11).

A partner's staff log in (``/konsol/masuk``) and land here: their partner
record and its verification, their programmes (a new one is filled in, read
back as a draft, then published), for a programme its sessions with the
attendance of each enrolled resident, the roster (name, RT/RW, the NIK masked
as the gateway masks it for partners) with enrolment by NIK, completion with
an outcome and withdrawal, the waiting list in the order the service serves
it, and the year's pledges against deliveries and report.

Every call carries the partner's own session: the gateway scopes it to the
account's ``partner_id`` (another partner's ids answer 404, as for a token).
The partners API keeps no unpublished programmes, so the draft lives in the
form until the partner publishes it (``POST partners/{id}/programmes``); the
programme is public once the partner is verified.
"""
import datetime
from urllib.parse import quote

from web import forms
from web.api import ApiError, together
from web.pages import enrolments, nav, page
from web.pages.activities import KINDS
from web.pages.enrolments import OUTCOMES, WITHDRAW_REASONS

#: the partners contract's lists (a unit test keeps them equal)
ATTENDANCE = ("attended", "excused", "absent")
SESSION_KINDS = ("training", "mentoring")
GROUPS = ("accepted", "completed", "waitlisted", "withdrawn")
PROGRAMME_FIELDS = ("title", "kind", "description", "location", "starts_on", "ends_on",
                    "capacity", "required_attendance_pct")
#: the programme page's own notices, beside those of enrolments (``?selesai=``)
_DONE = {d: "partner_portal.done." + d for d in ("published", "session", "attendance")}


def _q(value):
    return quote(value, safe="")


def _partner_id(ctx):
    return ctx.account["partner_id"]


def _this_year():
    """This year in the village (WIB, UTC+7)."""
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)).year


def _commitment(ctx, year):
    """The year's pledge vs delivered, or None when nothing was pledged (404)."""
    try:
        return ctx.officer_api.get("partners/%s/commitments/%d" % (_q(_partner_id(ctx)), year))
    except ApiError as exc:
        if exc.status == 404:
            return None
        raise


@page("/mitra-saya", login="partner")
def partner_home(ctx):
    """The partner record and verification, its programmes, this year's pledge."""
    pid, year = _q(_partner_id(ctx)), _this_year()
    partner, programmes, commitment = together(
        lambda: ctx.officer_api.get("partners/%s" % pid),
        lambda: ctx.officer_api.get("partners/%s/programmes" % pid, {"per_page": 100})["items"],
        lambda: _commitment(ctx, year))
    done = ctx.request.args.get("selesai")
    notice = ctx.t("partner_portal.done." + done) if done in ("published",) else None
    return ctx.render("portal/partner_home.html", partner=partner, programmes=programmes,
                      commitment=commitment, year=year, notice=notice)


def programme_body(form):
    """The ``POST partners/{id}/programmes`` body of the form, and the errors found
    before sending (dates that do not exist, numbers that are not whole)."""
    body = {k: form.get(k, "").strip() for k in ("title", "kind", "description", "location")}
    errors = {}
    for key in ("starts_on", "ends_on"):
        try:
            body[key] = forms.iso_date(form.get(key))
        except ValueError:
            body[key] = None
        if not body[key]:
            errors[key] = ["partner_portal.errors.date"]
    for key in ("capacity", "required_attendance_pct"):
        try:
            value = forms.whole_number(form.get(key))
        except ValueError:
            value, errors[key] = None, ["partner_portal.errors.number"]
        if value is not None:
            body[key] = value
        elif key == "capacity" and key not in errors:
            errors[key] = ["partner_portal.errors.number"]
    return body, errors


@page("/mitra-saya/program/baru", methods=("GET", "POST"), login="partner")
def partner_programme_new(ctx):
    """GET: the form. POST ``step=draft``: the programme read back as a draft (nothing
    sent); ``step=edit``: the form again as filled in; ``step=publish``:
    ``POST partners/{id}/programmes``, 303 to it; 400 with the API's words beside
    the fields."""
    if ctx.request.method == "GET":
        return _new_page(ctx, {"required_attendance_pct": "80"})
    form = ctx.form
    if form.get("step") == "edit":  # back from the draft to the form, as filled in
        return _new_page(ctx, form)
    body, errors = programme_body(form)
    if errors:
        return _new_page(ctx, form, errors, 400)
    if form.get("step") != "publish":
        return ctx.render("portal/partner_programme_draft.html", form=form, body=body)
    try:
        created = ctx.officer_api.post("partners/%s/programmes" % _q(_partner_id(ctx)), body,
                                       timeout=120)
    except ApiError as exc:
        if exc.status not in (400, 409, 422):
            raise
        errors = forms.api_errors(exc, ctx.t) or {"_form": [forms.problem_sentence(exc, ctx.t)]}
        return _new_page(ctx, form, errors, exc.status)
    return ctx.redirect("partner_portal_programme", programme_id=created["id"],
                        selesai="published")


def _new_page(ctx, form, errors=None, status=200):
    return ctx.render("portal/partner_programme_new.html", status=status, form=form,
                      errors=errors or {},
                      kind_options=[(k, ctx.t("activities.kinds." + k)) for k in KINDS])


def _programme_page(ctx, programme_id, status=200, errors=None, notice=None, form=None):
    path = _q(programme_id)
    programme, answer, sessions = together(
        lambda: ctx.officer_api.get("partner-programmes/%s" % path),
        lambda: ctx.officer_api.get("partner-programmes/%s/enrolments" % path,
                                    {"per_page": 200}),
        lambda: ctx.officer_api.get("partner-programmes/%s/sessions" % path,
                                    {"per_page": 100})["items"])
    groups = {g: [e for e in answer["items"] if e["status"] == g] for g in GROUPS}
    groups["waitlisted"].sort(key=lambda e: e.get("waitlist_position") or 0)
    return ctx.render("portal/partner_programme.html", status=status, programme=programme,
                      groups=groups, waitlist_order=answer.get("waitlist_order"),
                      sessions=sessions, has_sessions=programme["kind"] in SESSION_KINDS,
                      errors=errors or {}, notice=notice, form=form or {},
                      outcomes=OUTCOMES, withdraw_reasons=WITHDRAW_REASONS)


@page("/mitra-saya/program/<programme_id>", methods=("GET", "POST"),
      login="partner")
def partner_portal_programme(ctx, programme_id):
    """GET: the programme, its sessions and roster. POST: enrol a resident by ``nik``;
    303 saying accepted or waitlisted (and the place), or the failed criteria."""
    if ctx.request.method == "GET":
        return _programme_page(ctx, programme_id, notice=enrolments.notice(ctx, _DONE))
    return enrolments.enrol(ctx, ctx.officer_api, programme_id, _programme_page,
                            "partner_portal_programme")


@page("/mitra-saya/peserta/<enrolment_id>", methods=("POST",), login="partner")
def partner_enrolment_action(ctx, enrolment_id):
    """``action`` withdraw (``reason``) or complete (``outcome``, ``completed_on``
    YYYY-MM-DD or blank for today); 303 back to ``programme_id``."""
    return enrolments.act(ctx, ctx.officer_api, enrolment_id, _programme_page,
                          "partner_portal_programme")


@page("/mitra-saya/program/<programme_id>/sesi", methods=("POST",), login="partner")
def partner_session_new(ctx, programme_id):
    """Add a session: ``s-held_on``, ``s-starts_at``/``s-ends_at`` (HH:MM), ``s-location``,
    ``s-facilitator``, ``s-topic`` (prefixed: the enrolment form on the same page has a
    ``note`` and errors go by field id); 303 back, or the API's words beside the fields."""
    form = ctx.form
    body = {k: form.get("s-" + k, "").strip() for k in ("held_on", "starts_at", "ends_at",
                                                         "location", "facilitator", "topic")}
    if not body["topic"]:
        del body["topic"]
    try:
        ctx.officer_api.post("partner-programmes/%s/sessions" % _q(programme_id), body)
    except ApiError as exc:
        if exc.status not in (400, 409, 422):
            raise
        errors = {"s-" + k: v for k, v in forms.api_errors(exc, ctx.t).items()} or {
            "_session": [forms.problem_sentence(exc, ctx.t)]}
        return _programme_page(ctx, programme_id, exc.status, errors, form=form)
    return ctx.redirect("partner_portal_programme", programme_id=programme_id,
                        selesai="session")


def _session_page(ctx, programme_id, session_id, status=200, errors=None, form=None):
    path = _q(programme_id)
    programme, sessions, enrolments = together(
        lambda: ctx.officer_api.get("partner-programmes/%s" % path),
        lambda: ctx.officer_api.get("partner-programmes/%s/sessions" % path,
                                    {"per_page": 100})["items"],
        lambda: ctx.officer_api.get("partner-programmes/%s/enrolments" % path,
                                    {"status": "accepted", "per_page": 200})["items"])
    found = next((s for s in sessions if s["id"] == session_id), None)
    if found is None:
        return ctx.app.error_page(ctx, 404)
    marked = {a["enrolment_id"]: a for a in found.get("attendance") or []}
    return ctx.render("portal/partner_session.html", status=status, programme=programme,
                      session=found, enrolments=enrolments, marked=marked,
                      statuses=ATTENDANCE, errors=errors or {}, form=form)


@page("/mitra-saya/program/<programme_id>/sesi/<session_id>", methods=("GET", "POST"),
      login="partner")
def partner_session(ctx, programme_id, session_id):
    """GET: a session and the attendance of each accepted resident. POST: record it
    (``status-<enrolment>`` attended/excused/absent, ``reason-<enrolment>`` when
    excused) as one ``POST sessions/{id}/attendance``; 303 to the programme."""
    if ctx.request.method == "GET":
        return _session_page(ctx, programme_id, session_id)
    form = ctx.form
    entries, errors = [], {}
    for key in form:
        if not key.startswith("status-") or form[key] not in ATTENDANCE:
            continue
        enrolment_id = key[len("status-"):]
        entry = {"enrolment_id": enrolment_id, "status": form[key]}
        reason = form.get("reason-" + enrolment_id, "").strip()
        if form[key] == "excused":
            if not reason:
                errors["reason-" + enrolment_id] = ["partner_portal.errors.reason"]
            entry["reason"] = reason
        entries.append(entry)
    if not entries and not errors:
        errors["_form"] = ["partner_portal.errors.nobody_marked"]
    if errors:
        return _session_page(ctx, programme_id, session_id, 400, errors, form)
    try:
        ctx.officer_api.post("sessions/%s/attendance" % _q(session_id), {"entries": entries})
    except ApiError as exc:
        if exc.status not in (400, 409, 422):
            raise
        return _session_page(ctx, programme_id, session_id, exc.status,
                             {"_form": [forms.problem_sentence(exc, ctx.t)]}, form)
    return ctx.redirect("partner_portal_programme", programme_id=programme_id,
                        selesai="attendance")


@page("/mitra-saya/laporan", login="partner")
def partner_report(ctx):
    """The partner's year (``tahun``, default this year in WIB): pledged vs delivered,
    reach, sessions, outcomes, per programme (``GET partners/{id}/reports/{year}``)."""
    year = _this_year()
    try:
        asked = forms.whole_number(ctx.request.args.get("tahun")) or year
    except ValueError:
        asked = year
    year = asked if 2000 <= asked <= 2100 else year
    report = ctx.officer_api.get("partners/%s/reports/%d" % (_q(_partner_id(ctx)), year))
    return ctx.render("portal/partner_report.html", report=report, year=year)


nav("partner", "partner_home", "partner_portal.nav.home", match="/mitra-saya")
nav("partner", "partner_programme_new", "partner_portal.nav.new",
    match="/mitra-saya/program/baru")
nav("partner", "partner_report", "partner_portal.nav.report", match="/mitra-saya/laporan")
