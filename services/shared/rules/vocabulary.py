"""The rules' vocabulary: attributes, operators, ages and the evaluation context."""
import datetime
import operator

#: Attribute name -> type name; "int", "bool", "str", "list", "date".
ATTRIBUTES = {
    "household": {
        "kk_number": "str", "rt": "str", "rw": "str", "dusun": "str", "village_code": "str",
        "welfare_decile": "int", "monthly_income_idr": "int", "house_ownership": "str",
        "floor_type": "str", "wall_type": "str", "roof_type": "str", "water_source": "str",
        "electricity_va": "int", "cooking_fuel": "str", "sanitation": "str", "has_car": "bool",
        "status": "str", "member_count": "int", "programmes": "list",
        "completed_training_topics": "list", "business_training_completed": "bool",
    },
    "member": {
        "nik": "str", "sex": "str", "birth_date": "date", "age": "int", "age_months": "int",
        "relationship": "str", "religion": "str", "education": "str",
        "occupation_code": "int", "marital_status": "str", "disability": "str",
        "disabled": "bool", "pregnant": "bool", "status": "str", "programmes": "list",
        "completed_training_topics": "list", "business_training_completed": "bool",
        "overlapping_enrolments": "int",
    },
}
#: Attributes only the partners service knows (unknown, so failing, elsewhere).
PARTNERS_ONLY = ("member.overlapping_enrolments",)

#: The topic a training or mentoring about running a business carries (issue 11).
ENTREPRENEURSHIP = "entrepreneurship"
#: Partner-programme kinds whose completion counts as training.
TRAINING_KINDS = ("training", "mentoring")
BUSINESS_STARTED = "business_started"

COMPARISONS = {
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "lte": operator.le,
    "gt": operator.gt, "gte": operator.ge,
}
OPS = set(COMPARISONS) | {"in", "not_in", "between", "contains", "not_contains"}
SYMBOLS = {"eq": "=", "ne": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥",
           "in": "in", "not_in": "not in", "between": "between",
           "contains": "contains", "not_contains": "does not contain"}
COMBINATORS = ("all", "any", "not")
MEMBER_PREDICATES = ("any_member", "all_members", "count_members")
MAX_DEPTH = 12


def age_on(birth_date, reference):
    """Whole years between ``birth_date`` and ``reference`` (both ``datetime.date``)."""
    years = reference.year - birth_date.year
    if (reference.month, reference.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def months_on(birth_date, reference):
    """Whole months between ``birth_date`` and ``reference``."""
    months = (reference.year - birth_date.year) * 12 + reference.month - birth_date.month
    if reference.day < birth_date.day:
        months -= 1
    return months


def parse_date(value):
    """``YYYY-MM-DD`` string or date -> ``datetime.date`` (None stays None)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def training_attributes(completions):
    """What a person's completed partner programmes say, as rule attributes.

    Args:
        completions (iterable[dict]): ``enrolment_completed`` payloads (or the
            same keys): ``programme_kind``, ``topics``, ``outcome``.
    Returns ``{"completed_training_topics": [topics of completed trainings and
    mentorings, sorted], "business_training_completed": bool}``. The second is
    true after a completed training or mentoring about entrepreneurship, or any
    completion with outcome ``business_started`` (issue 11: a completed
    entrepreneurship training makes the resident a candidate for the village's
    business-capital programme).
    """
    topics, business = set(), False
    for done in completions or ():
        trained = done.get("programme_kind") in TRAINING_KINDS
        if trained:
            topics.update(done.get("topics") or ())
        if (trained and ENTREPRENEURSHIP in (done.get("topics") or ())) or \
                done.get("outcome") == BUSINESS_STARTED:
            business = True
    return {"completed_training_topics": sorted(topics), "business_training_completed": business}


def member_view(resident, reference, programmes=(), completions=()):
    """Return a resident snapshot with the derived attributes rules can read.

    Args:
        resident (dict): registry resident snapshot (``birth_date`` a string).
        reference (datetime.date): the date ages are computed at.
        programmes (iterable[str]): codes of programmes the person receives.
        completions (iterable[dict]): partner programmes the person completed
            (``training_attributes``).
    """
    view = dict(resident)
    born = parse_date(resident.get("birth_date"))
    view["birth_date"] = born
    view["age"] = age_on(born, reference) if born else None
    view["age_months"] = months_on(born, reference) if born else None
    view["disabled"] = resident.get("disability") not in (None, "", "none")
    view["programmes"] = list(programmes)
    view.update(training_attributes(completions))
    return view


class Context:
    """What a rule sees: a household, its active members, and maybe one member.

    Args:
        household (dict): household attributes (``member_count``/``programmes``
            are derived here when absent).
        members (list[dict]): views from ``member_view`` of *active* members.
        member (dict|None): the person a per-member rule is evaluated for.
    """

    __slots__ = ("household", "members", "member")

    def __init__(self, household, members, member=None):
        household = dict(household)
        household.setdefault("member_count", len(members))
        household.setdefault("programmes", [])
        household.setdefault("completed_training_topics", sorted(
            {t for m in members for t in m.get("completed_training_topics") or ()}))
        household.setdefault("business_training_completed", any(
            m.get("business_training_completed") for m in members))
        self.household = household
        self.members = members
        self.member = member

    def for_member(self, member):
        ctx = Context.__new__(Context)
        ctx.household, ctx.members, ctx.member = self.household, self.members, member
        return ctx

    def get(self, path):
        scope, field = path.split(".", 1)
        source = self.household if scope == "household" else self.member
        return None if source is None else source.get(field)
