"""The web app's settings, read from the nameko config (deploy/config.yaml) once."""
import os
import secrets


class WebSettings:
    """What the web process needs to know.

    Attributes:
        bind (tuple): ``(host, port)`` it listens on (``WEB_APP_ADDRESS``).
        api_url (str): the gateway it calls (``WEB_API_URL``, else derived
            from ``WEB_SERVER_ADDRESS``, the gateway's own address).
        secret (bytes): signs CSRF tokens (``WEB_SECRET``; random per process
            when unset: forms open across a restart must then be sent again).
        language (str): the language file used (``WEB_LANGUAGE``, default ``id``).
        village_name (str): shown in titles (``VILLAGE_NAME``).
        api_timeout (float): seconds for an API call (``RPC_DEADLINE`` + 5).
    """

    def __init__(self, config):
        def get(key, default=None):
            value = config.get(key)
            if value in (None, ""):
                value = os.environ.get(key, default)
            return value
        host, _, port = str(get("WEB_APP_ADDRESS", "127.0.0.1:8001")).rpartition(":")
        self.bind = (host or "127.0.0.1", int(port))
        self.api_url = (get("WEB_API_URL") or _url_of(get("WEB_SERVER_ADDRESS", "127.0.0.1:8000"))
                        ).rstrip("/")
        secret = get("WEB_SECRET")
        self.secret = secret.encode("utf-8") if secret else secrets.token_bytes(32)
        self.language = get("WEB_LANGUAGE", "id") or "id"
        self.village_name = get("VILLAGE_NAME", "Kelurahan Tanjung Barat")
        self.api_timeout = float(get("RPC_DEADLINE", 10)) + 5
        self.import_timeout = float(get("IMPORT_DEADLINE", 120)) + 10


def _url_of(address):
    host, _, port = str(address).rpartition(":")
    return "http://%s:%s" % ("127.0.0.1" if host in ("", "0.0.0.0") else host, port)
