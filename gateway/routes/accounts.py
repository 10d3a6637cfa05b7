"""Accounts for people and their login sessions over HTTP (gateway/accounts.py).

Admins make accounts; anyone may try to log in (rate limited per client, and
an account locks after repeated failures). Each attempt, its outcome and each
logout are in the audit trail with the subject ``account:<user name>``.
"""
from services.shared.contract import dump, load
from services.shared.errors import BansosError, Conflict, InvalidInput, NotFound
from services.shared.pagination import page_of

from gateway.account_schemas import (AccountIn, AccountOut, AccountPage, AccountPatch,
                                     CurrentSessionOut, SessionIn, SessionOut)
from gateway.accounts import SCOPE_FIELDS, SESSION_PREFIX, account_scope
from gateway.auth import Principal
from gateway.errors import Unauthorized
from gateway.http import RouteTable

routes = RouteTable()

TAGS = ["accounts"]
#: per client, beside the per-account lockout: spraying many names stays slow
LOGIN_LIMIT = ("login", 20, 600)


def _session_token(ex):
    token = ex.request.headers.get("Authorization", "").partition(" ")[2].strip()
    if not token.startswith(SESSION_PREFIX):
        raise Unauthorized("This needs a session token (POST /api/v1/sessions).")
    return token


#: scope field -> (service, RPC) that knows whether the partner or seller exists
SCOPE_OWNERS = {"partner_id": ("partners", "get_partner"),
                "seller_id": ("marketplace", "get_seller")}


def _check_scope_exists(ex, body):
    """Refuse (400 naming the field) a ``partner_id`` / ``seller_id`` that its own
    service does not know; asked as the admin, so any partner or seller counts."""
    for field, (service, method) in SCOPE_OWNERS.items():
        wanted = body.get(field)
        if not wanted:
            continue
        proxy = ex.services.get(service)
        try:
            if proxy is None:
                raise NotFound("no %s service" % service)
            ex.call(getattr(proxy, method), wanted, ex.actor)
        except NotFound:
            raise InvalidInput("There is no %s %s." % (field[:-3], wanted),
                               {field: ["no %s with this id" % field[:-3]]}) from None


def _audit_login(ex, principal, action, username):
    ex.service.store.record_audits(principal, [(action, "account:%s" % username)],
                                   ex.request.method, ex.request.path)


@routes.route("POST", "/api/v1/accounts", role="admin", body=AccountIn, response=AccountOut,
              status=201, tags=TAGS, summary="Make an account for a person (user name, role)",
              description="A partner or seller account names its partner_id or seller_id "
                          "(400 naming the field when it is missing, unknown, or given for "
                          "another role); its sessions reach what that partner's or seller's "
                          "token would.")
def create_account(ex):
    data = load(AccountIn, ex.body())
    account_scope(data["role"], data)  # the role's rule first: no RPC for a wrong one
    _check_scope_exists(ex, data)
    account = ex.service.accounts.create_account(data, ex.actor)
    _audit_login(ex, ex.principal, "create_account", account["username"])
    return dump(AccountOut, account)


@routes.route("GET", "/api/v1/accounts", role="admin", response=AccountPage, tags=TAGS,
              summary="Accounts by user name")
def list_accounts(ex):
    page, per_page = ex.page_args()
    items, total = ex.service.accounts.list_accounts((page - 1) * per_page, per_page)
    return page_of(dump(AccountOut, items, many=True), page, per_page, total)


@routes.route("GET", "/api/v1/accounts/<account_id>", role="admin", response=AccountOut,
              tags=TAGS, summary="One account")
def get_account(ex, account_id):
    return dump(AccountOut, ex.service.accounts.get_account(account_id))


@routes.route("PATCH", "/api/v1/accounts/<account_id>", role="admin", body=AccountPatch,
              response=AccountOut, tags=TAGS,
              summary="Rename, change role, disable, reset the password or unlock an account",
              description="Disabling, a new role or a new password ends the account's sessions.")
def update_account(ex, account_id):
    changes = load(AccountPatch, ex.body())
    if account_id == ex.principal.token_id and (
            changes.get("active") is False or changes.get("role", "admin") != "admin"):
        # an admin who locks themselves out may leave the village with no admin at all
        raise Conflict("You cannot disable your own account or give up its admin role.",
                       {"active" if "active" in changes else "role": ["not on yourself"]})
    if any(k in changes for k in ("role", *SCOPE_FIELDS.values())):
        current = ex.service.accounts.get_account(account_id)
        account_scope(changes.get("role", current["role"]), changes, current)
        _check_scope_exists(ex, changes)
    account = ex.service.accounts.update_account(account_id, changes, ex.actor)
    _audit_login(ex, ex.principal, "update_account", account["username"])
    return dump(AccountOut, account)


@routes.route("POST", "/api/v1/sessions", body=SessionIn, response=SessionOut, status=201,
              rate_limit=LOGIN_LIMIT, tags=TAGS, summary="Log in: a short-lived session token",
              description="Answers a bearer token (bs_...) for the other endpoints, valid for "
                          "8 hours or until DELETE /api/v1/sessions/current. 401 for a wrong "
                          "user name or password (one answer for both); 429 while the account "
                          "is locked after 5 failures in a row.")
def create_session(ex):
    data = load(SessionIn, ex.body())
    username = data["username"].strip().lower()
    request_id = ex.principal.request_id
    try:
        answer = ex.service.accounts.login(username, data["password"], ex.client_key())
    except BansosError as exc:
        action = "login_failed" if isinstance(exc, Unauthorized) else "login_locked"
        _audit_login(ex, Principal(name=username, request_id=request_id), action, username)
        raise
    account = answer["account"]
    _audit_login(ex, Principal(account["role"], account["id"], account["display_name"],
                               request_id=request_id), "login", username)
    return dump(SessionOut, answer)


@routes.route("GET", "/api/v1/sessions/current", role=("officer", "partner", "seller"),
              response=CurrentSessionOut, tags=TAGS, summary="Who is logged in with this session")
def current_session(ex):
    return dump(CurrentSessionOut, ex.service.accounts.current_session(_session_token(ex)))


@routes.route("DELETE", "/api/v1/sessions/current", role=("officer", "partner", "seller"),
              status=204, tags=TAGS, summary="Log out: end this session")
def end_session(ex):
    token = _session_token(ex)
    account = ex.service.accounts.current_session(token)["account"]
    ex.service.accounts.end_session(token)
    _audit_login(ex, ex.principal, "logout", account["username"])
