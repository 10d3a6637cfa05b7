"""Logging in and out of the console (``POST /api/v1/sessions``), and its home page.

The session token the API answers is kept in an HttpOnly cookie scoped to
``/konsol`` (web/security.py); the web app never stores it anywhere else.
"""
import datetime

from web.api import ApiError
from web.format import WIB
from web.pages import ORDER, nav, page
from web.security import SESSION_COOKIE, SESSION_MAX_AGE, SESSION_PATH, clear_cookie, set_cookie


def safe_next(target):
    """Only a console path of this site may follow a login (no open redirect)."""
    if target and target.startswith(SESSION_PATH + "/") and not target.startswith("//"):
        return target
    return SESSION_PATH + "/"


@page("/konsol/masuk", methods=("GET", "POST"))
def login(ctx):
    """GET: the form. POST: log in, keep the session cookie, 303 to ``next``; 401 or 429
    (locked) with the reason."""
    target = safe_next(ctx.request.values.get("next"))
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
    response = ctx.redirect_to(target)
    set_cookie(response, ctx.request, SESSION_COOKIE, answer["token"], SESSION_MAX_AGE,
               path=SESSION_PATH)
    return response


@page("/konsol/keluar", methods=("POST",))
def logout(ctx):
    """End the session at the API, clear the cookie, 303 to the login."""
    if ctx.session_token:
        try:
            ctx.officer_api.delete("sessions/current")
        except ApiError as exc:
            if exc.status != 401:  # already ended or expired: logged out all the same
                raise
    response = ctx.redirect("login")
    clear_cookie(response, ctx.request, SESSION_COOKIE, SESSION_PATH)
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
