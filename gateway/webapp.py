"""The web app at ``/``: every path outside the API goes to the ``web`` process.

The gateway's port serves both the JSON API (``/api/...``, ``/health``) and
the web app (everything else, ``web/``). Pages are forwarded here, at the
WSGI level, before nameko sees the request: a page then holds no gateway
worker while the web process renders it (and calls ``/api/v1`` back for its
data, which does take one), so concurrent page views cannot starve the
gateway's worker pool of the very calls the pages wait for.

The resident's address travels with the page: the gateway signs the client
address it sees (``X-Bansos-Client``) on the forwarded request, and the web
app passes that header back on its API calls. ``client_for`` accepts only a
signature made with the gateway's key, so rate limits keep counting per
resident and nobody can choose the address a limit counts against. The key
is derived from ``ADMIN_TOKEN``, which every replica of the gateway holds and
nothing else does (docs/kubernetes.md): the replica that answers a page's API
calls need not be the one that forwarded the page. Without an admin token
the key is random per process.
"""
import hashlib
import hmac
import logging
import secrets
import time
from urllib.parse import quote

import urllib3

log = logging.getLogger(__name__)

CLIENT_HEADER = "X-Bansos-Client"
_ENVIRON_CLIENT = "HTTP_X_BANSOS_CLIENT"
#: a page's API calls happen while it renders; a minute is generous
CLIENT_SIGNATURE_SECONDS = 60
_RANDOM_KEY = secrets.token_bytes(32)
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade"}
MAX_BODY_BYTES = 25 * 1024 * 1024  # a registry import uploaded through the console
#: pages that run a registry import wait for it (IMPORT_DEADLINE plus margin)
READ_TIMEOUT = 180
UNAVAILABLE = ("<!doctype html><html lang=\"id\"><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
               "<title>Tidak tersedia</title><main><h1>Aplikasi sedang tidak tersedia</h1>"
               "<p>Silakan coba lagi beberapa menit lagi.</p></main></html>").encode("utf-8")


def signing_key(admin_token):
    """The key of ``X-Bansos-Client`` signatures (bytes): an HMAC of a fixed label
    under ``admin_token`` (never the token itself), or random per process without one."""
    if not admin_token:
        return _RANDOM_KEY
    return hmac.new(admin_token.encode("utf-8"), CLIENT_HEADER.encode("ascii"),
                    hashlib.sha256).digest()


def sign_client(address, key, now=None):
    """``X-Bansos-Client`` value for ``address``: ``address;expiry;signature``
    (``key`` from ``signing_key``; valid ``CLIENT_SIGNATURE_SECONDS``)."""
    expires = int((now or time.time()) + CLIENT_SIGNATURE_SECONDS)
    message = "%s;%d" % (address, expires)
    return "%s;%s" % (message, hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest())


def client_address(environ, trust_forwarded_for):
    """The client a rate limit counts: the peer address, or the first
    ``X-Forwarded-For`` hop when ``trust_forwarded_for`` (behind a proxy)."""
    forwarded = environ.get("HTTP_X_FORWARDED_FOR")
    if forwarded and trust_forwarded_for:
        return forwarded.split(",")[0].strip()
    return environ.get("REMOTE_ADDR") or "unknown"


def client_for(value, key, now=None):
    """The address in a valid ``X-Bansos-Client`` value, else None (forged, stale, absent)."""
    if not value:
        return None
    parts = value.rsplit(";", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    address, expires, signature = parts
    message = "%s;%s" % (address, expires)
    good = hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(good.encode("ascii"), signature.encode("utf-8", "replace")):
        return None
    if int(expires) < (now or time.time()):
        return None
    return address


def is_api_path(path):
    return path == "/health" or path.startswith("/api/")


class PageForwarder:
    """WSGI middleware: the API to ``app``; every other path to the web process.

    Args:
        app: the gateway's own WSGI app (nameko's routes).
        web_url (str): the web process, e.g. ``http://127.0.0.1:8001``
            (``Settings.web_app_target``).
        client_of (callable): ``environ -> address`` a rate limit counts
            (``client_address``, as ``gateway.http.Exchange.client_key``).
        key (bytes): signs that address (``signing_key``).
    """

    def __init__(self, app, web_url, client_of, key):
        self.app = app
        self.web_url = web_url
        self.client_of = client_of
        self.key = key
        self.pool = urllib3.PoolManager(maxsize=50, block=False, retries=False)

    def __call__(self, environ, start_response):
        if is_api_path(environ.get("PATH_INFO", "")):
            return self.app(environ, start_response)
        return self.forward(environ, start_response)

    def forward(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if length > MAX_BODY_BYTES:
            start_response("413 Payload Too Large", [("Content-Type", "text/plain")])
            return [b"Too large"]
        body = None
        if length:
            body = environ["wsgi.input"].read(length)
        elif chunked:  # no length given: read at most the limit, refuse beyond it
            body = environ["wsgi.input"].read(MAX_BODY_BYTES + 1)
            if len(body) > MAX_BODY_BYTES:
                start_response("413 Payload Too Large", [("Content-Type", "text/plain")])
                return [b"Too large"]
        url = self.web_url + quote(environ.get("PATH_INFO", "/"), safe="/%:@!$&'()*+,;=-._~")
        if environ.get("QUERY_STRING"):
            url += "?" + environ["QUERY_STRING"]
        try:
            answer = self.pool.request(
                environ["REQUEST_METHOD"], url, body=body, headers=self._headers(environ),
                redirect=False, preload_content=False, decode_content=False,
                timeout=urllib3.Timeout(connect=3, read=READ_TIMEOUT))
        except urllib3.exceptions.HTTPError as exc:
            log.warning("web app unreachable at %s: %s", self.web_url, exc)
            start_response("503 Service Unavailable", [
                ("Content-Type", "text/html; charset=utf-8"), ("Retry-After", "30"),
                ("Content-Length", str(len(UNAVAILABLE)))])
            return [UNAVAILABLE]
        headers = [(k, v) for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP]
        start_response("%d %s" % (answer.status, answer.reason or ""), headers)
        return _stream(answer)

    def _headers(self, environ):
        headers = {}
        for key, value in environ.items():
            if key.startswith("HTTP_") and key != _ENVIRON_CLIENT:
                name = key[5:].replace("_", "-").title()
                if name.lower() not in HOP_BY_HOP:
                    headers[name] = value
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        headers.setdefault("X-Forwarded-Proto", environ.get("wsgi.url_scheme", "http"))
        headers.setdefault("X-Forwarded-Host", environ.get("HTTP_HOST", ""))
        headers[CLIENT_HEADER] = sign_client(self.client_of(environ), self.key)
        return headers


def _stream(answer):
    try:
        for chunk in answer.stream(64 * 1024, decode_content=False):
            yield chunk
    finally:
        answer.release_conn()
