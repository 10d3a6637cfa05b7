"""Draw the whole sample: RWs and RTs, families, residents, NIK and KK numbers.

One ``random.Random(seed)`` drives every choice in a fixed order, so a seed
always gives the same sample, byte for byte.
"""
import datetime
import random

from samplegen import family, household, names, person, places
from samplegen.dates import REFERENCE_DATE, age_on, birth_date, random_date
from samplegen.numbers import Numbers, shifted_birth_date

FAMILIES = 1500
TEMPORARY_SHARE = 0.003       # residents with no NIK yet (brief: ~0.3%)
DATE_MISMATCH_SHARE = 0.01    # NIK date differs from the stated birth date (~1%)
SEX_MISMATCH_SHARE = 0.001    # NIK day without (or with) the +40 of the other sex
RT_DENSITY = {"kampung": 1.4, "mixed": 1.0, "kompleks": 0.6}
KK_EARLIEST = datetime.date(2008, 1, 1)   # 16-digit cards from the SIAK era on


def _rts(rng, rws):
    slots = []
    for rw in rws:
        for rt in rw["rts"]:
            slots.append((rw, rt, RT_DENSITY[rw["profile"]] * rng.uniform(0.6, 1.4)))
    return slots


def _household(rng, rw, rt):
    dec = household.decile(rng, rw["profile"])
    members, _ = family.build(rng, dec)
    street = rng.choice(rw["streets"])
    hh = {"street": places.address(rng, street, rw["profile"]), "rt": rt, "rw": rw["rw"],
          "dusun": "", "village_code": places.VILLAGE_CODE}
    hh.update(household.attributes(rng, dec))
    hh["members"] = members
    return hh


def _people(rng, hh, phones):
    """Birth dates, birthplaces, NIK districts, names and attributes of one family."""
    for p in hh["members"]:
        p["birth_date"] = birth_date(p["age"])
        age = age_on(p["birth_date"])
        if p["arrived"] is None:
            p["birth_place"] = "Jakarta"
            home = 0.96 if age < 18 else 0.88
            p["nik_district"] = places.JAGAKARSA if rng.random() < home \
                else places.jakarta_elsewhere(rng)[0]
        else:
            p["nik_district"], p["birth_place"] = p["origin"]
            if p["arrived"] > family.EKTP_YEARS and rng.random() < 0.8:
                p["nik_district"] = places.JAGAKARSA
            elif p["arrived"] > family.EKTP_YEARS:
                p["nik_district"] = places.jakarta_elsewhere(rng)[0]
        p["full_name"] = names.full_name(rng, p["ethnicity"], p["sex"], p["birth_date"].year,
                                         p["religion"], p["surname"], p["birth_order"])
        person.fill(rng, p, age, hh["welfare_decile"], phones)


def _pick_oddities(rng, residents, k_temp, k_date, k_sex):
    """Choose who has no NIK (``k_temp``), a NIK with another date, or with the other sex."""
    infants = [p for p in residents if age_on(p["birth_date"]) < 1]
    elderly = [p for p in residents if age_on(p["birth_date"]) >= 70]
    k_inf = min(len(infants), (2 * k_temp + 2) // 3)
    temporary = rng.sample(infants, k_inf) + rng.sample(elderly, min(len(elderly), k_temp - k_inf))
    for p in temporary:
        p["odd"] = "no_nik"
    rest = [p for p in residents if "odd" not in p and age_on(p["birth_date"]) >= 1]
    older = [p for p in rest if age_on(p["birth_date"]) >= 50]
    chosen = rng.sample(older, min(len(older), int(k_date * 0.6)))
    for p in chosen:
        p["odd"] = "date"
    younger = [p for p in rest if "odd" not in p]
    for p in rng.sample(younger, k_date - len(chosen)):
        p["odd"] = "date"
    adults = [p for p in residents if "odd" not in p and age_on(p["birth_date"]) >= 17]
    for p in rng.sample(adults, k_sex):
        p["odd"] = "sex"


def _numbers(rng, households, numbers):
    for hh in households:
        for p in hh["members"]:
            odd = p.get("odd")
            if odd == "no_nik":
                p["nik"] = ""
                continue
            encoded = p["birth_date"]
            if odd == "date":
                encoded = shifted_birth_date(rng, p["birth_date"], REFERENCE_DATE)
            sex = p["sex"] if odd != "sex" else ("F" if p["sex"] == "M" else "M")
            p["nik"] = numbers.nik(p["nik_district"], encoded, sex)
        with_nik = [p for p in hh["members"] if p["nik"]]
        lo = max([KK_EARLIEST] + [p["birth_date"] for p in with_nik]
                 + [REFERENCE_DATE - datetime.timedelta(days=int(p["arrived"] * 365))
                    for p in hh["members"] if p["arrived"] is not None])
        issued = random_date(rng, min(lo, REFERENCE_DATE - datetime.timedelta(days=7)),
                             REFERENCE_DATE - datetime.timedelta(days=7))
        hh["kk_number"] = numbers.kk(places.JAGAKARSA, issued)


def generate(seed, families=FAMILIES, extra_residents=0):
    """Draw the sample.

    Args:
        seed (int): the random seed; the same seed gives the same sample.
        families (int): number of families (KK) in the main sample.
        extra_residents (int): draw further families afterwards until they hold
            at least this many residents, with the same number allocator (the
            OpenSID spreadsheet: its NIKs never collide with the CSV's); they
            do not change the main sample.
    Returns:
        (list[dict], list[dict]): main and extra households, each with its
        members under ``"members"``, sorted by RW, RT and address.
    """
    rng = random.Random(seed)
    rws = places.layout(rng)
    slots = _rts(rng, rws)
    weights = [w for _, _, w in slots]
    numbers, phones = Numbers(rng), set()
    out = []
    for main in (True, False):
        households = []
        while (len(households) < families if main else
               sum(len(h["members"]) for h in households) < extra_residents):
            rw, rt, _w = rng.choices(slots, weights)[0]
            households.append(_household(rng, rw, rt))
        households.sort(key=lambda h: (h["rw"], h["rt"]))
        for hh in households:
            _people(rng, hh, phones)
        residents = [p for hh in households for p in hh["members"]]
        n = len(residents)
        if main:
            _pick_oddities(rng, residents, max(1, round(n * TEMPORARY_SHARE)),
                           round(n * DATE_MISMATCH_SHARE), max(3, round(n * SEX_MISMATCH_SHARE)))
        elif residents:
            _pick_oddities(rng, residents, 0, 1, 0)   # OpenSID sample: one mismatch
        _numbers(rng, households, numbers)
        out.append(households)
    return out[0], out[1]
