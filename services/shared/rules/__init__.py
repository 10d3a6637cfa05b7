"""The declarative eligibility rule engine (plain functions; no nameko, no pymongo).

A rule is JSON data, stored with a programme and validated when it is saved:

    {"all": [rule, ...]}                    every sub-rule holds (empty: true)
    {"any": [rule, ...]}                    at least one holds (empty: false)
    {"not": rule}
    {"attr": "household.welfare_decile", "op": "lte", "value": 4}
    {"any_member": rule}                    some active member satisfies ``rule``
    {"all_members": rule}                   every active member does (none: true)
    {"count_members": rule, "op": "gte", "value": 2}

Any node may carry ``"label"`` (Bahasa Indonesia), shown to officers and
residents instead of the generated description.

Attributes are ``household.<field>`` or ``member.<field>`` (see ``ATTRIBUTES``).
Inside a member predicate ``member`` is the member being tested; at the top
level it is the person a per-member programme is evaluated for (validation
refuses ``member.*`` at the top level of a household programme). Ages are whole
years at the *reference date* (a round's first day, or the day of a check).
An unknown value (``None``) fails every comparison except ``eq``/``ne`` with
``None`` and ``not_in``/``ne`` (which hold).

Benefit components (PKH pays per pregnant woman, per child by school level,
per elderly or disabled member) use the same rules over one member; see
``member_components``. The partners service reuses this module: its
programmes are per person (``member.*`` bound at the top level), it fills
``member.overlapping_enrolments``, and both services read what a person's
completed trainings say (``training_attributes``: ``member.`` and
``household.completed_training_topics`` / ``business_training_completed``).
``describe_id`` / ``criteria_lines`` word a rule in Bahasa Indonesia for
residents.

The package is split for reading: ``vocabulary`` (attributes, operators, ages,
the evaluation context), ``validation`` (what a programme may store) and
``evaluation`` (compiling, evaluating and explaining rules, benefit
components) and ``wording`` (rules in Bahasa Indonesia). Import from
``services.shared.rules``.
"""
from services.shared.rules.evaluation import (  # noqa: F401 - the public API
    compile_components, compile_rule, describe, evaluate, explain, member_components)
from services.shared.rules.validation import (  # noqa: F401
    attributes_used, errors_merge, validate_components, validate_rule)
from services.shared.rules.vocabulary import (  # noqa: F401
    ATTRIBUTES, BUSINESS_STARTED, COMBINATORS, COMPARISONS, ENTREPRENEURSHIP, MAX_DEPTH,
    MEMBER_PREDICATES, OPS, PARTNERS_ONLY, SYMBOLS, TRAINING_KINDS, Context, age_on,
    member_view, months_on, parse_date, training_attributes)
from services.shared.rules.wording import criteria_lines, describe_id  # noqa: F401
