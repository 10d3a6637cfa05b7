"""Household (KK) socio-economic attributes, drawn to fit the welfare decile.

Deciles are DTSEN's (1 poorest, 10 richest; docs/domain.md). A Jakarta kelurahan
is richer than the national average, so fewer than 40% of its families are
in deciles 1-4: the weights below give about 25-35%. Income bands are
synthetic, placed around Jakarta's minimum wage (about Rp5.4 million a month).
"""
import math

from samplegen.codes import band, weighted

#: Weights for deciles 1..10 by RW profile.
DECILE_WEIGHTS = {
    "kampung": [9, 10, 11, 11, 11, 11, 10, 10, 9, 8],
    "mixed": [5, 6, 7, 8, 10, 12, 13, 14, 13, 12],
    "kompleks": [1, 1, 2, 3, 6, 9, 14, 20, 22, 22],
}
#: Share of families not (yet) in DTSEN: decile unknown (CSV: empty).
UNKNOWN_DECILE = 0.02
#: Monthly family income range (rupiah) per decile.
INCOME_IDR = {1: (700_000, 1_900_000), 2: (1_600_000, 2_800_000), 3: (2_400_000, 3_600_000),
              4: (3_200_000, 4_600_000), 5: (4_200_000, 5_800_000), 6: (5_400_000, 7_400_000),
              7: (7_000_000, 9_500_000), 8: (9_000_000, 13_000_000),
              9: (12_500_000, 20_000_000), 10: (19_000_000, 60_000_000)}
CAR_SHARE = [0.005, 0.01, 0.01, 0.02, 0.05, 0.10, 0.20, 0.38, 0.60, 0.82]

HOUSING = {
    "house_ownership": {
        "low": [("own", 35), ("rent", 45), ("family", 17), ("other", 3)],
        "mid": [("own", 60), ("rent", 28), ("family", 10), ("official", 1), ("other", 1)],
        "high": [("own", 85), ("rent", 10), ("family", 3), ("official", 2)]},
    "floor_type": {
        "low": [("ceramic", 60), ("cement", 35), ("wood", 3), ("earth", 2)],
        "mid": [("ceramic", 92), ("cement", 8)],
        "high": [("ceramic", 75), ("granite", 18), ("wood", 7)]},
    "wall_type": {
        "low": [("brick", 80), ("wood", 16), ("bamboo", 2), ("other", 2)],
        "mid": [("brick", 97), ("wood", 3)],
        "high": [("brick", 85), ("concrete", 15)]},
    "roof_type": {
        "low": [("zinc", 35), ("asbestos", 35), ("tile", 30)],
        "mid": [("tile", 60), ("asbestos", 25), ("zinc", 10), ("concrete", 5)],
        "high": [("tile", 65), ("concrete", 30), ("asbestos", 5)]},
    "water_source": {
        "low": [("piped", 40), ("well", 45), ("bottled", 12), ("other", 3)],
        "mid": [("piped", 45), ("well", 40), ("bottled", 15)],
        "high": [("piped", 55), ("well", 30), ("bottled", 15)]},
    "electricity_va": {
        "low": [(450, 33), (900, 50), (1300, 15), (0, 2)],
        "mid": [(900, 30), (1300, 50), (2200, 20)],
        "high": [(1300, 10), (2200, 40), (3500, 30), (5500, 20)]},
    "cooking_fuel": {
        "low": [("lpg", 94), ("kerosene", 3), ("wood", 1), ("other", 2)],
        "mid": [("lpg", 97), ("electric", 3)],
        "high": [("lpg", 85), ("electric", 15)]},
    "sanitation": {
        "low": [("private", 70), ("shared", 22), ("public", 7), ("none", 1)],
        "mid": [("private", 95), ("shared", 5)],
        "high": [("private", 1)]},
}


def decile(rng, profile):
    """Draw a DTSEN decile (1-10) for a family in an RW of ``profile``, or None."""
    if rng.random() < UNKNOWN_DECILE:
        return None
    return weighted(rng, list(zip(range(1, 11), DECILE_WEIGHTS[profile], strict=True)))


def income_idr(rng, dec):
    """Monthly family income in rupiah, inside the decile's band, rounded to Rp50,000."""
    low, high = INCOME_IDR[dec if dec is not None else rng.randint(3, 8)]
    value = math.exp(rng.uniform(math.log(low), math.log(high)))
    return int(round(value / 50_000.0)) * 50_000


def attributes(rng, dec):
    """The household columns of the CSV for a family of decile ``dec`` (None: unknown).

    Returns dict: welfare_decile (int|None), monthly_income_idr (int rupiah),
    the housing fields of docs/registry-data.md, and has_car (bool).
    """
    b = band(dec)
    attrs = {"welfare_decile": dec, "monthly_income_idr": income_idr(rng, dec)}
    for field, pools in HOUSING.items():
        attrs[field] = weighted(rng, pools[b])
    attrs["has_car"] = rng.random() < CAR_SHARE[(dec or 5) - 1]
    return attrs
