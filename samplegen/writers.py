"""Write the sample: the registry CSV and a small OpenSID resident spreadsheet.

CSV: the columns and values of docs/registry-data.md ("CSV import"), one row
per resident, the household columns repeated on every row of a family.
Spreadsheet: OpenSID's "Data Penduduk" sheet with its 43 columns and numeric
codes (OpenSID's ``FormatImporExcel.xlsm``, release v2410.0.0), dates as Excel dates,
numbers that must keep leading zeros as text, closed by OpenSID's ``###`` row.
"""
import csv
import datetime
import io

from samplegen import codes
from samplegen.dates import age_on

CSV_COLUMNS = ["kk_number", "street", "rt", "rw", "dusun", "village_code", "welfare_decile",
               "monthly_income_idr", "house_ownership", "floor_type", "wall_type", "roof_type",
               "water_source", "electricity_va", "cooking_fuel", "sanitation", "has_car", "nik",
               "full_name", "sex", "birth_place", "birth_date", "relationship", "religion",
               "education", "marital_status", "disability", "occupation_code", "pregnant",
               "phone"]
HOUSEHOLD_COLUMNS = CSV_COLUMNS[:17]
PERSON_COLUMNS = CSV_COLUMNS[17:]

OPENSID_COLUMNS = ["alamat", "dusun", "rw", "rt", "nama", "no_kk", "nik", "sex", "tempatlahir",
                   "tanggallahir", "agama_id", "pendidikan_kk_id", "pendidikan_sedang_id",
                   "pekerjaan_id", "status_kawin", "kk_level", "warganegara_id", "ayah_nik",
                   "nama_ayah", "ibu_nik", "nama_ibu", "golongan_darah_id", "akta_lahir",
                   "dokumen_pasport", "tanggal_akhir_paspor", "dokumen_kitas", "akta_perkawinan",
                   "tanggalperkawinan", "akta_perceraian", "tanggalperceraian", "cacat_id",
                   "cara_kb_id", "hamil", "ktp_el", "status_rekam", "alamat_sekarang",
                   "status_dasar", "suku", "tag_id_card", "id_asuransi", "no_asuransi", "lat",
                   "lng"]
TEXT_COLUMNS = {"rw", "rt", "no_kk", "nik", "ayah_nik", "ibu_nik", "no_asuransi"}
SUKU = {"betawi": "Betawi", "javanese": "Jawa", "sundanese": "Sunda", "minang": "Minangkabau",
        "batak": "Batak", "chinese": "Tionghoa", "eastern": "Minahasa", "bugis": "Bugis",
        "balinese": "Bali"}


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def csv_rows(households):
    """Yield the CSV's rows (dicts of strings) in file order."""
    for hh in households:
        shared = {c: _cell(hh[c]) for c in HOUSEHOLD_COLUMNS}
        for p in hh["members"]:
            row = dict(shared)
            for c in PERSON_COLUMNS:
                row[c] = _cell(p[c])
            yield row


def csv_text(households):
    """The whole CSV as text (``\\n`` line ends, UTF-8 safe)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_rows(households))
    return buf.getvalue()


def _school_now(p, age):
    """OpenSID pendidikan_sedang_id: what the person is attending now."""
    if age < 5:
        return 1                      # BELUM MASUK TK/KELOMPOK BERMAIN
    if not p["in_school"]:
        return 18                     # TIDAK SEDANG SEKOLAH
    if age < 7:
        return 2                      # SEDANG TK/KELOMPOK BERMAIN
    return 4 if age <= 12 else 6 if age <= 15 else 7 if age <= 18 else 11


def opensid_rows(households, today):
    """Yield OpenSID rows (lists in OPENSID_COLUMNS order)."""
    for hh in households:
        for p in hh["members"]:
            age = age_on(p["birth_date"], today)
            father, mother = p.get("father"), p.get("mother")
            adult = age >= 17
            values = {
                "alamat": hh["street"], "dusun": hh["dusun"] or None, "rw": hh["rw"],
                "rt": hh["rt"], "nama": p["full_name"].upper(), "no_kk": hh["kk_number"],
                "nik": p["nik"], "sex": codes.SEX[p["sex"]],
                "tempatlahir": p["birth_place"].upper(),
                "tanggallahir": datetime.datetime.combine(p["birth_date"], datetime.time()),
                "agama_id": codes.RELIGION[p["religion"]],
                "pendidikan_kk_id": codes.EDUCATION_CODE[p["education"]],
                "pendidikan_sedang_id": _school_now(p, age),
                "pekerjaan_id": p["occupation_code"],
                "status_kawin": codes.MARITAL[p["marital_status"]],
                "kk_level": codes.RELATIONSHIP[p["relationship"]], "warganegara_id": 1,
                "ayah_nik": father["nik"] if father else None,
                "nama_ayah": father["full_name"].upper() if father else None,
                "ibu_nik": mother["nik"] if mother else None,
                "nama_ibu": mother["full_name"].upper() if mother else None,
                "golongan_darah_id": 13,  # TIDAK TAHU
                "cacat_id": codes.DISABILITY[p["disability"]],
                "hamil": (1 if p["pregnant"] else 2) if p["sex"] == "F" else None,
                "ktp_el": 2 if adult else 1, "status_rekam": 4 if adult else 1,
                "status_dasar": 1, "suku": SUKU[p["ethnicity"]],
                "id_asuransi": 2 if (hh["welfare_decile"] or 10) <= 5 else 3,
            }
            yield [values.get(c) for c in OPENSID_COLUMNS]


def write_opensid_xlsx(households, path, today):
    """Write ``households`` as an OpenSID "Data Penduduk" workbook at ``path``."""
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "Data Penduduk"
    ws.append(OPENSID_COLUMNS)
    for values in opensid_rows(households, today):
        ws.append(values)
    for col, name in enumerate(OPENSID_COLUMNS, start=1):
        for row in range(2, ws.max_row + 1):
            cell = ws.cell(row=row, column=col)
            if name in TEXT_COLUMNS:
                cell.number_format = "@"
            elif name == "tanggallahir":
                cell.number_format = "dd\\-mm\\-yyyy"
    ws.append([None, "###", "Isi data penduduk di baris-baris di atas bagian hijau ini. "
               "Keterangan di bagian hijau ini jangan diubah atau dihapus."])
    # Fixed document times keep the workbook's contents the same on every run.
    stamp = datetime.datetime(2026, 11, 29, 0, 0, 0)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "samplegen"
    wb.save(path)
