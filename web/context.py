"""What a page function gets: the request, the API as this person, rendering, redirects."""
import uuid

from werkzeug.urls import iri_to_uri
from werkzeug.utils import redirect as _redirect

from web.api import CLIENT_HEADER, Api
from web.security import (CSRF_COOKIE, CSRF_MAX_AGE, SESSION_COOKIE, csrf_token,
                          new_browser_secret, set_cookie)


class PageContext:
    """One page request.

    Attributes:
        request: the werkzeug Request.
        t: the language's ``Messages`` (``ctx.t("home.title")``).
        api: ``Api`` as the public, with the resident's signed address.
        account: the logged-in account (console pages), else None.
        csrf: the token every form of this page carries.
    """

    def __init__(self, app, request, adapter):
        self.app = app
        self.request = request
        self.adapter = adapter
        self.settings = app.settings
        self.t = app.messages
        self.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        self.api = Api(app.settings.api_url, client=request.headers.get(CLIENT_HEADER),
                       request_id=self.request_id, timeout=app.settings.api_timeout)
        self.session_token = request.cookies.get(SESSION_COOKIE) or None
        self.account = None
        self._browser_secret = request.cookies.get(CSRF_COOKIE)
        self._new_secret = not self._browser_secret
        if self._new_secret:
            self._browser_secret = new_browser_secret()
        self.csrf = csrf_token(app.settings.secret, self._browser_secret)
        self.browser_secret_sent = None if self._new_secret else self._browser_secret
        self.on_response = []

    @property
    def officer_api(self):
        """``Api`` acting with the logged-in person's session token."""
        return self.api.with_token(self.session_token)

    @property
    def form(self):
        return self.request.form

    def url_for(self, endpoint, **values):
        return self.adapter.build(endpoint, values)

    def absolute_url(self, endpoint, **values):
        """The full address (for a WhatsApp message), as the browser reached us."""
        host = self.request.headers.get("X-Forwarded-Host") or self.request.host
        proto = self.request.headers.get("X-Forwarded-Proto", self.request.scheme)
        return iri_to_uri("%s://%s%s" % (proto.split(",")[0].strip(), host,
                                         self.url_for(endpoint, **values)))

    def render(self, template, status=200, **values):
        """An HTML response of ``template`` with the page's common values."""
        return self.app.render(self, template, status, values)

    def redirect(self, endpoint, **values):
        """A 303 to a page (after a POST, so a reload never sends it twice)."""
        return _redirect(self.url_for(endpoint, **values), code=303)

    def redirect_to(self, url):
        """A 303 to ``url`` (a path of this site)."""
        return _redirect(url, code=303)

    def finish(self, response):
        """Set the cookies the page needs on its response."""
        if self._new_secret:
            set_cookie(response, self.request, CSRF_COOKIE, self._browser_secret, CSRF_MAX_AGE)
        for callback in self.on_response:
            callback(response)
        return response
