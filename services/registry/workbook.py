"""Reading an uploaded .xlsx/.xlsm safely: what is checked before a cell is read.

An upload is an untrusted zip archive. Before openpyxl opens it
(issue 8, items 3 and 4):

- every member must be stored or deflated (the two methods Excel and
  LibreOffice write) and unencrypted, else 400 naming the member;
- the sizes the archive declares, inflated, must add up to at most
  ``MAX_INFLATED_BYTES`` (zipfile never inflates a member past its declared
  size, so the declaration bounds the memory and time spent), else 400;
- a sheet may hold at most ``MAX_ROWS`` rows with data; a run of
  ``MAX_EMPTY_RUN`` empty rows ends the sheet (spreadsheets often carry
  formatting on a million empty rows).

Any error openpyxl raises on a malformed workbook (broken XML, a missing
part, a corrupt stream) becomes a 400 saying the file cannot be read, never a
500. Reading calls ``pause()`` every ``PAUSE_EVERY`` rows so that a long
import does not starve the service's other requests (a cooperative yield;
the caller decides what pausing means).
"""
import io
import zipfile
import zlib
from xml.etree.ElementTree import ParseError

from services.shared.errors import InvalidInput

#: inflated bytes an upload may declare (the 43 OpenSID columns take ~1 KB a resident)
MAX_INFLATED_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 1000
#: rows with data per import (a large kelurahan has ~60,000 residents)
MAX_ROWS = 100_000
MAX_EMPTY_RUN = 1000
PAUSE_EVERY = 250
METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}

#: what openpyxl and zipfile raise on a malformed workbook
UNREADABLE = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ParseError, KeyError,
              ValueError, TypeError, IndexError, AttributeError, EOFError, OSError,
              NotImplementedError, RuntimeError)


def refuse(problem):
    return InvalidInput("The spreadsheet cannot be read: %s." % problem, {"file": [problem]})


def check_archive(content, max_inflated=None):
    """Refuse an archive that is not a plain, bounded zip (rules above): at most
    ``max_inflated`` bytes inflated (default ``MAX_INFLATED_BYTES``). InvalidInput."""
    max_inflated = max_inflated or MAX_INFLATED_BYTES
    try:
        members = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise refuse("not an .xlsx or .xlsm workbook (not a zip archive)") from None
    if len(members) > MAX_MEMBERS:
        raise refuse("the archive has %d parts; a workbook has far fewer" % len(members))
    inflated = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise refuse("part %s is encrypted (save the workbook without a password)"
                         % member.filename)
        if member.compress_type not in METHODS:
            raise refuse("part %s uses compression method %d; workbooks use %s"
                         % (member.filename, member.compress_type,
                            " or ".join("%d (%s)" % kv for kv in sorted(METHODS.items()))))
        inflated += member.file_size
    if inflated > max_inflated:
        raise refuse("it inflates to %d MB; at most %d MB can be imported at once"
                     % (inflated // 2 ** 20, max_inflated // 2 ** 20))


def open_workbook(content, max_inflated=None):
    """The workbook (read-only, values only) after ``check_archive``. InvalidInput."""
    import openpyxl  # only imports need it
    check_archive(content, max_inflated)
    try:
        return openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except UNREADABLE as exc:
        raise refuse(_what(exc)) from None


def sheet_rows(sheet, pause=lambda: None, max_rows=None):
    """``(row number, values)`` of a sheet's rows with data, header included, rows
    numbered as a spreadsheet shows them. Stops after ``MAX_EMPTY_RUN`` empty
    rows; InvalidInput past ``max_rows`` (default ``MAX_ROWS``) rows or on a
    malformed sheet."""
    max_rows = max_rows or MAX_ROWS
    lines = sheet.iter_rows(values_only=True)
    number, empty_run, kept = 0, 0, 0
    while True:
        try:
            values = next(lines, None)
        except UNREADABLE as exc:
            raise refuse("sheet %s: %s" % (sheet.title, _what(exc))) from None
        if values is None:
            return
        number += 1
        if number % PAUSE_EVERY == 0:
            pause()
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN:
                return
            continue
        empty_run = 0
        kept += 1
        if kept > max_rows + 1:  # + 1: the header
            raise refuse("sheet %s has more than %d rows; import it in parts"
                         % (sheet.title, max_rows))
        yield number, values


def _what(exc):
    if isinstance(exc, ParseError):
        return "a part of it is not well-formed XML (%s)" % exc
    if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError)):
        return "the archive is damaged (%s)" % exc
    return "it is not a workbook Excel or LibreOffice wrote (%s: %s)" % (
        type(exc).__name__, str(exc)[:200])
