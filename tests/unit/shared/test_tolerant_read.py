"""The tolerant reader's plan answers what marshmallow's load answers (or marshmallow
reads it): for every event payload schema of every service's contract, and for the
envelope, over values of the right type, of the wrong type and missing."""
import importlib
import pkgutil

import pytest
from hypothesis import given, settings, strategies as st
from marshmallow import ValidationError, fields

import services
from services.shared import tolerant_read
from services.shared.contract import EventType, Tolerant
from services.shared.envelope import EnvelopeSchema


def _event_schemas():
    found = {EnvelopeSchema}
    for module in pkgutil.walk_packages(services.__path__, "services."):
        if not module.name.endswith(".contract") and ".contract." not in module.name:
            continue
        for value in vars(importlib.import_module(module.name)).values():
            if isinstance(value, EventType):
                found.update(value.schemas.values())
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


SCHEMAS = _event_schemas()
junk = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False),
                 st.text(max_size=3), st.sampled_from(["5", "true", "2026-01-01"]),
                 st.lists(st.one_of(st.text(max_size=2), st.integers(0, 2)), max_size=2),
                 st.dictionaries(st.text(max_size=2), st.integers(0, 2), max_size=2))


def value_for(field, depth=0):
    """Values a field reads well, mixed with junk of every kind."""
    kind = type(field)
    if kind is fields.String:
        good = st.text(max_size=4)
    elif kind is fields.Integer:
        good = st.integers(-10, 10 ** 12)
    elif kind is fields.Boolean:
        good = st.booleans()
    elif kind is fields.List and type(field.inner) is fields.String:
        good = st.lists(st.text(max_size=3), max_size=3)
    elif kind is fields.Dict:
        good = st.dictionaries(st.text(max_size=3), junk, max_size=2)
    elif kind is fields.Nested and isinstance(field.nested, type) and depth < 3:
        good = document_for(field.nested, depth + 1)
    else:
        good = junk
    return st.one_of(good, good, good, junk)


def document_for(schema_class, depth=0):
    schema = schema_class()
    names = list(schema.load_fields)
    return st.fixed_dictionaries({}, optional=dict(
        {name: value_for(schema.load_fields[name], depth) for name in names},
        unknown_key=junk))


def answer(read, schema, data):
    try:
        return ("ok", read(schema, data))
    except ValidationError as exc:
        return ("refused", exc.messages)


@pytest.mark.parametrize("schema_class", SCHEMAS, ids=lambda c: c.__name__)
def test_every_event_schema_reads_as_marshmallow_reads(schema_class):
    schema = schema_class()

    @settings(max_examples=150, deadline=None)
    @given(document_for(schema_class))
    def same(data):
        assert answer(tolerant_read.load, schema, data) == \
            answer(lambda s, d: s.load(d), schema, data)
    same()


def test_the_registry_snapshots_and_the_envelope_have_a_plan():
    from services.registry.contract import events
    for schema_class in (EnvelopeSchema, events.ResidentRegisteredV1,
                         events.HouseholdRegisteredV1, events.ResidentDeactivatedV1):
        assert tolerant_read.plan(schema_class) is not None, schema_class.__name__


def test_a_value_the_plan_doubts_is_read_by_marshmallow():
    from services.registry.contract.events import ResidentSnapshot
    schema = ResidentSnapshot()
    # an integer as a string, which marshmallow turns into a number
    assert tolerant_read.load(schema, {"id": "r1", "version": "3"})["version"] == 3
    with pytest.raises(ValidationError) as refused:
        tolerant_read.load(schema, {"version": 2})
    assert "id" in refused.value.messages


def test_a_schema_with_a_validator_or_a_data_key_has_no_plan():
    class Checked(Tolerant):
        rw = fields.String(validate=lambda v: len(v) == 3)

    class Renamed(Tolerant):
        rw = fields.String(data_key="RW")

    class Plain(Tolerant):
        rw = fields.String()
    assert tolerant_read.plan(Checked) is None and tolerant_read.plan(Renamed) is None
    assert tolerant_read.plan(Plain) is not None


def test_an_instance_built_with_options_reads_as_marshmallow_reads_it():
    from services.registry.contract.events import ResidentSnapshot
    data = {"id": "r1", "rw": "002", "full_name": "Siti"}
    only = ResidentSnapshot(only=("id", "rw"))
    assert tolerant_read.load(only, data) == only.load(data) == {"id": "r1", "rw": "002"}
