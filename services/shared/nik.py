"""NIK and KK number rules (docs/domain.md, "NIK and KK").

NIK: 16 digits ``PP RR SS DDMMYY NNNN``: province, regency/city and district
where the number was first issued (not necessarily where the person lives),
birth date with 40 added to the day for women, and a serial from 0001.
Structural checks: 16 digits; a real date through python-stdnum's
``stdnum.id.nik`` (which takes the day modulo 40, so the day part is also
required to be 01-31 or 41-71 here); a province among Kemendagri's 38 codes
and a regency part other than 00. stdnum's own place table is not used for
the province: it follows BPS, lacks Kalimantan Utara (65) and the Papua
provinces created in 2022 (92-96), and checks only the province anyway
(checked here with python-stdnum 2.2). stdnum accepts serial 0000, which real
numbers never use, so that is refused here. A disagreement between the
encoded date/sex and the stated ones is *flagged*, not refused: real
civil-registry data carries such mismatches (a corrected birth date does not
change the NIK).

KK: 16 digits, the same 6-digit area code, the card's issue date (DDMMYY, no
+40) and a serial. An old card whose date part does not parse is a warning.

Temporary numbers (OpenSID's practice for a resident with no known NIK):
``0`` + the 10-digit village code + a 5-digit counter.
"""
import datetime
import re

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.id import nik as stdnum_nik

#: Kelurahan Tanjung Barat, Kec. Jagakarsa, Jakarta Selatan (Kepmendagri 300.2.2-2138/2025).
DEFAULT_VILLAGE_CODE = "3174091005"

TEMPORARY_RE = re.compile(r"^0\d{15}$")

#: Kemendagri province codes (38 provinces, Kepmendagri 300.2.2-2138/2025 as in cahyadsn/wilayah).
PROVINCES = {
    "11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau", "15": "Jambi",
    "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung",
    "19": "Kepulauan Bangka Belitung", "21": "Kepulauan Riau", "31": "DKI Jakarta",
    "32": "Jawa Barat", "33": "Jawa Tengah", "34": "DI Yogyakarta", "35": "Jawa Timur",
    "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat", "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat", "62": "Kalimantan Tengah", "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur", "65": "Kalimantan Utara", "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara",
    "75": "Gorontalo", "76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara",
    "91": "Papua", "92": "Papua Barat", "93": "Papua Selatan", "94": "Papua Tengah",
    "95": "Papua Pegunungan", "96": "Papua Barat Daya",
}

FLAG_BIRTH_DATE = "nik_birth_date_mismatch"
FLAG_SEX = "nik_sex_mismatch"
FLAG_TEMPORARY = "temporary_nik"
FLAG_KK_DATE = "kk_issue_date_unparsable"
#: every flag ``nik_quality_flags`` gives a person (the data-quality queue asks for these)
RESIDENT_FLAGS = (FLAG_TEMPORARY, FLAG_BIRTH_DATE, FLAG_SEX)


class NumberRuleError(ValueError):
    """A NIK or KK breaks a rule; ``str(exc)`` names the rule in plain words."""


def is_temporary(number):
    """True when ``number`` has the shape of a temporary (no-NIK) number."""
    return bool(TEMPORARY_RE.match(number or ""))


def temporary_number(village_code, counter):
    """Build a temporary number: ``0`` + 10-digit village code + 5-digit counter."""
    if not re.match(r"^\d{10}$", village_code) or not 0 < counter < 100000:
        raise NumberRuleError("temporary number needs a 10-digit village code and counter 1-99999")
    return "0%s%05d" % (village_code, counter)


def _structure(number, what):
    if not isinstance(number, str) or not number.isdigit():
        raise NumberRuleError("%s must be 16 digits (0-9 only)" % what)
    if len(number) != 16:
        raise NumberRuleError("%s must be exactly 16 digits, got %d" % (what, len(number)))


def _check_area(number, what):
    if number[:2] not in PROVINCES:
        raise NumberRuleError("%s digits 1-2 must be a Kemendagri province code" % what)
    if number[2:4] == "00":
        raise NumberRuleError("%s digits 3-4 must be a regency/city code (not 00)" % what)


def validate_nik(nik):
    """Check a NIK's structure; return it.

    Raises NumberRuleError naming the broken rule: not 16 digits; a day part
    outside 01-31 and 41-71; no real date in DDMMYY; unknown province or
    regency 00; serial 0000. Temporary numbers are *not* accepted here (see
    ``is_temporary``).
    """
    _structure(nik, "NIK")
    day = int(nik[6:8])
    if not (1 <= day <= 31 or 41 <= day <= 71):
        raise NumberRuleError("NIK digits 7-8 must be the birth day, 01-31 (men) or "
                              "41-71 (women add 40)")
    try:
        stdnum_nik.get_birth_date(nik)
    except StdnumError:
        raise NumberRuleError("NIK digits 7-12 must be a real birth date DDMMYY "
                              "(women add 40 to the day)") from None
    _check_area(nik, "NIK")
    if nik[12:] == "0000":
        raise NumberRuleError("NIK serial (digits 13-16) must not be 0000")
    return nik


def nik_encoded(nik):
    """Return ``{"sex": "M"|"F", "day": int, "month": int, "yy": int}`` read from a NIK."""
    day = int(nik[6:8])
    return {"sex": "F" if day > 40 else "M", "day": day % 40,
            "month": int(nik[8:10]), "yy": int(nik[10:12])}


def nik_quality_flags(nik, birth_date, sex):
    """Compare a NIK's encoded date and sex with the stated ones.

    Args:
        nik (str): a structurally valid NIK or a temporary number.
        birth_date (datetime.date): the stated birth date.
        sex (str): ``"M"`` or ``"F"``.
    Returns:
        list[str]: flags (``temporary_nik``, ``nik_birth_date_mismatch``,
        ``nik_sex_mismatch``); empty when everything agrees.
    """
    if is_temporary(nik):
        return [FLAG_TEMPORARY]
    enc = nik_encoded(nik)
    flags = []
    if (enc["day"], enc["month"], enc["yy"]) != (birth_date.day, birth_date.month,
                                                  birth_date.year % 100):
        flags.append(FLAG_BIRTH_DATE)
    if enc["sex"] != sex:
        flags.append(FLAG_SEX)
    return flags


def validate_kk(kk_number):
    """Check a KK (family card) number; return a list of warnings.

    Raises NumberRuleError when it is not 16 digits, its province (digits
    1-2) is not a Kemendagri code or its regency (digits 3-4) is 00. An issue date (digits 7-12) that
    does not parse is only a warning (old cards; unverified in docs/domain.md).
    """
    _structure(kk_number, "KK number")
    _check_area(kk_number, "KK number")
    if kk_number[12:] == "0000":
        raise NumberRuleError("KK number serial (digits 13-16) must not be 0000")
    try:
        datetime.date(2000 + int(kk_number[10:12]), int(kk_number[8:10]), int(kk_number[6:8]))
    except ValueError:
        return [FLAG_KK_DATE]
    return []


def mask_nik(nik):
    """Mask a NIK as docs/contract.md shows: first 4 and last 4 digits kept."""
    if not nik or len(nik) < 8:
        return nik
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:]


#: a run of exactly 16 digits: a NIK, a KK number or a temporary number
NIK_LIKE = re.compile(r"(?<!\d)\d{16}(?!\d)")


def mask_niks_in_text(text):
    """``text`` with every NIK-like 16-digit number masked (``mask_nik``): for logs,
    parked message dumps and any other free text read by more people than the
    registry is (issue 8, item 12). KK numbers, of the same shape, are masked too."""
    return NIK_LIKE.sub(lambda m: mask_nik(m.group(0)), text)
