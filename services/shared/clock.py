"""The one clock: UTC instants and village-local dates (docs/contract.md "Conventions").

- An instant is an aware ``datetime`` in UTC inside a service and an ISO 8601
  string with millisecond precision and ``Z`` outside it
  (``2026-11-29T08:00:00.000Z``). Milliseconds because that is what MongoDB
  stores (BSON dates), so an instant read back compares equal to the one written.
- A village date (a round's first day, a report's month) is the calendar date
  in WIB, Asia/Jakarta: UTC+7 all year (Indonesia keeps no daylight saving).
"""
import datetime

UTC = datetime.timezone.utc
#: Western Indonesia Time (Asia/Jakarta), the kelurahan's calendar.
WIB = datetime.timezone(datetime.timedelta(hours=7), "WIB")


def now():
    """The current instant: an aware UTC datetime, truncated to milliseconds."""
    value = datetime.datetime.now(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def iso(value):
    """An instant as ``YYYY-MM-DDTHH:MM:SS.mmmZ``; None stays None.

    A naive datetime is taken as UTC (pymongo answers naive UTC unless
    ``tz_aware``); a string is returned as it is (already an instant).
    """
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (value.microsecond // 1000)


def now_iso():
    """``iso(now())``."""
    return iso(now())


def parse_instant(text):
    """An ISO 8601 instant with an offset (``...Z`` or ``+07:00``) as an aware UTC datetime.

    Raises ValueError when ``text`` is not one (a naive time has no meaning here).
    """
    value = datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("an instant needs its offset, e.g. 2026-01-05T00:00:00Z")
    return value.astimezone(UTC)


def village_date(value=None):
    """The WIB calendar date of an instant (default: now)."""
    value = value or now()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(WIB).date()


def village_today():
    """Today in the village (WIB): the day a round starts or ends is a local day."""
    return village_date()
