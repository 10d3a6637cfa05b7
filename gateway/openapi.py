"""OpenAPI 3.1 generated with apispec from the routes' marshmallow schemas."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from gateway.http import ROUTES
from gateway.schemas import Problem

_PARAM = re.compile(r"<(?:[a-z_]+:)?([a-zA-Z_]+)>")

ERROR_STATUSES = {"400": "Invalid input", "401": "Missing or bad token", "403": "Role not allowed",
                  "404": "Unknown id", "409": "Conflict",
                  "413": "Request body too large (refused before it is read)", "422": "Refused by the rules",
                  "429": "Rate limited", "503": "Service unavailable", "504": "Service timed out"}


def _schema_name(schema):
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__
    return name[:-6] if name.endswith("Schema") else name


def build_spec(version="1.0.0"):
    """Return the OpenAPI document (dict) for every declared route."""
    spec = APISpec(title="Bansos Tanjung Barat API", version=version, openapi_version="3.1.0",
                   plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
                   info={"description": "Social-assistance platform of Kelurahan Tanjung Barat. "
                                        "Money in integer rupiah (*_idr), dates YYYY-MM-DD, "
                                        "instants ISO 8601 UTC."})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Problem", schema=Problem)
    paths = {}
    for r in ROUTES:
        path = _PARAM.sub(r"{\1}", r.path)
        op = {"summary": r.summary or r.path, "tags": list(r.tags),
              "responses": {str(r.status): {"description": "Success"}}}
        if r.description:
            op["description"] = r.description
        params = [{"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
                  for name in _PARAM.findall(r.path)]
        if r.query is not None:
            params.append({"in": "query", "schema": r.query})
        if params:
            op["parameters"] = params
        if r.body is not None:
            op["requestBody"] = {"required": True,
                                 "content": {"application/json": {"schema": r.body}}}
        elif r.content_types:
            op["requestBody"] = {"required": True, "content": {
                ct: {"schema": {"type": "string", "format": "binary"}} for ct in r.content_types}}
        if r.response is not None and r.status != 204:
            schema = r.response
            if r.many:
                schema = {"type": "object", "properties": {
                    "items": {"type": "array", "items": r.response},
                    "page": {"type": "integer"}, "per_page": {"type": "integer"},
                    "total": {"type": "integer"}}}
            op["responses"][str(r.status)]["content"] = {"application/json": {"schema": schema}}
        for status, text in ERROR_STATUSES.items():
            if status in ("401", "403") and r.role is None:
                continue
            if status == "413" and r.body is None and not r.content_types:
                continue
            op["responses"][status] = {"description": text, "content": {
                "application/problem+json": {"schema": "Problem"}}}
        if r.role is not None:
            op["security"] = [{"bearer": []}]
        paths.setdefault(path, {})[r.method.lower()] = op
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
