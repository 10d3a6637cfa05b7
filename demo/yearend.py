"""Year-end step of the main job: a family moves away and a trainee on the waiting list
leaves, and every service follows the registry.

``run(client, out)``: late in the year the family of a child with immunisation
appointments moves out of the kelurahan (each member deactivated through the
registry API), and a young resident waiting for a place in the CSR training
moves away too. Then the step waits until each service shows it: distribution
has no open allocation left for the family, the partners service cancelled
the child's appointments and withdrew the waiting enrolment, and monitoring's
family timeline holds the move-out. The marketplace's part (a seller moving
out) is in demo/marketplace_orders.py; demo/figures.py checks every resident
who left during the year in all four services.
"""
import datetime

from demo import life
from demo.health import every
from demo.partner_tools import find_partner, find_programme, poll, read
from demo.registry import read_sample
from gateway.client import ApiError

OPEN = ("pending", "waiting")


def moving_family(client, immunisation, looked_at=80):
    """A child of the sample under 4, still active, with immunisations still scheduled, and
    their family: ``(appointment, household)``; preferably a family with aid still open in
    distribution (among the first ``looked_at`` such children). None when there is none."""
    today = datetime.date.today()
    fallback = None
    for members in read_sample().values():
        for member in members:
            born = datetime.date.fromisoformat(member["birth_date"])
            if not member["nik"] or (today - born).days > 4 * 365:
                continue
            person = client.get("residents/%s" % member["nik"])
            if person["status"] != "active":
                continue
            mine = read(client, "residents/%s/appointments" % member["nik"])["appointments"]
            scheduled = [a for a in mine if a["programme_id"] == immunisation["id"]
                         and a["status"] == "scheduled"]
            if not scheduled:
                continue
            found = scheduled[0], client.get("households/%s" % person["household_id"])
            if _open(client, found[1]["kk_number"]):
                return found
            fallback = fallback or found
            looked_at -= 1
            if looked_at <= 0:
                return fallback
    return fallback


def _open(client, kk_number):
    """The family's allocations still pending or waiting."""
    programmes = client.get("families/%s/programmes" % kk_number)["programmes"]
    return [a for p in programmes for a in p["allocations"] if a["status"] in OPEN]


def family_moves(client, out, immunisation):
    found = moving_family(client, immunisation)
    if found is None:
        out("(no family with scheduled immunisations to move out)")
        return
    _, family = found
    members = [m for m in family["members"] if m["status"] == "active"]
    out.section("December: the family of KK %s (%d people, RW %s) moves out of the kelurahan"
                % (family["kk_number"], len(members), family["rw"]))
    before = _open(client, family["kk_number"])
    # partners' own ``overdue`` (late and still givable, on the village's day): the
    # definition the cadre's list and the key figures count
    late = sum(a["overdue"] for member in members if member["nik"] for a in read(
        client, "residents/%s/appointments" % member["nik"])["appointments"]
        if a["programme_id"] == immunisation["id"])
    for member in members:
        life.leave(client, member["nik"], "moved_out", "Pindah ke Kabupaten Bogor (surat pindah)")
    gone = {m["nik"] for m in members}

    poll(lambda: not _open(client, family["kk_number"]),
         "distribution to close the family's allocations")
    programmes = client.get("families/%s/programmes" % family["kk_number"])["programmes"]
    allocations = [a for p in programmes for a in p["allocations"]]
    closed = [a for a in allocations if a["status"] == "cancelled"]
    out("Distribution: %d allocations of the family (%d open before the move, none now); %d "
        "cancelled (%s)." % (len(allocations), len(before), len(closed),
        ", ".join(sorted({"%s %s" % (a["programme_code"], a["status_reason"]) for a in closed}))
        or "nothing was open"))

    def partners_followed():
        mine = [a for a in every(client, immunisation, "all", rw=family["rw"])
                if a["nik"] in gone]
        return mine if mine and all(a["status"] != "scheduled" for a in mine) else None
    appointments = poll(partners_followed, "partners to cancel the family's appointments")
    out("Partners: the family's %d immunisation appointments (of %s): %s (%d of them were "
        "late, so the village's late doses fall by as many)." % (
            len(appointments), ", ".join(sorted({a["full_name"] for a in appointments})),
            _counts(a["status"] for a in appointments), late))

    def monitoring_followed():
        entries = client.get("households/%s/timeline" % family["id"])["entries"]
        left = [e for e in entries if e["type"] == "resident_deactivated"]
        return left if len(left) >= len(members) else None
    left = poll(monitoring_followed, "monitoring to put the move-out on the family's timeline")
    out("Monitoring: the family's timeline ends with %s" % left[-1]["summary"])


def trainee_leaves(client, out):
    partner = find_partner(client, "PT Sumber Rejeki Nusantara (TJSL)")
    course = partner and find_programme(client, partner, "Pelatihan Wirausaha Kuliner Rumahan")
    if not course:
        return
    waiting = read(client, "partner-programmes/%s/enrolments" % course["id"], {
        "status": "waitlisted", "per_page": 200})["items"]
    if not waiting:
        out("(nobody is waiting for the training any more)")
        return
    enrolment = waiting[-1]
    life.leave(client, enrolment["nik"], "moved_out", "Bekerja di Batam")
    after = poll(lambda: (lambda e: e if e["status"] != "waitlisted" else None)(
        read(client, "enrolments/%s" % enrolment["id"])), "partners to withdraw the enrolment")
    out("%s (waiting #%s for %s) moves to Batam: the enrolment is %s (%s)." % (
        enrolment["full_name"], enrolment["waitlist_position"], course["title"],
        after["status"], after.get("withdraw_reason") or "-"))


def run(client, out):
    """The year-end departures; see the module docstring."""
    health = find_partner(client, "Puskesmas Kelurahan Tanjung Barat")
    immunisation = health and find_programme(client, health, "Imunisasi Rutin Lengkap Balita")
    if immunisation:
        family_moves(client, out, immunisation)
    try:
        trainee_leaves(client, out)
    except ApiError as exc:
        if exc.status != 422:       # 422: already inactive (a rerun)
            raise


def _counts(values):
    counts = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return ", ".join("%d %s" % (n, k) for k, n in sorted(counts.items()))
