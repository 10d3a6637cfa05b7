"""Every setting of the platform, read once per service at start (deploy/config.yaml).

``nameko run --config deploy/config.yaml`` substitutes the environment into
the YAML; ``settings_for(container)`` reads the result through
``SettingsSchema`` the first time a service's extensions set up, so a
malformed value stops the service at start with a message naming it
(``SettingsError``) instead of failing a request later. Nothing else in the
platform reads ``os.environ`` or the nameko config for its settings.
An empty value means "the default".
"""
import weakref

from marshmallow import ValidationError, fields, pre_load, validate, validates

from services.shared.backoff import DEFAULT_DELAYS, parse_delays
from services.shared.contract import Tolerant
from services.shared.fields import Text
from services.shared.nik import DEFAULT_VILLAGE_CODE, PROVINCES

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"


class SettingsError(ValueError):
    """A setting is malformed; the message names it and the rule."""


class Seconds(fields.Float):
    """A positive number of seconds (``"10"``, ``10`` or ``2.5``)."""

    def __init__(self, default, **kwargs):
        super().__init__(load_default=float(default), validate=validate.Range(
            min=0, min_inclusive=False, error="must be a number of seconds above 0"), **kwargs)


class Hours(fields.Float):
    """A positive number of hours (``"24"``, ``24`` or ``0.5``)."""

    def __init__(self, default, **kwargs):
        super().__init__(load_default=float(default), validate=validate.Range(
            min=0, min_inclusive=False, error="must be a number of hours above 0"), **kwargs)


class Count(fields.Integer):
    """A whole number of at least 1 (``"20"`` or ``20``)."""

    def __init__(self, default, **kwargs):
        super().__init__(load_default=int(default), strict=False, validate=validate.Range(
            min=1, error="must be a whole number of at least 1"), **kwargs)


class Flag(fields.Boolean):
    """``1``/``true``/``yes`` or ``0``/``false``/``no``; unset is false."""

    def __init__(self, **kwargs):
        super().__init__(load_default=False, truthy={"1", "true", "yes", "on", 1},
                         falsy={"0", "false", "no", "off", 0}, **kwargs)


def village_code_rule(code):
    """A Kemendagri village code: 10 digits, a known province, and a 4th-level
    part starting with 1 (kelurahan) or 2 (desa) (docs/domain.md, "Place")."""
    if not (code.isascii() and code.isdigit() and len(code) == 10):
        raise ValidationError("must be the 10-digit Kemendagri village code, e.g. 3174091005")
    if code[:2] not in PROVINCES:
        raise ValidationError("digits 1-2 must be a Kemendagri province code")
    if code[6] not in "12":
        raise ValidationError("digit 7 must be 1 (kelurahan) or 2 (desa)")


def address_rule(value):
    """``host:port``, as nameko's ``WEB_SERVER_ADDRESS`` is written (``0.0.0.0:8000``)."""
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValidationError("must be host:port, e.g. 127.0.0.1:8001")


def url_rule(value):
    """Empty (derived from an address) or an ``http(s)://`` URL."""
    if value and not value.startswith(("http://", "https://")):
        raise ValidationError("must be an http:// or https:// URL")


def url_of(address):
    """``http://host:port`` to reach ``address``; a wildcard host is this machine."""
    host, _, port = address.rpartition(":")
    return "http://%s:%s" % ("127.0.0.1" if host in ("", "0.0.0.0", "::") else host, port)
#: the admin token is a password for everything (issue 8, item 8)
MIN_ADMIN_TOKEN = 32


def admin_token_rule(token):
    """At least ``MIN_ADMIN_TOKEN`` characters: a guessable admin token stops the
    platform at start rather than being accepted."""
    if len(token) < MIN_ADMIN_TOKEN:
        raise ValidationError("must be at least %d characters (e.g. openssl rand -hex 24); "
                              "it has %d" % (MIN_ADMIN_TOKEN, len(token)))


def parse_rate_limits(text):
    """``"status_check=5/60,complaints=10/600"`` -> ``{"status_check": (5, 60.0), ...}``.

    Raises ValueError naming the part that does not read.
    """
    out = {}
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        name, _, spec = part.partition("=")
        calls, _, seconds = spec.partition("/")
        try:
            out[name.strip()] = (int(calls), float(seconds))
        except ValueError:
            raise ValueError("%r must read name=calls/seconds" % part) from None
        if not name.strip() or out[name.strip()][0] < 1 or out[name.strip()][1] <= 0:
            raise ValueError("%r needs a name, calls >= 1 and seconds > 0" % part)
    return out


class SettingsSchema(Tolerant):
    """The settings (deploy/config.yaml lists each with its meaning)."""

    amqp_uri = fields.String(data_key="AMQP_URI", load_default=DEFAULT_AMQP_URI)
    mongo_uri = fields.String(data_key="MONGO_URI", load_default="")
    mongo_db_prefix = fields.String(data_key="MONGO_DB_PREFIX", load_default="bansos",
                                    validate=validate.Regexp(r"^[A-Za-z0-9_]{1,40}$",
                                                             error="must be 1-40 letters, "
                                                                   "digits or _"))
    village_code = fields.String(data_key="VILLAGE_CODE", load_default=DEFAULT_VILLAGE_CODE,
                                 validate=village_code_rule)
    admin_token = fields.String(data_key="ADMIN_TOKEN", load_default="", validate=admin_token_rule)
    rpc_deadline = Seconds(10, data_key="RPC_DEADLINE")
    import_deadline = Seconds(120, data_key="IMPORT_DEADLINE")
    health_deadline = Seconds(3, data_key="HEALTH_DEADLINE")
    rate_limits = fields.String(data_key="RATE_LIMITS", load_default="")
    # API requests let wait for a gateway worker; more get 503 at once (gateway/admission.py)
    gateway_waiting = Count(20, data_key="GATEWAY_WAITING")
    trust_forwarded_for = Flag(data_key="TRUST_FORWARDED_FOR")
    complaints_overdue_check_seconds = Seconds(60, data_key="COMPLAINTS_OVERDUE_CHECK_SECONDS")
    registry_repair_seconds = Seconds(30, data_key="REGISTRY_REPAIR_SECONDS")
    outbox_full_scan_seconds = Seconds(60, data_key="OUTBOX_FULL_SCAN_SECONDS")
    registry_drift_seconds = Seconds(300, data_key="REGISTRY_DRIFT_SECONDS")
    # how long an instance's outbox relay lease lasts unrenewed (services/shared/lease.py)
    outbox_lease_seconds = Seconds(15, data_key="OUTBOX_LEASE_SECONDS")
    public_cache_seconds = Seconds(30, data_key="PUBLIC_CACHE_SECONDS")
    marketplace_order_expiry_hours = Hours(24, data_key="MARKETPLACE_ORDER_EXPIRY_HOURS")
    marketplace_sweep_seconds = Seconds(60, data_key="MARKETPLACE_SWEEP_SECONDS")
    # the gateway's own address (nameko's setting): the web app calls the API there
    gateway_address = fields.String(data_key="WEB_SERVER_ADDRESS", load_default="127.0.0.1:8000",
                                    validate=address_rule)
    web_app_address = fields.String(data_key="WEB_APP_ADDRESS", load_default="127.0.0.1:8001",
                                    validate=address_rule)
    web_app_url = fields.String(data_key="WEB_APP_URL", load_default="", validate=url_rule)
    web_api_url = fields.String(data_key="WEB_API_URL", load_default="", validate=url_rule)
    web_secret = fields.String(data_key="WEB_SECRET", load_default="")
    web_language = fields.String(data_key="WEB_LANGUAGE", load_default="id",
                                 validate=validate.Regexp(r"^[a-z]{2,3}$", error=(
                                     "must be a language code such as id or en")))
    village_name = Text(100, data_key="VILLAGE_NAME", load_default="Kelurahan Tanjung Barat")
    partners_overdue_check_seconds = Seconds(300, data_key="PARTNERS_OVERDUE_CHECK_SECONDS")
    partners_schedule_sweep_seconds = Seconds(21600, data_key="PARTNERS_SCHEDULE_SWEEP_SECONDS")
    partners_schedule_due_seconds = Seconds(2, data_key="PARTNERS_SCHEDULE_DUE_SECONDS")
    # seconds before each retry of a failed event (services/shared/backoff.py)
    event_retry_delays = fields.String(data_key="EVENT_RETRY_DELAYS", load_default=DEFAULT_DELAYS)

    @pre_load
    def _empty_is_default(self, data, **kwargs):
        return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()
                if v is not None and not (isinstance(v, str) and not v.strip())}

    @validates("rate_limits")
    def _rate_limits(self, value, **kwargs):
        try:
            parse_rate_limits(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    @validates("event_retry_delays")
    def _event_retry_delays(self, value, **kwargs):
        try:
            parse_delays(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class Settings:
    """The loaded settings: ``settings.village_code``, ``settings.rpc_deadline``, ..."""

    def __init__(self, values):
        self.__dict__.update(values)
        self.rate_limit_overrides = parse_rate_limits(values["rate_limits"])
        self.event_retry_delays = parse_delays(values["event_retry_delays"])

    @property
    def web_app_target(self):
        """Where the gateway reaches the web process: ``WEB_APP_URL``, else ``WEB_APP_ADDRESS``."""
        return (self.web_app_url or url_of(self.web_app_address)).rstrip("/")

    @property
    def web_api_target(self):
        """Where the web process reaches the gateway: ``WEB_API_URL``, else ``WEB_SERVER_ADDRESS``."""
        return (self.web_api_url or url_of(self.gateway_address)).rstrip("/")

    @property
    def deployment(self):
        """``"desa"`` or ``"kelurahan"`` (the 7th digit of the village code:
        2 is a desa, 1 a kelurahan; docs/domain.md "Place")."""
        return "desa" if self.village_code[6] == "2" else "kelurahan"


def load_settings(config):
    """Read a nameko config dict; raise SettingsError naming every bad setting."""
    try:
        return Settings(SettingsSchema().load(dict(config or {})))
    except ValidationError as exc:
        problems = "; ".join("%s %s (got %s)" % (name, " ".join(messages), _shown(config, name))
                             for name, messages in sorted(exc.messages.items()))
        raise SettingsError("invalid setting: %s" % problems) from None


#: settings whose values are secrets: an error names them, never shows them
SECRET_SETTINGS = ("ADMIN_TOKEN", "AMQP_URI", "MONGO_URI")


def _shown(config, name):
    return "a hidden value" if name in SECRET_SETTINGS else repr((config or {}).get(name))


_LOADED = weakref.WeakKeyDictionary()


def settings_for(container):
    """The settings of a running service, read once per container (at its setup)."""
    try:
        found = _LOADED.get(container)
    except TypeError:  # a stand-in container that cannot be weakly referenced
        return load_settings(container.config)
    if found is None:
        found = _LOADED[container] = load_settings(container.config)
    return found
