"""Static files, the service worker and the web app manifest.

Files under ``web/static/`` are served at ``/static/<name>?v=<hash>``: the
hash of their content, so a page always names the current version and the
browser may keep each one for a year (``immutable``). The service worker
(``/sw.js``, at the root so that it may serve every page) and the manifest
are rendered from templates: they list the current asset URLs and the
language file's words. Compressed bodies are computed once per process.
"""
import gzip
import hashlib
import json
import mimetypes
import os

from werkzeug.wrappers import Response

STATIC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")
YEAR = 365 * 24 * 3600
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("application/javascript", ".js")
#: what the service worker keeps at install, so the app opens without a connection
SHELL = ("app.css", "app.js", "icon.svg", "icon-192.png", "icon-512.png")


class Assets:
    def __init__(self, directory=STATIC_DIR):
        self.directory = directory
        self.files = {}
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if os.path.isfile(path):
                with open(path, "rb") as handle:
                    body = handle.read()
                mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
                self.files[name] = {"body": body, "mimetype": mimetype,
                                    "version": hashlib.sha256(body).hexdigest()[:12],
                                    "gzip": gzip.compress(body, 9) if _text(mimetype) else None}
        self.version = hashlib.sha256("".join(
            f["version"] for f in self.files.values()).encode()).hexdigest()[:12]
        self._rendered = {}

    def url(self, name):
        """``/static/app.css?v=3f2a...``: the address pages use for a static file."""
        return "/static/%s?v=%s" % (name, self.files[name]["version"])

    def serve(self, request, app):
        """The answer for a static path, or None when the path is a page."""
        path = request.path
        if path.startswith("/static/"):
            entry = self.files.get(path[len("/static/"):])
            if entry is None or request.method not in ("GET", "HEAD"):
                return None
            fresh = request.args.get("v") == entry["version"]
            return self._answer(request, entry["body"], entry["mimetype"], entry["gzip"],
                                "public, max-age=%d, immutable" % YEAR if fresh else "no-cache")
        if path == "/favicon.ico":
            return Response(status=301, headers={"Location": self.url("icon.svg")})
        if path in ("/sw.js", "/manifest.webmanifest"):
            body, mimetype, packed = self._render(path, app)
            answer = self._answer(request, body, mimetype, packed, "no-cache")
            if path == "/sw.js":
                answer.headers["Service-Worker-Allowed"] = "/"
            return answer
        return None

    def _render(self, path, app):
        if path not in self._rendered:
            if path == "/sw.js":
                body = app.env.get_template("sw.js").render(
                    version=self.version, shell=[self.url(n) for n in SHELL]).encode("utf-8")
                mimetype = "application/javascript"
            else:
                t = app.messages
                body = json.dumps({
                    "name": t("app.name", village=app.settings.village_name),
                    "short_name": t("app.short_name"), "lang": t("app.lang"),
                    "description": t("app.description"), "start_url": "/",
                    "scope": "/", "display": "standalone", "background_color": "#ffffff",
                    "theme_color": "#0b5d4b",
                    "icons": [{"src": self.url("icon-192.png"), "sizes": "192x192",
                               "type": "image/png"},
                              {"src": self.url("icon-512.png"), "sizes": "512x512",
                               "type": "image/png", "purpose": "any maskable"},
                              {"src": self.url("icon.svg"), "sizes": "any",
                               "type": "image/svg+xml"}]}, ensure_ascii=False).encode("utf-8")
                mimetype = "application/manifest+json"
            self._rendered[path] = (body, mimetype, gzip.compress(body, 9))
        return self._rendered[path]

    @staticmethod
    def _answer(request, body, mimetype, packed, cache):
        use_gzip = packed is not None and "gzip" in request.headers.get("Accept-Encoding", "")
        answer = Response(packed if use_gzip else body, mimetype=mimetype)
        if use_gzip:
            answer.headers["Content-Encoding"] = "gzip"
        if packed is not None:
            answer.headers["Vary"] = "Accept-Encoding"
        answer.headers["Cache-Control"] = cache
        return answer


def _text(mimetype):
    return mimetype.startswith("text/") or mimetype in (
        "application/javascript", "application/json", "application/manifest+json",
        "image/svg+xml")
