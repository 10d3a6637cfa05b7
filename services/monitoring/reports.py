"""The annual report's other forms: CSV tables and one printable HTML page in
Bahasa Indonesia, with charts drawn inline as SVG, that is also rendered as a PDF
(docs/monitoring.md). Input: ``domain.annual_counters``."""
import logging
import textwrap
from html import escape

import eventlet
from eventlet import tpool

from services.shared import charts
from services.shared.csvfile import csv_text
from services.shared.rpc import Unavailable

from services.monitoring.domain import DEACTIVATION_REASONS_ID, rupiah
from services.monitoring.graduation import STAGES as GRADUATION_STAGES

log = logging.getLogger(__name__)

MONEY_TABLES = (("allocations", "Alokasi"), ("disbursements", "Penyaluran"),
                ("returns", "Pengembalian"))
#: what a money table counts, where its name alone would mislead
MONEY_NOTES = {"allocations": ["<p>Alokasi yang dibuat pada tahap tahun ini, termasuk yang "
                               "masuk daftar tunggu, menurut bulan daftar penerimanya dibuat "
                               "(bukan bulan penyaluran); yang sudah diserahkan ada di tabel "
                               "Penyaluran, menurut tanggal serah terimanya.</p>"]}


def csv_report(year):
    """The year's tables as one CSV: ``table, key, month, count, amount_idr`` rows
    (``key``: programme/RW, complaint category, reason, outcome or figure name)."""
    rows = [["partial", "rebuilding_since", year["rebuilding_since"], "", ""]] \
        if year.get("rebuilding_since") else []  # the figures below are not the whole year
    rows += [["registry", "registrations", "", year["registry"]["registrations"], ""]]
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
    return "-" if value is None else _decimal(value)


def _pct(value):
    return "-" if value is None else ("%s%%" % value).replace(".", ",")


def accountability_html(year):
    """The printable page's coverage, complaint deadlines and partner contributions
    sections (each a list of parts), each chart beside its table."""
    units = {"household": "keluarga", "person": "orang"}
    coverage = []
    for c in year.get("coverage") or []:
        named = programme_cell(year, c["programme_code"])
        coverage += [[named, "Semua RW", units.get(c["unit"], c["unit"]),
                      c["eligible"], c["reached"], _pct(c["reached_pct"])]]
        coverage += [[named, "RW %s" % r["rw"], units.get(c["unit"], c["unit"]),
                      r["eligible"], r["reached"], _pct(r["reached_pct"])] for r in c["by_rw"]]
    covered = ["<h2>Cakupan bantuan (sasaran dan yang menerima)</h2>",
               "<p>Sasaran: keluarga (atau orang, untuk bantuan perorangan) yang mendapat "
               "alokasi pada tahap tahun ini, termasuk daftar tunggu; menerima: yang "
               "bantuannya sudah diserahkan.</p>"] + _coverage_chart(year) + [_table(
                   ["Program", "Wilayah", "Satuan", "Sasaran", "Menerima", "Persentase"],
                   coverage)]
    timely = ["<h2>Penyelesaian pengaduan terhadap tenggat</h2>"] + _deadline_chart(year) + [
        _table(["Kategori", "Selesai", "Tepat waktu", "Terlambat",
                "Masih terbuka melewati tenggat (akhir tahun)", "Median hari", "P90 hari"],
               [[_category(c["category"]), c["resolved"], c["within_deadline"], c["late"],
                 c["open_past_deadline"], _dash(c["median_days"]), _dash(c["p90_days"])]
                for c in year.get("complaint_deadlines") or []])]
    pledged = ["<h2>Kontribusi mitra: janji dan realisasi</h2>"] + _contribution_chart(year) + [
        _table(["Mitra", "Dana dijanjikan", "Dana terealisasi", "Natura dijanjikan",
                "Natura terealisasi", "Jam pelatih dijanjikan", "Jam pelatih terealisasi"],
               [[p["partner_name"], rupiah(p["pledged"]["amount_idr"]),
                 rupiah(p["delivered"]["amount_idr"]), rupiah(p["pledged"]["in_kind_value_idr"]),
                 rupiah(p["delivered"]["in_kind_value_idr"]), p["pledged"]["trainer_hours"],
                 p["delivered"]["trainer_hours"]] for p in year.get("contributions") or []])]
    return [covered, timely, pledged]


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
                "%s %d" % (STATUS_LABELS.get(s, s), n) for s, n in card["actions"].items())
                or "-")]
    parts += ["<h2>Survei evaluasi</h2>", _table(
        ["Survei", "Program", "Responden", "Rata-rata penilaian (1-5)"],
        [[s["title"], programme_cell(year, s["programme_code"]), s["responses"], "; ".join(
            "%s: %s" % (q["label"], "-" if q["mean"] is None else _decimal(q["mean"]))
            for q in s["ratings"]) or "-"] for s in year["surveys"]])]
    cohorts = year["graduation"]
    parts += ["<h2>Jalan keluar dari bantuan (per angkatan)</h2>", _table(
        ["Tahap"] + ["Angkatan %d" % c["cohort"] for c in cohorts],
        [[label] + [c[stage] for c in cohorts]
         for stage, label in zip(GRADUATION_STAGES, GRADUATION_LABELS, strict=True)]
        if cohorts else [])]
    return parts


#: complaint categories as the officers' pages name them (web/locale/id.yaml,
#: ``categories.<code>.name``; a web unit test keeps the two equal)
CATEGORY_LABELS = {"not_received": "Bantuan belum diterima",
                   "exclusion": "Berhak tetapi tidak terdaftar",
                   "pungli": "Pungutan atau potongan", "schedule": "Jadwal atau tempat",
                   "data_correction": "Data salah", "inclusion": "Penerima tidak layak",
                   "suggestion": "Saran", "other": "Lainnya"}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
#: years the needs trend compares (the report's and the ones before it)
TREND_YEARS = 3
#: needs shown in the trend across years: the most mentioned over those years
TREND_NEEDS = 6


#: partner programme kinds, enrolment outcomes and follow-up / action statuses as
#: the report names them (services/partners/contract, monitoring's contract)
PARTNER_LABELS = {
    "training": "Pelatihan", "mentoring": "Pendampingan", "business_capital": "Modal usaha",
    "market_access": "Akses pasar", "education": "Pendidikan", "immunisation": "Imunisasi",
    "antenatal_care": "Pemeriksaan kehamilan", "health_screening": "Pemeriksaan kesehatan",
    "other": "Lainnya", "certificate": "Mendapat sertifikat",
    "business_started": "Memulai usaha", "employed": "Mendapat pekerjaan",
    "immunisation_given": "Imunisasi diberikan", "checkup_done": "Pemeriksaan dilakukan"}
STATUS_LABELS = {"open": "Belum dikerjakan", "in_progress": "Sedang dikerjakan",
                 "done": "Selesai", "dropped": "Dibatalkan"}


def _category(code):
    return CATEGORY_LABELS.get(code, code)


class _Html(str):
    """A table cell written as HTML already (its text escaped), which ``_table``
    puts in as it is."""


def programme_cell(year, code):
    """How a table of the printable page names the programme ``code``: its name with
    the code small after it (``Program Keluarga Harapan <small class="code">PKH</small>``),
    from the report's ``programme_names``; the code alone for a programme monitoring
    has not seen named (or a survey's free-text programme)."""
    name = (year.get("programme_names") or {}).get(code)
    if not name:
        return code
    return _Html('%s <small class="code">%s</small>' % (escape(name), escape(code)))


#: characters per line of a programme's name in a chart label, wrapped beyond: the
#: longest names (nearly 60 characters with the code) would be cut at the chart's edge
CHART_LABEL_WIDTH = 32


def programme_label(year, code):
    """How a chart of the printable page names the programme ``code`` (chart text is
    plain, so the code goes in brackets): ``Program Keluarga Harapan (PKH)``, wrapped
    at ``CHART_LABEL_WIDTH``, or the code alone when monitoring has not seen it named."""
    name = (year.get("programme_names") or {}).get(code)
    return textwrap.fill("%s (%s)" % (name, code), CHART_LABEL_WIDTH) if name else code


def _decimal(value):
    """A number as Indonesians write it: a decimal comma (2,5), thousands with dots."""
    if isinstance(value, float):
        whole, _, fraction = ("%.1f" % value).partition(".")
        return "{:,}".format(int(whole)).replace(",", ".") + "," + fraction
    return value


def _chart(name, svg, title, description):
    """A chart's ``<figure>``: the inline SVG with its text alternative, captioned."""
    return '<figure>%s<figcaption>%s</figcaption></figure>' % (
        charts.inline_svg(svg, name, title, description), escape(description))


def monthly_disbursed(year):
    """Rupiah handed over in each month (January first) of the year's figures."""
    months = [0] * 12
    for row in year["distribution"]["disbursements"]:
        months[int(row["month"][5:7]) - 1] += row["amount_idr"]
    return months


def needs_trend(needs_by_year):
    """The needs raised in discussions, year beside year, from ``{year: [{need,
    mentions}]}``: ``{"years": [oldest ...], "needs": [need ...], "mentions":
    [[count per year] per need]}``, the most mentioned over all the years first (at
    most ``TREND_NEEDS``), told apart case-insensitively and named as the latest
    year wrote them."""
    years = sorted(needs_by_year)
    counts, names = {}, {}
    for i, y in enumerate(years):
        for need in needs_by_year[y]:
            key = need["need"].strip().lower()
            names[key] = need["need"]
            counts.setdefault(key, [0] * len(years))[i] += need["mentions"]
    ranked = sorted(counts, key=lambda k: (-sum(counts[k]), k))[:TREND_NEEDS]
    return {"years": years, "needs": [names[k] for k in ranked],
            "mentions": [counts[k] for k in ranked]}


def _handed_section(year):
    months = year.get("disbursed_by_month") or monthly_disbursed(year)
    parts = ["<h2>Bantuan tersalurkan per bulan</h2>"]
    if any(months):
        parts.append(_chart("tersalur", charts.bars_svg(
            list(MONTHS), [("Tersalurkan", months)], money=True),
            "Bantuan tersalurkan per bulan, %d" % year["year"],
            "Diagram batang nilai bantuan (rupiah) yang diserahkan kepada warga tiap "
            "bulan, semua program; angkanya ada di tabel di bawahnya."))
    parts.append(_table(["Bulan", "Nilai tersalurkan"],
                        [[m, rupiah(v)] for m, v in zip(MONTHS, months, strict=True)]
                        if any(months) else []))
    return parts


def _coverage_chart(year):
    covered = year.get("coverage") or []
    if not covered:
        return []
    # horizontal: programme names are long
    return [_chart("cakupan", charts.bars_svg(
        [programme_label(year, c["programme_code"]) for c in covered],
        [("Sasaran", [c["eligible"] for c in covered]),
         ("Menerima", [c["reached"] for c in covered])], stacked=False, horizontal=True),
        "Sasaran dan yang menerima per program, %d" % year["year"],
        "Diagram batang: untuk tiap program, jumlah sasaran di samping jumlah yang sudah "
        "menerima; angkanya ada di tabel di bawahnya.")]


def _deadline_chart(year):
    timely = [c for c in year.get("complaint_deadlines") or [] if c["resolved"]]
    if not timely:
        return []
    return [_chart("tenggat", charts.bars_svg(
        [_category(c["category"]) for c in timely],
        [("Tepat waktu", [c["within_deadline"] for c in timely]),
         ("Terlambat", [c["late"] for c in timely])], horizontal=True),
        "Pengaduan selesai tepat waktu dan terlambat per kategori, %d" % year["year"],
        "Diagram batang bertumpuk: untuk tiap kategori, pengaduan yang selesai sebelum "
        "tenggatnya dan yang selesai sesudahnya; angkanya ada di tabel di bawahnya.")]


def _contribution_chart(year):
    pledges = year.get("contributions") or []
    if not pledges:
        return []
    value = lambda a: a["amount_idr"] + a["in_kind_value_idr"]  # noqa: E731
    return [_chart("kontribusi", charts.bars_svg(
        [p["partner_name"] for p in pledges],
        [("Dijanjikan", [value(p["pledged"]) for p in pledges]),
         ("Terealisasi", [value(p["delivered"]) for p in pledges])],
        money=True, stacked=False, horizontal=True),
        "Kontribusi mitra dijanjikan dan terealisasi, %d" % year["year"],
        "Diagram batang: untuk tiap mitra, nilai dana ditambah natura (rupiah) yang "
        "dijanjikan di samping yang terealisasi; angkanya dan jam pelatih ada di tabel "
        "di bawahnya.")]


def _trend_section(trend):
    if not trend or not trend["needs"]:
        return []
    first, last = trend["years"][0], trend["years"][-1]
    return ["<h3>Kebutuhan warga dari tahun ke tahun</h3>",
            _chart("kebutuhan", charts.bars_svg(
                trend["needs"], [(str(y), [row[i] for row in trend["mentions"]])
                                 for i, y in enumerate(trend["years"])],
                stacked=False, horizontal=True),
                "Kebutuhan warga %d sampai %d" % (first, last),
                "Diagram batang: berapa kali tiap kebutuhan disampaikan dalam musyawarah "
                "warga, satu batang per tahun; angkanya ada di tabel di bawahnya."),
            _table(["Kebutuhan"] + [str(y) for y in trend["years"]],
                   [[need] + counts for need, counts in
                    zip(trend["needs"], trend["mentions"], strict=True)])]


def _cell(value):
    """A table cell's text: a count with the Indonesian thousands separator (5.102), as
    the console writes it; HTML already written as it is; anything else escaped."""
    if isinstance(value, _Html):
        return value
    if type(value) is int:
        return format(value, ",").replace(",", ".")
    return escape(str(value))


def _table(head, rows):
    cells = "".join("<th>%s</th>" % escape(h) for h in head)
    body = "".join("<tr>%s</tr>" % "".join("<td>%s</td>" % _cell(v) for v in row)
                   for row in rows) or '<tr><td colspan="%d">Belum ada data</td></tr>' % len(head)
    return "<table><thead><tr>%s</tr></thead><tbody>%s</tbody></table>" % (cells, body)


#: print and PDF: A4 pages with margins and page numbers, each section on a new page,
#: no chart or table row cut in two, a table's head repeated on every page it spans
STYLE = """
@page{size:A4;margin:18mm 15mm 20mm;
 @bottom-center{content:"Halaman " counter(page) " dari " counter(pages);font-size:8pt}}
body{font-family:"DejaVu Sans",sans-serif;margin:2em;color:#1b1b1b;font-size:10.5pt}
table{border-collapse:collapse;margin-bottom:1.5em}
td,th{border:1px solid #555;padding:.3em .6em;text-align:left}
thead{display:table-header-group}tr{break-inside:avoid}
figure{margin:0 0 1em;break-inside:avoid}figcaption{font-size:9pt;color:#444}
small.code{font-size:8pt;color:#444;white-space:nowrap}
p.partial{border:2px solid #8a1c1c;padding:.5em .8em;color:#8a1c1c}
svg.chart{width:100%;max-width:800px;height:auto}
h2,h3{break-after:avoid}
@media print{body{margin:0}section+section{break-before:page}
 svg.chart{width:85%}td,th{padding:.15em .5em}}
"""


def _partial_notice(year):
    """A warning above everything while monitoring is rebuilt: the page must not
    pass for the year's figures (``rebuilding_since``)."""
    since = year.get("rebuilding_since")
    if not since:
        return []
    return ['<p class="partial"><strong>Angka belum lengkap.</strong> Data pemantauan sedang '
            "dibangun ulang dari layanan pemiliknya sejak %s UTC; cetak ulang laporan ini "
            "setelah selesai.</p>" % escape(since[:16].replace("T", " "))]


def html_report(year, village="Kelurahan Tanjung Barat"):
    """One printable page (``text/html``, Bahasa Indonesia) of the year's figures
    (``AnnualCountersOut``: its ``needs_trend`` gives the community's needs across
    years, left out when empty), with charts as inline SVG beside their tables;
    ``village`` is the name it is the report of (the setting ``VILLAGE_NAME``)."""
    sections = [["<h1>Laporan Evaluasi Tahunan %d</h1>" % year["year"],
                 "<p>%s: angka dari seluruh layanan.</p>" % escape(village)]
                + _partial_notice(year) + [
                 "<h2>Kependudukan</h2>",
                 _table(["Keterangan", "Jumlah"], [["Warga terdaftar",
                                                     year["registry"]["registrations"]]]
                        + [["Nonaktif: " + DEACTIVATION_REASONS_ID.get(reason, reason), n]
                           for reason, n in year["registry"]["deactivations"].items()])]
                + _handed_section(year)]
    money = []
    for table, title in MONEY_TABLES:
        money += ["<h2>%s bantuan</h2>" % title] + MONEY_NOTES.get(table, []) + [_table(
            ["Program", "RW", "Bulan", "Jumlah", "Nilai"],
            [[programme_cell(year, r["programme_code"]), r["rw"], r["month"], r["count"],
              rupiah(r["amount_idr"])]
             for r in year["distribution"][table]])]
    sections.append(money)
    covered, timely, pledged = accountability_html(year)
    sections.append(covered)
    sections.append(["<h2>Pengaduan</h2>", _table(
        ["Kategori", "Masuk", "Selesai", "Rata-rata hari penyelesaian"],
        [[_category(c["category"]), c["submitted"], c["resolved"],
          "-" if c["mean_resolution_days"] is None else _decimal(c["mean_resolution_days"])]
         for c in year["complaints"]])] + timely)
    partners = year["partners"]
    market = year["marketplace"]
    sections.append(["<h2>Program mitra</h2>", _table(
        ["Keterangan", "Jumlah"],
        [["Diterima (termasuk naik dari daftar tunggu dan yang kemudian keluar): "
          + PARTNER_LABELS.get(k, k), n]
         for k, n in partners["enrolments_accepted"].items()]
        + [["Hasil: " + PARTNER_LABELS.get(k, k), n] for k, n in partners["outcomes"].items()]
        + [["Pernah masuk daftar tunggu tahun ini", partners["waitlisted"]],
           ["Keluar", partners["withdrawn"]]])]
        + pledged + ["<h2>Pasar warga</h2>", _table(["Keterangan", "Jumlah"], [
            ["Penjual terdaftar", market["sellers_registered"]],
            ["Penjual diverifikasi tahun ini (termasuk yang kemudian dibekukan)",
             market["sellers_verified"]],
            ["Produk ditayangkan", market["listings_published"]],
            ["Pesanan selesai", market["orders_completed"]],
            ["Nilai pesanan", rupiah(market["orders_value_idr"])]])])
    talks = year["discussions"]
    people = talks["participants"]
    sections.append(["<h2>Musyawarah warga (%d kali)</h2>" % talks["count"], _table(
        ["Peserta", "Jumlah"],
        [[label, people.get(key, 0)] for key, label in (
            ("female", "Perempuan"), ("male", "Laki-laki"), ("women", "Kelompok perempuan"),
            ("elderly", "Lansia"), ("youth", "Pemuda"), ("disabled", "Penyandang disabilitas"))]),
        "<h3>Kebutuhan yang disampaikan</h3>", _table(
            ["Kebutuhan", "Disebut", "Prioritas tertinggi"],
            [[n["need"], n["mentions"], n["best_priority"]] for n in talks["needs"]])]
        + _trend_section(year.get("needs_trend")) + ["<h3>Tindak lanjut</h3>", _table(
            ["Status", "Jumlah"], [[STATUS_LABELS.get(s, s), n]
                                   for s, n in talks["follow_ups"].items()])])
    sections.append(evaluation_html(year))
    body = "".join("<section>%s</section>" % "".join(parts) for parts in sections)
    return ('<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
            "<title>Laporan Evaluasi Tahunan %d</title><style>%s</style></head>"
            "<body>%s</body></html>" % (year["year"], STYLE, body))


#: one PDF at a time per process: WeasyPrint is CPU work, and two at once would only
#: take twice as long each
_one_pdf_at_a_time = eventlet.semaphore.Semaphore(1)


def pdf_report(html):
    """The printable page as PDF bytes (A4, WeasyPrint), rendered in eventlet's thread
    pool so the service's hub keeps handling events and calls meanwhile. Unavailable
    (503) when WeasyPrint or its system libraries are missing."""
    try:
        with _one_pdf_at_a_time:
            return tpool.execute(_render_pdf, html)
    except (ImportError, OSError) as exc:
        # WeasyPrint or the system's pango is missing: a 503 that says so, not a 500
        log.error("annual report PDF: cannot render: %s", exc)
        raise Unavailable("The PDF cannot be made on this server (%s); the printable "
                          "page (format=html) prints to PDF from a browser." % exc) from None


def _render_pdf(html):
    import weasyprint  # loads pango: only the processes that render PDFs pay for it
    # it warns of every SVG presentation property its CSS parser does not know, though
    # its SVG drawing applies them: a page of charts would log hundreds of lines
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return weasyprint.HTML(string=html).write_pdf()
