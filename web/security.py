"""Cookies and CSRF tokens of the web app.

The session cookie holds the gateway's session token (``bs_...``): HttpOnly
(no script reads it), SameSite=Lax (no other site's form carries it), Secure
when the page came over HTTPS, and scoped to the console. CSRF: every form
carries a token that is an HMAC of a random per-browser value kept in its
own HttpOnly cookie (a signed double submit), so a form posted from another
site, or without its token, is refused (OWASP CSRF prevention cheat sheet).
"""
import hashlib
import hmac
import secrets

SESSION_COOKIE = "bt_session"
CSRF_COOKIE = "bt_csrf"
CSRF_FIELD = "csrf_token"
SESSION_PATH = "/konsol"
#: a partner's staff and a seller work in their own portal, the cookie scoped to it,
#: so a seller's session never reaches the console's pages (nor an officer's a portal)
PORTAL_PATHS = {"seller": "/lapak-saya", "partner": "/mitra-saya"}
SESSION_MAX_AGE = 8 * 3600  # the gateway's session lifetime (gateway/accounts.py)
CSRF_MAX_AGE = 30 * 24 * 3600


def session_path(role):
    """The path a session cookie of an account with ``role`` is scoped to."""
    return PORTAL_PATHS.get(role, SESSION_PATH)


def area_of(path):
    """Which part of the site ``path`` is in: ``"console"``, ``"seller"``, ``"partner"``
    (the portals) or ``"resident"`` (public pages)."""
    for area, prefix in (("console", SESSION_PATH), *PORTAL_PATHS.items()):
        if path == prefix or path.startswith(prefix + "/"):
            return area
    return "resident"


def is_https(request):
    """True when the browser reached us over HTTPS (directly or via a proxy's header)."""
    proto = request.headers.get("X-Forwarded-Proto", request.scheme)
    return proto.split(",")[0].strip().lower() == "https"


def new_browser_secret():
    return secrets.token_urlsafe(24)


def csrf_token(key, browser_secret):
    """The token forms carry for the browser holding ``browser_secret``."""
    return hmac.new(key, browser_secret.encode("utf-8"), hashlib.sha256).hexdigest()


def csrf_valid(key, browser_secret, token):
    """True when ``token`` (a form field) belongs to ``browser_secret`` (its cookie)."""
    if not browser_secret or not token:
        return False
    return hmac.compare_digest(csrf_token(key, browser_secret).encode("ascii"),
                               token.encode("utf-8", "replace"))


def set_cookie(response, request, name, value, max_age, path="/"):
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True,
                        samesite="Lax", secure=is_https(request))


def clear_cookie(response, request, name, path="/"):
    response.delete_cookie(name, path=path, httponly=True, samesite="Lax",
                           secure=is_https(request))
