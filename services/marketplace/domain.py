"""The marketplace's rules about sellers and listings: plain functions, no nameko, no pymongo.

Every figure comes from ``data/marketplace/rules.json`` with its source
(docs/domain.md "UMKM and the village market", "Selling food from home").
Dates are village (WIB) dates; money is integer rupiah.
"""
import datetime
import urllib.parse

from services.shared.errors import InvalidInput, RuleRefused

from services.marketplace.contract.requests import RESIDENT_REASONS
from services.marketplace.data import rules

LICENCES = ("spp_irt", "halal")
LICENCE_NAMES = {"spp_irt": "SPP-IRT", "halal": "sertifikat halal"}


def age_on(birth_date, on):
    """Whole years between ``birth_date`` (YYYY-MM-DD or date) and ``on`` (date)."""
    if isinstance(birth_date, str):
        birth_date = datetime.date.fromisoformat(birth_date)
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def check_resident_may_sell(resident, today):
    """A seller is an active resident of the registry, 17 or older.

    Args:
        resident (dict|None): the registry projection's snapshot for the NIK.
        today (date): the village date.
    Raises RuleRefused naming ``nik`` when the resident is unknown, inactive or
    too young (UU 24/2013 Pasal 63(1): the KTP-el age, ``rules.json``).
    """
    minimum = rules()["seller_min_age"]["years"]
    if resident is None:
        raise RuleRefused("No resident with this NIK is in the registry.",
                          {"nik": ["must be the NIK of a resident in the registry"]})
    if resident.get("status") != "active":
        raise RuleRefused("The resident is not active in the registry (%s)."
                          % (resident.get("inactive_reason") or "inactive"),
                          {"nik": ["must be an active resident"]})
    if not resident.get("birth_date"):
        raise RuleRefused("The registry has no birth date for this resident.",
                          {"nik": ["needs a birth date in the registry to check the age"]})
    age = age_on(resident["birth_date"], today)
    if age < minimum:
        raise RuleRefused("A seller must be %d or older (the KTP-el age); this resident is %d."
                          % (minimum, age), {"nik": ["must be %d or older" % minimum]})


def check_scale(data):
    """The scale a seller states must fit their capital or sales (PP 7/2021 Pasal 35).

    ``data`` has ``scale`` and optional ``capital_idr`` / ``annual_sales_idr``.
    A business is in the smallest band whose capital *or* sales limit it stays
    within. Raises InvalidInput naming ``scale`` when the figures put it in
    another band the seller could choose, RuleRefused when they put it above
    small (not what the village market serves).
    """
    capital, sales = data.get("capital_idr"), data.get("annual_sales_idr")
    if capital is None and sales is None:
        return
    band = scale_of(capital, sales)
    allowed = rules()["scale_bands"]["market_scales"]
    if band not in allowed:
        raise RuleRefused("The capital or sales given are above the small-business band "
                          "(PP 7/2021): the village market serves micro and small businesses.",
                          {"scale": ["capital or sales above the small band"]})
    if data.get("scale") and data["scale"] != band:
        raise InvalidInput("The scale does not fit the figures given.",
                           {"scale": ["the capital or sales given make it %s (PP 7/2021)"
                                      % band]})


def scale_of(capital_idr, annual_sales_idr):
    """``micro``, ``small``, ``medium`` or ``large`` for the figures (None = unknown)."""
    for band in rules()["scale_bands"]["bands"]:
        if (capital_idr is not None and capital_idr <= band["max_capital_idr"]) or \
                (annual_sales_idr is not None and annual_sales_idr <= band["max_annual_sales_idr"]):
            return band["scale"]
    return "large"


def check_licences(licences, today):
    """Licence dates a typo would make wrong: an SPP-IRT is valid at most 5 years.

    Raises InvalidInput naming ``licences.spp_irt.expires_on``.
    """
    spp = (licences or {}).get("spp_irt")
    years = rules()["licences"]["spp_irt_max_years"]
    if spp and spp["expires_on"] > _add_months(today, 12 * years):
        raise InvalidInput("An SPP-IRT is valid at most %d years." % years, {
            "licences.spp_irt.expires_on": ["must be within %d years from today" % years]})


def licence_state(expires_on, today):
    """``valid``, ``expiring`` (from 6 months before) or ``expired``."""
    expires = datetime.date.fromisoformat(expires_on)
    if expires < today:
        return "expired"
    if expires <= _add_months(today, rules()["licences"]["warning_months"]):
        return "expiring"
    return "valid"


def licence_warnings(seller, today):
    """What the seller and the officer are warned of (messages in Bahasa Indonesia).

    From 6 months before an SPP-IRT or a halal certificate expires, and once
    it has; and for food and drink sellers without a halal certificate once
    it is mandatory for micro and small businesses (17 October 2026).
    Returns ``[{code, licence, expires_on, message}]``.
    """
    out = []
    licences = seller.get("licences") or {}
    for name in LICENCES:
        held = licences.get(name)
        if not held:
            continue
        state = licence_state(held["expires_on"], today)
        label = LICENCE_NAMES[name]
        if state == "expired":
            out.append({"code": name + "_expired", "licence": name,
                        "expires_on": held["expires_on"],
                        "message": "%s sudah habis berlaku sejak %s; segera perpanjang."
                                   % (label, held["expires_on"])})
        elif state == "expiring":
            out.append({"code": name + "_expiring", "licence": name,
                        "expires_on": held["expires_on"],
                        "message": "%s habis berlaku pada %s; ajukan perpanjangan paling "
                                   "lambat 6 bulan sebelumnya." % (label, held["expires_on"])})
    config = rules()["licences"]
    mandatory = datetime.date.fromisoformat(config["halal_mandatory_from"])
    if seller.get("category") in config["halal_categories"] and not licences.get("halal") \
            and today >= mandatory:
        out.append({"code": "halal_missing", "licence": "halal", "expires_on": None,
                    "message": "Sertifikat halal wajib bagi usaha mikro dan kecil makanan dan "
                               "minuman sejak %s; daftar lewat jalur self-declare (gratis)."
                               % mandatory.isoformat()})
    return out


def _add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def whatsapp_number(phone):
    """An Indonesian mobile number as WhatsApp wants it: ``62`` + the number, digits only."""
    digits = phone.lstrip("+")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


def whatsapp_url(phone, text=None):
    """``https://wa.me/<62...>`` with ``text`` prefilled (WhatsApp's click-to-chat link)."""
    url = "https://wa.me/%s" % whatsapp_number(phone)
    if text:
        url += "?text=" + urllib.parse.quote(text, safe="")
    return url


def suspension_reason_for(deactivation_reason):
    """The seller's suspension reason when the registry deactivates the resident."""
    reason = "resident_%s" % (deactivation_reason or "other")
    return reason if reason in RESIDENT_REASONS else "resident_other"


def listing_status_for(wanted, stock):
    """The status a seller's listing gets: ``draft`` stays draft; ``active`` with no
    stock shows ``sold_out`` (and the reverse when stock comes back)."""
    if wanted == "draft":
        return "draft"
    return "active" if stock > 0 else "sold_out"


def may_reinstate(seller, resident):
    """Raise RuleRefused unless a suspended seller may be reinstated: their resident
    must be active in the registry again."""
    if seller["status"] != "suspended":
        raise RuleRefused("Only a suspended seller can be reinstated (this one is %s)."
                          % seller["status"], {"status": ["must be suspended"]})
    if resident is None or resident.get("status") != "active":
        raise RuleRefused("The resident is not active in the registry; reinstate after the "
                          "registry record is active again.",
                          {"nik": ["the resident is not active in the registry"]})

