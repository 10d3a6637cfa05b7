"""Read an import file into rows in the registry's own vocabulary.

Two formats (docs/registry-data.md):

- CSV (UTF-8, header row): the registry's columns, one row per resident,
  families grouped by ``kk_number``. Unknown columns refuse the file (a typo
  such as ``birthdate`` would otherwise drop data silently).
- OpenSID's resident spreadsheet (``.xlsx``/``.xlsm``, the 43 columns of
  OpenSID's ``FormatImporExcel.xlsm``) with its numeric code lists
  (``services.shared.codes``). As OpenSID's own importer does, every sheet
  but "Kode Data" is read (its template names the sheet "Data Penduduk", its
  exports "Sheet1") and only the ``nik`` column is required; a row missing a
  value the registry needs comes back as a row error. Columns the registry
  does not keep (parents, passports, blood type, ...) are read past. Rows end
  at OpenSID's ``###`` marker. ``alamat`` may be empty (OpenSID villages
  carry the address in dusun/RW/RT); ``dusun`` and an RW of ``-`` are kept
  as they are. A NIK that is empty, ``0`` or a temporary number gets a fresh
  temporary number. ``status_dasar`` other than 1 (alive) imports the person
  as inactive. What is checked before the workbook is read: ``workbook``.

A row is ``(row_number, fields)``; ``row_number`` counts the header as row 1,
as a spreadsheet shows it (a ``SheetRow``, naming its sheet, when a workbook
has more than one sheet of residents). ``fields`` may carry ``_errors`` (``[(field,
rule)]`` found while reading) and ``_status`` (``(status, reason, note)``).
"""
import csv
import datetime
import io
import re

from services.shared import codes
from services.shared.csvfile import unescape_cell
from services.shared.errors import InvalidInput
from services.shared.nik import is_temporary

from services.registry import workbook
from services.registry.contract import IMPORT_JOB_MAX_BYTES, HouseholdFields, ResidentFields

CSV_COLUMNS = tuple(HouseholdFields().fields) + tuple(ResidentFields().fields)
CSV_REQUIRED = ("kk_number", "street", "rt", "rw", "nik", "full_name", "sex", "birth_place",
                "birth_date", "relationship")
INTEGER_COLUMNS = ("welfare_decile", "monthly_income_idr", "electricity_va", "occupation_code")

OPENSID_SHEET = "Data Penduduk"
#: the sheet of code lists in OpenSID's template; every other sheet holds residents
OPENSID_CODES_SHEET = "Kode Data"
OPENSID_END_MARKER = "###"
#: OpenSID column -> registry field, for plain values.
OPENSID_TEXT = {"alamat": "street", "dusun": "dusun", "rw": "rw", "rt": "rt",
                "nama": "full_name", "no_kk": "kk_number", "nik": "nik",
                "tempatlahir": "birth_place", "tanggallahir": "birth_date"}
#: OpenSID column -> (registry field, code list).
OPENSID_CODED = {"sex": ("sex", codes.SEX_CODES), "agama_id": ("religion", codes.RELIGION_CODES),
                 "pendidikan_kk_id": ("education", codes.EDUCATION_CODES),
                 "pekerjaan_id": ("occupation_code", {c: c for c in codes.OCCUPATION_CODES}),
                 "status_kawin": ("marital_status", codes.MARITAL_STATUS_CODES),
                 "kk_level": ("relationship", codes.RELATIONSHIP_CODES),
                 "cacat_id": ("disability", codes.DISABILITY_CODES),
                 "hamil": ("pregnant", codes.PREGNANT_CODES)}
#: OpenSID's importer needs only this column; missing values are row errors
OPENSID_REQUIRED = ("nik",)
#: registry field -> OpenSID column, to name fields in errors as the file does.
OPENSID_NAMES = dict({v: k for k, v in OPENSID_TEXT.items()},
                     **{v[0]: k for k, v in OPENSID_CODED.items()})
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d")
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = workbook.MAX_ROWS


class Limits:
    """How large a file one import reads: ``max_bytes`` of upload, ``max_rows`` rows
    with data, ``max_inflated`` bytes a workbook may declare inflated."""

    def __init__(self, max_bytes, max_rows, max_inflated):
        self.max_bytes, self.max_rows, self.max_inflated = max_bytes, max_rows, max_inflated


#: an import job (``jobs``): a 50,000-family kelurahan (~170,000 residents; its CSV
#: is ~38 MB, its OpenSID workbook ~170 MB inflated) in one upload, with room to spare
JOB_LIMITS = Limits(IMPORT_JOB_MAX_BYTES, 250_000, 320 * 1024 * 1024)


def sync_limits():
    """The limits of ``POST /imports/registry``, one RPC (read when called: tests lower them)."""
    return Limits(MAX_BYTES, MAX_ROWS, workbook.MAX_INFLATED_BYTES)


class SheetRow(int):
    """A row number that also names its sheet (a workbook with several sheets)."""

    def __new__(cls, number, sheet):
        row = super().__new__(cls, number)
        row.sheet = sheet
        return row


def read_file(filename, content, pause=lambda: None, limits=None):
    """Parse an upload.

    Args:
        filename (str): its name; ``.csv``, ``.xlsx`` or ``.xlsm`` (a zip
            archive is read as a spreadsheet whatever its name).
        content (bytes): the file.
        pause (callable): called every few hundred rows while reading (a
            cooperative yield, so a long import does not starve other requests).
        limits (Limits): how large a file may be (default ``sync_limits()``).
    Returns:
        (str, list, dict): format (``"csv"``/``"opensid"``), rows, and the
        field -> column names to use in error reports.
    Raises InvalidInput: not a readable file of either format (naming the
    problem: a damaged archive, an encrypted part, a field or a file too
    large, too many rows), or columns missing/unknown.
    """
    limits = limits or sync_limits()
    if len(content) > limits.max_bytes:
        raise InvalidInput("The file is too large.", {"file": [
            "must be at most %d MB" % (limits.max_bytes // 2 ** 20)]})
    name = (filename or "").lower()
    if content[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return "opensid", read_opensid(content, pause, limits), OPENSID_NAMES
    if name and not name.endswith((".csv", ".txt")):
        raise InvalidInput("Unsupported file type.", {"file": ["must be .csv, .xlsx or .xlsm"]})
    return "csv", read_csv(content, pause, limits.max_rows), {}


def read_csv(content, pause=lambda: None, max_rows=None):
    """Rows of a registry CSV; values stay strings except whole-number columns.

    A cell the platform's CSV writer guarded against formula injection (a
    leading ``'`` before ``= + - @``) is read back as written
    (``services.shared.csvfile``). InvalidInput names the line of a malformed
    row (a field over ``csv.field_size_limit()``, a stray quote, a NUL).
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The file is not UTF-8 text.", {"file": ["must be UTF-8"]}) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
        _check_columns(header, CSV_REQUIRED, CSV_COLUMNS)
        reader.fieldnames = header
        return _csv_rows(reader, pause, max_rows or MAX_ROWS)
    except csv.Error as exc:
        raise InvalidInput("The CSV cannot be read: line %d: %s." % (reader.line_num, exc),
                           {"file": ["line %d: %s" % (reader.line_num, exc)]}) from None


def _csv_rows(reader, pause, max_rows):
    rows = []
    for index, record in enumerate(reader, start=2):
        if index % workbook.PAUSE_EVERY == 0:
            pause()
        if index > max_rows + 1:
            raise InvalidInput("The file has more than %d rows; import it in parts." % max_rows,
                               {"file": ["at most %d rows" % max_rows]})
        if None in record:
            rows.append((index, {"_errors": [("_row", "has more values than the header has columns")]}))
            continue
        fields = {}
        for key, value in record.items():
            value = unescape_cell((value or "").strip())
            if value:
                fields[key] = int(value) if key in INTEGER_COLUMNS and re.fullmatch(
                    r"-?\d+", value) else value
        if fields:
            rows.append((index, fields))
    return rows


def _check_columns(header, required, known=None):
    errors = []
    missing = [c for c in required if c not in header]
    if missing:
        errors.append("missing columns: %s" % ", ".join(missing))
    if known is not None:
        unknown = [c for c in header if c not in known]
        if unknown:
            errors.append("unknown columns: %s (expected: %s)" % (", ".join(unknown),
                                                                  ", ".join(known)))
    if errors:
        raise InvalidInput("The file's header row is not as expected.", {"file": errors})


def read_opensid(content, pause=lambda: None, limits=None):
    """Rows of every sheet but "Kode Data", converted to registry fields.

    A sheet without a ``nik`` column and without data is passed over; InvalidInput
    when no sheet has OpenSID's columns (``workbook`` for what else is refused).
    """
    limits = limits or sync_limits()
    book = workbook.open_workbook(content, limits.max_inflated)
    try:
        sheets = [book[name] for name in book.sheetnames if name != OPENSID_CODES_SHEET]
        read = [(sheet.title, rows) for sheet in sheets
                for rows in [_sheet_rows(sheet, pause, limits.max_rows)] if rows is not None]
    finally:
        book.close()
    if not read:
        raise InvalidInput("No OpenSID resident sheet.", {"file": [
            "needs a sheet (any name but '%s') whose first row has OpenSID's columns, "
            "at least 'nik'" % OPENSID_CODES_SHEET]})
    if len(read) == 1:
        return read[0][1]
    return [(SheetRow(number, title), fields) for title, rows in read for number, fields in rows]


def _sheet_rows(sheet, pause, max_rows):
    """``[(row, fields)]`` of one sheet; None for a sheet with neither header nor data."""
    lines = workbook.sheet_rows(sheet, pause, max_rows)
    first = next(lines, None)
    if first is None:
        return None
    header = [str(h).strip() if h is not None else "" for h in first[1]]
    if "nik" not in header and not any(c in header for c in OPENSID_TEXT):
        return None  # a sheet of notes or lists, not residents
    _check_columns(header, OPENSID_REQUIRED)
    rows = []
    for number, values in lines:
        if any(isinstance(v, str) and v.strip() == OPENSID_END_MARKER for v in values):
            break
        # a short row leaves columns out
        rows.append((number, opensid_row(dict(zip(header, values, strict=False)))))
    return rows


def _text(value):
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    value = str(value).strip()
    return value or None


def _code(value):
    value = _text(value)
    return int(value) if value is not None and value.isdigit() else value


def opensid_row(cells):
    """One OpenSID row as registry fields (codes turned into slugs)."""
    fields, errors = {}, []
    for column, field in OPENSID_TEXT.items():
        value = cells.get(column)
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            fields[field] = value.isoformat()
            continue
        value = _text(value)
        if value is not None:
            fields[field] = value
    if "birth_date" in fields:
        fields["birth_date"] = _iso_date(fields["birth_date"])
    nik = fields.get("nik")
    if nik is not None and (nik.strip("0") == "" or is_temporary(nik)):
        del fields["nik"]
    for column, (field, table) in OPENSID_CODED.items():
        code = _code(cells.get(column))
        if code is None:
            continue
        if code not in table:
            errors.append((column, "must be one of OpenSID's codes %s" % ", ".join(
                str(c) for c in sorted(table))))
        else:
            fields[field] = table[code]
    status = _code(cells.get("status_dasar"))
    if status not in (None, 1):
        if status in codes.BASIC_STATUS_INACTIVE_REASON:
            fields["_status"] = ("inactive", codes.BASIC_STATUS_INACTIVE_REASON[status],
                                 "OpenSID status_dasar %s (%s)" % (
                                     status, codes.BASIC_STATUS_CODES[status]))
        else:
            errors.append(("status_dasar", "must be one of OpenSID's codes 1, 2, 3, 4, 6, 9"))
    if errors:
        fields["_errors"] = errors
    return fields


def _iso_date(value):
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return value
