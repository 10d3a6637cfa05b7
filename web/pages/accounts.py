"""Console: people's accounts (admins). Make one; disable, enable, unlock, reset a password."""
from web.api import ApiError
from web.pages import page
from web.pages.complaints import api_errors

ROLES = ("officer", "admin")  # the account roles the gateway offers (gateway/accounts.py)
ACTIONS = {"disable": {"active": False}, "enable": {"active": True}, "unlock": {"unlock": True}}


def _list(ctx):
    return ctx.officer_api.get("accounts", {"per_page": 200})["items"]


@page("/konsol/akun", methods=("GET", "POST"), login="admin")
def accounts(ctx):
    """GET: the accounts and the form for a new one. POST: make it (303), or 400/409."""
    form, errors, status, notice = {}, {}, 200, None
    if ctx.request.method == "POST":
        form = ctx.form
        body = {k: form.get(k, "").strip() for k in ("username", "display_name", "role")}
        body["username"] = body["username"].lower()
        body["password"] = form.get("password", "")
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
        status = 400
    created = ctx.request.args.get("dibuat")
    if created:
        notice = ctx.t("accounts.created", username=created)
    elif ctx.request.args.get("diubah"):
        notice = ctx.t("accounts.changed", username=ctx.request.args["diubah"])
    return ctx.render("console/accounts.html", status=status, items=_list(ctx), form=form,
                      errors=errors, roles=ROLES, notice=notice)


@page("/konsol/akun/<account_id>", methods=("POST",), login="admin")
def account_action(ctx, account_id):
    """One change to an account: ``action`` disable, enable, unlock, password, role."""
    action = ctx.form.get("action")
    if action == "password":
        body = {"password": ctx.form.get("password", "")}
    elif action == "role" and ctx.form.get("role") in ROLES:
        body = {"role": ctx.form["role"]}
    else:
        body = ACTIONS.get(action)
    if body is None:
        return ctx.render("console/error.html", status=400, message_key="errors.invalid_field")
    try:
        account = ctx.officer_api.patch("accounts/%s" % account_id, body)
    except ApiError as exc:
        if exc.status == 409:
            return ctx.render("console/accounts.html", status=409, items=_list(ctx), form={},
                              errors={"account_%s" % account_id: ["accounts.errors.self"]},
                              roles=ROLES, notice=None)
        if exc.status != 400:
            raise
        return ctx.render("console/accounts.html", status=400, items=_list(ctx), form={},
                          errors={"password-%s" % account_id: ["accounts.errors.password"]},
                          roles=ROLES, notice=None)
    return ctx.redirect("accounts", diubah=account["username"])
