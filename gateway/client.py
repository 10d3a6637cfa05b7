"""A small client of the gateway's HTTP API (docs/contract.md), over requests.

For programs that speak to the platform: the demo (``python -m demo``),
``scripts/publish-catalogue``, and the end-to-end tests (through
``tests/support/api.py``, which checks every answer against the OpenAPI)::

    api = Client("http://127.0.0.1:8000", token=admin_token)
    household = api.post("households", {...})        # -> parsed JSON answer
    api.get("residents", params={"rt": "001"})
    officer = api.with_token(officer_token)          # same server, other role
    try:
        api.get("residents/0000000000000000")
    except ApiError as exc:
        exc.status, exc.problem["errors"]            # 404, RFC 9457 body

A path without a leading ``/`` is under ``/api/v1/``; ``/health`` and other
absolute paths are used as given.
"""
import time

import requests

API_PREFIX = "/api/v1/"
DEFAULT_TIMEOUT = 60.0  # seconds per request; a big import runs as a job (start_import)
IMPORT_JOBS = "imports/registry/jobs"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: states in which an import job has ended
IMPORT_ENDED = ("done", "failed")


class ApiError(Exception):
    """A non-2xx answer.

    Attributes:
        status (int): the HTTP status.
        problem (dict): the RFC 9457 problem body (``type``, ``title``,
            ``status``, ``detail``, ``errors``), or ``{"title": <text>}`` when
            the answer was not JSON.
        method, path (str): the request that failed.
    """

    def __init__(self, method, path, status, problem):
        self.method = method
        self.path = path
        self.status = status
        self.problem = problem
        super().__init__(str(self))

    @property
    def errors(self):
        """``{"field": ["message", ...]}`` from the problem body (empty if none)."""
        return self.problem.get("errors") or {}

    @property
    def detail(self):
        return self.problem.get("detail") or self.problem.get("title") or ""

    def __str__(self):
        text = "%s %s -> %s: %s" % (self.method, self.path, self.status, self.detail)
        if self.errors:
            text += " %s" % self.errors
        return text


#: statuses after which a read is asked again (``Client(retries=...)``)
RETRIED = (503, 504)


class Client:
    """Speaks JSON to the gateway at ``base_url`` with an optional bearer ``token``.

    ``retries``: how many times a GET answered 503 or 504 (a service restarting
    or busy for a moment) is asked again, after its ``Retry-After`` (at most 5 s)
    or 1 s; 0 (the default) answers the first refusal. Only reads are retried: a
    command answered 504 may have been carried out.
    """

    def __init__(self, base_url, token=None, timeout=DEFAULT_TIMEOUT, session=None, retries=0):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.session = session or requests.Session()
        self.retries = retries

    def with_token(self, token):
        """A client for the same gateway (sharing connections) acting with ``token``."""
        return Client(self.base_url, token, self.timeout, self.session, self.retries)

    def alone(self, token=None):
        """A client for the same gateway with its own connections (one per thread)."""
        return Client(self.base_url, token, self.timeout, retries=self.retries)

    def url(self, path):
        return self.base_url + (path if path.startswith("/") else API_PREFIX + path)

    def raw(self, method, path, json=None, params=None, data=None, headers=None,
            timeout=None):
        """Send a request and return the ``requests.Response`` whatever its status."""
        sent = {"Accept": "application/json"}
        if self.token:
            sent["Authorization"] = "Bearer %s" % self.token
        sent.update(headers or {})
        return self.session.request(method, self.url(path), json=json, params=params,
                                    data=data, headers=sent, timeout=timeout or self.timeout)

    def request(self, method, path, json=None, params=None, data=None, headers=None,
                timeout=None):
        """Send a request; return the parsed JSON answer (None when the body is empty).

        Raises ApiError for any status outside 200-299.
        """
        answer = self.raw(method, path, json=json, params=params, data=data,
                          headers=headers, timeout=timeout)
        for _ in range(self.retries if method == "GET" else 0):
            if answer.status_code not in RETRIED:
                break
            time.sleep(_retry_after(answer))
            answer = self.raw(method, path, json=json, params=params, data=data,
                              headers=headers, timeout=timeout)
        if not 200 <= answer.status_code < 300:
            raise ApiError(method, path, answer.status_code, _problem(answer))
        if not answer.content:
            return None
        return answer.json()

    def get(self, path, params=None, **kwargs):
        """GET ``path`` with query ``params`` (dict); return parsed JSON."""
        return self.request("GET", path, params=params, **kwargs)

    def post(self, path, json=None, **kwargs):
        """POST the JSON body ``json`` (or ``data=`` bytes with a Content-Type header)."""
        return self.request("POST", path, json=json, **kwargs)

    def patch(self, path, json=None, **kwargs):
        return self.request("PATCH", path, json=json, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def upload(self, path, content, content_type="text/csv", **kwargs):
        """POST a file's bytes as the body (the registry import); return parsed JSON."""
        headers = dict(kwargs.pop("headers", None) or {})
        headers["Content-Type"] = content_type
        return self.request("POST", path, data=content, headers=headers, **kwargs)

    # --- the registry import as a job (docs/registry-data.md "Import jobs") ----

    def start_import(self, content, filename, content_type=None, **kwargs):
        """Upload a whole registry file (CSV or OpenSID workbook) as an import job.

        ``content_type`` defaults from the name (``.xlsx``/``.xlsm``: a workbook, else
        CSV). Returns the job (``ImportJobOut``: ``id``, ``state`` queued/running, ...).
        Raises ApiError: 409 while another import job is open (its id in ``detail``),
        400/413 for a file refused before it is stored.
        """
        if content_type is None:
            content_type = XLSX_TYPE if filename.lower().endswith((".xlsx", ".xlsm")) \
                else "text/csv"
        params = dict(kwargs.pop("params", None) or {}, filename=filename)
        return self.upload(IMPORT_JOBS, content, content_type, params=params, **kwargs)

    def import_job(self, job_id):
        """The job now: ``state``, ``percent``, ``rows_processed`` of ``rows_total``,
        counts, ``errors`` (the first 1,000) and ``errors_total``, ``failure``."""
        return self.get("%s/%s" % (IMPORT_JOBS, job_id))

    def wait_for_import(self, job, timeout=3600.0, poll=1.0, on_progress=None):
        """Poll the job (a job dict or its id) until it is ``done`` or ``failed``.

        ``on_progress(job)`` is called after every poll. Returns the ended job
        (check ``state``). Raises TimeoutError after ``timeout`` seconds, ApiError
        as the gateway answers.
        """
        job_id = job["id"] if isinstance(job, dict) else job
        deadline = time.monotonic() + timeout
        while True:
            current = self.import_job(job_id)
            if on_progress is not None:
                on_progress(current)
            if current["state"] in IMPORT_ENDED:
                return current
            if time.monotonic() > deadline:
                raise TimeoutError("import job %s still %s after %.0f s" % (
                    job_id, current["state"], timeout))
            time.sleep(poll)


def _retry_after(answer):
    """Seconds to wait before asking again: the answer's ``Retry-After`` (0 to 5), else 1."""
    try:
        return min(max(float(answer.headers.get("Retry-After", 1)), 0.0), 5.0)
    except ValueError:
        return 1.0


def _problem(answer):
    try:
        body = answer.json()
    except ValueError:
        return {"title": answer.text[:500] or answer.reason or "", "status": answer.status_code}
    if isinstance(body, dict):
        return body
    return {"title": str(body)[:500], "status": answer.status_code}
