"""What a role sees of an answer: the one place answers are shaped for a role.

Officers and admins see answers as the services give them. Everyone else
(the public, partner and seller tokens) gets:

- NIKs masked: every ``nik`` / ``*_nik`` string field (docs/contract.md: a NIK
  is whole only for officers and admins);
- no trace of who on the village's staff acted: fields named ``by``,
  ``actor``, ``token_id``, ``request_id`` or ending ``_by`` (an officer's
  name, token id and request id; issue 8, item 9), at any depth. A ``_by``
  field that names a time, not a person (``NOT_STAFF``: a complaint's
  ``expected_by`` deadline), is kept.

Services need not remember either rule route by route. A field dropped here
must be optional in its answer's contract (``metadata={"optional": ...}``),
so that what outsiders receive still matches ``openapi.json``;
``tests/unit/gateway/test_limits_and_shaping.py`` checks every answer a
non-staff caller can get.
"""
from services.shared.nik import mask_nik

STAFF_KEYS = frozenset(("by", "actor", "token_id", "request_id"))
#: ``*_by`` fields that are not about a person
NOT_STAFF = frozenset(("expected_by",))


def is_staff_field(key):
    """True for a field naming who on the staff did something."""
    return key in STAFF_KEYS or (key.endswith("_by") and key not in NOT_STAFF)


def is_nik_field(key):
    return key == "nik" or key.endswith("_nik")


def shape_for(principal, value):
    """``value`` (JSON-safe) as ``principal`` may see it (rules above)."""
    if principal.is_staff:
        return value
    return _outsider_view(value)


def _outsider_view(value):
    if isinstance(value, dict):
        return {k: (mask_nik(v) if isinstance(v, str) and is_nik_field(k) else _outsider_view(v))
                for k, v in value.items() if not is_staff_field(k)}
    if isinstance(value, list):
        return [_outsider_view(v) for v in value]
    return value
