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
