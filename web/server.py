"""Serves the web app (``web.app.WebApp``) from inside the ``web`` nameko service.

Pages are served straight by eventlet's WSGI server on ``WEB_APP_ADDRESS``
rather than through nameko HTTP entrypoints: a page is then not a nameko
worker, so the number of pages rendering at once is not capped by
``max_workers``, and the app is a plain WSGI callable that tests drive
without a broker. Only the gateway reaches this address (gateway/webapp.py).
"""
import logging

import eventlet
import eventlet.wsgi
from nameko.extensions import DependencyProvider

from services.shared.settings import settings_for

from web.app import WebApp
from web.settings import WebSettings

log = logging.getLogger(__name__)


class WebAppServer(DependencyProvider):
    """Starts the WSGI server with the container and stops it with it."""

    def setup(self):
        self.settings = WebSettings(settings=settings_for(self.container))
        self.app = WebApp(self.settings)
        self.sock = None
        self.thread = None

    def start(self):
        # reuse_port=False: a second web app on a busy port must fail, not share it
        self.sock = eventlet.listen(self.settings.bind, reuse_port=False)
        self.thread = self.container.spawn_managed_thread(self._run)
        log.info("web app on http://%s:%d, calling the API at %s", self.settings.bind[0],
                 self.settings.bind[1], self.settings.api_url)

    def _run(self):
        # debug=False: eventlet would otherwise send a traceback to the browser
        eventlet.wsgi.server(self.sock, self.app, log_output=False, socket_timeout=60,
                             max_size=1000, debug=False)

    def stop(self):
        if self.thread is not None:
            self.thread.kill()
            self.thread = None
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        return self.app
