"""Read an import file into rows in the registry's own vocabulary.

Two formats (docs/registry-data.md):

- CSV (UTF-8, header row): the registry's columns, one row per resident,
  families grouped by ``kk_number``. Unknown columns refuse the file (a typo
  such as ``birthdate`` would otherwise drop data silently).
- OpenSID's resident spreadsheet (``.xlsx``/``.xlsm``, sheet "Data Penduduk",
  the 43 columns of OpenSID's ``FormatImporExcel.xlsm``) with its numeric code
  lists (``services.shared.codes``). Columns the registry does not keep
  (parents, passports, blood type, ...) are read past. Rows end at OpenSID's
  ``###`` marker. ``dusun`` and an RW of ``-`` are kept as they are. A NIK
  that is empty, ``0`` or a temporary number gets a fresh temporary number.
  ``status_dasar`` other than 1 (alive) imports the person as inactive.

A row is ``(row_number, fields)``; ``row_number`` counts the header as row 1,
as a spreadsheet shows it. ``fields`` may carry ``_errors`` (``[(field,
rule)]`` found while reading) and ``_status`` (``(status, reason, note)``).
"""
import csv
import datetime
import io
import re
import zipfile

from services.shared import codes
from services.shared.errors import InvalidInput
from services.shared.nik import is_temporary

from services.registry.contract import HouseholdFields, ResidentFields

CSV_COLUMNS = tuple(HouseholdFields().fields) + tuple(ResidentFields().fields)
CSV_REQUIRED = ("kk_number", "street", "rt", "rw", "nik", "full_name", "sex", "birth_place",
                "birth_date", "relationship")
INTEGER_COLUMNS = ("welfare_decile", "monthly_income_idr", "electricity_va", "occupation_code")

OPENSID_SHEET = "Data Penduduk"
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
OPENSID_REQUIRED = ("alamat", "rw", "rt", "nama", "no_kk", "nik", "sex", "tempatlahir",
                    "tanggallahir", "kk_level")
#: registry field -> OpenSID column, to name fields in errors as the file does.
OPENSID_NAMES = dict({v: k for k, v in OPENSID_TEXT.items()},
                     **{v[0]: k for k, v in OPENSID_CODED.items()})
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d")
MAX_BYTES = 20 * 1024 * 1024


def read_file(filename, content):
    """Parse an upload.

    Args:
        filename (str): its name; ``.csv``, ``.xlsx`` or ``.xlsm`` (a zip
            archive is read as a spreadsheet whatever its name).
        content (bytes): the file.
    Returns:
        (str, list, dict): format (``"csv"``/``"opensid"``), rows, and the
        field -> column names to use in error reports.
    Raises InvalidInput: not a readable file of either format, or columns missing/unknown.
    """
    if len(content) > MAX_BYTES:
        raise InvalidInput("The file is too large.", {"file": ["must be at most 20 MB"]})
    name = (filename or "").lower()
    if content[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return "opensid", read_opensid(content), OPENSID_NAMES
    if name and not name.endswith((".csv", ".txt")):
        raise InvalidInput("Unsupported file type.", {"file": ["must be .csv, .xlsx or .xlsm"]})
    return "csv", read_csv(content), {}


def read_csv(content):
    """Rows of a registry CSV; values stay strings except whole-number columns."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The file is not UTF-8 text.", {"file": ["must be UTF-8"]}) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    _check_columns(header, CSV_REQUIRED, CSV_COLUMNS)
    reader.fieldnames = header
    rows = []
    for index, record in enumerate(reader, start=2):
        if None in record:
            rows.append((index, {"_errors": [("_row", "has more values than the header has columns")]}))
            continue
        fields = {}
        for key, value in record.items():
            value = (value or "").strip()
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


def read_opensid(content):
    """Rows of OpenSID's "Data Penduduk" sheet, converted to registry fields."""
    import openpyxl  # only imports need it
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InvalidInput("The spreadsheet cannot be read.",
                           {"file": ["must be an .xlsx or .xlsm workbook"]}) from None
    if OPENSID_SHEET not in book.sheetnames:
        raise InvalidInput("No OpenSID resident sheet.",
                           {"file": ["needs a sheet named '%s'" % OPENSID_SHEET]})
    rows = []
    lines = book[OPENSID_SHEET].iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(lines, ())]
    _check_columns(header, OPENSID_REQUIRED)
    for number, values in enumerate(lines, start=2):
        cells = dict(zip(header, values, strict=False))  # a short row leaves columns out
        if any(isinstance(v, str) and v.strip() == OPENSID_END_MARKER for v in values):
            break
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        rows.append((number, opensid_row(cells)))
    book.close()
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
