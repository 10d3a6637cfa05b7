"""NIK and KK numbers for the sample: valid, unique, and a few deliberately odd.

A NIK is ``PPRRSS DDMMYY NNNN`` (docs/domain.md "NIK and KK"): the district where it
was first issued, the birth date with 40 added to the day for women, and a
serial from 0001 that is unique for that district and date. A KK is the
issuing district, the card's issue date (no +40) and a serial. Every number
made here passes ``services.shared.nik.validate_nik`` / ``validate_kk``.

Deliberate oddities (real civil-registry data has them): a NIK whose encoded
birth date differs from the stated one (a corrected birth date does not change
the NIK, and elderly people registered with a default date), a NIK whose
encoded sex differs, and residents with no NIK yet.
"""
import datetime

from services.shared.nik import validate_kk, validate_nik


class Numbers:
    """Hands out unique NIK and KK numbers; one instance per generated sample."""

    def __init__(self, rng):
        self.rng = rng
        self.used = set()
        self.next_serial = {}

    def _serial(self, prefix12):
        # Serials start low and grow in small steps, as a district's register does.
        last = self.next_serial.get(prefix12)
        serial = self.rng.randint(1, 25) if last is None else last + self.rng.randint(1, 4)
        while prefix12 + "%04d" % serial in self.used:
            serial += 1
        if serial > 9999:
            raise ValueError("serials exhausted for %s" % prefix12)
        self.next_serial[prefix12] = serial
        number = prefix12 + "%04d" % serial
        self.used.add(number)
        return number

    def nik(self, district6, encoded_date, encoded_sex):
        """A new NIK for ``district6`` encoding ``encoded_date`` (date) and sex ``M``/``F``."""
        day = encoded_date.day + (40 if encoded_sex == "F" else 0)
        prefix = "%s%02d%02d%02d" % (district6, day, encoded_date.month, encoded_date.year % 100)
        return validate_nik(self._serial(prefix))

    def kk(self, district6, issued):
        """A new KK number for ``district6`` issued on ``issued`` (date)."""
        prefix = "%s%02d%02d%02d" % (district6, issued.day, issued.month, issued.year % 100)
        number = self._serial(prefix)
        if validate_kk(number):
            raise ValueError("KK %s has an unparsable date" % number)
        return number


def shifted_birth_date(rng, born, today):
    """The date a NIK carries when it disagrees with the stated birth date ``born``.

    Kinds seen in real data: a registry default (1 July or 31 December of the
    year, used when a birth date was unknown), a corrected day or month, a
    year off by one. Never after ``today`` and never equal to ``born``.
    """
    for _ in range(20):
        kind = rng.choice(["default", "day", "month", "year"])
        try:
            if kind == "default":
                other = datetime.date(born.year, 7, 1) if rng.random() < 0.6 \
                    else datetime.date(born.year, 12, 31)
            elif kind == "day":
                other = born + datetime.timedelta(days=rng.choice([-3, -2, -1, 1, 2, 3, 10]))
            elif kind == "month":
                other = born.replace(month=rng.choice([m for m in range(1, 13) if m != born.month]))
            else:
                other = born.replace(year=born.year + rng.choice([-1, 1]))
        except ValueError:  # 29 February, 31st of a short month
            continue
        if other != born and other <= today:
            return other
    return born - datetime.timedelta(days=1)
