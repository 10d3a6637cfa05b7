"""OpenAPI 3.1 generated with apispec from the routes the gateway serves.

Request bodies and answers are the contracts' marshmallow schemas: answers
are ``Answer`` schemas (every key required unless marked optional, no other
key allowed), the same ones the services dump their answers through, so the
description cannot drift from what is sent (the e2e suite validates every
answer it receives against this document).
"""
import copy
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from gateway.schemas import Problem

_PARAM = re.compile(r"<(?:[a-z_]+:)?([a-zA-Z_]+)>")

ERROR_STATUSES = {"400": "Invalid input", "401": "Missing or bad token", "403": "Role not allowed",
                  "404": "Unknown id", "409": "Conflict",
                  "413": "Request body too large (refused before it is read)",
                  "422": "Refused by the rules",
                  "429": "Rate limited", "500": "A bug (logged; no details)",
                  "503": "Service unavailable", "504": "Service timed out"}
PROBLEM = {"application/problem+json": {"schema": "Problem"}}


class SchemaNames:
    """Component names: the class name, or, when another contract already took
    that name (two services' ``VerifyIn``), the owning area's name before it
    (``PartnersVerifyIn``), so no two schemas share a component."""

    def __init__(self):
        self.owner = {}

    def __call__(self, schema):
        cls = schema if isinstance(schema, type) else type(schema)
        name = cls.__name__
        name = name[:-6] if name.endswith("Schema") else name
        key = "%s.%s" % (cls.__module__, cls.__qualname__)
        if self.owner.setdefault(name, key) != key:
            parts = cls.__module__.split(".")
            area = parts[1] if parts[0] == "services" and len(parts) > 1 else parts[0]
            name = area.title().replace("_", "") + name
            self.owner.setdefault(name, key)
        return name


_schema_name = SchemaNames()


def _ref(spec, schema):
    """A reference to ``schema``'s component, registering it on first use."""
    name = _schema_name(schema)
    if name not in spec.components.schemas:
        spec.components.schema(name, schema=schema)
    return {"$ref": "#/components/schemas/%s" % name}


def _schema(spec, schema):
    """apispec resolves schema classes in items, properties and oneOf, not in
    ``additionalProperties`` (a map by name): those are referenced here."""
    if isinstance(schema, (list, tuple)):
        return {"oneOf": list(schema)}
    if isinstance(schema, dict):
        schema = copy.deepcopy(schema)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and isinstance(extra.get("items"), type):
            extra["items"] = _ref(spec, extra["items"])
    return schema


def _operation(spec, r):
    def _content(schema):
        return {"application/json": {"schema": _schema(spec, schema)}}

    op = {"operationId": r.name, "summary": r.summary or r.path, "tags": list(r.tags),
          "responses": {}}
    if r.description:
        op["description"] = r.description
    success = {"description": "Success"}
    if r.binary:
        # OpenAPI 3.1 describes raw bytes by the media type alone, with no schema
        success["content"] = {r.binary: {}}
        op["responses"]["304"] = {"description": "Not modified (If-None-Match matched the ETag)"}
    elif r.response is not None and r.status != 204:
        success["content"] = _content(r.responses.get(r.status, r.response))
    elif r.status != 204:
        success["content"] = {"application/json": {"schema": {"type": "object"}}}
    if r.produces:
        # a JSON answer that can also be asked for as a page keeps its schema beside it
        kept = success.get("content", {}) if r.response is not None else {}
        # text as a string; other media (a PDF) are raw bytes, described by the type alone
        success["content"] = dict(kept, **{media: {"schema": {"type": "string"}}
                                           if media.startswith("text/") else {}
                                           for media in r.produces})
    if r.csv:
        success.setdefault("content", {})["text/csv"] = {"schema": {"type": "string"}}
    if r.headers:
        success["headers"] = {name: {"description": text, "schema": {"type": "string"}}
                              for name, text in r.headers.items()}
    op["responses"][str(r.status)] = success
    params = [{"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
              for name in r.params]
    if r.query is not None:
        params.append({"in": "query", "schema": r.query})
    if params:
        op["parameters"] = params
    if r.body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": r.body}}}
    elif r.content_types:
        op["requestBody"] = {"required": True, "content": {
            ct: {"schema": {"type": "string", "format": "binary"}} for ct in r.content_types}}
    # 401/403 on public routes too: a bad token is refused anywhere, and a
    # public route may need a role for part of what it serves; 413 too: every
    # route refuses a body over its limit (gateway/limits.py)
    for status, text in ERROR_STATUSES.items():
        op["responses"][status] = {"description": text, "content": PROBLEM}
    for status, schema in r.responses.items():
        if status != r.status:
            op["responses"][str(status)] = {"description": "See the summary",
                                            "content": _content(schema)}
    if r.role is not None:
        op["security"] = [{"bearer": []}]
    return op


def build_spec(router, version="1.0.0"):
    """Return the OpenAPI document (dict) for every route ``router`` serves."""
    spec = APISpec(title="Bansos Tanjung Barat API", version=version, openapi_version="3.1.0",
                   plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
                   info={"description": "Social-assistance platform of Kelurahan Tanjung Barat. "
                                        "Money in integer rupiah (*_idr), dates YYYY-MM-DD, "
                                        "instants ISO 8601 UTC."})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Problem", schema=Problem)
    paths = {}
    for r in router.specs:
        paths.setdefault(_PARAM.sub(r"{\1}", r.path), {})[r.method.lower()] = _operation(spec, r)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
