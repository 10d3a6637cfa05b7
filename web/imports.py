"""A registry import sent to ``POST /api/v1/imports/registry`` in pieces, for progress.

The console splits the officer's file into pieces of whole families (every
row of one KK number in the same piece, in the file's order, so a family's
household columns still come from its first row) and sends them one after
another; the page shows how many families are done. Each piece is a file of
the same format with the same header, so the registry reads it exactly as it
reads the whole file (docs/registry-data.md), and the per-row errors it
answers are renumbered to the rows of the officer's file.

Whatever cannot be split (no header, no KK column, not a spreadsheet the
registry knows) is sent whole: the registry's answer then says what is wrong.
"""
import csv
import io
import re
import zipfile

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: what services/registry/importer.py reads (the OpenSID sheet, its KK column, its end marker)
OPENSID_SHEET, OPENSID_KK, OPENSID_END = "Data Penduduk", "no_kk", "###"
CSV_KK = "kk_number"
FAMILIES_PER_PIECE = 250
#: each piece costs the registry a look-up of what is already stored (a scan of its
#: residents and households for a piece this size): a big file is sent in at most
#: this many pieces, so that cost is paid a bounded number of times (bench/RESULTS.md)
MOST_PIECES = 20
#: a row number inside a registry rule ("same person as row 7", "(row 3)")
ROW_IN_RULE = re.compile(r"(\brow )(\d+)")
MAX_BYTES = 20 * 1024 * 1024


class Piece:
    """A file to send: ``body`` (bytes), ``content_type``, ``families`` (how many),
    ``rows`` (the officer's row number of each of its rows, from its row 2)."""

    def __init__(self, body, content_type, families, rows):
        self.body, self.content_type = body, content_type
        self.families, self.rows = families, rows

    def original_row(self, row):
        """The officer's row number for row ``row`` of this piece (the header is 1)."""
        index = row - 2
        return self.rows[index] if 0 <= index < len(self.rows) else row

    def renumbered(self, error):
        """A registry error ``{row, field, rule}`` with the officer's row numbers, also
        those its rule names (``same person as row 7``)."""
        out = dict(error)
        if isinstance(error.get("row"), int):
            out["row"] = self.original_row(error["row"])
        if isinstance(error.get("rule"), str):
            out["rule"] = ROW_IN_RULE.sub(
                lambda m: "%s%d" % (m.group(1), self.original_row(int(m.group(2)))),
                error["rule"])
        return out


def split(filename, content, per_piece=None):
    """``[Piece]`` of an upload; one piece holding the whole file when it cannot be split.

    Args:
        filename (str): the upload's name (``.csv``, ``.xlsx``, ``.xlsm``).
        content (bytes): the file.
        per_piece (int): families per piece (default ``FAMILIES_PER_PIECE``).
    """
    per_piece = per_piece or FAMILIES_PER_PIECE
    is_sheet = content[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm"))
    whole = [Piece(content, XLSX_TYPE if is_sheet else CSV_TYPE, None, [])]
    try:
        header, records = _sheet(content) if is_sheet else _csv(content)
    except (ValueError, KeyError, zipfile.BadZipFile, OSError, csv.Error):
        return whole
    if header is None:
        return whole
    names = [str(h).strip() if h is not None else "" for h in header]
    kk_column = OPENSID_KK if is_sheet else CSV_KK
    if kk_column not in names or not records:
        return whole
    at = names.index(kk_column)
    families = {}
    for number, values in records:
        key = _text(values[at]) if at < len(values) else ""
        families.setdefault(key or "row-%d" % number, []).append((number, values))
    groups = list(families.values())
    per_piece = max(per_piece, -(-len(groups) // MOST_PIECES))
    write = _write_sheet if is_sheet else _write_csv
    pieces = []
    for start in range(0, len(groups), per_piece):
        chosen = [row for family in groups[start:start + per_piece] for row in family]
        pieces.append(Piece(write(header, [v for _, v in chosen]),
                            XLSX_TYPE if is_sheet else CSV_TYPE,
                            len(groups[start:start + per_piece]), [n for n, _ in chosen]))
    return pieces


def _text(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _csv(content):
    # numbered as the registry numbers them: records (not lines) from 2, blank lines skipped
    text = content.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    records = []
    for number, row in enumerate((r for r in reader if r != []), start=2):
        records.append((number, row))
    return header, records


def _write_csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _sheet(content):
    import openpyxl
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        if OPENSID_SHEET not in book.sheetnames:
            return None, []
        lines = book[OPENSID_SHEET].iter_rows(values_only=True)
        header = list(next(lines, ()))
        records = []
        # numbered as the spreadsheet shows them; blank rows skipped, the end marker ends it
        for number, values in enumerate(lines, start=2):
            if any(isinstance(v, str) and v.strip() == OPENSID_END for v in values):
                break
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            records.append((number, list(values)))
        return header, records
    finally:
        book.close()


def _write_sheet(header, rows):
    import openpyxl
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(OPENSID_SHEET)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(api, filename, pieces, job, timeout):
    """Send the pieces in order; the registry's answer for the whole file.

    Args:
        api (web.api.Api): the officer's API.
        job (web.jobs.Job): its ``done``/``total`` count families as pieces finish.
    Returns ``{format, rows, created_households, created_residents,
    updated_households, already_present, errors: [{row, field, rule}]}`` with
    rows numbered as in the officer's file. Raises ApiError as the registry
    answered it (a 400 for a file it cannot read comes from the first piece,
    before anything is stored).
    """
    counted = all(p.families is not None for p in pieces)
    job.total = sum(p.families for p in pieces) if counted else None
    total = {"format": None, "rows": 0, "created_households": 0, "created_residents": 0,
             "updated_households": 0, "already_present": 0, "errors": []}
    for piece in pieces:
        answer = api.post("imports/registry", data=piece.body, params={"filename": filename},
                          headers={"Content-Type": piece.content_type}, timeout=timeout)
        total["format"] = total["format"] or answer.get("format")
        for key in ("rows", "created_households", "created_residents", "updated_households",
                    "already_present"):
            total[key] += answer.get(key) or 0
        total["errors"] += [piece.renumbered(e) for e in answer.get("errors", [])]
        if counted:
            job.done += piece.families
    total["errors"].sort(key=lambda e: (e.get("row") or 0, e.get("field") or ""))
    return total
