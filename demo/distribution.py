"""Distribution step of the main job: the village's year, quarter by quarter, through the gateway.

``run(client, out)``: publish the catalogue (data/programmes/), wait until the
distribution service's projection holds the sample registry imported by
demo/registry.py, then live through the four quarters that end with today's
(on a December day: Q1 to Q4 of this year). Each quarter schedules a round of
every programme that applies to this kelurahan (the quarterly ones each
quarter, PIP in the third calendar quarter, the village's business capital
UMKM_DESA in the last), generates allocations and hands out aid with realistic
gaps (a representative collecting, people who do not come), with a progress
bar; in the weeks of the round a baby is born, an elderly recipient dies and a
recipient moves out (demo/life.py), and what followed is read back from
distribution. A birth shows in the family's PKH of the next quarter. A quarter
that has not begun yet is scheduled and allocated only: aid is handed over
from a round's first day (the service refuses earlier handovers). Handovers
are done on paper at the distribution point and entered afterwards, each with
the day and hour it happened (``handed_over_at``): a few working days per
round, inside its window and never in the future (``handover_times``), so the
year's report shows the aid in the quarters' months. Each quarter's figures
are the round reports, checked against what the step did.
Running it again is harmless: programmes and rounds exist (409 is read as
"already there"), generation creates nothing new, and only allocations still
pending are handled.
"""
import concurrent.futures
import datetime
import glob
import json
import os
import random
import sys
import time

from tqdm import tqdm

from demo import life, options
from demo.partner_tools import caught_up, check
from gateway.client import ApiError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMMES = os.path.join(ROOT, "data", "programmes")
#: PBI-JK is paid by the state straight to BPJS: nothing is handed over in a round.
NO_HANDOVER = ("in_kind_service",)
#: a village grant with a budget for 12 grants, to show the waiting list
BUDGETS = {"UMKM_DESA": 30_000_000}
#: the calendar quarter of a yearly programme's round (PIP with the school year in July);
#: a code not here has its round in the last quarter of the year lived through
YEARLY_QUARTER = {"PIP": 3}
SHARE_REPRESENTATIVE, SHARE_ABSENT = 0.06, 0.08
#: data/programmes/pkh.json "max_components" (unverified, docs/domain.md)
PKH_MAX_COMPONENTS = 4
ABSENT_REASONS = ("not_found", "refused", "moved", "other")
#: officers recording handovers at the same time (parallel HTTP requests)
OFFICERS = 4
BANK_PROGRAMMES = ("PKH", "KLJ", "KPDJ", "KAJ", "KJP_PLUS", "PIP")
WIB = datetime.timezone(datetime.timedelta(hours=7))
SEED = 20261129
#: distribution days of a round in each of its two handing-out passes (before and
#: after the quarter's life events)
DAYS_PER_PASS = 2
#: national holidays on fixed dates (month-day): no distribution day falls on them
HOLIDAYS = ("01-01", "05-01", "06-01", "08-17", "12-25")
#: the hours (WIB) of a distribution day: 08:00 to 14:00
OPENS_AT, OPEN_MINUTES = 8, 6 * 60


def rupiah(amount):
    return "Rp" + format(amount or 0, ",").replace(",", ".")


def village_today():
    """Today's date in the kelurahan (WIB), as the services date rounds."""
    return datetime.datetime.now(WIB).date()


def quarter(today):
    """``(number, first day, last day)`` of the quarter containing ``today``."""
    q = (today.month - 1) // 3 + 1
    first = datetime.date(today.year, 3 * q - 2, 1)
    nxt = datetime.date(today.year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return q, first, nxt - datetime.timedelta(days=1)


def year_of_quarters(today):
    """The four quarters ending with today's, oldest first: ``[(year, number, first, last)]``."""
    periods, day = [], today
    for _ in range(4):
        q, first, last = quarter(day)
        periods.append((first.year, q, first, last))
        day = first - datetime.timedelta(days=1)
    return periods[::-1]


def publish_catalogue(client, out):
    out.section("Distribution: publish the programme catalogue (data/programmes/)")
    shown = []
    for path in sorted(glob.glob(os.path.join(PROGRAMMES, "*.json"))):
        with open(path, encoding="utf-8") as handle:
            body = json.load(handle)
        try:
            programme = client.post("programmes", body)
            state = "published"
        except ApiError as exc:
            if exc.status != 409:
                raise
            programme, state = client.get("programmes/%s" % body["code"]), "already published"
        benefit = programme["benefit"]
        amount = (rupiah(benefit["amount_idr"]) if benefit.get("amount_idr") is not None
                  else "%d components" % len(benefit.get("components") or []))
        shown.append({"code": programme["code"], "target": programme["target"],
                      "per round": amount, "enabled here": programme["enabled"], "state": state})
    out.table(shown, ["code", "target", "per round", "enabled here", "state"])
    public = client.with_token(None).get("programmes", params={"per_page": 200})
    out("Public catalogue: %d programmes enabled for this kelurahan (BLT Dana Desa is desa-only)."
        % public["total"])
    return [p for p in public["items"]]


def wait_for_projection(client, out):
    """Wait until the distribution service has the whole imported registry."""
    want_hh = client.get("households", params={"per_page": 1})["total"]
    want_res = client.get("residents", params={"per_page": 1})["total"]
    began = time.monotonic()
    status = caught_up(lambda: client.get("admin/distribution/projection"),
                       lambda s: s["households"] >= want_hh and s["residents"] >= want_res,
                       "distribution's registry projection")
    out("Distribution's registry projection: %d households, %d residents (caught up in %.1f s)."
        % (status["households"], status["residents"], time.monotonic() - began))


def schedule(client, programmes, period, last_of_year):
    """Schedule the quarter's rounds (an existing one is read back); returns them."""
    year, q, first, last = period
    rounds = []
    for programme in programmes:
        code, yearly = programme["code"], programme["frequency"]["rounds_per_year"]
        if programme["kind"] in NO_HANDOVER:
            continue
        if yearly == 1 and (q != YEARLY_QUARTER[code] if code in YEARLY_QUARTER
                            else not last_of_year):
            continue
        name = ("Tahun %d" % year if yearly == 1
                else "Tahap %d/%d" % (q, year) if yearly == 4
                else "Bulan %s" % first.strftime("%m/%Y"))
        body = {"name": name, "starts_on": first.isoformat(), "ends_on": last.isoformat(),
                "location": "Aula Kantor Kelurahan Tanjung Barat, Jl. Raya Tanjung Barat",
                "budget_idr": BUDGETS.get(code)}
        try:
            rnd = client.post("programmes/%s/rounds" % code, body)
        except ApiError as exc:
            if exc.status != 409:
                raise
            found = client.get("rounds", params={"programme": code, "per_page": 200})
            rnd = next(r for r in found["items"] if r["name"] == name)
        rounds.append(rnd)
    return rounds


def generate(client, rounds, bar):
    """Generate each round's allocations; ``{code: answer}``."""
    made = {}
    for rnd in rounds:
        if rnd.get("status") == "closed":   # an earlier run closed it: nothing to generate
            made[rnd["programme_code"]] = {"created": 0, "waiting": 0}
        else:
            made[rnd["programme_code"]] = client.post("rounds/%s/allocations" % rnd["id"],
                                                      timeout=600)
        bar.update(1)
    return made


def close_ended(client, rounds, last, today):
    """Close the rounds of a quarter that has ended (nothing is pending any more: the
    hand-out recorded everyone who did not come); returns how many were closed now."""
    if last >= today:
        return 0
    closed = 0
    for rnd in rounds:
        if client.get("rounds/%s" % rnd["id"])["status"] != "closed":
            client.post("rounds/%s/close" % rnd["id"])
            closed += 1
    return closed


def pending(client, round_id, status="pending"):
    """Every allocation of a round with ``status`` (all when None), in a stable order."""
    items, page = [], 1
    while True:
        params = {"page": page, "per_page": 200}
        if status:
            params["status"] = status
        answer = client.get("rounds/%s/allocations" % round_id, params=params)
        items.extend(answer["items"])
        if page * 200 >= answer["total"]:
            # ids are random per run: order by KK and person so that the seeded
            # draws pick the same families every run
            return sorted(items, key=lambda a: (a.get("kk_number") or "",
                                                a.get("member_nik") or "",
                                                a.get("recipient_nik") or ""))
        page += 1


def distribution_days(start, end, today, rng):
    """``DAYS_PER_PASS`` working days (Monday to Friday, not a fixed-date holiday)
    drawn from ``start`` to ``end`` and never after ``today``, oldest first.

    A window that today cuts short to nothing (a quarter begun only days ago)
    is its first day to today; with no working day in it, any day of it serves.
    """
    end = min(end, today)
    start = min(start, end)
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    working = [d for d in days if d.weekday() < 5 and d.strftime("%m-%d") not in HOLIDAYS]
    pool = working or days
    return sorted(rng.sample(pool, min(DAYS_PER_PASS, len(pool))))


def handover_times(rnd, window, count, today, now, step):
    """When ``count`` handovers of a round happened, as ``handed_over_at`` values
    (ISO 8601 with the WIB offset): ``distribution_days`` of ``window`` (``(first,
    last)`` dates inside the round), in consecutive groups, each at a time of the
    day's opening hours, none after ``now`` (an aware datetime).

    Seeded by the round and ``step`` (which pass of the round), apart from the
    story's draws: a rerun gives the same times, and the families the story
    picks stay those it picked before handovers had times.
    """
    rng = random.Random("%d|%s|%s" % (SEED, rnd["id"], step))
    days = distribution_days(window[0], window[1], today, rng)
    out = []
    for i in range(count):
        day = days[i * len(days) // count]
        minute = rng.randrange(OPEN_MINUTES)
        at = datetime.datetime.combine(day, datetime.time(OPENS_AT + minute // 60, minute % 60),
                                       tzinfo=WIB)
        out.append(min(at, now).isoformat(timespec="seconds"))
    return out


def stand_in(client, alloc):
    """Another active adult of the household, to collect for the recipient."""
    household = client.get("households/%s" % alloc["household_id"])
    for member in household.get("members", []):
        if member.get("nik") != alloc["recipient_nik"] and member.get("status") == "active" \
                and member.get("birth_date", "9999") <= "2008-01-01" and member.get("nik"):
            return member["nik"]
    return None


def hand_out(client, rounds, rng, bar, tally, window, share=1.0):
    """Disburse a ``share`` of each round's pending allocations, with gaps; add what
    happened to ``tally`` (``{code: {"disbursed", "representative", "absent"}}``).

    Who comes, who sends someone and who never shows up is drawn first (a
    seeded ``rng``), then the handovers are recorded by a few officers at once,
    each with when it happened: on distribution days of ``window`` (``(first,
    last)`` dates, ``handover_times``).
    """
    today, now = village_today(), datetime.datetime.now(WIB)
    for rnd in rounds:
        todo = pending(client, rnd["id"])
        todo = todo[:int(len(todo) * share)] if share < 1 else todo
        jobs = []
        for alloc in todo:
            roll = rng.random()
            first_grant = rnd["programme_code"] in BUDGETS and not any(
                kind == "absent" for kind, _, _ in jobs)
            if share == 1.0 and (roll < SHARE_ABSENT or first_grant):
                jobs.append(("absent", alloc, rng.choice(ABSENT_REASONS)))
            else:
                jobs.append(("representative" if roll > 1 - SHARE_REPRESENTATIVE else "recipient",
                             alloc, None))
        channel = "bank" if rnd["programme_code"] in BANK_PROGRAMMES else "cash"
        times = iter(handover_times(rnd, window, sum(kind != "absent" for kind, _, _ in jobs),
                                    today, now, "share %s" % share))
        jobs = [job + (None if job[0] == "absent" else next(times),) for job in jobs]

        def record(job, rnd=rnd, channel=channel):
            done = _record(client, rnd, channel, *job)
            bar.update(1)
            return done
        with concurrent.futures.ThreadPoolExecutor(OFFICERS) as pool:
            done = list(pool.map(record, jobs))
        mine = tally[rnd["programme_code"]]
        mine["disbursed"] += sum(d != "absent" for d in done)
        mine["representative"] += done.count("representative")
        mine["absent"] += done.count("absent")


def _record(client, rnd, channel, kind, alloc, reason, handed_over_at):
    client = client.alone(client.token)  # one session per officer (thread)
    if kind == "absent":
        client.post("allocations/%s/not-collected" % alloc["id"],
                    {"reason": reason, "note": "tidak datang sampai akhir tahap"})
        return kind
    receiver = (stand_in(client, alloc) if kind == "representative" else None) \
        or alloc["recipient_nik"]
    client.post("allocations/%s/disburse" % alloc["id"], {
        "received_by_nik": receiver, "channel": channel,
        "evidence_ref": "BAST/%s/%s" % (rnd["programme_code"], alloc["id"][-6:]),
        "handed_over_at": handed_over_at})
    return "representative" if receiver != alloc["recipient_nik"] else "recipient"


def life_events(client, rounds, period, today, rng, taken):
    """A death, a move-out and a birth in the weeks of the quarter's rounds; returns the
    rows to show (what distribution made of each) and the births ``[(baby, family)]``.

    ``taken``: the families an earlier event touched (not picked again).
    """
    _, _, first, last = period
    by_code = {r["programme_code"]: r for r in rounds}
    rows, births = [], []
    when = life.in_quarter(first, last, today, 0.4)
    for code, reason, note in (("KLJ", "deceased", "meninggal dunia %s (laporan RT)"),
                               ("SEMBAKO", "moved_out", "pindah ke luar kota %s (surat pindah)")):
        if code not in by_code:
            continue
        alloc = next((a for a in pending(client, by_code[code]["id"])
                      if a["household_id"] not in taken), None)
        if alloc is None:
            continue
        taken.add(alloc["household_id"])
        life.leave(client, alloc["recipient_nik"], reason, note % when.isoformat())
        after = life.followed(client, alloc)
        rows.append({"when": when.isoformat(),
                     "event": "%s: %s" % ("death" if reason == "deceased" else "move-out",
                                          alloc["recipient_name"]),
                     "in distribution": "%s %s: %s%s" % (
                         code, alloc["id"][-6:], after["status"],
                         " (%s)" % after["status_reason"] if after.get("status_reason") else "")
                     + (", now collected by %s" % after["recipient_name"]
                        if after["status"] == "pending" else "")})
    if "PKH" in by_code:
        candidates = pending(client, by_code["PKH"]["id"], status=None)
        candidates = [a for a in candidates if a["household_id"] not in taken]
        if candidates:
            alloc = rng.choice(candidates[:50])
            taken.add(alloc["household_id"])
            born = life.in_quarter(first, last, today, 0.5)
            baby, family = life.birth(client, alloc, born, rng)
            births.append((baby, family))
            rows.append({"when": born.isoformat(), "event": "birth: %s, KK %s" % (
                baby["full_name"], family["kk_number"]),
                "in distribution": "PKH this quarter %s (%s); the baby counts from the next "
                "round" % (rupiah(alloc["amount_idr"]), alloc["status"])})
    return rows, births


def pkh_after_births(client, rounds, births, out):
    """Show the last quarter's newborns in their family's PKH of this quarter."""
    pkh = next((r for r in rounds if r["programme_code"] == "PKH"), None)
    if pkh is None:
        return
    for baby, family in births:
        allocations = client.get("families/%s/programmes" % family["kk_number"])["programmes"]
        mine = [a for p in allocations if p["programme_code"] == "PKH" for a in p["allocations"]
                if a["round_id"] == pkh["id"]]
        for alloc in mine:
            parts = [c for c in alloc.get("components") or [] if c.get("member_nik") == baby["nik"]]
            out("  %s, born %s: family KK %s receives PKH %s this quarter%s." % (
                baby["full_name"], baby["birth_date"], family["kk_number"],
                rupiah(alloc["amount_idr"]),
                ", with %s for the baby (%s)%s" % (
                    rupiah(parts[0]["amount_idr"]), parts[0].get("label") or parts[0]["code"],
                    "; PKH pays at most %d components a family, so the smallest other one "
                    "dropped" % PKH_MAX_COMPONENTS
                    if len(alloc.get("components") or []) >= PKH_MAX_COMPONENTS else "")
                if parts else ""))


def _disbursed(client, rnd):
    return client.get("rounds/%s/report" % rnd["id"])["totals"]["disbursed"]["count"]


def quarter_report(client, out, rounds, tally):
    """The quarter's round reports; each handover count checked against ``tally`` (what
    this run recorded, beside what the round held before)."""
    rows = []
    for rnd in rounds:
        t = client.get("rounds/%s/report" % rnd["id"])["totals"]
        mine = tally[rnd["programme_code"]]
        check(t["disbursed"]["count"] == mine["before"] + mine["disbursed"] and
              t["not_collected"]["count"] >= mine["absent"],
              "round %s reports %d disbursed, %d not collected; the step recorded %s"
              % (rnd["id"], t["disbursed"]["count"], t["not_collected"]["count"], mine))
        rows.append({"programme": rnd["programme_code"], "round": rnd["name"],
                     "eligible": t["eligible"]["count"], "allocated": t["allocated"]["count"],
                     "waiting": t["waiting"]["count"], "pending": t["pending"]["count"],
                     "disbursed": t["disbursed"]["count"],
                     "disbursed Rp": rupiah(t["disbursed"]["amount_idr"]),
                     "by a representative": mine["representative"],
                     "not collected": t["not_collected"]["count"],
                     "cancelled": t["cancelled"]["count"]})
    # allocated = pending + disbursed + not collected + cancelled (+ returned): a grant
    # reassigned from a family that never came is pending at the quarter's end
    out.table(rows, ["programme", "round", "eligible", "allocated", "waiting", "pending",
                     "disbursed", "disbursed Rp", "by a representative", "not collected",
                     "cancelled"])


def progress(total, desc):
    """A progress bar on stderr (``demo.options.PROGRESS``; by default only at a terminal)."""
    return tqdm(total=total, desc=desc, unit="step", file=sys.stderr, leave=True,
                disable=None if options.PROGRESS is None else not options.PROGRESS,
                dynamic_ncols=True)


def live_quarter(client, out, programmes, period, last_of_year, today, rng, state):
    """One quarter of the year; returns its rounds. ``state`` carries what the next
    quarters need: ``taken`` (families a life event touched) and ``births`` (the
    last quarter's)."""
    year, q, first, last = period
    began = time.monotonic()
    out.section("Quarter %d %d (%s to %s)" % (q, year, first, last))
    later = []   # lines shown once the bar is done, so that they do not break it at a terminal
    with progress(None, "Q%d %d" % (q, year)) as bar:
        rounds = schedule(client, programmes, period, last_of_year)
        bar.total = 2 * len(rounds)
        made = generate(client, rounds, bar)
        later.append("Rounds %s; allocations made now: %d to hand over, %d more on waiting "
                     "lists." % (
            ", ".join("%s %s" % (r["programme_code"], r["name"]) for r in rounds),
            sum(m["created"] for m in made.values()), sum(m["waiting"] for m in made.values())))
        if first > today:
            bar.update(len(rounds))
            later.append("This quarter begins on %s: aid is handed over from that day, so its "
                         "rounds wait (the status check says \"dijadwalkan\")." % first)
        else:
            pkh_after_births(client, rounds, state["births"], later.append)
            todo = sum(client.get("rounds/%s/allocations" % r["id"], params={
                "status": "pending", "per_page": 1})["total"] for r in rounds)
            bar.total = 2 * len(rounds) + todo
            bar.refresh()
            tally = {r["programme_code"]: {"before": _disbursed(client, r), "disbursed": 0,
                                           "representative": 0, "absent": 0} for r in rounds}
            # the first half is handed out before the quarter's life events, the rest after
            events_on = life.in_quarter(first, last, today, 0.4)
            hand_out(client, rounds, rng, bar, tally,
                     (first, max(first, events_on - datetime.timedelta(days=1))), share=0.5)
            rows, births = life_events(client, rounds, period, today, rng, state["taken"])
            state["births"] = births     # shown in the next quarter's PKH
            hand_out(client, rounds, rng, bar, tally, (events_on, last))
            bar.update(max(0, bar.total - bar.n - len(rounds)))   # those the events cancelled
            reassign_one(client, later.append, rounds)
            bar.update(len(rounds))
    out(*later)
    if first > today:
        return rounds
    out("Life in the quarter (through the registry; what distribution made of it):")
    out.table(rows, ["when", "event", "in distribution"])
    quarter_report(client, out, rounds, tally)
    if close_ended(client, rounds, last, today):
        out("The quarter has ended: its %d rounds are closed." % len(rounds))
    out("(quarter %d %d lived in %.1f s)" % (q, year, time.monotonic() - began))
    return rounds


def explain_and_check(client, out, rounds):
    out.section("An officer explains a decision; a resident checks their own status")
    by_code = {r["programme_code"]: r for r in rounds}
    some = pending(client, by_code["PKH"]["id"], status=None)
    if not some:
        return
    alloc = some[0]
    answer = client.get("eligibility", params={"nik": alloc["recipient_nik"], "programme": "PKH"})
    out("Eligibility of %s for PKH: %s, %s this tahap." % (
        alloc["recipient_name"], "eligible" if answer["eligible"] else "not eligible",
        rupiah(answer["amount_idr"])))
    out.table([{"criterion": c["criterion"][:70],
                  "value": "-" if c["value"] in (None, [], "") else c["value"],
                  "passed": "ya" if c["passed"] else "tidak"}
                 for c in answer["criteria"]], ["criterion", "value", "passed"])
    person = client.get("residents/%s" % alloc["recipient_nik"])
    public = client.with_token(None)
    mine = public.post("status-check", {"nik": person["nik"], "birth_date": person["birth_date"]})
    out("Status check by the resident (public, NIK + birth date), for %s:" % mine.get("full_name"))
    out.table([dict(p, **{"programme": p.get("programme_name") or p.get("programme_code")})
                 for p in mine.get("programmes", [])], ["programme", "round_name", "status"])
    for item in mine.get("upcoming", [])[:3]:
        out("  upcoming: %s %s, %s to %s at %s, %s" % (
            item["programme_code"], item["round_name"], item["starts_on"], item["ends_on"],
            item["location"], rupiah(item["amount_idr"])))
    try:
        public.post("status-check", {"nik": person["nik"], "birth_date": "1900-01-01"})
    except ApiError as exc:
        out("Same NIK, wrong birth date: %d %s" % (exc.status, exc.detail))


def reassign_one(client, out, rounds):
    umkm = next((r for r in rounds if r["programme_code"] == "UMKM_DESA"), None)
    if umkm is None:
        return
    closed = client.get("rounds/%s/allocations" % umkm["id"], params={"status": "not_collected"})
    for alloc in closed["items"]:
        if not alloc.get("reassigned_to"):
            try:
                moved = client.post("allocations/%s/reassign" % alloc["id"])
            except ApiError as exc:
                out("Reassignment: %s" % exc.detail)
                return
            out("UMKM grant not collected by %s: reassigned to the next waiting family, %s "
                "(decile %s)." % (alloc["recipient_name"], moved["to"]["recipient_name"],
                                  moved["to"]["welfare_decile"]))
            return


def the_year(client, out, year, rounds):
    """The year's handovers as distribution reports them, and one round's CSV export."""
    out.section("The year's handovers (distribution's report %d)" % year)
    report = client.get("reports/disbursements", params={"year": year})
    out.table([{"programme": p["programme_code"], "handovers": p["totals"]["count"],
                "rupiah": rupiah(p["totals"]["amount_idr"]),
                "by a representative": p["totals"]["by_representative"]}
               for p in report["programmes"]], ["programme", "handovers", "rupiah",
                                                "by a representative"])
    out("All programmes: %d handovers, %s." % (report["totals"]["count"],
                                              rupiah(report["totals"]["amount_idr"])))
    out("By the month they were handed over (entered later from the paper records):")
    out.table([{"month": cell["month"], "handovers": cell["count"],
                "rupiah": rupiah(cell["amount_idr"])}
               for cell in report["months_total"] if cell["count"]],
              ["month", "handovers", "rupiah"])
    csv_text = client.raw("GET", "rounds/%s/report" % rounds[0]["id"],
                          params={"format": "csv"}).text
    out("", "CSV export of %s %s:" % (rounds[0]["programme_code"], rounds[0]["name"]), csv_text)


def run(client, out):
    """Live through the year; see the module docstring."""
    rng = random.Random(SEED)
    today = village_today()
    programmes = publish_catalogue(client, out)
    wait_for_projection(client, out)
    periods = year_of_quarters(today)
    state = {"taken": set(), "births": []}
    lived = []
    for i, period in enumerate(periods):
        rounds = live_quarter(client, out, programmes, period, i == len(periods) - 1, today,
                              rng, state)
        if period[2] <= today:
            lived = rounds
    explain_and_check(client, out, lived)
    the_year(client, out, today.year, lived)
