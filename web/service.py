"""The ``web`` service: the web app's process (docs/web.md).

It owns no data and offers no RPC of its own beyond the operations ones
(``ping`` for the gateway's ``/health``; an always empty parking lot, since
it consumes no events). The pages are served by ``WebAppServer``.
"""
from services.shared.health import Ops
from services.shared.inbox import Inbox

from web.server import WebAppServer


class WebService(Ops):
    name = "web"

    inbox = Inbox()
    app = WebAppServer()
