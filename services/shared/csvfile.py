"""The one CSV writer of the platform, safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before one) is run as a formula by Excel, LibreOffice and Google
Sheets: a round named ``=HYPERLINK("http://...","klik")`` in a report
becomes a link (issue 8, item 5). OWASP's rule ("CSV Injection"): prefix
such a text cell with a single quote, which spreadsheets show as text. Only
text cells are guarded; numbers are written as numbers (a negative amount
stays a number). The registry's CSV import reads a guarded cell back as it
was (``unescape_cell``), so an export can be imported again unchanged.
"""
import csv
import io

#: first characters a spreadsheet treats as the start of a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"


def safe_cell(value):
    """A value as written to a CSV cell: text that a spreadsheet would run, quoted."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return GUARD + value
    return value


def unescape_cell(text):
    """The text of a cell that ``safe_cell`` guarded, as it was before."""
    if text.startswith(GUARD) and text[1:2] and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def csv_text(header, rows):
    """CSV text (UTF-8 safe, ``\\n`` line ends) of a header and rows (lists of values),
    every cell through ``safe_cell``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return out.getvalue()


def dict_csv_text(columns, records):
    """``csv_text`` of dicts, one column per name in ``columns`` (missing = empty)."""
    return csv_text(columns, ([record.get(c) for c in columns] for record in records))
