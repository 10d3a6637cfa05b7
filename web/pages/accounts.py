"""Console: people's accounts (admins). Make one; disable, enable, unlock, reset a password.

A partner's staff and a seller get an account of the role ``partner`` or
``seller`` that names its partner or seller (picked from the lists the API
gives); the gateway refuses an unknown one, and the page shows its words
beside the field.
"""
from web.api import ApiError, together
from web.pages import page
from web.pages.complaints import api_errors

#: the account roles the gateway offers (gateway/accounts.py ACCOUNT_ROLES)
ROLES = ("officer", "admin", "partner", "seller")
#: role -> the field naming whose records a scoped account reaches
SCOPE_FIELDS = {"partner": "partner_id", "seller": "seller_id"}
ACTIONS = {"disable": {"active": False}, "enable": {"active": True}, "unlock": {"unlock": True}}


def _choices(ctx, path):
    """The partners or sellers to pick from; none when their service does not answer,
    so that accounts can still be managed while the partners or the market are down."""
    try:
        return ctx.officer_api.get(path, {"per_page": 100})["items"]
    except ApiError as exc:
        if exc.status < 500:
            raise
        return []


def _page(ctx, status=200, form=None, errors=None, notice=None):
    """The accounts, the partners and sellers to pick from, and the form."""
    items, partners, sellers = together(
        lambda: ctx.officer_api.get("accounts", {"per_page": 200})["items"],
        lambda: _choices(ctx, "partners"), lambda: _choices(ctx, "sellers"))
    names = {p["id"]: p["name"] for p in partners}
    names.update({s["id"]: s["business_name"] for s in sellers})
    return ctx.render("console/accounts.html", status=status, items=items, form=form or {},
                      errors=errors or {}, roles=ROLES, notice=notice, names=names,
                      partner_options=[(p["id"], p["name"]) for p in partners],
                      seller_options=[(s["id"], s["business_name"]) for s in sellers])


def account_body(form):
    """The ``POST accounts`` body of the form, and errors found before sending: a
    partner or seller account must pick its partner or seller."""
    body = {k: form.get(k, "").strip() for k in ("username", "display_name", "role")}
    body["username"] = body["username"].lower()
    body["password"] = form.get("password", "")
    errors = {}
    field = SCOPE_FIELDS.get(body["role"])
    if field:
        body[field] = form.get(field, "").strip()
        if not body[field]:
            errors[field] = ["accounts.errors.%s" % field]
    return body, errors


@page("/konsol/akun", methods=("GET", "POST"), login="admin")
def accounts(ctx):
    """GET: the accounts and the form for a new one. POST: make it (303), or 400/409."""
    if ctx.request.method == "POST":
        form = ctx.form
        body, errors = account_body(form)
        if not errors:
            try:
                created = ctx.officer_api.post("accounts", body)
                return ctx.redirect("accounts", dibuat=created["username"])
            except ApiError as exc:
                if exc.status == 409:
                    errors = {"username": ["accounts.errors.taken"]}
                elif exc.status == 400:
                    errors = api_errors(ctx, exc, "accounts")
                else:
                    raise
        return _page(ctx, 400, form, errors)
    notice = None
    if ctx.request.args.get("dibuat"):
        notice = ctx.t("accounts.created", username=ctx.request.args["dibuat"])
    elif ctx.request.args.get("diubah"):
        notice = ctx.t("accounts.changed", username=ctx.request.args["diubah"])
    return _page(ctx, notice=notice)


@page("/konsol/akun/<account_id>", methods=("POST",), login="admin")
def account_action(ctx, account_id):
    """One change to an account: ``action`` disable, enable, unlock, password, role
    (with ``partner_id`` / ``seller_id`` for a scoped role)."""
    action = ctx.form.get("action")
    if action == "password":
        body = {"password": ctx.form.get("password", "")}
    elif action == "role" and ctx.form.get("role") in ROLES:
        body = {"role": ctx.form["role"]}
        field = SCOPE_FIELDS.get(body["role"])
        if field and ctx.form.get(field, "").strip():
            body[field] = ctx.form[field].strip()
    else:
        body = ACTIONS.get(action)
    if body is None:
        return ctx.render("console/error.html", status=400, message_key="errors.invalid_field")
    try:
        account = ctx.officer_api.patch("accounts/%s" % account_id, body)
    except ApiError as exc:
        if exc.status == 409:
            return _page(ctx, 409, errors={"account_%s" % account_id: ["accounts.errors.self"]})
        if exc.status != 400:
            raise
        if action == "password":
            return _page(ctx, 400, errors={"password-%s" % account_id:
                                           ["accounts.errors.password"]})
        # a role without its partner or seller, or an unknown one: the API's field, in words
        words = [ctx.t("accounts.errors.%s" % field) if ctx.t.get("accounts.errors.%s" % field)
                 else "errors.invalid_field" for field in exc.errors] or ["errors.invalid_field"]
        return _page(ctx, 400, errors={"account_%s" % account_id: words})
    return ctx.redirect("accounts", diubah=account["username"])
