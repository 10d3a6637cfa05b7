"""A small, real-shaped KoBoToolbox survey: the XLSForm and a data export.

The form follows https://xlsform.org (sheets ``survey``, ``choices``,
``settings``; metadata ``start``/``end``, a ``note``, a group, ``select_one``,
``range``, ``integer``, ``text`` and a ``select_multiple`` that the import
skips); the export has KoBoToolbox's shape (group paths ``layanan/antre``,
``_id``, ``_uuid``, ``_submission_time`` in UTC, ``_validation_status``,
``_index``). Residents and answers are invented.

``python -m samplegen.kobo --out DIR`` writes ``evaluasi-pkh.xlsx`` (the form)
and ``evaluasi-pkh-data.xlsx`` (the export).
"""
import argparse
import io
import os

from openpyxl import Workbook

FORM_ID = "evaluasi_pkh_2026"
SURVEY = [
    ("type", "name", "label::Indonesian (id)", "parameters", "required"),
    ("start", "start", "", "", ""),
    ("end", "end", "", "", ""),
    ("note", "pembuka", "Survei kepuasan penerima PKH", "", ""),
    ("select_one rw", "rw", "RW tempat tinggal", "", "yes"),
    ("begin_group", "layanan", "Pelayanan penyaluran", "", ""),
    ("range", "antre", "Seberapa tertib antrean penyaluran? (1-5)", "start=1 end=5 step=1",
     "yes"),
    ("integer", "informasi", "Seberapa jelas informasi jadwal? (1-5)", "", "yes"),
    ("select_one ya_tidak", "potongan", "Apakah ada potongan dari bantuan?", "", "yes"),
    ("end_group", "", "", "", ""),
    ("select_multiple kebutuhan", "kebutuhan", "Kebutuhan lain keluarga", "", ""),
    ("text", "saran", "Saran untuk kelurahan", "", ""),
]
CHOICES = [
    ("list_name", "name", "label::Indonesian (id)"),
    ("rw", "rw_003", "RW 003"), ("rw", "rw_005", "RW 005"), ("rw", "rw_007", "RW 007"),
    ("ya_tidak", "ya", "Ya"), ("ya_tidak", "tidak", "Tidak"),
    ("kebutuhan", "modal", "Modal usaha"), ("kebutuhan", "pelatihan", "Pelatihan"),
]
SETTINGS = [("form_title", "form_id", "version", "default_language"),
            ("Evaluasi PKH 2026", FORM_ID, "2026031001", "Indonesian (id)")]

EXPORT_HEADER = ("start", "end", "rw", "layanan/antre", "layanan/informasi",
                 "layanan/potongan", "kebutuhan", "kebutuhan/modal", "kebutuhan/pelatihan",
                 "saran", "_id", "_uuid", "_submission_time", "_validation_status",
                 "_notes", "_status", "_submitted_by", "__version__", "_tags", "_index")
SUBMISSIONS = [
    ("rw_003", 4, 5, "tidak", "modal", "Antrean per RT agar tidak berdesakan"),
    ("rw_003", 5, 4, "tidak", "", ""),
    ("rw_005", 3, 2, "ya", "modal pelatihan", "Jadwal diumumkan lewat grup WhatsApp RW"),
    ("rw_007", 4, 3, "tidak", "pelatihan", ""),
]


def _save(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet(book, title, rows, first=False):
    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    return sheet


def xlsform(survey=SURVEY, choices=CHOICES, settings=SETTINGS):
    """The XLSForm as ``.xlsx`` bytes (sheets given as lists of rows, header first;
    ``None`` leaves a sheet out)."""
    book = Workbook()
    _sheet(book, "survey", survey or [("type",)], first=True)
    if survey is None:
        book.active.title = "questions"
    if choices is not None:
        _sheet(book, "choices", choices)
    if settings is not None:
        _sheet(book, "settings", settings)
    return _save(book)


def export_rows(year=2026, submissions=SUBMISSIONS):
    """KoBoToolbox export rows (header first) of ``submissions``."""
    rows = [EXPORT_HEADER]
    for i, (rw, antre, informasi, potongan, kebutuhan, saran) in enumerate(submissions, 1):
        picked = kebutuhan.split()
        rows.append((
            "%d-03-%02dT09:00:00.000+07:00" % (year, 10 + i),
            "%d-03-%02dT09:06:00.000+07:00" % (year, 10 + i), rw, antre, informasi, potongan,
            kebutuhan, int("modal" in picked), int("pelatihan" in picked), saran,
            180000 + i, "4f2c9a1e-7b3d-4c5e-9a00-%012d" % i,
            "%d-03-%02dT02:07:%02d" % (year, 10 + i, i), "", "", "submitted_via_web", "",
            "vXq9kPz2", "", i))
    return rows


def export(year=2026, submissions=SUBMISSIONS, rows=None):
    """The data export as ``.xlsx`` bytes (first sheet named like KoBoToolbox's)."""
    book = Workbook()
    _sheet(book, "Evaluasi PKH 2026", rows or export_rows(year, submissions), first=True)
    return _save(book)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=".")
    parser.add_argument("--year", type=int, default=2026)
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    for name, content in (("evaluasi-pkh.xlsx", xlsform()),
                          ("evaluasi-pkh-data.xlsx", export(args.year))):
        with open(os.path.join(args.out, name), "wb") as handle:
            handle.write(content)
        print(os.path.join(args.out, name))


if __name__ == "__main__":
    main()
