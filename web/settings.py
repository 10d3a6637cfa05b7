"""What the web process needs of the platform's settings (``services.shared.settings``).

Every value comes from ``SettingsSchema`` (deploy/config.yaml), checked when
the ``web`` service starts; this only derives the web app's view of them.
"""
import secrets

from services.shared.settings import load_settings


class WebSettings:
    """The web app's settings.

    Args:
        config (dict): a nameko config (read through ``load_settings``), or
        settings: the already loaded ``Settings`` of a running service.
    Attributes:
        bind (tuple): ``(host, port)`` it listens on (``WEB_APP_ADDRESS``).
        api_url (str): the gateway it calls (``WEB_API_URL``, else the
            gateway's own ``WEB_SERVER_ADDRESS``).
        secret (bytes): signs CSRF tokens (``WEB_SECRET``; random per process
            when unset: forms open across a restart must then be sent again).
        language (str): the language file used (``WEB_LANGUAGE``, default ``id``).
        village_name (str): shown in titles (``VILLAGE_NAME``).
        api_timeout (float): seconds for an API call (``RPC_DEADLINE`` + 5).
        import_timeout (float): seconds for uploading a file as an import job
            (``IMPORT_DEADLINE`` + 10; the job itself runs in the registry after).
    Raises:
        SettingsError: a malformed setting, named.
    """

    def __init__(self, config=None, settings=None):
        settings = settings or load_settings(config)
        host, _, port = settings.web_app_address.rpartition(":")
        self.bind = (host, int(port))
        self.api_url = settings.web_api_target
        secret = settings.web_secret
        self.secret = secret.encode("utf-8") if secret else secrets.token_bytes(32)
        self.language = settings.web_language
        self.village_name = settings.village_name
        self.api_timeout = settings.rpc_deadline + 5
        self.import_timeout = settings.import_deadline + 10
