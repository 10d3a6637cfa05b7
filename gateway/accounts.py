"""People's accounts and their login sessions (issue 13; docs/contract.md "Web app").

People log in with a user name and a password; programs keep using API
tokens (``gateway/auth.py``). An admin makes each account with a role.
Passwords are hashed with argon2id (argon2-cffi's defaults, the RFC 9106
low-memory profile). A login answers a session token (``bs_...``), a bearer
token like any other but short-lived and tied to the account: disabling the
account or changing its role takes effect on the next request.

Repeated failures lock an account for a while (``LOCKOUT_FAILURES`` in a row,
then ``LOCKOUT_MINUTES``); the counter is one atomic update on the account
document, so parallel guesses cannot slip past it. Every login, failed or
not, is written to the audit trail by the route (``gateway/routes/accounts.py``).
"""
import datetime
import hashlib
import secrets
import uuid

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventlet import tpool
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.shared import clock
from services.shared.errors import Conflict, InvalidInput, NotFound

from gateway.auth import Principal
from gateway.errors import RateLimited, Unauthorized

#: Roles a person's account may have; a scoped role names its partner or seller.
ACCOUNT_ROLES = ("officer", "admin", "partner", "seller")
#: role -> the field naming whose records the account may reach (as on API tokens)
SCOPE_FIELDS = {"partner": "partner_id", "seller": "seller_id"}
SESSION_PREFIX = "bs_"
LOCKOUT_FAILURES = 5
LOCKOUT_MINUTES = 15
SESSION_HOURS = 8
#: the same answer for an unknown user, a wrong password and a disabled account
BAD_LOGIN = "The user name or the password is wrong."

_hasher = PasswordHasher()
#: verified against when the user does not exist, so that both cost the same time
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def _aware(value):
    """mongomock and pymongo (tz_aware) both answer aware datetimes; be sure."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=clock.UTC)
    return value


def hash_password(password):
    """argon2id hash of ``password`` (str), computed off the eventlet hub.

    argon2 takes ~0.1 s of CPU on purpose; in a real thread (``tpool``) the
    gateway keeps answering other requests meanwhile.
    """
    return tpool.execute(_hasher.hash, password)


def verify_password(stored_hash, password):
    """True when ``password`` matches ``stored_hash`` (never raises for a mismatch)."""
    try:
        return tpool.execute(_hasher.verify, stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def account_scope(role, given, current=None):
    """The ``{"partner_id", "seller_id"}`` an account of ``role`` keeps.

    Args:
        role (str): the account's role after the change (one of ``ACCOUNT_ROLES``).
        given (dict): the request's ``partner_id`` / ``seller_id`` (absent or None: not given).
        current (dict|None): the account as stored, when it is changed; its scope
            stays when the role stays and no new one is given.
    Returns:
        dict: both fields, the one the role does not use None.
    Raises:
        InvalidInput: a scoped role without its id, or an id given for a role
            that has no use for it (docs/contract.md "Roles"), naming the field.
    """
    current = current or {}
    scope = {"partner_id": None, "seller_id": None}
    for other_role, field in SCOPE_FIELDS.items():
        if given.get(field) and role != other_role:
            raise InvalidInput("%s is only for an account with the role %s." % (
                field, other_role), {field: ["only for the role %s" % other_role]})
    field = SCOPE_FIELDS.get(role)
    if field:
        kept = current.get(field) if current.get("role") == role else None
        scope[field] = given.get(field) or kept
        if not scope[field]:
            raise InvalidInput("A %s account needs its %s." % (role, field),
                               {field: ["required when role is %s" % role]})
    return scope


def _session_hash(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class AccountRepository:
    """Accounts and sessions in the gateway's database."""

    def __init__(self, db, notify=None):
        self.accounts = db["accounts"]
        self.sessions = db["sessions"]

    @classmethod
    def ensure_indexes(cls, db):
        db["accounts"].create_index("username", unique=True)
        db["sessions"].create_index("hash", unique=True)
        db["sessions"].create_index("expires_at")

    # ------------------------------------------------------------ accounts

    def create_account(self, data, created_by):
        """Store a new account.

        Args:
            data (dict): loaded ``AccountIn``: ``username``, ``display_name``,
                ``role``, ``password`` (plain; only its hash is kept), and
                ``partner_id`` / ``seller_id`` for a scoped role (``account_scope``;
                the route has checked that the partner or seller exists).
            created_by (dict): the admin's ``Principal.actor``.
        Returns:
            dict: the account as ``public`` shows it.
        Raises:
            Conflict: the user name is taken (names are unique, case-folded).
            InvalidInput: the scope does not fit the role (``account_scope``).
        """
        scope = account_scope(data["role"], data)
        now = clock.now()
        doc = {"_id": "acc_" + uuid.uuid4().hex[:16], "username": data["username"],
               "display_name": data["display_name"], "role": data["role"],
               "password_hash": hash_password(data["password"]), "active": True,
               "failed_logins": 0, "locked_until": None, "last_login_at": None,
               "created_at": now, "created_by": created_by, "updated_at": now, **scope}
        try:
            self.accounts.insert_one(doc)
        except DuplicateKeyError:
            raise Conflict("An account named %s already exists." % data["username"],
                           {"username": ["is already taken"]}) from None
        return self.public(doc)

    def get_account(self, account_id):
        doc = self.accounts.find_one({"_id": account_id})
        if doc is None:
            raise NotFound("No account with id %s." % account_id)
        return self.public(doc)

    def list_accounts(self, skip=0, limit=50):
        """``(items, total)``: accounts by user name, never their password hashes."""
        total = self.accounts.count_documents({})
        docs = self.accounts.find().sort("username", 1).skip(skip).limit(limit)
        return [self.public(d) for d in docs], total

    def update_account(self, account_id, changes, by):
        """Apply a loaded ``AccountPatch``: ``display_name``, ``role``, ``active``,
        ``password`` (a reset), ``unlock`` (clear a lockout), ``partner_id`` /
        ``seller_id`` (the scope, ``account_scope``). Returns ``public``.

        A reset password, a disabled account, a changed role or scope end the
        account's open sessions, so nobody keeps rights they lost.
        Raises NotFound for an unknown id; InvalidInput when nothing would change
        or the scope does not fit the role.
        """
        fields = {k: changes[k] for k in ("display_name", "role", "active") if k in changes}
        if any(k in changes for k in ("role", *SCOPE_FIELDS.values())):
            current = self.accounts.find_one({"_id": account_id})
            if current is None:
                raise NotFound("No account with id %s." % account_id)
            scope = account_scope(changes.get("role", current["role"]), changes, current)
            fields.update({k: v for k, v in scope.items() if v != current.get(k)})
        if changes.get("password"):
            fields["password_hash"] = hash_password(changes["password"])
        if changes.get("unlock"):
            fields.update(failed_logins=0, locked_until=None)
        if not fields:
            raise InvalidInput("Nothing to change.", {"_body": ["name at least one field"]})
        fields.update(updated_at=clock.now(), updated_by=by)
        doc = self.accounts.find_one_and_update({"_id": account_id}, {"$set": fields},
                                                return_document=ReturnDocument.AFTER)
        if doc is None:
            raise NotFound("No account with id %s." % account_id)
        if ("password_hash" in fields or fields.get("active") is False
                or {"role", *SCOPE_FIELDS.values()} & set(fields)):
            self.sessions.update_many({"account_id": account_id, "ended_at": None},
                                      {"$set": {"ended_at": clock.now(),
                                                "end_reason": "account_changed"}})
        return self.public(doc)

    # ------------------------------------------------------------ sessions

    def login(self, username, password, client=None, now=None):
        """Check a user name and password and open a session.

        Returns:
            dict: ``{"token": "bs_...", "expires_at", "account": public}``;
            the token is shown once, only its SHA-256 is kept.
        Raises:
            Unauthorized: unknown user, wrong password or disabled account
                (one answer for all three, after the same argon2 work).
            RateLimited: the account is locked after ``LOCKOUT_FAILURES``
                failures in a row; ``retry_after`` is the seconds left.
        """
        now = now or clock.now()
        doc = self.accounts.find_one({"username": username})
        if doc is None or not doc.get("active"):
            verify_password(_DUMMY_HASH, password)
            raise Unauthorized(BAD_LOGIN)
        locked_until = _aware(doc.get("locked_until"))
        if locked_until and locked_until > now:
            raise self._locked(locked_until, now)
        if not verify_password(doc["password_hash"], password):
            raise self._failed(doc["_id"], now)
        updates = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
        if _hasher.check_needs_rehash(doc["password_hash"]):
            updates["password_hash"] = hash_password(password)
        self.accounts.update_one({"_id": doc["_id"]}, {"$set": updates})
        token = SESSION_PREFIX + secrets.token_urlsafe(32)
        expires = now + datetime.timedelta(hours=SESSION_HOURS)
        self.sessions.delete_many({"expires_at": {"$lt": now}})  # tidy as we go
        self.sessions.insert_one({"_id": "ses_" + uuid.uuid4().hex[:16],
                                  "hash": _session_hash(token), "account_id": doc["_id"],
                                  "created_at": now, "expires_at": expires, "ended_at": None,
                                  "client": client})
        return {"token": token, "expires_at": clock.iso(expires), "account": self.public(doc)}

    def _failed(self, account_id, now):
        """Count a failure atomically; lock at the threshold. Returns the error to raise."""
        doc = self.accounts.find_one_and_update(
            {"_id": account_id}, {"$inc": {"failed_logins": 1}},
            return_document=ReturnDocument.AFTER)
        if doc["failed_logins"] >= LOCKOUT_FAILURES:
            until = now + datetime.timedelta(minutes=LOCKOUT_MINUTES)
            self.accounts.update_one({"_id": account_id, "failed_logins": doc["failed_logins"]},
                                     {"$set": {"locked_until": until, "failed_logins": 0}})
            return self._locked(until, now)
        return Unauthorized(BAD_LOGIN)

    @staticmethod
    def _locked(until, now):
        seconds = max(1, int((until - now).total_seconds()))
        return RateLimited("This account is locked after %d failed logins; try again in %d "
                           "minutes or ask an admin to unlock it." % (
                               LOCKOUT_FAILURES, (seconds + 59) // 60), retry_after=seconds)

    def principal_for_session(self, token, request_id=None, now=None):
        """The Principal of an open session: the account's current role and name.

        Raises Unauthorized when the session is unknown, ended, expired, or
        its account is disabled.
        """
        now = now or clock.now()
        session = self.sessions.find_one({"hash": _session_hash(token)})
        if session is None or session.get("ended_at") or _aware(session["expires_at"]) <= now:
            raise Unauthorized("The session is unknown, ended or expired; log in again.")
        account = self.accounts.find_one({"_id": session["account_id"]})
        if account is None or not account.get("active"):
            raise Unauthorized("The session is unknown, ended or expired; log in again.")
        return Principal(account["role"], account["_id"], account["display_name"],
                         account.get("partner_id"), account.get("seller_id"),
                         request_id=request_id)

    def current_session(self, token):
        """``{"expires_at", "account": public}`` of an open session (who is logged in)."""
        self.principal_for_session(token)
        session = self.sessions.find_one({"hash": _session_hash(token)})
        account = self.accounts.find_one({"_id": session["account_id"]})
        return {"expires_at": clock.iso(session["expires_at"]), "account": self.public(account)}

    def end_session(self, token, reason="logout"):
        """End the session of ``token``; True when one was open."""
        result = self.sessions.update_one({"hash": _session_hash(token), "ended_at": None},
                                          {"$set": {"ended_at": clock.now(), "end_reason": reason}})
        return result.modified_count == 1

    @staticmethod
    def public(doc):
        """What an admin sees of an account (never the password hash); ``locked_until``
        only while the lock holds."""
        locked = _aware(doc.get("locked_until"))
        return {"id": doc["_id"], "username": doc["username"],
                "display_name": doc["display_name"], "role": doc["role"],
                "active": doc["active"], "partner_id": doc.get("partner_id"),
                "seller_id": doc.get("seller_id"),
                "locked_until": clock.iso(locked) if locked and locked > clock.now() else None,
                "last_login_at": clock.iso(doc.get("last_login_at")),
                "created_at": clock.iso(doc["created_at"])}
