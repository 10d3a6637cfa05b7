"""Reading another service's data without marshmallow's work per field, where the
answer is the same (``services.shared.contract.read`` and ``EventType.read``).

A follower reads every registry snapshot it is sent through the registry's
tolerant schemas: at 10,000 families that was a quarter of each follower's CPU
in an import (bench/RESULTS.md, "Import events in bundles"). Those schemas are
made of strings, integers, booleans, lists of strings, plain dicts and nested schemas, with
defaults and no validators. For a schema made only of such fields, ``plan``
builds a reader that returns what marshmallow's ``load`` returns when every
value is already of the type the field gives back (a ``str`` for a string, an
``int`` that is not a ``bool`` for an integer, a ``bool``, a list of ``str``, a
dict for a plain dict (copied) or a nested schema, ``None`` where the field allows it): the declared
fields present, in declared order, each default for an absent one, unknown
keys left out. Any other value (a number as a string, a float, a missing
required field) gives ``None``, and marshmallow reads the payload as before,
with its own errors. A schema with anything else (a validator, a hook, a
``data_key``, another field class) gets no plan: marshmallow reads all of it.
``tests/unit/shared/test_tolerant_read.py`` holds both to the same answers.
"""
from marshmallow import EXCLUDE, fields, missing

_PLANS = {}
#: a field whose value does not fit the plan: marshmallow reads the payload
_DOUBT = object()


def _plain_field(field):
    return (not field.validators and field.data_key is None and field.attribute is None
            and not field.load_only and not field.dump_only)


def _reader(field):
    """``fn(value) -> value as loaded, or _DOUBT`` for one field, or None: no plan."""
    if not _plain_field(field):
        return None
    kind = type(field)
    if kind is fields.String:
        check = _string
    elif kind is fields.Integer:
        check = _integer
    elif kind is fields.Boolean:
        if not field.truthy and not field.falsy:
            return None  # a Boolean with no sets reads anything truthy: marshmallow's call
        check = _boolean
    elif kind is fields.List and type(field.inner) is fields.String \
            and _plain_field(field.inner) and field.inner.allow_none is False:
        check = _strings
    elif kind is fields.Dict and field.key_field is None and field.value_field is None:
        check = _mapping
    elif kind is fields.Nested and isinstance(field.nested, type) and not field.many \
            and field.only is None and not field.exclude and field.unknown is None:
        inner = plan(field.nested)
        if inner is None:
            return None
        check = inner
    else:
        return None
    if not field.allow_none:
        return check

    def or_none(value):
        return None if value is None else check(value)
    return or_none


def _string(value):
    return value if type(value) is str else _DOUBT


def _integer(value):
    return value if type(value) is int else _DOUBT


def _boolean(value):
    return value if type(value) is bool else _DOUBT


def _mapping(value):
    return dict(value) if type(value) is dict else _DOUBT


def _strings(value):
    if type(value) is not list:
        return _DOUBT
    for each in value:
        if type(each) is not str:
            return _DOUBT
    return list(value)


def plan(schema_class):
    """A reader ``fn(data) -> dict or _DOUBT`` for ``schema_class``, or None when
    marshmallow must read it (cached per class)."""
    if schema_class in _PLANS:
        return _PLANS[schema_class]
    _PLANS[schema_class] = None  # a schema nested in itself: marshmallow's
    schema = schema_class()
    found = None
    if schema.unknown == EXCLUDE and not any(schema._hooks.values()):
        steps = []
        for name, field in schema.load_fields.items():
            reader = _reader(field)
            if reader is None:
                break
            default = field.load_default
            steps.append((name, reader, field.required, default, callable(default)))
        else:
            found = _compile(steps)
    _PLANS[schema_class] = found
    return found


def _compile(steps):
    def read(data):
        if type(data) is not dict:
            return _DOUBT
        out = {}
        for name, reader, required, default, call in steps:
            if name in data:
                value = reader(data[name])
                if value is _DOUBT:
                    return _DOUBT
                out[name] = value
            elif required:
                return _DOUBT
            elif default is not missing:
                out[name] = default() if call else default
        return out
    return read


def load(instance, data):
    """``instance.load(data)`` (a marshmallow schema instance), through its plan when
    it has one and the data fits it; raises marshmallow's ValidationError."""
    # an instance built with options (``only``, ``partial``...) reads otherwise
    plain = instance.only is None and not instance.exclude and not instance.partial \
        and not instance.many and instance.unknown == EXCLUDE
    reader = plan(type(instance)) if plain else None
    if reader is not None:
        out = reader(data)
        if out is not _DOUBT:
            return out
    return instance.load(data)
