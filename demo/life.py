"""Births, deaths and move-outs during the main job's year, through the registry API.

Each quarter of the year (demo/distribution.py) brings, while its round is
being handed out, a birth (a baby added to the KK of a family receiving PKH,
preferably one whose mother was expecting), a death (an elderly KLJ recipient)
and a move-out (the one who collects a family's SEMBAKO). What followed in
distribution is read back from the allocations concerned; the other services
see the same registry events (partners schedule the baby's immunisations,
monitoring counts the registrations and deactivations, demo/figures.py checks
that nobody who left keeps anything open). Picks are drawn from a seeded
``random.Random`` over allocations in a stable order, so a run tells the same
story as the last on the same sample.
"""
import datetime

from demo.partner_tools import settle
from gateway.client import ApiError

AREA = "317409"          # Kec. Jagakarsa: where a child born here gets its NIK
GIVEN = {"F": ("Aisyah", "Nabila", "Zahra", "Keisha"), "M": ("Rizky", "Fajar", "Arkan", "Bima")}
FOLLOW_SECONDS = 30


def birth(client, alloc, born, rng):
    """Add a baby born on ``born`` (a date) to the family of ``alloc``; the mother, when one
    was flagged pregnant, is no longer. Returns ``(baby, family)`` as the registry answers."""
    family = client.get("households/%s" % alloc["household_id"])
    members = family.get("members") or []
    mother = next((m for m in members if m.get("pregnant") and m["status"] == "active"), None) \
        or next((m for m in members if m["relationship"] in ("wife", "head") and m["sex"] == "F"
                 and m["status"] == "active"), None)
    head = next((m for m in members if m["relationship"] == "head"), members[0])
    sex = rng.choice("FM")
    surname = head["full_name"].split()[-1]
    body = {"full_name": "%s %s" % (rng.choice(GIVEN[sex]), surname), "sex": sex,
            "birth_place": "Jakarta", "birth_date": born.isoformat(), "relationship": "child",
            "religion": head.get("religion"), "marital_status": "single", "disability": "none"}
    for _ in range(20):
        # a NIK encodes the birth date and sex (women: day + 40) and a serial the Dukcapil gives
        body["nik"] = "%s%02d%02d%02d%04d" % (AREA, born.day + (40 if sex == "F" else 0),
                                              born.month, born.year % 100, rng.randint(5000, 9999))
        try:
            baby = client.post("households/%s/members" % family["id"], body)
            break
        except ApiError as exc:
            if exc.status != 409:   # 409: that serial is someone else's NIK; draw another
                raise
    else:
        raise RuntimeError("no free NIK serial for a baby born on %s" % born)
    if mother and mother.get("pregnant"):
        client.patch("residents/%s" % mother["nik"], {
            "pregnant": False, "reason": "Melahirkan pada %s (laporan bidan)" % born.isoformat()})
    return baby, family


def leave(client, nik, reason, note):
    """Deactivate a resident (``reason`` deceased or moved_out); the registry's answer."""
    return client.post("residents/%s/deactivate" % nik, {"reason": reason, "note": note})


def followed(client, alloc):
    """``alloc`` as distribution holds it once a registry event changed it (its version
    moved on), or as it is after ``FOLLOW_SECONDS``."""
    return settle(lambda: client.get("allocations/%s" % alloc["id"]),
                  lambda after: after["version"] > alloc["version"], FOLLOW_SECONDS, pause=0.2)


def in_quarter(first, last, today, fraction):
    """The date ``fraction`` (0-1) of the way through a quarter, never after ``today``."""
    day = first + datetime.timedelta(days=int((last - first).days * fraction))
    return min(day, today)
