"""Console: administration (admins only). People's accounts (web/pages/accounts.py),
API tokens for programs (a new token is shown once, on the answer to its form),
the audit trail, and the events a service parked, with replay.
"""
import json

from web import forms
from web.api import ApiError
from web.pages import ORDER, nav, page

TOKEN_ROLES = ("officer", "partner", "seller", "admin")  # gateway/auth.py ROLES
PER_PAGE = 50


@page("/konsol/admin", login="admin")
def admin_home(ctx):
    """The administration pages, one tile each."""
    return ctx.render("console/admin_home.html")


def _negated(text):
    return [-ord(c) for c in text]


def _tokens(ctx):
    items, page_no = [], 1
    while True:
        answer = ctx.officer_api.get("tokens", {"page": page_no, "per_page": 200})
        items += answer["items"]
        if page_no * 200 >= answer["total"]:
            # the ones in use first, newest first within each
            return sorted(items, key=lambda t: (t.get("revoked_at") is not None,
                                                _negated(t.get("created_at") or "")))
        page_no += 1


@page("/konsol/admin/token", methods=("GET", "POST"), login="admin")
def tokens(ctx):
    """GET: the tokens (never their values). POST: make one (``role``, ``name``,
    ``partner_id``/``seller_id`` for scoped roles); its value is shown on this answer
    only (201), never again; 400 with what to correct."""
    form, errors, created, status = {}, {}, None, 200
    if ctx.request.method == "POST":
        form = ctx.form
        body = {"role": form.get("role", ""), "name": form.get("name", "").strip()}
        if body["role"] not in TOKEN_ROLES:
            errors["role"] = ["tokens.errors.role"]
        if not body["name"]:
            errors["name"] = ["tokens.errors.name"]
        for role, field in (("partner", "partner_id"), ("seller", "seller_id")):
            if body["role"] == role:
                body[field] = form.get(field, "").strip()
                if not body[field]:
                    errors[field] = ["tokens.errors.%s" % field]
        if not errors:
            try:
                created, status, form = ctx.officer_api.post("tokens", body), 201, {}
            except ApiError as exc:
                if exc.status != 400:
                    raise
                errors = forms.api_errors(exc, ctx.t)
        if errors:
            status = 400
    notice = ctx.t("tokens.revoked") if ctx.request.args.get("dicabut") else None
    return ctx.render("console/tokens.html", status=status, items=_tokens(ctx), form=form,
                      errors=errors, created=created, roles=TOKEN_ROLES, notice=notice)


@page("/konsol/admin/token/<token_id>/cabut", methods=("POST",), login="admin")
def token_revoke(ctx, token_id):
    """Revoke a token (``DELETE tokens/<id>``); already revoked is not an error. 303."""
    try:
        ctx.officer_api.delete("tokens/%s" % token_id)
    except ApiError as exc:
        if exc.status != 409:
            raise
    return ctx.redirect("tokens", dicabut="1")


@page("/konsol/admin/audit", login="admin")
def audit(ctx):
    """The audit trail, newest first, 50 a page; ``subjek`` filters by whose data (a
    NIK, ``account:<user name>`` or ``file:<name>``)."""
    subject = ctx.request.args.get("subjek", "").strip()
    if forms.digits(subject).isdigit() and len(forms.digits(subject)) == 16:
        subject = forms.digits(subject)
    try:
        page_no = max(1, int(ctx.request.args.get("page", 1)))
    except ValueError:
        page_no = 1
    params = {"page": page_no, "per_page": PER_PAGE}
    if subject:
        params["subject"] = subject
    answer = ctx.officer_api.get("audit", params)
    return ctx.render("console/audit.html", items=answer["items"], total=answer["total"],
                      subject=subject, page_no=page_no,
                      pages=(answer["total"] + PER_PAGE - 1) // PER_PAGE)


def _parked(ctx):
    answer = ctx.officer_api.get("admin/parked-events")
    # ``None``: the service did not answer, which is not the same as nothing parked
    return [{"service": name, "answered": items is not None, "items": [dict(e, pretty=json.dumps(
        e.get("payload"), indent=1, ensure_ascii=False, sort_keys=True)) for e in items or []]}
        for name, items in sorted(answer.items())]


@page("/konsol/admin/peristiwa", login="admin")
def parked_events(ctx):
    """Events each service's consumer gave up on after its retries, with the error,
    and a replay button per event."""
    done = ctx.request.args.get("diulang")
    return ctx.render("console/parked.html", services=_parked(ctx), errors={},
                      notice=ctx.t("parked.replayed") if done else None)


@page("/konsol/admin/peristiwa/<service>/<parked_id>", methods=("POST",), login="admin")
def parked_replay(ctx, service, parked_id):
    """Run a parked event through its handler again; 303 back, or the list with why
    not (the handler failing again leaves the event parked with its new error)."""
    try:
        ctx.officer_api.post("admin/parked-events/%s/%s/replay" % (service, parked_id))
        return ctx.redirect("parked_events", diulang="1")
    except ApiError as exc:
        if exc.status == 404:
            problem = "parked.gone"
        elif exc.status in (503, 504):
            problem = "errors.unavailable"
        elif exc.status >= 500:
            problem = "parked.failed_again"
        elif exc.status in (400, 409, 422):
            problem = forms.problem_sentence(exc, ctx.t)
        else:
            raise
    return ctx.render("console/parked.html", status=409, services=_parked(ctx), notice=None,
                      errors={"event-%s" % parked_id: [problem]})


nav("console", "admin_home", "console.nav.admin", role="admin",
    match=("/konsol/admin", "/konsol/akun"), order=ORDER["admin"])
