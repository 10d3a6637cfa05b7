"""Throttling of wrong bearer tokens, per client (issue 8, item 8).

Tokens are 256-bit random and the admin token at least 32 characters, so
guessing is hopeless anyway; the throttle keeps it so and keeps a token
scanner from costing a store lookup per guess. A client that sent
``WRONG_TOKENS`` wrong or malformed tokens within the window is answered 429
*before* its next token is looked at, so a right guess cannot be told from
a wrong one while it is throttled. Requests without a token are not
counted; the count is the gateway's rate limiter (name ``wrong_token``,
overridable with ``RATE_LIMITS``).
"""
#: (limit name, wrong tokens, per seconds)
WRONG_TOKENS = ("wrong_token", 20, 60)


class WrongTokens:
    """The wrong-token count of one client: ``check()`` before, ``record()`` after a 401."""

    def __init__(self, limiter, client, limit=WRONG_TOKENS):
        self.limiter, self.client = limiter, client
        self.name, self.calls, self.seconds = limit

    def check(self):
        """Raise RateLimited (429) while the client is throttled."""
        self.limiter.check(self.name, self.client, self.calls, self.seconds)

    def record(self):
        """Count one wrong token."""
        self.limiter.record(self.name, self.client, self.calls, self.seconds)
