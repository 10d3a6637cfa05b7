"""What a service's contract is made of (see docs/service-kit.md).

A service's ``contract`` module (``services/<name>/contract.py``) imports only
marshmallow and ``services.shared``; it is all another service or the gateway
may import of it. It holds:

- requests, read strictly with ``load`` (unknown fields refused): ``Strict``;
- answers, the schemas the service dumps every RPC answer through with
  ``dump`` and that the OpenAPI documents: ``Answer`` (no undocumented key;
  every key required unless its field says ``metadata={"optional": why}``);
- events: one ``EventType`` each, with a payload schema per
  ``schema_version`` and the upcasters from older versions; consumers read
  payloads with these tolerant schemas (``Tolerant``: unknown keys ignored).
"""
import copy

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields
from marshmallow.schema import SchemaMeta

from services.shared import tolerant_read
from services.shared.envelope import make_envelope
from services.shared.errors import InvalidInput, from_marshmallow

_INSTANCES = {}


def _instance(schema):
    """One instance per schema class: building one is costly, using one is reentrant."""
    if not isinstance(schema, type):
        return schema
    found = _INSTANCES.get(schema)
    if found is None:
        found = _INSTANCES[schema] = schema()
    return found


class Strict(Schema):
    """A request: unknown fields are refused."""

    class Meta:
        unknown = RAISE


class Tolerant(Schema):
    """What a consumer reads of another's data: unknown fields are ignored."""

    class Meta:
        unknown = EXCLUDE


class PageQuery(Tolerant):
    """A list's query string: ``page`` and ``per_page`` (docs/contract.md
    pagination; the gateway clamps them) and, in subclasses, its filters.
    Unknown parameters are ignored, as browsers and caches add their own."""

    page = fields.Integer()
    per_page = fields.Integer()


class _AnswerMeta(SchemaMeta):
    def __new__(mcs, name, bases, attrs):
        klass = super().__new__(mcs, name, bases, attrs)
        declared = {}
        for field_name, field in klass._declared_fields.items():
            field = copy.copy(field)  # never change a field shared with another schema
            field.required = not field.metadata.get("optional")
            declared[field_name] = field
        klass._declared_fields = declared
        return klass


class Answer(Schema, metaclass=_AnswerMeta):
    """An RPC answer as documented: exactly these keys.

    Dumping through it drops anything undeclared; the OpenAPI marks each key
    required (always present) unless ``metadata={"optional": "why"}``, and
    allows no other key (``additionalProperties: false``).
    """

    class Meta:
        unknown = RAISE


def load(schema, payload, *, partial=False, detail="The request body is invalid."):
    """Validate ``payload`` with ``schema`` (a class or an instance); return the data.

    ``partial=True`` (a PATCH) makes the schema's own fields optional, never the
    fields of a nested object: a nested value given replaces the whole value, so it
    must be whole (marshmallow's ``partial=True`` would let ``{"licences":
    {"halal": {"expires_on": ...}}}`` through without the number it needs).
    Raises InvalidInput naming every bad field (``a.b.0.c``), or ``_body``
    when ``payload`` is not a JSON object. ``None`` reads as ``{}``.
    """
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise InvalidInput(detail, {"_body": ["must be a JSON object"]})
    instance = _instance(schema)
    if partial is True:
        partial = tuple(instance.fields)
    try:
        return instance.load(payload, partial=partial)
    except ValidationError as exc:
        raise from_marshmallow(exc, detail) from None


def read(schema, data):
    """Another service's data read with a ``Tolerant`` schema (unknown keys ignored);
    raises marshmallow's ValidationError."""
    return tolerant_read.load(_instance(schema), data)


def dump(schema, value, many=False):
    """``value`` as the answer schema documents it (undeclared keys dropped)."""
    return _instance(schema).dump(value, many=many)


def dump_page(schema, answer):
    """A CONTRACT list page whose ``items`` are dumped through ``schema``."""
    return dict(answer, items=dump(schema, answer["items"], many=True))


class UnreadableEvent(Exception):
    """An event this consumer cannot read (newer ``schema_version``, or a bad payload)."""


class EventType:
    """One event a service publishes.

    Args:
        source (str): the publishing service, e.g. ``"registry"``.
        name (str): the event type, e.g. ``"resident_deactivated"``.
        schemas (dict): ``{schema_version: Tolerant schema class of data}``.
        upcasters (dict): ``{version: fn(data) -> data of version + 1}`` for
            every version below the newest.
    Producers build envelopes with ``envelope``; the inbox reads them with
    ``read`` (upcast to the newest version, then loaded) before a handler runs.
    """

    def __init__(self, source, name, schemas, upcasters=None):
        self.source, self.name = source, name
        self.schemas = dict(schemas)
        self.version = max(self.schemas)
        self.upcasters = dict(upcasters or {})
        missing = [v for v in range(min(self.schemas), self.version) if v not in self.upcasters]
        if missing:
            raise TypeError("%s: no upcaster from schema_version %s" % (name, missing))

    def __repr__(self):
        return "EventType(%s.%s v%d)" % (self.source, self.name, self.version)

    def envelope(self, aggregate_id, aggregate_version, data, correlation_id=None):
        """The envelope of one event at the newest ``schema_version``."""
        return make_envelope(self.name, self.source, aggregate_id, aggregate_version, data,
                             correlation_id, schema_version=self.version)

    def read(self, envelope):
        """``envelope`` with ``data`` upcast to the newest version and loaded.

        Raises UnreadableEvent for a version newer than this contract knows (the
        consumer must be upgraded; the inbox parks it for a replay after that)
        or a payload its schema refuses.
        """
        version = envelope["schema_version"]
        if version > self.version or version < min(self.schemas):
            raise UnreadableEvent("%s schema_version %s: this consumer reads %s to %d"
                                  % (self.name, version, min(self.schemas), self.version))
        data = envelope["data"]
        while version < self.version:
            data = self.upcasters[version](copy.deepcopy(data))
            version += 1
        try:
            data = tolerant_read.load(_instance(self.schemas[version]), data)
        except ValidationError as exc:
            raise UnreadableEvent("%s payload: %s" % (self.name, exc.messages)) from None
        return dict(envelope, schema_version=version, data=data)


_PAGES = {}


def Page(item_schema, **extra):  # noqa: N802 - it names a schema class
    """The ``Answer`` of a list page of ``item_schema``: ``{items, page, per_page, total}``
    plus ``extra`` fields (e.g. ``resident_id=fields.String()``); one class per shape."""
    key = (item_schema, tuple(sorted(extra)))
    found = _PAGES.get(key)
    if found is None:
        name = item_schema.__name__
        name = (name[:-3] if name.endswith("Out") else name) + "Page"
        attrs = {"items": fields.List(fields.Nested(item_schema)), "page": fields.Integer(),
                 "per_page": fields.Integer(), "total": fields.Integer()}
        attrs.update(extra)
        found = _PAGES[key] = type(name, (Answer,), attrs)
    return found
