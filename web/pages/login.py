"""Logging in and out of the console (``POST /api/v1/sessions``), and its home page.

The session token the API answers is kept in an HttpOnly cookie scoped to
``/konsol`` (web/security.py); the web app never stores it anywhere else.
"""
from web.api import ApiError
from web.pages import nav, page
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
    """The console's first page: a tile per area the person may open."""
    return ctx.render("console/home.html")


nav("console", "console_home", "console.nav.home", match=SESSION_PATH + "/")
