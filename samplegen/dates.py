"""The sample's reference date and age arithmetic.

Ages in the sample are true on REFERENCE_DATE (the date the sample was
drawn), so the output does not depend on the day the generator runs.
"""
import datetime

REFERENCE_DATE = datetime.date(2026, 11, 29)
DAYS_PER_YEAR = 365.2425


def birth_date(age_years):
    """The birth date of someone ``age_years`` (float) old on REFERENCE_DATE.

    Their completed age on REFERENCE_DATE is ``int(age_years)`` exactly, so
    rules written on float ages (a spouse is at least 19) hold for whole years.
    """
    born = REFERENCE_DATE - datetime.timedelta(days=int(age_years * DAYS_PER_YEAR))
    while age_on(born) < int(age_years):
        born -= datetime.timedelta(days=1)
    while age_on(born) > int(age_years):
        born += datetime.timedelta(days=1)
    return born


def age_on(born, on=REFERENCE_DATE):
    """Completed years between ``born`` and ``on`` (both datetime.date)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def random_date(rng, start, end):
    """A date uniformly between ``start`` and ``end`` inclusive."""
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))
