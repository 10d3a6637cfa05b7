"""What the partner steps of the main job share (demo/partners.py, demo/health.py):
figures checked against the service's answers, waiting on events, the sample
registry as the partners service sees it, and finding what a rerun made before."""
import collections
import csv
import datetime
import time

from demo import options
from gateway.client import ApiError

#: how long a follower's copy of the registry may stand still before the job gives up
CATCH_UP_SECONDS = 120


class Mismatch(RuntimeError):
    """A figure the demo printed disagrees with the service's own answer."""


def check(condition, what):
    """Stop the main job when a figure does not agree with the service's answers."""
    if not condition:
        raise Mismatch("figures disagree: %s" % what)


def days(today, ago):
    """``today`` minus ``ago`` days, as YYYY-MM-DD (negative: in the future)."""
    return (today - datetime.timedelta(days=ago)).isoformat()


def poll(fetch, what, timeout=60):
    """``fetch()`` until it answers something (events reach services asynchronously)."""
    began = time.monotonic()
    while True:
        found = fetch()
        if found:
            return found
        if time.monotonic() - began > timeout:
            raise RuntimeError("waited %d s for %s" % (timeout, what))
        time.sleep(0.3)  # polling a condition with a deadline


def caught_up(fetch, done, what, stall=CATCH_UP_SECONDS, pause=0.5):
    """Poll ``fetch()`` (a follower's projection status) until ``done(status)``.

    A large registry takes a follower minutes to copy, so there is no deadline
    on the whole wait: it gives up (RuntimeError) only when the status has not
    changed for ``stall`` seconds. Returns the last status.
    """
    last, moved = None, time.monotonic()
    while True:
        status = fetch()
        if done(status):
            return status
        if status != last:
            last, moved = status, time.monotonic()
        elif time.monotonic() - moved > stall:
            raise RuntimeError("%s stuck at %s for %d s" % (what, status, stall))
        time.sleep(pause)  # polling a condition with a deadline on progress


def settle(fetch, done, seconds, pause=1.0):
    """``fetch()`` until ``done(answer)`` or ``seconds`` have passed; the last answer
    either way (the caller judges it: events reach services asynchronously)."""
    began = time.monotonic()
    while True:
        answer = fetch()
        if done(answer) or time.monotonic() - began > seconds:
            return answer
        time.sleep(pause)  # polling a condition with a deadline


def sample_residents(client, out, today):
    """The sample registry by KK (``{kk: [rows with "age"]}``), once the partners
    service's registry projection holds everything the registry does."""
    want = client.get("residents", params={"per_page": 1})["total"]
    began = time.monotonic()
    status = caught_up(lambda: client.get("admin/partners/projection"),
                       lambda s: s["residents"] >= want, "the partners projection")
    out("Partners' registry projection: %d households, %d residents (caught up in %.1f s)." % (
        status["households"], status["residents"], time.monotonic() - began))
    families = collections.OrderedDict()
    with open(options.sample_path(), encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            born = datetime.date.fromisoformat(row["birth_date"])
            row["age"] = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
            row["born"] = born
            families.setdefault(row["kk_number"], []).append(row)
    return families


def read(client, path, params=None, timeout=180):
    """GET ``path``; a 504 (the gateway stopped waiting for a service still working through
    the year's backlog of events) is asked again until ``timeout`` seconds have passed."""
    began = time.monotonic()
    while True:
        try:
            return client.get(path, params=params)
        except ApiError as exc:
            if exc.status != 504 or time.monotonic() - began > timeout:
                raise
        time.sleep(1)  # a read, safe to repeat once the service has caught up a little


def find_partner(client, name):
    found = client.get("partners", params={"per_page": 200})["items"]
    return next((p for p in found if p["name"] == name), None)


def find_programme(client, partner, title):
    found = client.get("partners/%s/programmes" % partner["id"], params={"per_page": 200})
    return next((p for p in found["items"] if p["title"] == title), None)


def partner_token(client, partner):
    """A client holding a fresh token of ``partner``'s own (role partner)."""
    token = client.post("tokens", {"role": "partner", "name": "Admin %s" % partner["name"][:60],
                                   "partner_id": partner["id"]})["token"]
    return client.with_token(token)
