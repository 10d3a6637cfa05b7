"""Accounts for people and their login sessions over HTTP (gateway/accounts.py).

Admins make accounts; anyone may try to log in (rate limited per client, and
an account locks after repeated failures). Each attempt, its outcome and each
logout are in the audit trail with the subject ``account:<user name>``.
"""
from marshmallow import ValidationError

from services.shared.errors import BansosError, Conflict, from_marshmallow
from services.shared.pagination import page_of

from gateway.account_schemas import (AccountIn, AccountOut, AccountPatch, CurrentSessionOut,
                                     SessionIn, SessionOut)
from gateway.accounts import SESSION_PREFIX
from gateway.auth import Principal
from gateway.errors import Unauthorized
from gateway.http import route

TAGS = ["accounts"]
#: per client, beside the per-account lockout: spraying many names stays slow
LOGIN_LIMIT = ("login", 20, 600)


def _load(schema, body):
    try:
        return schema().load(body)
    except ValidationError as exc:
        raise from_marshmallow(exc) from None


def _session_token(request):
    token = request.headers.get("Authorization", "").partition(" ")[2].strip()
    if not token.startswith(SESSION_PREFIX):
        raise Unauthorized("This needs a session token (POST /api/v1/sessions).")
    return token


class AccountRoutes:
    def _audit_login(self, principal, action, username, request):
        self.store.record_audits(principal, [(action, "account:%s" % username)],
                                 request.method, request.path)

    @route("POST", "/api/v1/accounts", role="admin", body=AccountIn, response=AccountOut,
           status=201, tags=TAGS, summary="Make an account for a person (user name, role)")
    def create_account(self, request, principal):
        account = self.accounts.create_account(_load(AccountIn, self.body(request)),
                                               principal.actor)
        self._audit_login(principal, "create_account", account["username"], request)
        return account

    @route("GET", "/api/v1/accounts", role="admin", response=AccountOut, many=True, tags=TAGS,
           summary="Accounts by user name")
    def list_accounts(self, request, principal):
        page, per_page = self.page_args(request)
        items, total = self.accounts.list_accounts((page - 1) * per_page, per_page)
        return page_of(items, page, per_page, total)

    @route("GET", "/api/v1/accounts/<account_id>", role="admin", response=AccountOut,
           tags=TAGS, summary="One account")
    def get_account(self, request, principal, account_id):
        return self.accounts.get_account(account_id)

    @route("PATCH", "/api/v1/accounts/<account_id>", role="admin", body=AccountPatch,
           response=AccountOut, tags=TAGS,
           summary="Rename, change role, disable, reset the password or unlock an account",
           description="Disabling, a new role or a new password ends the account's sessions.")
    def update_account(self, request, principal, account_id):
        changes = _load(AccountPatch, self.body(request))
        if account_id == principal.token_id and (
                changes.get("active") is False or changes.get("role", "admin") != "admin"):
            # an admin who locks themselves out may leave the village with no admin at all
            raise Conflict("You cannot disable your own account or give up its admin role.",
                           {"active" if "active" in changes else "role": ["not on yourself"]})
        account = self.accounts.update_account(account_id, changes, principal.actor)
        self._audit_login(principal, "update_account", account["username"], request)
        return account

    @route("POST", "/api/v1/sessions", body=SessionIn, response=SessionOut, status=201,
           rate_limit=LOGIN_LIMIT, tags=TAGS, summary="Log in: a short-lived session token",
           description="Answers a bearer token (bs_...) for the other endpoints, valid for "
                       "8 hours or until DELETE /api/v1/sessions/current. 401 for a wrong "
                       "user name or password (one answer for both); 429 while the account "
                       "is locked after 5 failures in a row.")
    def create_session(self, request, principal):
        data = _load(SessionIn, self.body(request))
        username = data["username"].strip().lower()
        try:
            answer = self.accounts.login(username, data["password"], self.client_key(request))
        except BansosError as exc:
            action = "login_failed" if isinstance(exc, Unauthorized) else "login_locked"
            self._audit_login(Principal(name=username, request_id=principal.request_id),
                              action, username, request)
            raise
        account = answer["account"]
        self._audit_login(Principal(account["role"], account["id"], account["display_name"],
                                    request_id=principal.request_id), "login", username, request)
        return answer

    @route("GET", "/api/v1/sessions/current", role=("officer", "partner", "seller"),
           response=CurrentSessionOut, tags=TAGS, summary="Who is logged in with this session")
    def current_session(self, request, principal):
        return self.accounts.current_session(_session_token(request))

    @route("DELETE", "/api/v1/sessions/current", role=("officer", "partner", "seller"),
           status=204, tags=TAGS, summary="Log out: end this session")
    def end_session(self, request, principal):
        token = _session_token(request)
        account = self.accounts.current_session(token)["account"]
        self.accounts.end_session(token)
        self._audit_login(principal, "logout", account["username"], request)
