"""Domain errors shared by all services.

They carry no HTTP knowledge; the gateway maps each type to a status in one
table (``gateway/errors.py``). They are registered with nameko's
``deserialize_to_instance`` so that an error raised inside a service arrives
at the RPC caller as the same type with the same ``detail`` and ``errors``.
"""
from nameko.exceptions import deserialize_to_instance


class BansosError(Exception):
    """Base class. ``detail`` is a human sentence; ``errors`` maps field -> [messages]."""

    title = "Error"

    def __init__(self, detail="", errors=None):
        super().__init__(detail, errors or {})
        self.detail = detail
        self.errors = errors or {}

    def __str__(self):
        return self.detail


@deserialize_to_instance
class InvalidInput(BansosError):
    """Malformed or invalid input (HTTP 400). ``errors`` names each bad field."""

    title = "Invalid input"


@deserialize_to_instance
class NotFound(BansosError):
    """An id that does not exist (HTTP 404)."""

    title = "Not found"


@deserialize_to_instance
class Conflict(BansosError):
    """Duplicate key, double disbursement, stale version (HTTP 409)."""

    title = "Conflict"


@deserialize_to_instance
class RuleRefused(BansosError):
    """A valid request the rules refuse: not eligible, programme full (HTTP 422)."""

    title = "Refused by the rules"


@deserialize_to_instance
class Forbidden(BansosError):
    """The caller's role or scope may not do this (HTTP 403)."""

    title = "Forbidden"


def from_marshmallow(exc, detail="The request body is invalid."):
    """Turn a marshmallow ValidationError into InvalidInput with flat field messages."""
    return InvalidInput(detail, flatten_errors(exc.messages))


def flatten_errors(messages, prefix=""):
    """Flatten marshmallow's nested messages into ``{"a.b.0.c": [msg, ...]}``."""
    flat = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = "%s.%s" % (prefix, key) if prefix else str(key)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                flat[name] = list(value)
            else:
                flat.update(flatten_errors(value, name))
    elif isinstance(messages, list):
        flat[prefix or "_schema"] = [str(m) for m in messages]
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat
