"""Rules worded in Bahasa Indonesia, for residents reading who a programme is for.

A node's ``label`` always wins (the programme's author wrote it); otherwise
the node is worded from the attribute names below. ``criteria_lines`` gives
one line per top-level condition, what a public list shows under "Untuk siapa".
"""
import datetime

#: Attribute -> its name in Bahasa Indonesia (unknown ones are shown as written).
NAMES = {
    "household.welfare_decile": "desil kesejahteraan keluarga",
    "household.monthly_income_idr": "penghasilan keluarga per bulan (Rp)",
    "household.rt": "RT", "household.rw": "RW", "household.dusun": "dusun",
    "household.has_car": "keluarga memiliki mobil",
    "household.member_count": "jumlah anggota keluarga",
    "household.programmes": "program bantuan yang diterima keluarga",
    "household.electricity_va": "daya listrik (VA)",
    "household.house_ownership": "status kepemilikan rumah",
    "household.status": "status keluarga",
    "household.completed_training_topics": "topik pelatihan yang diselesaikan anggota keluarga",
    "household.business_training_completed": "ada anggota keluarga yang lulus pelatihan "
                                             "kewirausahaan",
    "member.age": "usia (tahun)", "member.age_months": "usia (bulan)",
    "member.sex": "jenis kelamin", "member.pregnant": "sedang hamil",
    "member.disabled": "penyandang disabilitas", "member.disability": "jenis disabilitas",
    "member.occupation_code": "kode pekerjaan", "member.relationship": "hubungan dalam keluarga",
    "member.education": "pendidikan", "member.marital_status": "status perkawinan",
    "member.status": "status penduduk", "member.religion": "agama",
    "member.birth_date": "tanggal lahir",
    "member.programmes": "program bantuan yang diterima",
    "member.completed_training_topics": "topik pelatihan yang diselesaikan",
    "member.business_training_completed": "lulus pelatihan kewirausahaan",
    "member.overlapping_enrolments": "jumlah program lain yang diikuti pada waktu yang sama",
}
VALUES = {"M": "laki-laki", "F": "perempuan", True: "ya", False: "tidak", None: "tidak diketahui"}
OPS = {"eq": "=", "ne": "bukan", "lt": "kurang dari", "lte": "paling banyak", "gt": "lebih dari",
       "gte": "paling sedikit"}


def _value(value):
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (bool, type(None))) or value in ("M", "F"):
        return VALUES[value]
    return str(value)


def _leaf(rule):
    name = NAMES.get(rule["attr"], rule["attr"])
    op, value = rule["op"], rule["value"]
    if isinstance(value, bool) and op in ("eq", "ne"):
        return "%s: %s" % (name, _value(value if op == "eq" else not value))
    if op == "between":
        return "%s %s sampai %s" % (name, _value(value[0]), _value(value[1]))
    if op == "in":
        return "%s salah satu dari: %s" % (name, _value(value))
    if op == "not_in":
        return "%s bukan: %s" % (name, _value(value))
    if op == "contains":
        return "%s memuat %s" % (name, _value(value))
    if op == "not_contains":
        return "%s tidak memuat %s" % (name, _value(value))
    if op == "eq":
        return "%s %s" % (name, _value(value))
    return "%s %s %s" % (name, OPS[op], _value(value))


def describe_id(rule):
    """One (validated) rule node worded in Bahasa Indonesia (its ``label`` when it has one)."""
    if rule.get("label"):
        return rule["label"]
    if "all" in rule:
        return "; ".join(describe_id(r) for r in rule["all"]) or "semua orang"
    if "any" in rule:
        return "salah satu: (%s)" % " / ".join(describe_id(r) for r in rule["any"])
    if "not" in rule:
        return "bukan (%s)" % describe_id(rule["not"])
    if "any_member" in rule:
        return "ada anggota keluarga dengan %s" % describe_id(rule["any_member"])
    if "all_members" in rule:
        return "semua anggota keluarga dengan %s" % describe_id(rule["all_members"])
    if "count_members" in rule:
        return "jumlah anggota keluarga dengan %s %s %s" % (
            describe_id(rule["count_members"]), OPS.get(rule["op"], rule["op"]), rule["value"])
    return _leaf(rule)


def criteria_lines(rule):
    """One line per top-level condition (an ``all`` is split), for a public page."""
    if not rule.get("label") and "all" in rule:
        return [describe_id(r) for r in rule["all"]] or ["Terbuka untuk semua penduduk"]
    return [describe_id(rule)]
