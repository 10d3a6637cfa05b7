"""Field rules every service reads input with (marshmallow 4), written once.

- ``Text``: one line of text (names, streets, places): surrounding whitespace
  trimmed, blank counts as missing, no control characters (a NUL or ESC in a
  name would reach logs, CSV exports and terminals).
- ``FreeText``: what a person writes (a complaint, a note): kept exactly as
  given (any script, emoji, line breaks), not blank, no other control characters.
- ``AreaNumber``: RT or RW, 1-3 digits stored zero-padded, or ``-`` (OpenSID
  villages without RWs; docs/registry-data.md).
- ``Phone``: 8-15 digits after an optional ``+`` (E.164 allows 15; Indonesian
  mobile numbers have 10-13).
- ``nik_rule`` / ``kk_rule``: the NIK and KK structure rules of ``services.shared.nik``.
- ``maybe`` / ``nullable``: a reader's field that may be absent, an answer's
  field that may be null.
- ``Instant`` / ``Day``: what an answer carries for an instant (ISO 8601 UTC with
  ``Z``) and a date (``YYYY-MM-DD``), as strings, documented with their format.
- ``InstantIn``: an instant a request gives (ISO 8601 date and time with its
  offset), read as the UTC text every instant is stored as.
"""
import re

from marshmallow import ValidationError, fields, validate

from services.shared import clock
from services.shared.nik import NumberRuleError, validate_kk, validate_nik

#: C0 and C1 control characters and DEL: never in one line of text.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The same, but tab and line breaks are part of free text.
CONTROL_IN_FREE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
PHONE_RE = r"^\+?[0-9]{8,15}$"
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def no_control_characters(value, pattern=CONTROL):
    """Validator: refuse control characters (names them by code point)."""
    found = pattern.search(value or "")
    if found:
        raise ValidationError("must not contain control characters (found U+%04X)"
                              % ord(found.group()))


def _text_options(max_length, required, rule, kwargs):
    """Field options of a text: optional ones read as null when absent."""
    if not required:
        kwargs.setdefault("load_default", None)
        kwargs.setdefault("allow_none", True)
    return dict(kwargs, required=required, validate=[
        validate.Length(1, max_length, error="must be 1 to %d characters" % max_length), rule])


class Text(fields.String):
    """One line of text; ``Text(100, required=True)`` or ``Text(200)`` (optional, null).

    Trimmed; an optional blank value is stored as null, a required one is refused.
    """

    def __init__(self, max_length, required=False, **kwargs):
        super().__init__(**_text_options(max_length, required, no_control_characters, kwargs))

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip()
        if not value and self.required:
            raise ValidationError("must not be blank")
        return value or None

    def _validate(self, value):
        if value is not None:  # blank optional text is stored as null, unvalidated
            super()._validate(value)


def _free_text_rule(value):
    if not value.strip():
        raise ValidationError("must not be blank")
    no_control_characters(value, CONTROL_IN_FREE_TEXT)


class FreeText(fields.String):
    """What a person writes, kept exactly as given; ``FreeText(4000, required=True)``."""

    def __init__(self, max_length, required=False, **kwargs):
        super().__init__(**_text_options(max_length, required, _free_text_rule, kwargs))


class AreaNumber(fields.String):
    """RT or RW: ``"1"`` or ``1`` becomes ``"001"``; ``"-"`` is kept."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        value = super()._deserialize(value, attr, data, **kwargs).strip()
        if value == "-":
            return value
        if value.isascii() and value.isdigit() and 1 <= len(value) <= 3:
            return value.zfill(3)
        raise ValidationError("must be 1-3 digits (e.g. 001) or '-'")


def Phone(**kwargs):  # noqa: N802 - reads as a field class at the call site
    """An optional phone number (null when not given)."""
    kwargs.setdefault("load_default", None)
    kwargs.setdefault("allow_none", True)
    return fields.String(validate=validate.Regexp(
        PHONE_RE, error="must be 8 to 15 digits, optionally after a leading +"), **kwargs)


def _number_rule(check):
    def rule(value):
        try:
            check(value)
        except NumberRuleError as exc:
            raise ValidationError(str(exc)) from None
    return rule


#: Validators from ``services.shared.nik``: the message names the broken rule.
nik_rule = _number_rule(validate_nik)
kk_rule = _number_rule(validate_kk)


def one_of(values):
    """``OneOf`` whose message lists the choices."""
    return validate.OneOf(values, error="must be one of: %s" % ", ".join(str(v) for v in values))


def maybe(field=fields.String, **kwargs):
    """A tolerant reader's field that may be absent or null (it reads as None)."""
    return field(load_default=None, allow_none=True, **kwargs)


def nullable(field=fields.String, **kwargs):
    """An answer's field whose value may be null (the key is still always there)."""
    return field(allow_none=True, **kwargs)


def Instant(**kwargs):  # noqa: N802
    """An instant in an answer: ISO 8601 UTC, ``2026-11-29T08:00:00.000Z``."""
    return fields.String(metadata=dict({"format": "date-time"}, **kwargs.pop("metadata", {})),
                         **kwargs)


def Day(**kwargs):  # noqa: N802
    """A date in an answer: ``YYYY-MM-DD``."""
    return fields.String(metadata=dict({"format": "date"}, **kwargs.pop("metadata", {})),
                         **kwargs)


class InstantIn(fields.String):
    """An instant in a request: ISO 8601 date and time with its offset
    (``2026-03-02T09:30:00+07:00`` or ``...Z``), loaded as UTC text with
    milliseconds (``2026-03-02T02:30:00.000Z``, ``clock.iso``).

    A date alone is refused rather than read as some midnight: 00:00 UTC is
    07:00 in the village, and the officer's day would be a guess. A time
    without an offset is refused for the same reason.
    """

    def __init__(self, **kwargs):
        kwargs["metadata"] = dict({"format": "date-time"}, **kwargs.pop("metadata", {}))
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if DATE_ONLY.match(text):
            raise ValidationError("a date alone is not enough: give the time and its offset, "
                                  "e.g. %sT09:30:00+07:00" % text)
        try:
            return clock.iso(clock.parse_instant(text))
        except ValueError:
            raise ValidationError("must be an ISO 8601 date and time with its offset, e.g. "
                                  "2026-03-02T09:30:00+07:00") from None
