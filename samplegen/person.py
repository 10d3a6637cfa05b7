"""Per-resident attributes that must agree with age, sex and the family's welfare.

Education follows the Indonesian school ladder (SD 7-12, SMP 13-15, SMA 16-18;
a level counts as finished only after its last year); occupations are
OpenSID codes (1-89) drawn from pools by welfare band; no one under 15 works.
"""
from samplegen import codes
from samplegen.codes import EDUCATION, band, weighted

ADULT_EDUCATION = {
    "low": [("sd_not_finished", 8), ("sd", 30), ("smp", 30), ("sma", 28),
            ("diploma_1_2", 2), ("bachelor", 2)],
    "mid": [("sd", 10), ("smp", 18), ("sma", 50), ("diploma_1_2", 4), ("diploma_3", 7),
            ("bachelor", 11)],
    "high": [("smp", 3), ("sma", 25), ("diploma_3", 12), ("bachelor", 45), ("master", 13),
             ("doctorate", 2)],
}
UNIVERSITY_SHARE = {"low": 0.10, "mid": 0.35, "high": 0.70}
DROPOUT_SHARE = {"low": 0.12, "mid": 0.04, "high": 0.0}
DISABILITY_TYPES = [("physical", 40), ("blind", 15), ("deaf_mute", 15), ("mental", 15),
                    ("physical_and_mental", 5), ("other", 10)]
PHONE_PREFIXES = ["0811", "0812", "0813", "0821", "0822", "0823", "0852", "0853", "0814",
                  "0815", "0816", "0855", "0856", "0857", "0858", "0817", "0818", "0819",
                  "0859", "0877", "0878", "0895", "0896", "0897", "0898", "0899", "0881",
                  "0882", "0883", "0838"]
#: Share of married women aged 18-45 who are pregnant on the reference date (brief: ~3%).
PREGNANT_SHARE = 0.03


def _level(slug):
    return EDUCATION.index(slug)


def education(rng, age, b, birth_year, married=False):
    """(education slug, in_school bool) for someone ``age`` years old.

    A married person is not at school (SD/SMP/SMA), though may be at university.
    """
    if age < 7:
        return "none", age >= 5
    if age <= 18:
        if married or (age >= 15 and rng.random() < DROPOUT_SHARE[b]):
            return ("sd" if age < 17 else rng.choice(["sd", "smp"])), False
        return ("sd_not_finished" if age <= 12 else "sd" if age <= 15 else "smp"), True
    if age <= 23 and rng.random() < UNIVERSITY_SHARE[b]:
        return "sma", True
    slug = weighted(rng, ADULT_EDUCATION[b])
    if birth_year < 1965 and rng.random() < 0.5:
        slug = EDUCATION[max(0 if b == "low" else 1, _level(slug) - 1)]
    while codes.EDUCATION_MIN_AGE[slug] > age:
        slug = EDUCATION[_level(slug) - 1]
    return slug, False


def _job(rng, person, b):
    sex, edu = person["sex"], _level(person["education"])
    for _ in range(8):
        job = weighted(rng, codes.JOBS[(b, sex)])
        if job in codes.NEEDS_DEGREE and edu < _level("bachelor"):
            continue
        if job in (codes.TEACHER, codes.NURSE, codes.MIDWIFE) and edu < _level("diploma_1_2"):
            continue
        if job in (codes.CIVIL_SERVANT, codes.SOE_EMPLOYEE, codes.POLICE, codes.ARMY) \
                and edu < _level("sma"):
            continue
        if job == codes.HOUSEKEEPING and person["marital_status"] == "single":
            continue
        return job
    return codes.TRADER if edu < _level("sma") else codes.PRIVATE_EMPLOYEE


def occupation(rng, person, age, b):
    """OpenSID occupation code fitting age, schooling, sex and welfare band."""
    if person["relationship"] == "domestic_worker":
        return codes.DOMESTIC_WORKER
    if age < 7:
        return codes.NOT_WORKING
    if person["in_school"]:
        return codes.STUDENT
    if age < 15:
        return codes.NOT_WORKING
    if age < 19:
        return weighted(rng, [(codes.NOT_WORKING, 4), (codes.DAILY_LABOURER, 3),
                              (codes.TRADER, 2), (codes.PRIVATE_EMPLOYEE, 1)])
    if person["disability"] != "none" and rng.random() < 0.5:
        return codes.NOT_WORKING
    if age >= 60:
        if person["sex"] == "F":
            return weighted(rng, [(codes.HOUSEKEEPING, 55), (codes.NOT_WORKING, 25),
                                  (codes.TRADER, 15), (codes.RETIRED, 5)])
        formal = _level(person["education"]) >= _level("sma")
        return weighted(rng, [(codes.RETIRED, 40 if formal else 5), (codes.NOT_WORKING, 25),
                              (codes.TRADER, 15), (codes.SELF_EMPLOYED, 15),
                              (codes.IMAM, 2), (codes.DRIVER, 3)])
    return _job(rng, person, b)


def disability(rng, age):
    """Disability slug; about 2% overall, more among the elderly."""
    share = 0.010 if age < 18 else (0.018 if age < 60 else 0.07)
    return weighted(rng, DISABILITY_TYPES) if rng.random() < share else "none"


def fill(rng, person, age, decile, phones):
    """Set education, in_school, disability, occupation, pregnant and phone on ``person``.

    ``phones`` is the set of numbers already handed out (kept unique).
    """
    b = band(decile)
    person["education"], person["in_school"] = education(
        rng, age, b, person["birth_date"].year, person["marital_status"] != "single")
    person["disability"] = disability(rng, age)
    person["occupation_code"] = occupation(rng, person, age, b)
    person["pregnant"] = (person["sex"] == "F" and person["marital_status"] == "married"
                          and 18 <= age <= 45 and rng.random() < PREGNANT_SHARE)
    share = 0.93 if age < 60 else (0.65 if age < 75 else 0.3)
    person["phone"] = ""
    if age >= 17 and rng.random() < share:
        while True:
            number = rng.choice(PHONE_PREFIXES) + "".join(
                str(rng.randint(0, 9)) for _ in range(rng.choice((7, 8))))
            if number not in phones:
                phones.add(number)
                person["phone"] = number
                break
