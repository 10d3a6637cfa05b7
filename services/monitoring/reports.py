"""The annual report's other forms: CSV tables and one printable HTML page in
Bahasa Indonesia (docs/monitoring.md). Input: ``domain.annual_counters``."""
from html import escape

from services.shared.csvfile import csv_text

from services.monitoring.domain import rupiah
from services.monitoring.graduation import STAGES as GRADUATION_STAGES

MONEY_TABLES = (("allocations", "Alokasi"), ("disbursements", "Penyaluran"),
                ("returns", "Pengembalian"))


def csv_report(year):
    """The year's tables as one CSV: ``table, key, month, count, amount_idr`` rows
    (``key``: programme/RW, complaint category, reason, outcome or figure name)."""
    rows = [["registry", "registrations", "", year["registry"]["registrations"], ""]]
    rows += [["deactivations", reason, "", n, ""]
             for reason, n in year["registry"]["deactivations"].items()]
    for table, _ in MONEY_TABLES:
        rows += [[table, "%s/RW%s" % (r["programme_code"], r["rw"]), r["month"], r["count"],
                  r["amount_idr"]] for r in year["distribution"][table]]
    rows += [["complaints", c["category"], "", c["submitted"], ""] for c in year["complaints"]]
    rows += [["complaints_resolved", c["category"], "", c["resolved"],
              c["mean_resolution_days"] if c["mean_resolution_days"] is not None else ""]
             for c in year["complaints"]]
    rows += [["enrolments", kind, "", n, ""]
             for kind, n in year["partners"]["enrolments_accepted"].items()]
    rows += [["outcomes", outcome, "", n, ""] for outcome, n in year["partners"]["outcomes"].items()]
    rows += accountability_rows(year)
    market = year["marketplace"]
    rows += [["marketplace", name, "", market[name], ""] for name in (
        "sellers_registered", "sellers_verified", "listings_published", "orders_completed")]
    rows.append(["marketplace", "orders_value_idr", "", "", market["orders_value_idr"]])
    talks = year["discussions"]
    rows.append(["discussions", "held", "", talks["count"], ""])
    rows += [["participants", group, "", n, ""] for group, n in talks["participants"].items()]
    rows += [["needs", n["need"], "", n["mentions"], ""] for n in talks["needs"]]
    rows += [["follow_ups", status, "", n, ""] for status, n in talks["follow_ups"].items()]
    rows += evaluation_rows(year)
    return csv_text(["table", "key", "month", "count", "amount_idr"], rows)


def _blank(value):
    return "" if value is None else value


def accountability_rows(year):
    """CSV rows of coverage, complaints against deadlines and partner contributions.

    - ``coverage_eligible``, ``coverage_reached`` (``count`` households or persons)
      and ``coverage_reached_pct`` (``count`` the percentage), ``key`` the
      programme (all RWs) or ``<programme>/RW<rw>``;
    - ``complaints_within_deadline``, ``complaints_late``,
      ``complaints_open_past_deadline`` (``count``), ``complaints_median_days`` and
      ``complaints_p90_days`` (``count`` the days), ``key`` the category;
    - ``contribution_pledged`` and ``contribution_delivered``, ``key``
      ``<partner id>/<measure>`` (``amount_idr``, ``in_kind_value_idr`` in
      ``amount_idr``; ``trainer_hours`` in ``count``).
    """
    rows = []
    for c in year.get("coverage") or []:
        for key, row in [(c["programme_code"], c)] + [
                ("%s/RW%s" % (c["programme_code"], r["rw"]), r) for r in c["by_rw"]]:
            rows += [["coverage_eligible", key, "", row["eligible"], ""],
                     ["coverage_reached", key, "", row["reached"], ""],
                     ["coverage_reached_pct", key, "", _blank(row["reached_pct"]), ""]]
    for c in year.get("complaint_deadlines") or []:
        rows += [["complaints_" + name, c["category"], "", _blank(c[name]), ""] for name in (
            "within_deadline", "late", "open_past_deadline", "median_days", "p90_days")]
    for p in year.get("contributions") or []:
        for side in ("pledged", "delivered"):
            amounts = p[side]
            rows += [["contribution_" + side, "%s/%s" % (p["partner_id"], k), "", "", amounts[k]]
                     for k in ("amount_idr", "in_kind_value_idr")]
            rows.append(["contribution_" + side, "%s/trainer_hours" % p["partner_id"], "",
                         amounts["trainer_hours"], ""])
    return rows


def _dash(value):
    return "-" if value is None else value


def _pct(value):
    return "-" if value is None else ("%s%%" % value).replace(".", ",")


def accountability_html(year):
    """The printable page's coverage, complaint deadlines and partner contributions."""
    units = {"household": "keluarga", "person": "orang"}
    coverage = []
    for c in year.get("coverage") or []:
        coverage += [[c["programme_code"], "Semua RW", units.get(c["unit"], c["unit"]),
                      c["eligible"], c["reached"], _pct(c["reached_pct"])]]
        coverage += [[c["programme_code"], "RW %s" % r["rw"], units.get(c["unit"], c["unit"]),
                      r["eligible"], r["reached"], _pct(r["reached_pct"])] for r in c["by_rw"]]
    parts = ["<h2>Cakupan bantuan (sasaran dan yang menerima)</h2>",
             "<p>Sasaran: keluarga (atau orang, untuk bantuan perorangan) yang mendapat "
             "alokasi pada tahap tahun ini, termasuk daftar tunggu; menerima: yang "
             "bantuannya sudah diserahkan.</p>", _table(
                 ["Program", "Wilayah", "Satuan", "Sasaran", "Menerima", "Persentase"], coverage)]
    parts += ["<h2>Penyelesaian pengaduan terhadap tenggat</h2>", _table(
        ["Kategori", "Selesai", "Tepat waktu", "Terlambat",
         "Masih terbuka melewati tenggat (akhir tahun)", "Median hari", "P90 hari"],
        [[c["category"], c["resolved"], c["within_deadline"], c["late"],
          c["open_past_deadline"], _dash(c["median_days"]), _dash(c["p90_days"])]
         for c in year.get("complaint_deadlines") or []])]
    parts += ["<h2>Kontribusi mitra: janji dan realisasi</h2>", _table(
        ["Mitra", "Dana dijanjikan", "Dana terealisasi", "Natura dijanjikan",
         "Natura terealisasi", "Jam pelatih dijanjikan", "Jam pelatih terealisasi"],
        [[p["partner_name"], rupiah(p["pledged"]["amount_idr"]),
          rupiah(p["delivered"]["amount_idr"]), rupiah(p["pledged"]["in_kind_value_idr"]),
          rupiah(p["delivered"]["in_kind_value_idr"]), p["pledged"]["trainer_hours"],
          p["delivered"]["trainer_hours"]] for p in year.get("contributions") or []])]
    return parts


def _change(value):
    return "" if value is None else value


def evaluation_rows(year):
    """CSV rows of scorecards (``month`` = the semester; a change is against the
    previous semester), surveys (mean ratings) and the graduation funnel (``key`` =
    the cohort's year)."""
    rows = []
    for card in year["scorecards"]["cards"]:
        where = "RW%s" % card["rw"] if card["rw"] else "desa"
        for c in card["criteria"]:
            key = "%s/%s/%s" % (where, card["service"], c["criterion"])
            rows += [["scorecard_" + name, key, card["semester"], _change(c[name]), ""]
                     for name in ("community_score", "provider_score", "community_change",
                                  "provider_change")]
    for survey in year["surveys"]:
        rows.append(["survey_responses", survey["title"], "", survey["responses"], ""])
        rows += [["survey_mean_rating", "%s/%s" % (survey["title"], q["name"]), "",
                  _change(q["mean"]), ""] for q in survey["ratings"]]
    for cohort in year["graduation"]:
        rows += [["graduation_" + stage, cohort["cohort"], "", cohort[stage], ""]
                 for stage in GRADUATION_STAGES]
    return rows


GRADUATION_LABELS = ("Menerima modal usaha atau pelatihan kewirausahaan",
                     "Menjadi penjual terverifikasi", "Menayangkan produk", "Berhasil menjual",
                     "Keluarga keluar dari bantuan karena membaik",
                     "Keluarga meninggal atau pindah (bukan kelulusan)")


def _signed(value):
    return "-" if value is None else "%+d" % value


def evaluation_html(year):
    """The printable page's scorecards, surveys and graduation funnel sections."""
    parts = ["<h2>Kartu penilaian warga (%d)</h2>" % year["scorecards"]["count"]]
    for card in year["scorecards"]["cards"]:
        where = "RW %s" % card["rw"] if card["rw"] else "Seluruh desa"
        parts += ["<h3>%s, %s, semester %s</h3>" % (escape(card["service"]), where,
                                                   card["semester"]), _table(
            ["Kriteria", "Nilai warga", "Perubahan", "Nilai penyedia", "Perubahan"],
            [[c["criterion"], c["community_score"], _signed(c["community_change"]),
              c["provider_score"], _signed(c["provider_change"])] for c in card["criteria"]]),
            "<p>Rencana aksi: %s</p>" % escape(", ".join(
                "%s %d" % (s, n) for s, n in card["actions"].items()) or "-")]
    parts += ["<h2>Survei evaluasi</h2>", _table(
        ["Survei", "Program", "Responden", "Rata-rata penilaian (1-5)"],
        [[s["title"], s["programme_code"], s["responses"], "; ".join(
            "%s: %s" % (q["label"], "-" if q["mean"] is None else q["mean"])
            for q in s["ratings"]) or "-"] for s in year["surveys"]])]
    cohorts = year["graduation"]
    parts += ["<h2>Jalan keluar dari bantuan (per angkatan)</h2>", _table(
        ["Tahap"] + ["Angkatan %d" % c["cohort"] for c in cohorts],
        [[label] + [c[stage] for c in cohorts]
         for stage, label in zip(GRADUATION_STAGES, GRADUATION_LABELS, strict=True)]
        if cohorts else [])]
    return parts


def _table(head, rows):
    cells = "".join("<th>%s</th>" % escape(h) for h in head)
    body = "".join("<tr>%s</tr>" % "".join("<td>%s</td>" % escape(str(v)) for v in row)
                   for row in rows) or '<tr><td colspan="%d">Belum ada data</td></tr>' % len(head)
    return "<table><thead><tr>%s</tr></thead><tbody>%s</tbody></table>" % (cells, body)


def html_report(year):
    """One printable page (``text/html``, Bahasa Indonesia) of the year's figures."""
    parts = ["<h1>Laporan Evaluasi Tahunan %d</h1>" % year["year"],
             "<p>Desa Tanjung Barat: angka dari seluruh layanan.</p>",
             "<h2>Kependudukan</h2>",
             _table(["Keterangan", "Jumlah"], [["Warga terdaftar",
                                                 year["registry"]["registrations"]]]
                    + [["Nonaktif: " + reason, n]
                       for reason, n in year["registry"]["deactivations"].items()])]
    for table, title in MONEY_TABLES:
        parts += ["<h2>%s bantuan</h2>" % title, _table(
            ["Program", "RW", "Bulan", "Jumlah", "Nilai"],
            [[r["programme_code"], r["rw"], r["month"], r["count"], rupiah(r["amount_idr"])]
             for r in year["distribution"][table]])]
    parts += ["<h2>Pengaduan</h2>", _table(
        ["Kategori", "Masuk", "Selesai", "Rata-rata hari penyelesaian"],
        [[c["category"], c["submitted"], c["resolved"],
          "-" if c["mean_resolution_days"] is None else c["mean_resolution_days"]]
         for c in year["complaints"]])]
    parts += accountability_html(year)
    partners = year["partners"]
    parts += ["<h2>Program mitra</h2>", _table(
        ["Keterangan", "Jumlah"],
        [["Diterima: " + k, n] for k, n in partners["enrolments_accepted"].items()]
        + [["Hasil: " + k, n] for k, n in partners["outcomes"].items()]
        + [["Daftar tunggu", partners["waitlisted"]], ["Keluar", partners["withdrawn"]]])]
    market = year["marketplace"]
    parts += ["<h2>Pasar warga</h2>", _table(["Keterangan", "Jumlah"], [
        ["Penjual terdaftar", market["sellers_registered"]],
        ["Penjual terverifikasi", market["sellers_verified"]],
        ["Produk ditayangkan", market["listings_published"]],
        ["Pesanan selesai", market["orders_completed"]],
        ["Nilai pesanan", rupiah(market["orders_value_idr"])]])]
    talks = year["discussions"]
    people = talks["participants"]
    parts += ["<h2>Musyawarah warga (%d kali)</h2>" % talks["count"], _table(
        ["Peserta", "Jumlah"],
        [[label, people.get(key, 0)] for key, label in (
            ("female", "Perempuan"), ("male", "Laki-laki"), ("women", "Kelompok perempuan"),
            ("elderly", "Lansia"), ("youth", "Pemuda"), ("disabled", "Penyandang disabilitas"))]),
        "<h3>Kebutuhan yang disampaikan</h3>", _table(
            ["Kebutuhan", "Disebut", "Prioritas tertinggi"],
            [[n["need"], n["mentions"], n["best_priority"]] for n in talks["needs"]]),
        "<h3>Tindak lanjut</h3>", _table(
            ["Status", "Jumlah"], [[s, n] for s, n in talks["follow_ups"].items()])]
    parts += evaluation_html(year)
    style = ("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
             "margin-bottom:1.5em}td,th{border:1px solid #555;padding:.3em .6em}"
             "@media print{h2{break-after:avoid}table{break-inside:avoid}}")
    return ('<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
            "<title>Laporan Tahunan %d</title><style>%s</style></head><body>%s</body></html>"
            % (year["year"], style, "".join(parts)))
