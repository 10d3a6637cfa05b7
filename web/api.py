"""The web app's client of the gateway's ``/api/v1``: the same contract as every client.

One ``Api`` per page request carries what the gateway needs to treat the call
as the resident's or officer's own: the signed client address the gateway put
on the page request (``X-Bansos-Client``, so rate limits count per resident),
the person's session token, and the request id (one id across page and calls).
"""
import eventlet
import requests

CLIENT_HEADER = "X-Bansos-Client"

#: One pooled session for the process; nothing per person is kept in it (no
#: cookies are used), and ``trust_env=False`` keeps an http_proxy from the
#: environment away from calls to this machine.
_session = requests.Session()
_session.trust_env = False
_session.mount("http://", requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=64))


def together(*calls):
    """Run independent API calls (``lambda: api.get(...)``) at once; their answers in order.

    A page that needs two answers waits for the slower one, not for their sum.
    Raises the first call's error, if any.
    """
    threads = [eventlet.spawn(call) for call in calls]
    answers, error = [], None
    for thread in threads:  # wait for every one, so none is left running or unread
        try:
            answers.append(thread.wait())
        except Exception as exc:  # noqa: BLE001 - re-raised below
            answers.append(None)
            error = error or exc
    if error is not None:
        raise error
    return answers


class ApiError(Exception):
    """A non-2xx answer: ``status`` and the RFC 9457 ``problem`` body."""

    def __init__(self, status, problem, retry_after=None):
        self.status = status
        self.problem = problem if isinstance(problem, dict) else {}
        self.retry_after = retry_after
        super().__init__("%s %s" % (status, self.problem.get("detail", "")))

    @property
    def errors(self):
        """``{"field": ["message"]}`` of a 400 (empty otherwise)."""
        return self.problem.get("errors") or {}


class Api:
    """Calls ``/api/v1`` of the gateway at ``base_url``.

    Args:
        base_url (str): e.g. ``http://127.0.0.1:8000``.
        token (str|None): a session token (``bs_...``) for console pages.
        client (str|None): the ``X-Bansos-Client`` value of the page request.
        request_id (str|None): sent as ``X-Request-Id``.
        timeout (float): seconds per call.
    """

    def __init__(self, base_url, token=None, client=None, request_id=None, timeout=15.0):
        self.base_url = base_url.rstrip("/") + "/api/v1/"
        self.token = token
        self.timeout = timeout
        self.headers = {"Accept": "application/json"}
        if client:
            self.headers[CLIENT_HEADER] = client
        if request_id:
            self.headers["X-Request-Id"] = request_id

    def with_token(self, token):
        other = Api.__new__(Api)
        other.base_url, other.timeout = self.base_url, self.timeout
        other.headers, other.token = dict(self.headers), token
        return other

    def request(self, method, path, json=None, params=None, data=None, headers=None,
                timeout=None, raw=False, files=None):
        """Send one call; return the parsed JSON (None for 204), or with ``raw`` the
        ``requests.Response`` itself (a CSV download, a photo). ``files`` is a
        multipart upload (``{"photo": (name, bytes, content type)}``).

        Raises ApiError for any status outside 2xx, and ApiError(503) when
        the gateway cannot be reached.
        """
        sent = dict(self.headers)
        if self.token:
            sent["Authorization"] = "Bearer %s" % self.token
        sent.update(headers or {})
        try:
            answer = _session.request(method, self.base_url + path.lstrip("/"), json=json,
                                      params=params, data=data, headers=sent,
                                      timeout=timeout or self.timeout,
                                      **({"files": files} if files else {}))
        except requests.RequestException as exc:
            raise ApiError(503, {"title": "Gateway unreachable", "detail": str(exc)}) from None
        if answer.status_code >= 300:
            try:
                problem = answer.json()
            except ValueError:
                problem = {"detail": answer.text[:300]}
            retry = answer.headers.get("Retry-After")
            raise ApiError(answer.status_code, problem,
                           int(retry) if retry and retry.isdigit() else None)
        if raw:
            return answer
        if answer.status_code == 204 or not answer.content:
            return None
        return answer.json()

    def get(self, path, params=None, **kwargs):
        return self.request("GET", path, params=params, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.request("POST", path, json=json, **kwargs)

    def patch(self, path, json=None, **kwargs):
        return self.request("PATCH", path, json=json, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)
