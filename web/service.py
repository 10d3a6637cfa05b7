"""The ``web`` service: the web app's process (docs/web.md), on the service kit.

It owns no data and offers no RPC of its own beyond the kit's operator ones
(``ping`` for the gateway's ``/health``; an always empty parking lot, since
it consumes no events). The pages are served by ``WebAppServer``.
"""
from services.shared.mongo import MongoStore
from services.shared.service import Service

from web.server import WebAppServer


class NoData:
    """The web app's repository: every page asks ``/api/v1`` for what it shows,
    so there is nothing to store (the kit asks every service for a store)."""

    def __init__(self, db, notify):
        pass


class WebService(Service):
    name = "web"

    store = MongoStore(NoData)
    app = WebAppServer()
