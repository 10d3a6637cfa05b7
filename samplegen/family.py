"""Family (KK) structures: who lives on one family card, with ages that fit.

A family is a list of person dicts; ages are float years at the reference
date. Rules kept here (and checked by tests): spouses and children-in-law are
at least 19; a child is 19-44 years younger than the mother and at least 19
younger than the father; a parent of the head is at least 18 years older than
the head; grandchildren are 19+ years younger than their own parent.
"""
from samplegen import names, places
from samplegen.codes import band, weighted

ETHNICITIES = [("betawi", 28), ("javanese", 30), ("sundanese", 17), ("minang", 6),
               ("batak", 6), ("chinese", 6), ("eastern", 3), ("bugis", 2), ("balinese", 0.5)]
RELIGIONS = {
    "betawi": [("islam", 99.5), ("protestant", 0.5)],
    "javanese": [("islam", 93), ("protestant", 3.5), ("catholic", 3.3), ("buddhist", 0.2)],
    "sundanese": [("islam", 99), ("protestant", 1)],
    "minang": [("islam", 1)], "bugis": [("islam", 1)],
    "batak": [("protestant", 65), ("catholic", 15), ("islam", 20)],
    "chinese": [("buddhist", 48), ("protestant", 24), ("catholic", 22), ("confucian", 3),
                ("islam", 4)],
    "eastern": [("protestant", 55), ("catholic", 35), ("islam", 10)],
    "balinese": [("hindu", 1)],
}
# Indonesian marriages are almost always within one religion.
SPOUSE_ETHNICITIES = {
    "islam": ["betawi", "javanese", "sundanese", "minang", "bugis"],
    "protestant": ["javanese", "batak", "eastern", "chinese"],
    "catholic": ["javanese", "batak", "eastern", "chinese"],
    "buddhist": ["chinese"], "confucian": ["chinese"], "hindu": ["balinese"],
}
KINDS = {
    "low": [("nuclear", 44), ("couple", 8), ("single_parent", 12), ("single", 9),
            ("extended_up", 8), ("three_gen", 12), ("other_relative", 4), ("female_head", 2)],
    "mid": [("nuclear", 48), ("couple", 12), ("single_parent", 8), ("single", 11),
            ("extended_up", 7), ("three_gen", 8), ("other_relative", 3), ("female_head", 1)],
    "high": [("nuclear", 48), ("couple", 14), ("single_parent", 6), ("single", 12),
             ("extended_up", 6), ("three_gen", 5), ("other_relative", 2), ("female_head", 1),
             ("domestic_worker", 4)],
}
CHILDREN = {
    "low": [(0, 3), (1, 15), (2, 30), (3, 28), (4, 16), (5, 8)],
    "mid": [(0, 4), (1, 21), (2, 40), (3, 26), (4, 9)],
    "high": [(0, 6), (1, 24), (2, 46), (3, 20), (4, 4)],
}
#: Years since 2011 (e-KTP): a migrant who came later keeps the NIK issued back home.
EKTP_YEARS = 15


class Builder:
    """Builds one family; ``members`` holds person dicts in KK order."""

    def __init__(self, rng, decile):
        self.rng = rng
        self.band = band(decile)
        self.ethnicity = weighted(rng, ETHNICITIES)
        self.religion = weighted(rng, RELIGIONS[self.ethnicity])
        native = 0.88 if self.ethnicity == "betawi" else 0.32
        x = rng.random()
        # How long ago the family's adults came to Jakarta (None: born here).
        if x < native:
            self.arrived = None
        elif x < native + (1 - native) * 0.62:
            self.arrived = rng.uniform(EKTP_YEARS + 1, 40)
        else:
            self.arrived = rng.uniform(0.5, EKTP_YEARS)
        self.origin = places.origin(rng, self.ethnicity)
        self.surname = names.family_name(rng, self.ethnicity, self.religion)
        self.members = []

    def person(self, sex, age, relationship, marital, ethnicity=None, surname=None,
               arrived="family", origin=None, birth_order=1, **links):
        """Append a person; ``arrived`` is years since they came (None: born here)."""
        ethnicity = ethnicity or self.ethnicity
        if arrived == "family":
            arrived = self.arrived
        if arrived is not None and age <= arrived:
            arrived = None   # born after the move: born in Jakarta
        p = {"sex": sex, "age": age, "relationship": relationship, "marital_status": marital,
             "ethnicity": ethnicity, "religion": self.religion, "surname": surname,
             "arrived": arrived, "origin": origin or self.origin, "birth_order": birth_order,
             "father": links.get("father"), "mother": links.get("mother")}
        self.members.append(p)
        return p

    def spouse_ethnicity(self):
        if self.rng.random() < 0.75:
            return self.ethnicity
        return self.rng.choice(SPOUSE_ETHNICITIES[self.religion])

    def in_law(self, sex, age, relationship):
        """A spouse who married in: own ethnicity, own origin, own marga."""
        rng = self.rng
        eth = self.spouse_ethnicity()
        if eth == "balinese" and self.religion != "hindu":
            eth = self.ethnicity
        surname = names.family_name(rng, eth, self.religion)
        here = self.arrived is None and rng.random() < 0.7
        arrived = None if here else rng.uniform(0.5, max(1.0, min(age - 17, 40)))
        return self.person(sex, age, relationship, "married", ethnicity=eth, surname=surname,
                           arrived=arrived, origin=places.origin(rng, eth))

    def children(self, mother, father, relationship="child", count=None):
        """Add the children of ``mother`` (and ``father``) still on this card."""
        rng = self.rng
        n = weighted(rng, CHILDREN[self.band]) if count is None else count
        if n == 0:
            return []
        first_at = rng.uniform(19, 27 if self.band == "low" else 31)
        ages, at = [], first_at
        for _ in range(n):
            age = mother["age"] - at
            if age < 0 or at > 44:
                break
            ages.append(age)
            at += rng.uniform(1.5, 6.0)
        kids = []
        for order, age in enumerate(ages, start=1):
            if father is not None and father["age"] - age < 19:
                continue
            leave = 0 if age < 22 else min(0.97, (age - 21) * 0.075)
            if rng.random() < leave:
                continue
            sex = rng.choice("MF")
            surname = father["surname"] if father is not None else mother["surname"]
            kids.append(self.person(sex, age, relationship, "single", surname=surname,
                                    ethnicity=(father or mother)["ethnicity"],
                                    birth_order=order, father=father, mother=mother))
        return kids

    def couple(self, head_age, female_head=False):
        rng = self.rng
        wife_age = max(19.0, min(head_age + 6, head_age - rng.gauss(3, 3.5)))
        if female_head:
            head = self.person("F", wife_age, "head", "married", surname=self.surname)
            husband = self.in_law("M", max(19.5, head_age), "husband")
            return husband, head
        head = self.person("M", head_age, "head", "married", surname=self.surname)
        return head, self.in_law("F", wife_age, "wife")


def _age(rng, low, high, mode):
    return rng.triangular(low, high, mode)


def _with_couple(b, kind):
    """A couple and their children, plus whoever else this kind of family has."""
    rng = b.rng
    husband, wife = b.couple(_age(rng, 23, 70, 38), female_head=kind == "female_head")
    b.children(wife, husband)
    head = b.members[0]
    if kind == "extended_up" and rng.random() < 0.7:
        page = min(95.0, head["age"] + rng.uniform(25, 35))
        if rng.random() < 0.2:
            b.person("M", page, "parent", "married", surname=head["surname"])
            b.person("F", page - rng.uniform(0, 6), "parent", "married",
                     surname=names.family_name(rng, b.ethnicity, b.religion))
        else:
            b.person("F", page, "parent", "widowed",
                     surname=names.family_name(rng, b.ethnicity, b.religion))
    elif kind == "extended_up":
        spouse = b.members[1]
        b.person(rng.choice("FFFM"), min(95.0, spouse["age"] + rng.uniform(20, 35)),
                 "parent_in_law", "widowed", ethnicity=spouse["ethnicity"],
                 surname=spouse["surname"], arrived=spouse["arrived"], origin=spouse["origin"])
    elif kind == "other_relative":
        b.person(rng.choice("MF"), rng.uniform(15, 28), "other_relative", "single",
                 surname=b.surname, arrived=rng.uniform(0.5, 6))
    elif kind == "domestic_worker":
        worker = b.person("F", rng.uniform(20, 52), "domestic_worker",
                          rng.choice(["single", "married", "widowed", "divorced"]),
                          ethnicity="javanese", arrived=rng.uniform(0.5, 10),
                          origin=places.origin(rng, "javanese"))
        worker["religion"] = "islam"


def _single_parent(b):
    rng = b.rng
    sex = "F" if rng.random() < 0.8 else "M"
    age = _age(rng, 26, 72, 42)
    status = "divorced" if age < 45 and rng.random() < 0.6 else "widowed"
    head = b.person(sex, age, "head", status, surname=b.surname)
    if sex == "F":
        b.children(head, None, count=rng.randint(1, 4))
        return
    # The absent mother only sets the children's ages; she is not on the card.
    mother = dict(head, age=age - rng.uniform(1, 5))
    for kid in b.children(mother, head, count=rng.randint(1, 4)):
        kid["mother"] = None


def _single(b):
    rng = b.rng
    x = rng.random()
    if x < 0.45:
        b.person(rng.choice("MMF"), rng.uniform(20, 36), "head", "single", surname=b.surname)
    elif x < 0.8:
        b.person(rng.choice("FFFM"), _age(rng, 60, 92, 70), "head", "widowed", surname=b.surname)
    else:
        b.person(rng.choice("MF"), rng.uniform(32, 60), "head", "divorced", surname=b.surname)


def _three_generations(b):
    """An older head, a married child with a child-in-law, and grandchildren."""
    rng = b.rng
    head_age = _age(rng, 50, 82, 62)
    if rng.random() < 0.3:
        head = b.person(rng.choice("FFM"), head_age, "head", "widowed", surname=b.surname)
        husband, wife = (head, None) if head["sex"] == "M" else (None, head)
    else:
        husband, wife = b.couple(head_age)
    mother = wife or dict(husband, age=husband["age"] - 3)
    kids = b.children(mother, husband, count=rng.randint(2, 4))
    if wife is None:
        for kid in kids:
            kid["mother"] = None
    adults = [k for k in kids if 22 <= k["age"] <= 42]
    if not adults:
        oldest = min(mother["age"], (husband or mother)["age"]) - 21
        kid = b.person(rng.choice("MF"), min(oldest, 38.0), "child", "single",
                       surname=b.surname, father=husband, mother=wife)
        adults = [kid] if kid["age"] >= 20 else []
    if not adults:
        return
    child = rng.choice(adults)
    child["marital_status"] = "married"
    shift = 0 if child["sex"] == "F" else -2
    partner = b.in_law("F" if child["sex"] == "M" else "M",
                       max(19.5, child["age"] + rng.gauss(shift, 3)), "child_in_law")
    mother, father = (partner, child) if child["sex"] == "M" else (child, partner)
    b.children(mother, father, relationship="grandchild", count=rng.randint(1, 3))


ORDER = {"head": 0, "husband": 1, "wife": 1, "child": 2, "child_in_law": 3, "grandchild": 4,
         "parent": 5, "parent_in_law": 5, "other_relative": 6, "domestic_worker": 7}


def build(rng, decile):
    """Draw one family for a household of welfare ``decile`` (1-10 or None).

    Returns (list[dict], Builder): the members, head first, then spouse,
    children by age, then others; and the builder (ethnicity, religion, ...).
    """
    b = Builder(rng, decile)
    kind = weighted(rng, KINDS[b.band])
    if kind == "couple":
        b.couple(rng.uniform(22, 34) if rng.random() < 0.5 else _age(rng, 52, 82, 62))
    elif kind == "single_parent":
        _single_parent(b)
    elif kind == "single":
        _single(b)
    elif kind == "three_gen":
        _three_generations(b)
    else:
        _with_couple(b, kind)
    b.members.sort(key=lambda p: (ORDER[p["relationship"]], -p["age"]))
    return b.members, b
