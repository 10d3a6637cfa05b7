"""Logging in and out (``POST /api/v1/sessions``), and the console's home page.

One login page for everyone with an account. The session token the API
answers is kept in an HttpOnly cookie scoped to where that person works
(web/security.py): ``/konsol`` for officers and admins, ``/lapak-saya`` for a
seller, ``/mitra-saya`` for a partner's staff; the web app never stores it
anywhere else. Each of the three has its own logout, since a cookie scoped to
one is not sent to another.
"""
import datetime

from web.api import ApiError
from web.format import WIB
from web.pages import ORDER, nav, page
from web.security import (PORTAL_PATHS, SESSION_COOKIE, SESSION_MAX_AGE, SESSION_PATH,
                          area_of, clear_cookie, session_path, set_cookie)


def home_of(role):
    """Where a person of ``role`` lands after logging in."""
    return PORTAL_PATHS[role] if role in PORTAL_PATHS else SESSION_PATH + "/"


def safe_next(target, role=None):
    """Only a path of this site where ``role`` works may follow a login (no open
    redirect, and a seller is never sent into the console); else the role's home."""
    area = "console" if role not in PORTAL_PATHS else role
    if target and not target.startswith("//") and area_of(target.split("?")[0]) == area:
        return target
    return home_of(role)


@page("/konsol/masuk", methods=("GET", "POST"))
def login(ctx):
    """GET: the form. POST: log in, keep the session cookie, 303 to ``next``; 401 or 429
    (locked) with the reason."""
    target = ctx.request.values.get("next") or ""
    target = target if area_of(target.split("?")[0]) != "resident" else ""
    message, status = None, 200
    if ctx.request.method == "GET":
        message = "login.expired" if ctx.request.args.get("expired") else None
        return ctx.render("console/login.html", next=target, username="", message=message)
    username = ctx.form.get("username", "").strip().lower()
    try:
        answer = ctx.api.post("sessions", {"username": username,
                                           "password": ctx.form.get("password", "")})
    except ApiError as exc:
        if exc.status in (400, 401):
            message, status = "login.wrong", 401
        elif exc.status == 429:
            message, status = "login.locked", 429
        else:
            raise
        return ctx.render("console/login.html", status=status, next=target, username=username,
                          message=message, retry_minutes=((exc.retry_after or 60) + 59) // 60)
    role = answer["account"]["role"]
    response = ctx.redirect_to(safe_next(target, role))
    set_cookie(response, ctx.request, SESSION_COOKIE, answer["token"], SESSION_MAX_AGE,
               path=session_path(role))
    return response


@page("/konsol/keluar", methods=("POST",))
def logout(ctx):
    """End the session at the API, clear the cookie, 303 to the login."""
    return end_session(ctx, SESSION_PATH)


@page("/lapak-saya/keluar", methods=("POST",), endpoint="seller_logout")
def seller_logout(ctx):
    """A seller logs out (their cookie is scoped to the seller portal)."""
    return end_session(ctx, PORTAL_PATHS["seller"])


@page("/mitra-saya/keluar", methods=("POST",), endpoint="partner_logout")
def partner_logout(ctx):
    """A partner's staff logs out (their cookie is scoped to the partner portal)."""
    return end_session(ctx, PORTAL_PATHS["partner"])


def end_session(ctx, cookie_path):
    """End the session at the API, clear the cookie at ``cookie_path``, 303 to the login."""
    if ctx.session_token:
        try:
            ctx.officer_api.delete("sessions/current")
        except ApiError as exc:
            if exc.status != 401:  # already ended or expired: logged out all the same
                raise
    response = ctx.redirect("login")
    clear_cookie(response, ctx.request, SESSION_COOKIE, cookie_path)
    return response


@page("/konsol/", login="officer")
def console_home(ctx):
    """The console's first page: a tile per area the person may open, and the rounds
    under way or next, each with its handover desk. (Counts of people's records are on
    their own pages: reading them here would put residents in the audit trail for
    nothing.)"""
    rounds = ctx.officer_api.get("rounds", {"upcoming": "true", "per_page": 10})["items"]
    return ctx.render("console/home.html", rounds=rounds, today=today_iso())


def today_iso():
    """Today in the village (WIB), ``YYYY-MM-DD``."""
    return datetime.datetime.now(WIB).date().isoformat()


nav("console", "console_home", "console.nav.home", match=SESSION_PATH + "/",
    order=ORDER["home"])
