"""Who acts: the ``actor`` every RPC made on someone's behalf takes (docs/service-kit.md).

The gateway passes ``principal.actor``: ``{token_id, name, role, partner_id,
seller_id, request_id}``. Plain functions, no nameko: domain code records
actors in histories with them.
"""


def system_actor(name, correlation_id=None):
    """The actor of a change the platform makes by itself (an event, a timer)."""
    return {"name": name, "role": "system", "request_id": correlation_id}


def actor_record(actor):
    """The ``who`` of a history entry: the actor's non-empty fields, or ``{"name": "system"}``."""
    if isinstance(actor, dict):
        return {k: v for k, v in actor.items() if v is not None}
    return {"name": str(actor) if actor else "system"}


def role_of(actor):
    """The caller's role (``officer``, ``admin``, ...; None for the public)."""
    return (actor or {}).get("role")


def request_id(actor):
    """The gateway request id in ``actor`` (None outside a request)."""
    return (actor or {}).get("request_id")
