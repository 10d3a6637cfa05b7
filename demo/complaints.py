"""Demo step: residents complain during the round and the kelurahan answers.

Files complaints of several categories through the public API (some anonymous,
one pungli report, one data correction, one about an allocation of the round),
moves them through the workflow as an officer, shows what the complainant, an
officer and an admin each see, collects feedback, and prints the complaint report.
All names and texts are invented.
"""
import datetime
import time

from gateway.client import ApiError

WIB = datetime.timezone(datetime.timedelta(hours=7))
REPORTER_NIK = "3174094506870003"  # synthetic, valid in shape (woman born 1987-06-05)


def run(client, out):
    officer = client.with_token(client.post("tokens", {
        "role": "officer", "name": "Petugas Pengaduan Kelurahan (demo)"})["token"])
    public = client.with_token(None)
    allocation = _pending_allocation(officer)
    subject = _correction_subject(officer)

    out.section("Complaints filed during the round (public API, no account)")
    filed = {}
    for key, body in _complaints(allocation, subject):
        try:
            answer = public.post("complaints", body)
        except ApiError as exc:
            if exc.status != 429:
                raise
            out("  (%s not filed: %s)" % (key, exc.detail))
            continue
        filed[key] = officer.get("complaints", params={"tracking_code": answer["tracking_code"]})["items"][0]
        out("  %-16s tracking code %s  %s: %s" % (
            key, answer["tracking_code"], "anonymous" if body.get("anonymous") else "identified",
            body["description"][:60]))
    counts = officer.get("complaints", params={"per_page": 1})["counts"]
    out("Officer view: %d new complaints waiting, %d overdue." % (counts["received"], counts["overdue"]))

    out.section("The officer works through them")
    _moves(officer, filed, out)
    if "not_received" in filed and allocation:
        _disburse_and_watch(officer, filed["not_received"], allocation, out)

    if "data_correction" in filed:
        _confirm_correction(officer, filed["data_correction"], out)

    if "pungli" in filed:
        out.section("Who sees the pungli reporter")
        cid = filed["pungli"]["id"]
        out("  officer: reporter = %s" % officer.get("complaints/" + cid)["reporter"])
        out("  admin:   reporter = %s" % client.get("complaints/" + cid)["reporter"])

    if "exclusion" in filed:
        out.section("What the complainant sees with the tracking code")
        out.json(public.get("complaints/" + filed["exclusion"]["tracking_code"]))

    out.section("Resolved complaints the village publishes")
    for item in public.get("resolved-complaints")["items"]:
        out("  [%s] %s -> %s" % (item["category"], item["summary"], item["answer"]))

    _feedback(public, officer, out)
    _report(officer, out)


def _complaints(allocation, subject):
    yield "exclusion", {
        "category": "exclusion", "programme_code": "PKH",
        "description": "Saya janda dengan tiga anak sekolah, penghasilan tidak tetap, tetapi "
                       "keluarga kami tidak terdaftar PKH.",
        "reporter": {"name": "Sri Wahyuni", "nik": REPORTER_NIK, "phone": "081298765432"}}
    yield "inclusion", {
        "category": "inclusion", "anonymous": True, "programme_code": "SEMBAKO",
        "description": "Tetangga di RT 007 punya mobil dan warung besar tetapi menerima Sembako."}
    body = {"category": "not_received", "anonymous": True,
            "description": "Bantuan tahap ini belum saya terima, padahal nama saya ada di daftar."}
    if allocation:
        body.update(programme_code=allocation["programme_code"], round_id=allocation["round_id"],
                    allocation_id=allocation["id"])
    yield "not_received", body
    yield "pungli", {
        "category": "pungli", "programme_code": "SEMBAKO",
        "description": "Oknum pendamping meminta Rp20.000 per keluarga saat pembagian di balai "
                       "RW, katanya untuk ongkos angkut.",
        "reporter": {"name": "Dewi Lestari", "phone": "085711223344"}}
    yield "data_correction", {
        "category": "data_correction",
        "description": "Tempat lahir %s, anggota keluarga saya, tertulis salah di data "
                       "kelurahan: seharusnya %s." % (subject[2], subject[1]),
        "reporter": {"name": "Agus Setiawan", "phone": "081377788899"},
        "correction": {"subject_nik": subject[0], "fields": {"birth_place": subject[1]}}}
    yield "schedule", {
        "category": "schedule", "anonymous": True,
        "description": "Jadwal pembagian bersamaan dengan posyandu, ibu-ibu tidak bisa datang 🙏"}
    yield "suggestion", {
        "category": "suggestion", "anonymous": True,
        "description": "Mohon daftar penerima diumumkan juga lewat grup WhatsApp RW."}


def _moves(officer, filed, out):
    plans = {
        "exclusion": [{"to": "verified"},
                      {"to": "forwarded", "forwarded_to": "Suku Dinas Sosial Jakarta Selatan",
                       "note": "Diteruskan untuk pengusulan ke DTSEN."},
                      {"to": "in_progress"},
                      {"to": "resolved", "note": "Keluarga Ibu diusulkan masuk DTSEN pada "
                                                 "musyawarah kelurahan bulan ini."}],
        "inclusion": [{"to": "verified"},
                      {"to": "rejected", "note": "Hasil verifikasi lapangan: data keluarga "
                                                 "tersebut sesuai kriteria program."}],
        "not_received": [{"to": "verified", "note": "Sedang kami cek ke petugas penyaluran."}],
        "pungli": [{"to": "verified", "assigned_to": "Sekretaris Kelurahan"},
                   {"to": "forwarded", "forwarded_to": "Inspektorat Kota Adm. Jakarta Selatan",
                    "note": "Laporan diteruskan ke Inspektorat. Identitas pelapor dirahasiakan."}],
        "data_correction": [{"to": "verified"},
                            {"to": "resolved", "note": "Koreksi diajukan ke registri; petugas "
                                                       "akan mengonfirmasi perubahan."}],
        "suggestion": [{"to": "verified", "note": "Terima kasih; usulan dibawa ke rembuk RW "
                                                  "berikutnya."}],
        "schedule": [{"to": "verified"},
                     {"to": "resolved", "note": "Pembagian berikutnya dipindah ke Sabtu 09.00."}],
    }
    rows = []
    for key, moves in plans.items():
        if key not in filed:
            continue
        for move in moves:
            view = officer.post("complaints/%s/transitions" % filed[key]["id"], move)
        rows.append({"tracking code": view.get("tracking_code") or filed[key].get("tracking_code", ""),
                     "category": view["category"], "status": view["status"],
                     "assigned_to": view["assigned_to"] or "", "forwarded_to": view["forwarded_to"] or ""})
    if "schedule" in filed:
        officer.post("complaints/%s/publication" % filed["schedule"]["id"], {
            "summary": "Warga meminta jadwal pembagian tidak bersamaan dengan posyandu.",
            "answer": "Jadwal pembagian dipindah ke Sabtu pukul 09.00 di balai RW."})
    out.table(rows, ["tracking code", "category", "status", "assigned_to", "forwarded_to"])


def _disburse_and_watch(officer, complaint, allocation, out):
    out("", "The not-received complaint is about allocation %s (%s)." % (
        allocation["id"], allocation["status"]))
    try:
        officer.post("allocations/%s/disburse" % allocation["id"], {
            "received_by_nik": allocation["recipient_nik"], "channel": "cash",
            "evidence_ref": "BAST-DEMO-PENGADUAN"})
    except ApiError as exc:
        out("  (could not disburse it: %s)" % exc.detail)
        return
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        # the officer list (not rate limited) rather than GET complaints/<id>
        view = officer.get("complaints", params={"tracking_code": complaint["tracking_code"]})["items"][0]
        notes = [n for n in view["notes"] if n["kind"] == "system"]
        if notes:
            out("  distribution recorded the handover (one more than the year's handovers "
                "above); the complaint now says:",
                "  allocation status: %s" % view["allocation"]["status"],
                "  automatic note: %s" % notes[0]["text"])
            view = officer.post("complaints/%s/transitions" % complaint["id"], {
                "to": "resolved", "note": "Bantuan sudah diterima; terima kasih atas laporannya."})
            out("  the officer resolves it: %s" % view["status"])
            return
        time.sleep(0.2)
    out("  (the automatic note had not arrived within 15 s)")


def _confirm_correction(officer, complaint, out):
    """The registry holds the requested change until an officer confirms it."""
    out.section("The data correction reaches the registry as a pending change")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        pending = [c for c in officer.get("corrections")["items"]
                   if c["complaint_id"] == complaint["id"]]
        if pending:
            break
        time.sleep(0.2)
    else:
        out("  (no pending correction arrived within 15 s)")
        return
    correction = pending[0]
    nik = correction["subject_nik"]
    before = officer.get("residents/" + nik)["birth_place"]
    out("  pending: %s -> %s (birth place now %r)" % (nik, correction["fields"], before))
    try:
        done = officer.post("corrections/%s/confirm" % correction["id"],
                            {"note": "Dicocokkan dengan akta kelahiran."})
    except ApiError as exc:
        out("  (the registry refused it: %s)" % exc.detail)
        return
    out("  confirmed by %s; birth place now %r" % (
        done["decided_by"]["name"], officer.get("residents/" + nik)["birth_place"]))


def _feedback(public, officer, out):
    out.section("Feedback on the programmes")
    for body in ({"programme_code": "SEMBAKO", "rating": 4, "needs": ["food", "information"],
                  "comment": "Beras bagus, tapi jadwal sering berubah."},
                 {"programme_code": "SEMBAKO", "rating": 2, "needs": ["food"],
                  "comment": "Antrean terlalu panjang."},
                 {"programme_code": "PKH", "rating": 5, "needs": ["school_costs", "health_insurance"]},
                 {"programme_code": "PKH", "rating": 4, "needs": ["business_capital"],
                  "needs_other": "Pelatihan menjahit untuk ibu-ibu"}):
        try:
            public.post("feedback", body)
        except ApiError as exc:
            if exc.status != 429:
                raise
    summary = officer.get("reports/feedback", params={"year": datetime.datetime.now(WIB).year})
    out.table([{"programme": p["programme_code"], "responses": p["responses"],
                "average": p["average_rating"],
                "top needs": ", ".join(n["label"] for n in p["needs"][:3])}
               for p in summary["programmes"]], ["programme", "responses", "average", "top needs"])


def _report(officer, out):
    year = datetime.datetime.now(WIB).year
    report = officer.get("reports/complaints", params={"year": year})
    total = report["total"]
    out.section("Complaint report %d" % year)
    out.table([{"category": c, "complaints": n,
                "open": n - total["by_category_and_status"][c]["resolved"]
                - total["by_category_and_status"][c]["rejected"],
                "resolved": total["by_category_and_status"][c]["resolved"],
                "rejected": total["by_category_and_status"][c]["rejected"]}
               for c, n in total["by_category"].items() if n],
              ["category", "complaints", "open", "resolved", "rejected"])
    hours = total["hours_to_resolve"]
    out("Submitted %d, resolved %d; hours to resolve: median %s, p90 %s; overdue now %d; "
        "missed a deadline %d." % (total["submitted"], total["resolved"], hours["median"],
                                   hours["p90"], total["overdue_now"], total["missed_deadline"]),
        "(The demo's officer works through the complaints within seconds of their filing, so "
        "these times are near zero; the village's own are counted the same way, in hours from "
        "filing to resolution.)")
    csv_text = officer.raw("GET", "reports/complaints", params={"year": year, "format": "csv"}).text
    lines = csv_text.splitlines()
    out("CSV export (%d rows: each category and \"all\", for the year and each month), "
        "first lines:" % (len(lines) - 1), *lines[:3])


def _pending_allocation(officer):
    """A pending allocation of a current round, if the distribution step made one."""
    try:
        rounds = officer.get("rounds", params={"per_page": 50})["items"]
        for rnd in rounds:
            items = officer.get("rounds/%s/allocations" % rnd["id"],
                                params={"status": "pending", "per_page": 5})["items"]
            if items:
                return items[0]
    except ApiError:
        pass
    return None


def _correction_subject(officer):
    """A registered resident's NIK, a birth place that differs from theirs, and their name."""
    try:
        items = officer.get("residents", params={"per_page": 1, "status": "active"})["items"]
        if items:
            return (items[0]["nik"], "Depok" if items[0]["birth_place"] == "Bogor" else "Bogor",
                    items[0]["full_name"])
    except ApiError:
        pass
    return REPORTER_NIK, "Bogor", "Sri Wahyuni"
