"""Registry step of the main job: import the sample registry, then ask real questions.

``run(client, out)`` uploads ``data/sample/tanjung-barat-registry.csv`` as an
import job (``POST /api/v1/imports/registry/jobs``, polled to its end), prints
the counts and the time it took, then shows answers from the running registry: residents of one RW, one
household with its members, how many records carry a data-quality flag (and
how many the sample holds), and a resident's history after an update.
Running it again is harmless: the import reports every row as already
present, and the update picks values that differ from the current ones.
"""
import collections
import csv
import datetime
import os
import time

from demo import options
from services.shared.nik import nik_quality_flags

SHOWN = 8   # rows shown per list


def read_sample(path=None):
    """The sample's rows (dicts of strings) grouped by KK: ``{kk: [rows]}``, file order
    (``path`` default: this run's, ``demo.options.sample_path()``)."""
    families = collections.OrderedDict()
    with open(path or options.sample_path(), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            families.setdefault(row["kk_number"], []).append(row)
    return families


def pick_family(families):
    """A poor three-generation family whose members all have a NIK (a good example)."""
    for kk, members in families.items():
        relationships = {m["relationship"] for m in members}
        if (members[0]["welfare_decile"] in ("1", "2", "3", "4") and "grandchild" in relationships
                and len(members) >= 5 and all(m["nik"] for m in members)):
            return kk, members
    return next(iter(families.items()))


def expected_flags(families):
    """Counter of data-quality flags the sample should raise (see data/sample/README.md)."""
    flags = collections.Counter()
    for members in families.values():
        for m in members:
            if not m["nik"]:
                flags["temporary_nik"] += 1
                continue
            flags.update(nik_quality_flags(m["nik"], datetime.date.fromisoformat(m["birth_date"]),
                                           m["sex"]))
    return flags


def import_sample(client, out, path=None, poll=0.5):
    """Upload the CSV (default: this run's) as an import job and wait for it; print counts,
    refusals and elapsed seconds. Returns the ended job. RuntimeError when the job failed."""
    path = path or options.sample_path()
    with open(path, "rb") as fh:
        content = fh.read()
    name = os.path.basename(path)
    out.section("Registry: import %s (%d KB)" % (name, len(content) // 1024))
    began = time.monotonic()
    job = client.wait_for_import(client.start_import(content, name), poll=poll)
    elapsed = time.monotonic() - began
    if job["state"] != "done":
        raise RuntimeError("the import job failed: %s" % (job.get("failure") or {}).get("detail"))
    rows = job.get("rows_total") or 0
    out("%d rows read: %d families and %d residents created, %d households updated, "
        "%d rows already present, %d errors." % (
            rows, job["created_households"], job["created_residents"],
            job["updated_households"], job["already_present"], job["errors_total"]),
        "Import job %s took %.1f s (%.0f rows/s)." % (job["id"], elapsed,
                                                    rows / max(elapsed, 1e-6)))
    for error in job["errors"][:5]:
        out("  row %s, %s: %s" % (error.get("row"), error.get("field"), error.get("rule")))
    return job


def show_rw(client, out, rw):
    out.section("Residents of RW %s" % rw)
    page = client.get("residents", params={"rw": rw, "per_page": SHOWN})
    out("%d residents live in RW %s; the first %d:" % (page["total"], rw, len(page["items"])))
    out.table(page["items"], ["nik", "full_name", "sex", "birth_date", "rt", "relationship",
                                "occupation"])


def show_household(client, out, head_nik):
    resident = client.get("residents/%s" % head_nik)
    household = client.get("households/%s" % resident["household_id"])
    out.section("One household: KK %s" % household["kk_number"])
    out("%s, RT %s / RW %s; welfare decile %s, income Rp%s a month; house: %s, %s VA, "
        "water %s, car: %s" % (
            household["street"], household["rt"], household["rw"],
            household.get("welfare_decile"), "{:,}".format(household.get("monthly_income_idr")
                                                          or 0).replace(",", "."),
            household.get("house_ownership"), household.get("electricity_va"),
            household.get("water_source"), "yes" if household.get("has_car") else "no"))
    out.table(household.get("members") or [], ["nik", "full_name", "relationship", "sex",
                                                 "birth_date", "education", "occupation"])
    return household


def show_flagged(client, out, expected):
    out.section("Data quality: records to verify")
    page = client.get("residents", params={"flagged": "true", "per_page": SHOWN})
    out("%d residents carry a data-quality flag (the sample holds %d NIK/birth-date "
        "mismatches, %d NIK/sex mismatches and %d %s without a NIK)." % (
            page["total"], expected["nik_birth_date_mismatch"], expected["nik_sex_mismatch"],
            expected["temporary_nik"], "person" if expected["temporary_nik"] == 1 else "people"))
    rows = [dict(r, flags=", ".join(r.get("quality_flags") or [])) for r in page["items"]]
    if page["total"] > len(rows):
        out("The first %d of them, by name (the console's data-quality queue lists all):"
            % len(rows))
    out.table(rows, ["nik", "full_name", "birth_date", "sex", "flags"])


def show_update_and_history(client, out, nik):
    before = client.get("residents/%s" % nik)
    occupation = 84 if before.get("occupation_code") != 84 else 88
    phone = "0812%08d" % ((int((before.get("phone") or "0")[-8:]) + 1) % 10 ** 8)
    out.section("An update, and %s's history" % before["full_name"])
    after = client.patch("residents/%s" % nik, {
        "occupation_code": occupation, "phone": phone,
        "reason": "Berganti pekerjaan dan nomor HP, dilaporkan Ketua RT %s" % before["rt"]})
    out("Occupation now %s (%s), phone %s, version %s." % (
        after.get("occupation"), after.get("occupation_code"), after.get("phone"),
        after.get("version")))
    history = client.get("residents/%s/history" % nik)
    for entry in history["items"]:
        who = (entry.get("by") or {}).get("name") or (entry.get("by") or {}).get("role") or "?"
        changes = "; ".join("%s: %s -> %s" % (c["field"], c.get("old"), c.get("new"))
                            for c in entry.get("changes") or [])
        out("  v%s %s by %s: %s%s%s" % (entry.get("version"), entry.get("at"), who,
                                        entry.get("action"), " (%s)" % changes if changes else "",
                                        " because: %s" % entry["reason"] if entry.get("reason")
                                        else ""))


def run(client, out):
    """The registry step: ``client`` is a gateway.client.Client (admin), ``out`` prints lines."""
    families = read_sample()
    import_sample(client, out)
    kk, members = pick_family(families)
    show_rw(client, out, members[0]["rw"])
    show_household(client, out, members[0]["nik"])
    show_flagged(client, out, expected_flags(families))
    show_update_and_history(client, out, members[0]["nik"])
