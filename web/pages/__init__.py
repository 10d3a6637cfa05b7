"""The pages of the web app, one module per area, and the navigation.

To add an area (distribution, complaints, reports, admin pages of the
console; partners or the marketplace for residents):

1. write ``web/pages/<area>.py`` with functions decorated by ``page``;
2. add the module to ``MODULES`` below;
3. give it a navigation entry with ``nav(...)`` in that module;
4. put its words in ``web/locale/id.yaml`` and its templates in
   ``web/templates/<look>/``.

A page function is ``fn(ctx, **url_params) -> werkzeug Response`` (usually
``ctx.render("template.html", **values)``); ``ctx`` is a ``web.context.PageContext``.
``login="officer"`` (officer or admin) or ``"admin"`` makes it a console page,
``"seller"`` or ``"partner"`` a page of that portal (``/lapak-saya``, ``/mitra-saya``):
without a session the browser is sent to the login page first, and a person of
another role gets a 403.
"""
import importlib

#: page modules, imported in order; their decorators fill PAGES and NAV
MODULES = ("web.pages.resident", "web.pages.status", "web.pages.complaints", "web.pages.market",
           "web.pages.activities",
           "web.pages.login", "web.pages.registry", "web.pages.registry_edit",
           "web.pages.registry_import", "web.pages.distribution", "web.pages.handover",
           "web.pages.complaints_console", "web.pages.partners_console",
           "web.pages.market_console", "web.pages.monitoring", "web.pages.evaluation",
           "web.pages.reports", "web.pages.accounts",
           "web.pages.admin", "web.pages.seller_portal", "web.pages.partner_portal")

PAGES = []
#: area ("resident", "console" or a portal's role) -> entries, in the order declared
NAV = {"resident": [], "console": [], "seller": [], "partner": []}


class PageSpec:
    def __init__(self, rule, endpoint, methods, fn, login):
        self.rule, self.endpoint, self.methods = rule, endpoint, methods
        self.fn, self.login = fn, login


def page(rule, methods=("GET",), login=None, endpoint=None):
    """Declare a page at the werkzeug ``rule`` (e.g. ``/program/<code>``).

    Args:
        methods: HTTP methods; every ``POST`` is checked for its CSRF token.
        login: None (public), ``"officer"`` (officer or admin), ``"admin"``,
            ``"seller"`` or ``"partner"``.
        endpoint: the name ``ctx.url_for`` knows it by (default: the function name).
    """
    def decorator(fn):
        PAGES.append(PageSpec(rule, endpoint or fn.__name__, tuple(methods), fn, login))
        return fn
    return decorator


#: where the console's areas sit in its menu (``nav(..., order=)``); the gaps
#: are for the areas still to come (partners 40, marketplace 50, monitoring 55)
ORDER = {"home": 0, "registry": 10, "distribution": 20, "complaints": 30, "partners": 40,
         "marketplace": 50, "monitoring": 55, "reports": 60, "admin": 90}


def nav(area, endpoint, label_key, role=None, match=None, order=None):
    """Add a navigation entry: ``label_key`` names its text in the language file;
    ``role`` hides it from others (``"admin"``); ``match`` is the path prefix, or
    a tuple of them, that marks it current (default: the endpoint's own path);
    ``order`` places it (``ORDER``; default: after the entries declared before)."""
    entries = NAV[area]
    if order is None:
        order = entries[-1]["order"] + 1 if entries else 0
    entries.append({"endpoint": endpoint, "label": label_key, "role": role,
                    "match": (match,) if isinstance(match, str) else match, "order": order})
    entries.sort(key=lambda e: e["order"])


def load_pages():
    """Import every page module once; returns ``PAGES``."""
    for name in MODULES:
        importlib.import_module(name)
    return PAGES
