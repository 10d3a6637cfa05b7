"""The web app as a WSGI application: routing, login, CSRF, errors, static files, gzip.

``WebApp(settings)`` is served by ``web/server.py`` inside the ``web`` nameko
service, behind the gateway (``gateway/webapp.py`` forwards every non-API
path here). It keeps no data: each page asks ``/api/v1`` what it shows.
"""
import gzip
import logging

import jinja2
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, RequestRedirect, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from web import format as fmt
from web.api import ApiError
from web.assets import Assets
from web.context import PageContext
from web.i18n import Messages
from web.jobs import Jobs
from web.pages import NAV, load_pages
from web.pages.partners_console import HEALTH_KINDS
from web.security import (CSRF_COOKIE, CSRF_FIELD, PORTAL_PATHS, SESSION_COOKIE, SESSION_PATH,
                          area_of, clear_cookie, csrf_valid, session_path)

log = logging.getLogger(__name__)

TEMPLATES = __file__.rsplit("/", 1)[0] + "/templates"
COMPRESSIBLE = ("text/", "application/javascript", "application/json",
                "application/manifest+json", "image/svg+xml")
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
       "object-src 'none'")
LOGIN_ENDPOINT = "login"
#: a page's ``login`` -> the roles that may open it
LOGIN_ROLES = {"officer": ("officer", "admin"), "admin": ("admin",), "seller": ("seller",),
               "partner": ("partner",)}


class WebApp:
    """The WSGI app. ``settings``: ``web.settings.WebSettings``."""

    def __init__(self, settings):
        self.settings = settings
        self.messages = Messages(settings.language)
        self.specs = {spec.endpoint: spec for spec in load_pages()}
        self.url_map = Map([Rule(s.rule, endpoint=s.endpoint, methods=s.methods)
                            for s in self.specs.values()], strict_slashes=True)
        self.assets = Assets()
        self.jobs = Jobs()
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                                      autoescape=jinja2.select_autoescape(("html", "js", "json")),
                                      trim_blocks=True, lstrip_blocks=True,
                                      undefined=jinja2.StrictUndefined)
        t = self.messages
        self.env.globals.update(
            t=t, static=self.assets.url, village=settings.village_name,
            rupiah=lambda v: fmt.rupiah(v, t), date=lambda v: fmt.long_date(v, t),
            date_range=lambda a, b: fmt.date_range(a, b, t),
            local_time=lambda v: fmt.local_time(v, t),
            criteria=lambda rule: fmt.criteria_sentences(rule, t), csrf_field=CSRF_FIELD,
            say=lambda message: t(message) if message in t.texts else message,
            choices=lambda field: list(t.prefix("codes." + field).items()),
            pairs=lambda values: [(str(v), str(v)) for v in values],
            refused_words=lambda reason: fmt.refused_words(reason, t),
            seen=lambda value: fmt.seen_value(value, t),
            hours=lambda value: t("format.hours", n=str(value).replace(".", t(
                "format.decimal"))) if value is not None else "-",
            number=lambda v: fmt.group_digits(v, t("format.thousands")) if v is not None else "",
            code=lambda field, value: t.get("codes.%s.%s" % (field, value), value or ""),
            # programmes that schedule every eligible resident instead of taking places
            health_kinds=HEALTH_KINDS)

    def __call__(self, environ, start_response):
        request = Request(environ)
        request.max_form_memory_size = 4 * 1024 * 1024
        try:
            response = self.assets.serve(request, self) or self.dispatch(request)
        except Exception:  # noqa: BLE001 - a bug: logged, and a plain page, never a traceback
            log.exception("page %s %s failed", request.method, request.path)
            response = Response(self.messages("errors.internal"), status=500,
                                mimetype="text/plain")
        return self.finish(request, response)(environ, start_response)

    # ------------------------------------------------------------ dispatch

    def dispatch(self, request):
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, params = adapter.match()
        except RequestRedirect as exc:
            return redirect(exc.new_url, 308)
        except (NotFound, MethodNotAllowed) as exc:
            return self.error_page(PageContext(self, request, adapter), exc.code)
        except HTTPException as exc:
            return exc.get_response()
        spec = self.specs[endpoint]
        ctx = PageContext(self, request, adapter)
        ctx.page = spec
        try:
            if request.method == "POST" and not csrf_valid(
                    self.settings.secret, request.cookies.get(CSRF_COOKIE),
                    request.form.get(CSRF_FIELD)):
                return ctx.finish(self.error_page(ctx, 403, "errors.csrf"))
            if spec.login:
                refused = self.check_login(ctx, spec.login)
                if refused is not None:
                    return ctx.finish(refused)
            return ctx.finish(spec.fn(ctx, **params))
        except ApiError as exc:
            return ctx.finish(self.api_error_page(ctx, exc))

    def check_login(self, ctx, level):
        """None when the person may see the page; else the answer to give instead."""
        if not ctx.session_token:
            return self.to_login(ctx)
        try:
            ctx.account = ctx.officer_api.get("sessions/current")["account"]
        except ApiError as exc:
            if exc.status in (401, 403):
                return self.to_login(ctx, expired=True)
            raise
        if ctx.account["role"] not in LOGIN_ROLES[level]:
            return self.error_page(ctx, 403, "errors.forbidden")
        return None

    def to_login(self, ctx, expired=False):
        target = ctx.request.full_path.rstrip("?") if ctx.request.method == "GET" else ""
        response = redirect(ctx.url_for(LOGIN_ENDPOINT, next=target or None,
                                        expired="1" if expired else None), 303)
        if expired:
            clear_cookie(response, ctx.request, SESSION_COOKIE,
                         session_path(area_of(ctx.request.path)))
        return response

    def api_error_page(self, ctx, exc):
        if exc.status == 401 and ctx.page.login:
            return self.to_login(ctx, expired=True)
        if exc.status == 404:
            return self.error_page(ctx, 404)
        if exc.status == 403:
            return self.error_page(ctx, 403, "errors.forbidden")
        if exc.status == 429:
            return self.error_page(ctx, 429, "errors.rate_limited")
        if exc.status >= 500:
            log.warning("API unavailable for %s: %s", ctx.request.path, exc)
            return self.error_page(ctx, 503, "errors.unavailable")
        log.error("unexpected API answer for %s: %s %s", ctx.request.path, exc.status,
                  exc.problem)
        return self.error_page(ctx, 500, "errors.internal")

    def error_page(self, ctx, status, key=None):
        key = key or {404: "errors.not_found", 405: "errors.not_found"}.get(status,
                                                                             "errors.internal")
        area = area_of(ctx.request.path)
        look = {"console": "console", "resident": "resident"}.get(area, "portal")
        return ctx.render("%s/error.html" % look, status=status, message_key=key)

    # ------------------------------------------------------------ rendering

    def render(self, ctx, template, status, values):
        values = dict(values, ctx=ctx, nav=self.nav_for(ctx), csrf=ctx.csrf,
                      path=ctx.request.path, account=ctx.account)
        html = self.env.get_template(template).render(**values)
        response = Response(html, status=status, mimetype="text/html")
        response.headers["Cache-Control"] = ("no-store" if area_of(ctx.request.path) != "resident"
                                             else "no-cache")
        return response

    def nav_for(self, ctx):
        area = area_of(ctx.request.path)
        role = (ctx.account or {}).get("role")
        out = []
        for entry in NAV[area]:
            if entry["role"] == "admin" and role != "admin":
                continue
            url = ctx.url_for(entry["endpoint"])
            homes = ("/", SESSION_PATH + "/", *PORTAL_PATHS.values())  # only themselves
            current = any(ctx.request.path == m if m in homes
                          else ctx.request.path.startswith(m) for m in entry["match"] or (url,))
            out.append({"url": url, "label": self.messages(entry["label"]), "current": current})
        return out

    # ------------------------------------------------------------ every answer

    def finish(self, request, response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        return gzipped(request, response)


def gzipped(request, response):
    """The response gzip-compressed when the browser accepts it and it is worth it."""
    if ("gzip" not in request.headers.get("Accept-Encoding", "") or response.direct_passthrough
            or "Content-Encoding" in response.headers
            or not (response.mimetype or "").startswith(COMPRESSIBLE)):
        return response
    response.headers.add("Vary", "Accept-Encoding")
    body = response.get_data()
    if len(body) < 512:
        return response
    response.set_data(gzip.compress(body, compresslevel=6))
    response.headers["Content-Encoding"] = "gzip"
    return response
