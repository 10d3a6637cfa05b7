"""The registry's forms: a person's fields and a family's, read from a posted form.

Field names and code lists are the registry's (docs/registry-data.md); the
choices a form offers come from the language file's ``codes.<field>`` words
(a unit test keeps them equal to ``services/shared/codes.py``). Parsing here
only turns text into the API's types; the registry checks every rule
(NIK, dates, codes) and its answer names what is wrong.
"""
from web import forms

PERSON = ("nik", "full_name", "sex", "birth_place", "birth_date", "relationship", "religion",
          "education", "occupation_code", "marital_status", "disability", "pregnant", "phone")
HOUSEHOLD = ("kk_number", "street", "rt", "rw", "dusun", "welfare_decile", "monthly_income_idr",
             "house_ownership", "floor_type", "wall_type", "roof_type", "water_source",
             "electricity_va", "cooking_fuel", "sanitation", "has_car")
INTEGERS = ("occupation_code", "welfare_decile", "electricity_va")
RUPIAH = ("monthly_income_idr",)
YES_NO = ("has_car",)


def _read(form, prefix, names):
    values, errors = {}, {}
    for name in names:
        key = prefix + name
        raw = form.get(key, "")
        raw = raw.strip() if isinstance(raw, str) else raw
        try:
            if name == "pregnant":
                values[name] = form.get(key) == "1"
            elif name in ("nik", "kk_number"):
                values[name] = forms.digits(raw) or None
            elif name in ("rt", "rw"):
                values[name] = raw.zfill(3) if raw.isdigit() and len(raw) <= 3 else raw or None
            elif name == "phone":
                values[name] = "".join(raw.split()) or None
            elif name == "birth_date":
                values[name] = forms.iso_date(raw)
            elif name in INTEGERS:
                values[name] = forms.whole_number(raw)
            elif name in RUPIAH:
                values[name] = forms.rupiah_input(raw)
            elif name in YES_NO:
                values[name] = {"1": True, "0": False}.get(raw)
            else:
                values[name] = raw or None
        except ValueError:
            errors[key] = ["registry.errors.%s" % ("date" if name == "birth_date" else "number")]
    return values, errors


def person(form, prefix=""):
    """``(fields, errors)`` of a person's part of a form (field ids ``<prefix><name>``)."""
    values, errors = _read(form, prefix, PERSON)
    if values.get("disability") is None:
        values["disability"] = "none"
    return values, errors


def household(form, prefix=""):
    """``(fields, errors)`` of a family's part of a form."""
    return _read(form, prefix, HOUSEHOLD)


def changed(values, current, keep_blank=("nik",)):
    """The fields of ``values`` that differ from the stored ``current`` record; a field
    in ``keep_blank`` left blank means "unchanged" (a temporary number stays)."""
    out = {}
    for name, value in values.items():
        if value is None and name in keep_blank:
            continue
        if value != _stored(current.get(name), name):
            out[name] = value
    return out


def _stored(value, name):
    if name == "disability" and value is None:
        return "none"
    if name == "pregnant":
        return bool(value)
    return value if value != "" else None


def form_values(record, names, prefix=""):
    """A stored record as a form's text values (``<prefix><name>`` -> text)."""
    out = {}
    for name in names:
        value = record.get(name)
        if name == "pregnant":
            out[prefix + name] = "1" if value else ""
        elif name in YES_NO:
            out[prefix + name] = {True: "1", False: "0"}.get(value, "")
        else:
            out[prefix + name] = "" if value is None else str(value)
    return out
