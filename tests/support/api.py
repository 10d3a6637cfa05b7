"""The end-to-end API client: ``gateway.client.Client`` whose every answer is checked
against the ``openapi.json`` the platform serves, with openapi-core.

An answer to a documented operation must match the schema documented for its
status and media type exactly (answers allow no undocumented key and require
every key not marked optional). An answer to no documented operation must be
the router's 404 or 405 problem. A mismatch fails the test that received it.
"""
import collections
import json

import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound

from gateway.client import ApiError, Client  # noqa: F401 - the e2e tests' one import

__all__ = ["ApiError", "Client", "OpenApiCheck", "checked_session"]


class OpenApiCheck:
    """A ``requests`` response hook validating answers against an OpenAPI document."""

    def __init__(self, document):
        # RFC 9457 problems are JSON under their own media type; CSV is text
        self.openapi = OpenAPI.from_dict(document, config=Config(
            extra_media_type_deserializers={"application/problem+json": _json,
                                            "text/csv": _text}))
        self.checked = collections.Counter()

    def __call__(self, response, *args, **kwargs):
        request = RequestsOpenAPIRequest(response.request)
        try:
            self.openapi.validate_response(request, RequestsOpenAPIResponse(response))
        except (PathNotFound, OperationNotFound):
            assert response.status_code in (404, 405), (
                "%s %s answered %s but is not in openapi.json" % (
                    response.request.method, response.request.path_url, response.status_code))
            assert response.headers.get("Content-Type", "").startswith("application/problem+json")
            self.checked["(undocumented path) %s" % response.status_code] += 1
            return response
        except Exception as exc:
            raise AssertionError("%s %s -> %s does not match openapi.json: %s\n%s" % (
                response.request.method, response.request.path_url, response.status_code,
                _explain(exc)[:3000], response.text[:1000])) from None
        self.checked["%s %s %s" % (response.request.method, request.path_pattern
                                   if hasattr(request, "path_pattern") else
                                   response.request.path_url.split("?")[0],
                                   response.status_code)] += 1
        return response


def _text(raw, **parameters):
    return raw.decode(parameters.get("charset", "utf-8")) if isinstance(raw, bytes) else raw


def _json(raw, **parameters):
    return json.loads(_text(raw, **parameters))


def _explain(exc):
    parts = [str(exc)]
    for inner in getattr(exc, "schema_errors", None) or ():
        parts.append("  - %s at %s" % (inner.message, "/".join(map(str, inner.path))))
    cause = exc.__cause__
    while cause is not None:
        for inner in getattr(cause, "schema_errors", None) or ():
            parts.append("  - %s at %s" % (inner.message, "/".join(map(str, inner.path))))
        cause = cause.__cause__
    return "\n".join(parts)


def checked_session(base_url):
    """A requests session whose every answer is checked against ``base_url``'s OpenAPI;
    returns ``(session, check)``."""
    document = requests.get(base_url.rstrip("/") + "/api/v1/openapi.json", timeout=30).json()
    check = OpenApiCheck(document)
    session = requests.Session()
    session.hooks["response"].append(check)
    return session, check
