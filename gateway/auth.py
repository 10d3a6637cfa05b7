"""Bearer tokens and roles (docs/contract.md, "Roles and authentication").

A token is shown once and stored only as its SHA-256 hash. The value of
``ADMIN_TOKEN`` (environment or config) is accepted as an admin token so that
a fresh deployment can start.
"""
import hashlib
import hmac
import secrets
import uuid

from pymongo import ReturnDocument

from services.shared import clock
from services.shared.errors import Conflict, Forbidden, NotFound

from gateway.errors import Unauthorized

ROLES = ("officer", "partner", "seller", "admin")
#: roles that may see a NIK whole (docs/contract.md).
FULL_NIK_ROLES = ("officer", "admin")


def hash_token(token):
    """SHA-256 hex digest of a token; what the store keeps."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token():
    """A fresh random token (256 bits), prefixed so it is recognisable in logs."""
    return "bt_" + secrets.token_urlsafe(32)


class Principal:
    """Who is calling: role and scope, and the ``actor`` recorded in histories."""

    def __init__(self, role=None, token_id=None, name=None, partner_id=None,
                 seller_id=None, request_id=None):
        self.role = role
        self.token_id = token_id
        self.name = name
        self.partner_id = partner_id
        self.seller_id = seller_id
        self.request_id = request_id

    @property
    def is_public(self):
        return self.role is None

    @property
    def sees_full_nik(self):
        return self.role in FULL_NIK_ROLES

    @property
    def is_staff(self):
        """Officers and admins: they see whole NIKs and who on the staff did what."""
        return self.role in FULL_NIK_ROLES

    @property
    def actor(self):
        """JSON-safe description for histories: ``{token_id, name, role, request_id}``."""
        return {"token_id": self.token_id, "name": self.name, "role": self.role,
                "partner_id": self.partner_id, "seller_id": self.seller_id,
                "request_id": self.request_id}


def allowed(principal, role):
    """Whether ``principal`` satisfies a route's ``role`` requirement.

    ``None``: anyone. ``"officer"``: officer or admin (admins have officer
    rights). ``"admin"``: admin only. A tuple: any of its roles (with
    ``"officer"`` again implying admin).
    """
    if role is None:
        return True
    wanted = (role,) if isinstance(role, str) else tuple(role)
    if "officer" in wanted:
        wanted += ("admin",)
    return principal.role in wanted


def authorize(principal, role):
    """Raise Unauthorized (no token) or Forbidden (wrong role) unless allowed."""
    if allowed(principal, role):
        return
    if principal.is_public:
        raise Unauthorized("This endpoint needs a bearer token.")
    article = "An" if principal.role[:1] in "aeiou" else "A"
    raise Forbidden("%s %s token may not do this." % (article, principal.role))


class GatewayRepository:
    """Tokens and the audit trail, the only data the gateway owns."""

    def __init__(self, db, notify=None):
        self.tokens = db["tokens"]
        self.audit = db["audit"]

    @classmethod
    def ensure_indexes(cls, db):
        db["tokens"].create_index("hash", unique=True)
        db["audit"].create_index([("subject", 1), ("at", -1)])
        db["audit"].create_index("at")

    def create_token(self, role, name, partner_id=None, seller_id=None, created_by=None):
        """Store a new token's hash; return the record with the token (shown once)."""
        token = new_token()
        doc = {"_id": "tok_" + uuid.uuid4().hex[:16], "hash": hash_token(token), "role": role,
               "name": name, "partner_id": partner_id, "seller_id": seller_id,
               "created_at": clock.now(), "created_by": created_by, "revoked_at": None}
        self.tokens.insert_one(doc)
        out = self._public(doc)
        out["token"] = token
        return out

    def revoke_token(self, token_id):
        doc = self.tokens.find_one_and_update({"_id": token_id, "revoked_at": None},
                                              {"$set": {"revoked_at": clock.now()}},
                                              return_document=ReturnDocument.AFTER)
        if doc is not None:
            return self._public(doc)
        doc = self.tokens.find_one({"_id": token_id})
        if doc is None:
            raise NotFound("No token with id %s." % token_id)
        raise Conflict("Token %s was already revoked at %s." % (token_id, clock.iso(doc["revoked_at"])))

    def list_tokens(self):
        return [self._public(d) for d in self.tokens.find().sort("created_at", 1)]

    def principal_for(self, token, admin_token=None, request_id=None):
        """Resolve a bearer token to a Principal; raise Unauthorized if unknown or revoked."""
        # bytes: compare_digest refuses str with non-ASCII characters (a TypeError, a 500)
        if admin_token and hmac.compare_digest(token.encode("utf-8"), admin_token.encode("utf-8")):
            return Principal("admin", "env:ADMIN_TOKEN", "Administrator (ADMIN_TOKEN)",
                             request_id=request_id)
        doc = self.tokens.find_one({"hash": hash_token(token)})
        if doc is None or doc["revoked_at"] is not None:
            raise Unauthorized("The bearer token is unknown or revoked.")
        return Principal(doc["role"], doc["_id"], doc["name"], doc.get("partner_id"),
                         doc.get("seller_id"), request_id=request_id)

    def record_audits(self, principal, entries, method, path):
        """Write one audit entry per ``(action, subject)`` of ``entries``, in one insert:
        who (token), what action, on whose data (NIK), when."""
        docs = [{"_id": uuid.uuid4().hex, "at": clock.now(), "token_id": principal.token_id,
                 "token_name": principal.name, "role": principal.role,
                 "action": action, "subject": subject, "method": method,
                 "path": path, "request_id": principal.request_id}
                for action, subject in entries]
        if docs:
            self.audit.insert_many(docs)

    def list_audit(self, subject=None, skip=0, limit=50):
        query = {"subject": subject} if subject else {}
        total = self.audit.count_documents(query)
        items = [{"id": d["_id"], "at": clock.iso(d["at"]), "token_id": d["token_id"],
                  "token_name": d["token_name"], "role": d["role"], "action": d["action"],
                  "subject": d["subject"], "method": d["method"], "path": d["path"],
                  "request_id": d.get("request_id")}
                 for d in self.audit.find(query).sort("at", -1).skip(skip).limit(limit)]
        return items, total

    @staticmethod
    def _public(doc):
        return {"id": doc["_id"], "role": doc["role"], "name": doc["name"],
                "partner_id": doc.get("partner_id"), "seller_id": doc.get("seller_id"),
                "created_at": clock.iso(doc["created_at"]), "revoked_at": clock.iso(doc.get("revoked_at"))}
