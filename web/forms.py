"""Reading console forms and telling their errors in words.

A form's errors are ``{field id: [message]}``, where a message is either a
key of the language file or a sentence already in words (the macros show
either: ``templates/macros.html``). The API's field errors (``{"members.0.nik":
["NIK digits 7-8 must be ..."]}``) become the form's own ids and the
language file's words: the field's label, then the rule as the language
file's ``rule_words`` translate it (the rule as the API gave it when no
pattern matches, so nothing an officer must know is lost).
"""
import datetime
import re

#: the API's separator of nested fields (``members.0.nik``) -> the form's ids
NESTED = re.compile(r"^members\.(\d+)\.(.+)$")


def words_for_rule(rule, t):
    """An API rule (``"must be 16 digits"``) in the language's words, by the first
    ``rule_words`` pattern that matches (a regex and its replacement)."""
    for pattern, replacement in t.get("rule_words", []) or []:
        found = re.search(pattern, rule)
        if found:
            return found.expand(replacement)
    return rule


def field_label(name, t):
    """The words for a field or an import column (``birth_date``, ``tanggallahir``)."""
    return t.get("fields." + name) or name


def api_errors(exc, t, field_id=None):
    """``{form field id: [sentence]}`` from an ApiError's per-field ``errors``.

    Args:
        exc (web.api.ApiError): a 400 or 422 answer.
        t (web.i18n.Messages): the words.
        field_id (callable|None): API field path -> form field id (default:
            ``members.N.x`` -> ``mN-x``, ``a.b`` -> ``b``).
    Returns an empty dict when the answer named no field.
    """
    out = {}
    for path, rules in (exc.errors or {}).items():
        rules = rules if isinstance(rules, list) else [str(rules)]
        name = path.rpartition(".")[2]
        target = field_id(path) if field_id else _default_id(path)
        said = "; ".join(words_for_rule(str(r), t) for r in rules)
        out.setdefault(target, []).append("%s: %s" % (field_label(name, t), said))
    return out


def _default_id(path):
    member = NESTED.match(path)
    if member:
        return "m%s-%s" % (member.group(1), member.group(2).replace(".", "-"))
    return path.rpartition(".")[2]


def problem_sentence(exc, t):
    """One sentence for a refused request (409, 422): the API's detail in words."""
    detail = exc.problem.get("detail") or exc.problem.get("title") or ""
    return words_for_rule(detail, t) if detail else t("console.refused")


def rupiah_input(text):
    """``"Rp1.500.000"``, ``"1500000"``, ``"1.500.000"`` -> 1500000; ``""`` -> None.

    Raises ValueError for anything else (decimals are not rupiah)."""
    digits = re.sub(r"[\sRp.]", "", (text or "").strip(), flags=re.IGNORECASE)
    if not digits:
        return None
    if not digits.isdigit():
        raise ValueError(text)
    return int(digits)


def whole_number(text):
    """``"12"`` -> 12; ``""`` -> None; ValueError otherwise."""
    text = (text or "").strip().replace(".", "")
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def iso_date(text):
    """``YYYY-MM-DD`` (what ``<input type=date>`` sends) checked; None when blank.
    Raises ValueError for a date that does not exist."""
    text = (text or "").strip()
    if not text:
        return None
    return datetime.date.fromisoformat(text).isoformat()


def digits(text):
    """A number typed with spaces or dots (``3174 0910 ...``) as digits only."""
    return re.sub(r"[\s.\-]", "", text or "")
