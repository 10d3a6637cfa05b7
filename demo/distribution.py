"""Distribution step of the main job: one quarter of the village's year, through the gateway.

``run(client, out)``: publish the catalogue (data/programmes/), wait until the
distribution service's projection holds the sample registry imported by
demo/registry.py, schedule a round of each programme that applies to this
kelurahan in the current quarter, generate allocations, hand out aid with
realistic gaps (a representative collecting, people who do not come),
deactivate a few residents mid-round and show what happened to their pending
allocations, explain one eligibility decision, try the public status check,
and print the round reports. Running it again is harmless: programmes and
rounds exist (409 is read as "already there"), generation creates nothing new,
and only allocations still pending are handled.
"""
import concurrent.futures
import datetime
import glob
import json
import os
import random
import time

from gateway.client import ApiError, Client

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMMES = os.path.join(ROOT, "data", "programmes")
#: PBI-JK is paid by the state straight to BPJS: nothing is handed over in a round.
NO_HANDOVER = ("in_kind_service",)
#: a village grant with a budget for 12 grants, to show the waiting list
BUDGETS = {"UMKM_DESA": 30_000_000}
SHARE_REPRESENTATIVE, SHARE_ABSENT = 0.06, 0.08
ABSENT_REASONS = ("not_found", "refused", "moved", "other")
CATCH_UP_SECONDS = 120
#: officers recording handovers at the same time (parallel HTTP requests)
OFFICERS = 4
BANK_PROGRAMMES = ("PKH", "KLJ", "KPDJ", "KAJ", "KJP_PLUS", "PIP")


def rupiah(amount):
    return "Rp" + format(amount or 0, ",").replace(",", ".")


def quarter(today):
    """``(number, first day, last day)`` of the quarter containing ``today``."""
    q = (today.month - 1) // 3 + 1
    first = datetime.date(today.year, 3 * q - 2, 1)
    nxt = datetime.date(today.year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return q, first, nxt - datetime.timedelta(days=1)


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
    while True:
        status = client.get("admin/distribution/projection")
        if status["households"] >= want_hh and status["residents"] >= want_res:
            break
        if time.monotonic() - began > CATCH_UP_SECONDS:
            raise RuntimeError("distribution projection stuck at %s" % status)
        time.sleep(0.5)  # polling a condition with a deadline
    out("Distribution's registry projection: %d households, %d residents (caught up in %.1f s)."
        % (status["households"], status["residents"], time.monotonic() - began))


def schedule_quarter(client, out, programmes, today):
    q, first, last = quarter(today)
    out.section("Schedule the rounds of quarter %d %d (%s to %s)" % (q, today.year, first, last))
    rounds = []
    for programme in programmes:
        if programme["kind"] in NO_HANDOVER:
            out("%s: no handover round (the state pays the premium to BPJS directly)."
                % programme["code"])
            continue
        yearly = programme["frequency"]["rounds_per_year"]
        name = ("Tahun %d" % today.year if yearly == 1
                else "Tahap %d/%d" % (q, today.year) if yearly == 4
                else "Bulan %s" % first.strftime("%m/%Y"))
        body = {"name": name, "starts_on": first.isoformat(), "ends_on": last.isoformat(),
                "location": "Aula Kantor Kelurahan Tanjung Barat, Jl. Raya Tanjung Barat",
                "budget_idr": BUDGETS.get(programme["code"])}
        try:
            rnd = client.post("programmes/%s/rounds" % programme["code"], body)
        except ApiError as exc:
            if exc.status != 409:
                raise
            found = client.get("rounds", params={"programme": programme["code"], "per_page": 200})
            rnd = next(r for r in found["items"] if r["name"] == name)
        rounds.append(rnd)
    out.table([{"programme": r["programme_code"], "round": r["name"], "budget": rupiah(
        r["budget_idr"]) if r.get("budget_idr") else "-", "id": r["id"]} for r in rounds],
        ["programme", "round", "budget", "id"])
    return rounds


def generate(client, out, rounds):
    out.section("Generate allocations for the sample registry")
    rows = []
    for rnd in rounds:
        began = time.monotonic()
        result = client.post("rounds/%s/allocations" % rnd["id"], timeout=600)
        rows.append({"programme": rnd["programme_code"], "eligible": result["eligible"],
                     "created": result["created"], "waiting": result["waiting"],
                     "already there": result["already_allocated"],
                     "refused": ", ".join("%s %d" % kv for kv in result["refused"].items()) or "-",
                     "seconds": "%.2f" % (time.monotonic() - began)})
    out.table(rows, ["programme", "eligible", "created", "waiting", "already there", "refused",
                      "seconds"])


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


def stand_in(client, alloc):
    """Another active adult of the household, to collect for the recipient."""
    household = client.get("households/%s" % alloc["household_id"])
    for member in household.get("members", []):
        if member.get("nik") != alloc["recipient_nik"] and member.get("status") == "active" \
                and member.get("birth_date", "9999") <= "2008-01-01" and member.get("nik"):
            return member["nik"]
    return None


def hand_out(client, out, rounds, rng, share=1.0, title="Hand out aid"):
    """Disburse a ``share`` of each round's pending allocations, with gaps.

    Who comes, who sends someone and who never shows up is drawn first (a
    seeded ``rng``), then the handovers are recorded by a few officers at once.
    """
    out.section(title)
    rows = []
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
        with concurrent.futures.ThreadPoolExecutor(OFFICERS) as pool:
            done = list(pool.map(lambda job, rnd=rnd, channel=channel: _record(
                client, rnd, channel, *job), jobs))
        rows.append({"programme": rnd["programme_code"],
                     "disbursed": sum(d != "absent" for d in done),
                     "by a representative": done.count("representative"),
                     "not collected": done.count("absent")})
    out.table(rows, ["programme", "disbursed", "by a representative", "not collected"])


def _record(client, rnd, channel, kind, alloc, reason):
    client = Client(client.base_url, client.token)  # one session per officer (thread)
    if kind == "absent":
        client.post("allocations/%s/not-collected" % alloc["id"],
                    {"reason": reason, "note": "tidak datang sampai akhir tahap"})
        return kind
    receiver = (stand_in(client, alloc) if kind == "representative" else None) \
        or alloc["recipient_nik"]
    client.post("allocations/%s/disburse" % alloc["id"], {
        "received_by_nik": receiver, "channel": channel,
        "evidence_ref": "BAST/%s/%s" % (rnd["programme_code"], alloc["id"][-6:])})
    return "representative" if receiver != alloc["recipient_nik"] else "recipient"


def deactivate_mid_round(client, out, rounds):
    """Deactivate three recipients of pending allocations; show what followed."""
    out.section("Mid-round: three residents leave the registry")
    picks, seen = [], set()
    wanted = [("KLJ", "deceased"), ("SEMBAKO", "moved_out"), ("PKH", "deceased")]
    by_code = {r["programme_code"]: r for r in rounds}
    for code, reason in wanted:
        if code not in by_code:
            continue
        for alloc in pending(client, by_code[code]["id"]):
            if alloc["recipient_nik"] not in seen:
                seen.add(alloc["recipient_nik"])
                picks.append((alloc, reason))
                break
    if not picks:
        out("No pending allocation left to show (the quarter was already handed out).")
        return
    for alloc, reason in picks:
        client.post("residents/%s/deactivate" % alloc["recipient_nik"],
                    {"reason": reason, "note": "laporan RT saat penyaluran"})
    rows = []
    for alloc, reason in picks:
        began = time.monotonic()
        while True:
            after = client.get("allocations/%s" % alloc["id"])
            if after["version"] > alloc["version"] or time.monotonic() - began > 30:
                break
            time.sleep(0.2)  # the registry event reaches distribution asynchronously
        rows.append({"programme": alloc["programme_code"], "left": "%s (%s)" % (
            alloc["recipient_name"], reason), "allocation": after["status"],
            "reason": after["status_reason"] or "-", "now received by": after["recipient_name"]
            if after["status"] == "pending" else "-"})
    out.table(rows, ["programme", "left", "allocation", "reason", "now received by"])


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
                 for p in mine.get("programmes", [])], ["programme", "status"])
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


def reports(client, out, rounds):
    out.section("Round reports (counts and rupiah)")
    rows = []
    for rnd in rounds:
        t = client.get("rounds/%s/report" % rnd["id"])["totals"]
        rows.append({"programme": rnd["programme_code"], "round": rnd["name"],
                     "eligible": t["eligible"]["count"], "allocated": t["allocated"]["count"],
                     "waiting": t["waiting"]["count"], "disbursed": t["disbursed"]["count"],
                     "disbursed Rp": rupiah(t["disbursed"]["amount_idr"]),
                     "not collected": t["not_collected"]["count"],
                     "cancelled": t["cancelled"]["count"]})
    out.table(rows, ["programme", "round", "eligible", "allocated", "waiting", "disbursed",
                       "disbursed Rp", "not collected", "cancelled"])
    csv_text = client.raw("GET", "rounds/%s/report" % rounds[0]["id"],
                          params={"format": "csv"}).text
    out("", "CSV export of %s %s:" % (rounds[0]["programme_code"], rounds[0]["name"]), csv_text)


def run(client, out):
    """Run the quarter; see the module docstring."""
    rng = random.Random(20261129)
    today = datetime.date.today()
    programmes = publish_catalogue(client, out)
    wait_for_projection(client, out)
    rounds = schedule_quarter(client, out, programmes, today)
    generate(client, out, rounds)
    hand_out(client, out, rounds, rng, share=0.5, title="First weeks: half of the recipients come")
    deactivate_mid_round(client, out, rounds)
    hand_out(client, out, rounds, rng, title="Until the end of the round (with people who do not come)")
    reassign_one(client, out, rounds)
    explain_and_check(client, out, rounds)
    reports(client, out, rounds)
