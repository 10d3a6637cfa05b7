"""Code lists the sample uses: the registry's slugs and OpenSID's numbers.

The slug <-> number maps are the platform's own (``services/shared/codes.py``,
from OpenSID's "Kode Data" sheet); this module adds what only the generator
needs: which occupations fit which people.
"""
from services.shared import codes as shared

SEX = shared.SEX_SLUGS
RELIGION = shared.RELIGION_SLUGS
RELATIONSHIP = shared.RELATIONSHIP_SLUGS
MARITAL = shared.MARITAL_STATUS_SLUGS
EDUCATION = list(shared.EDUCATIONS)        # in the KK's order, lowest first
EDUCATION_CODE = shared.EDUCATION_SLUGS
DISABILITY = shared.DISABILITY_SLUGS

#: Youngest age (years) at which each completed level is plausible.
EDUCATION_MIN_AGE = {"none": 0, "sd_not_finished": 6, "sd": 12, "smp": 15, "sma": 18,
                     "diploma_1_2": 19, "diploma_3": 20, "bachelor": 21, "master": 23,
                     "doctorate": 27}

# OpenSID occupation codes (pekerjaan_id) used by the sample.
NOT_WORKING, HOUSEKEEPING, STUDENT, RETIRED = 1, 2, 3, 4
CIVIL_SERVANT, ARMY, POLICE, TRADE_SECTOR = 5, 6, 7, 8
PRIVATE_EMPLOYEE, SOE_EMPLOYEE, CONTRACT_STAFF = 15, 16, 18
DAILY_LABOURER, DOMESTIC_WORKER = 19, 23
BARBER, ELECTRICIAN, MASON, CARPENTER, TAILOR, MAKEUP = 24, 25, 26, 27, 30, 32
MECHANIC, IMAM, COOK = 35, 41, 46
LECTURER, TEACHER, LAWYER, ARCHITECT, ACCOUNTANT, CONSULTANT = 64, 65, 67, 69, 70, 71
DOCTOR, MIDWIFE, NURSE, PHARMACIST = 72, 73, 74, 75
DRIVER, TRADER, VILLAGE_STAFF, SELF_EMPLOYED, OTHER = 81, 84, 85, 88, 89

#: Occupations that exclude a family from KJP Plus (docs/domain.md): ASN, TNI, Polri, SOE.
STATE_EMPLOYED = shared.STATE_EMPLOYEE_OCCUPATIONS

#: Occupations a person of working age may hold; no one under 15 holds one.
WORKING = {CIVIL_SERVANT, ARMY, POLICE, TRADE_SECTOR, PRIVATE_EMPLOYEE, SOE_EMPLOYEE,
           CONTRACT_STAFF, DAILY_LABOURER, DOMESTIC_WORKER, BARBER, ELECTRICIAN, MASON,
           CARPENTER, TAILOR, MAKEUP, MECHANIC, IMAM, COOK, LECTURER, TEACHER, LAWYER,
           ARCHITECT, ACCOUNTANT, CONSULTANT, DOCTOR, MIDWIFE, NURSE, PHARMACIST, DRIVER,
           TRADER, VILLAGE_STAFF, SELF_EMPLOYED, OTHER}

#: Occupations that need a degree (bachelor or more) in this sample.
NEEDS_DEGREE = {LECTURER, LAWYER, ARCHITECT, ACCOUNTANT, DOCTOR, PHARMACIST}

# (occupation, weight) pools for working-age adults by welfare band and sex.
JOBS = {
    ("low", "M"): [(DAILY_LABOURER, 24), (TRADER, 16), (DRIVER, 16), (MASON, 8),
                   (CARPENTER, 4), (SELF_EMPLOYED, 8), (PRIVATE_EMPLOYEE, 10), (NOT_WORKING, 6),
                   (MECHANIC, 3), (BARBER, 2), (ELECTRICIAN, 2), (CONTRACT_STAFF, 1)],
    ("low", "F"): [(HOUSEKEEPING, 46), (TRADER, 16), (DOMESTIC_WORKER, 8), (DAILY_LABOURER, 8),
                   (TAILOR, 4), (PRIVATE_EMPLOYEE, 8), (COOK, 3), (NOT_WORKING, 7)],
    ("mid", "M"): [(PRIVATE_EMPLOYEE, 32), (SELF_EMPLOYED, 16), (TRADER, 12), (DRIVER, 10),
                   (CONTRACT_STAFF, 4), (CIVIL_SERVANT, 4), (TEACHER, 3), (MECHANIC, 4),
                   (ELECTRICIAN, 2), (DAILY_LABOURER, 6), (POLICE, 2), (ARMY, 1),
                   (SOE_EMPLOYEE, 2), (IMAM, 1), (NOT_WORKING, 1)],
    ("mid", "F"): [(HOUSEKEEPING, 34), (PRIVATE_EMPLOYEE, 24), (TRADER, 14), (SELF_EMPLOYED, 8),
                   (TEACHER, 5), (NURSE, 3), (MIDWIFE, 1), (TAILOR, 3), (MAKEUP, 2),
                   (CIVIL_SERVANT, 3), (CONTRACT_STAFF, 3)],
    ("high", "M"): [(PRIVATE_EMPLOYEE, 36), (SELF_EMPLOYED, 16), (CIVIL_SERVANT, 9),
                    (SOE_EMPLOYEE, 7), (LECTURER, 2), (DOCTOR, 3), (LAWYER, 2), (ARCHITECT, 2),
                    (ACCOUNTANT, 3), (CONSULTANT, 4), (POLICE, 3), (ARMY, 2), (TRADER, 6),
                    (TEACHER, 3), (PHARMACIST, 1)],
    ("high", "F"): [(PRIVATE_EMPLOYEE, 32), (HOUSEKEEPING, 24), (SELF_EMPLOYED, 9),
                    (CIVIL_SERVANT, 8), (SOE_EMPLOYEE, 4), (DOCTOR, 3), (TEACHER, 5),
                    (LECTURER, 2), (ACCOUNTANT, 3), (NURSE, 3), (PHARMACIST, 2), (TRADER, 4),
                    (CONSULTANT, 1)],
}


def band(decile):
    """Welfare band for a DTSEN decile (``None`` = unknown, treated as middle)."""
    if decile is None:
        return "mid"
    return "low" if decile <= 4 else ("mid" if decile <= 7 else "high")


def weighted(rng, pairs):
    """Pick a value from ``[(value, weight), ...]``."""
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, weight in pairs:
        x -= weight
        if x < 0:
            return value
    return pairs[-1][0]
