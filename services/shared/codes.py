"""Civil-registry code lists: OpenSID's numeric codes and the platform's English slugs.

Source: OpenSID ``donjo-app/models/seeders/Data_awal_seeder.php`` and the
"Kode Data" sheet of OpenSID's import template
(``FormatImporExcel.xlsm``, release v2410.0.0), as
summarised in docs/domain.md and docs/registry-data.md. The API speaks the slugs;
the OpenSID spreadsheet speaks the numbers; ``*_CODES`` map number -> slug
and ``*_SLUGS`` slug -> number. Indonesian labels are kept where the UI shows them.
"""


def _reverse(codes):
    return {slug: code for code, slug in codes.items()}


#: ``sex`` [1 LAKI-LAKI, 2 PEREMPUAN]
SEX_CODES = {1: "M", 2: "F"}

#: ``agama_id``
RELIGION_CODES = {1: "islam", 2: "protestant", 3: "catholic", 4: "hindu",
                  5: "buddhist", 6: "confucian", 7: "other"}

#: ``kk_level``: relationship to the head of the family
RELATIONSHIP_CODES = {1: "head", 2: "husband", 3: "wife", 4: "child", 5: "child_in_law",
                      6: "grandchild", 7: "parent", 8: "parent_in_law", 9: "other_relative",
                      10: "domestic_worker", 11: "other"}

#: ``status_kawin``
MARITAL_STATUS_CODES = {1: "single", 2: "married", 3: "divorced", 4: "widowed"}

#: ``pendidikan_kk_id``: education written in the KK (OpenSID's enum file
#: mislabels 9 and 10; the seeder and the template say S2 and S3).
EDUCATION_CODES = {1: "none", 2: "sd_not_finished", 3: "sd", 4: "smp", 5: "sma",
                   6: "diploma_1_2", 7: "diploma_3", 8: "bachelor", 9: "master",
                   10: "doctorate"}

#: ``pendidikan_sedang_id``: schooling in progress (read, not stored by the registry)
EDUCATION_IN_PROGRESS_CODES = {
    1: "not_yet_in_kindergarten", 2: "kindergarten", 3: "never_attended", 4: "in_sd",
    5: "sd_not_finished", 6: "in_smp", 7: "in_sma", 8: "in_diploma_1", 9: "in_diploma_2",
    10: "in_diploma_3", 11: "in_bachelor", 12: "in_master", 13: "in_doctorate",
    14: "in_slb_a", 15: "in_slb_b", 16: "in_slb_c", 17: "cannot_read_latin_arabic",
    18: "not_in_school"}

#: ``cacat_id``
DISABILITY_CODES = {1: "physical", 2: "blind", 3: "deaf_mute", 4: "mental",
                    5: "physical_and_mental", 6: "other", 7: "none"}

#: ``hamil``: 1 HAMIL, 2 TIDAK HAMIL
PREGNANT_CODES = {1: True, 2: False}

#: ``status_dasar``: docs/domain.md lists 1-4; the template adds 6 PERGI and 9 TIDAK VALID.
BASIC_STATUS_CODES = {1: "alive", 2: "dead", 3: "moved", 4: "missing", 6: "gone",
                      9: "invalid"}

#: ``warganegara_id``
CITIZENSHIP_CODES = {1: "wni", 2: "wna", 3: "dual"}

#: ``golongan_darah_id``
BLOOD_TYPE_CODES = {1: "A", 2: "B", 3: "AB", 4: "O", 5: "A+", 6: "A-", 7: "B+", 8: "B-",
                    9: "AB+", 10: "AB-", 11: "O+", 12: "O-", 13: "unknown"}

#: ``cara_kb_id``: family-planning method
FAMILY_PLANNING_CODES = {1: "pill", 2: "iud", 3: "injection", 4: "condom", 5: "implant",
                         6: "female_sterilisation", 7: "male_sterilisation", 99: "other"}

#: ``ktp_el``: 1 BELUM, 2 KTP-EL
E_KTP_CODES = {1: False, 2: True}

#: ``id_asuransi``
INSURANCE_CODES = {1: "none", 2: "bpjs_pbi", 3: "bpjs_non_pbi", 4: "bpjs_regional",
                   99: "other"}

#: ``pekerjaan_id`` -> Indonesian label exactly as in the "Kode Data" sheet.
OCCUPATION_LABELS_ID = {
    1: "BELUM/TIDAK BEKERJA", 2: "MENGURUS RUMAH TANGGA", 3: "PELAJAR/MAHASISWA",
    4: "PENSIUNAN", 5: "PEGAWAI NEGERI SIPIL (PNS)", 6: "TENTARA NASIONAL INDONESIA (TNI)",
    7: "KEPOLISIAN RI (POLRI)", 8: "PERDAGANGAN", 9: "PETANI/PEKEBUN", 10: "PETERNAK",
    11: "NELAYAN/PERIKANAN", 12: "INDUSTRI", 13: "KONSTRUKSI", 14: "TRANSPORTASI",
    15: "KARYAWAN SWASTA", 16: "KARYAWAN BUMN", 17: "KARYAWAN BUMD", 18: "KARYAWAN HONORER",
    19: "BURUH HARIAN LEPAS", 20: "BURUH TANI/PERKEBUNAN", 21: "BURUH NELAYAN/PERIKANAN",
    22: "BURUH PETERNAKAN", 23: "PEMBANTU RUMAH TANGGA", 24: "TUKANG CUKUR",
    25: "TUKANG LISTRIK", 26: "TUKANG BATU", 27: "TUKANG KAYU", 28: "TUKANG SOL SEPATU",
    29: "TUKANG LAS/PANDAI BESI", 30: "TUKANG JAHIT", 31: "TUKANG GIGI", 32: "PENATA RIAS",
    33: "PENATA BUSANA", 34: "PENATA RAMBUT", 35: "MEKANIK", 36: "SENIMAN", 37: "TABIB",
    38: "PARAJI", 39: "PERANCANG BUSANA", 40: "PENTERJEMAH", 41: "IMAM MASJID",
    42: "PENDETA", 43: "PASTOR", 44: "WARTAWAN", 45: "USTADZ/MUBALIGH", 46: "JURU MASAK",
    47: "PROMOTOR ACARA", 48: "ANGGOTA DPR-RI", 49: "ANGGOTA DPD", 50: "ANGGOTA BPK",
    51: "PRESIDEN", 52: "WAKIL PRESIDEN", 53: "ANGGOTA MAHKAMAH KONSTITUSI",
    54: "ANGGOTA KABINET KEMENTERIAN", 55: "DUTA BESAR", 56: "GUBERNUR",
    57: "WAKIL GUBERNUR", 58: "BUPATI", 59: "WAKIL BUPATI", 60: "WALIKOTA",
    61: "WAKIL WALIKOTA", 62: "ANGGOTA DPRD PROVINSI", 63: "ANGGOTA DPRD KABUPATEN/KOTA",
    64: "DOSEN", 65: "GURU", 66: "PILOT", 67: "PENGACARA", 68: "NOTARIS", 69: "ARSITEK",
    70: "AKUNTAN", 71: "KONSULTAN", 72: "DOKTER", 73: "BIDAN", 74: "PERAWAT",
    75: "APOTEKER", 76: "PSIKIATER/PSIKOLOG", 77: "PENYIAR TELEVISI", 78: "PENYIAR RADIO",
    79: "PELAUT", 80: "PENELITI", 81: "SOPIR", 82: "PIALANG", 83: "PARANORMAL",
    84: "PEDAGANG", 85: "PERANGKAT DESA", 86: "KEPALA DESA", 87: "BIARAWATI",
    88: "WIRASWASTA", 89: "LAINNYA"}

#: ``pekerjaan_id`` -> English label (the API's ``occupation``).
OCCUPATION_LABELS = {
    1: "not working", 2: "housekeeping", 3: "student", 4: "retired",
    5: "civil servant (PNS)", 6: "armed forces (TNI)", 7: "police (Polri)", 8: "trade",
    9: "farmer", 10: "livestock farmer", 11: "fisher", 12: "industry", 13: "construction",
    14: "transport", 15: "private-sector employee", 16: "state-owned enterprise employee",
    17: "regional state-owned enterprise employee", 18: "honorary (contract) employee",
    19: "daily labourer", 20: "farm labourer", 21: "fishery labourer",
    22: "livestock labourer", 23: "domestic worker", 24: "barber", 25: "electrician",
    26: "mason", 27: "carpenter", 28: "shoe repairer", 29: "welder or blacksmith",
    30: "tailor", 31: "dental technician", 32: "make-up artist", 33: "fashion stylist",
    34: "hairdresser", 35: "mechanic", 36: "artist", 37: "traditional healer",
    38: "traditional birth attendant", 39: "fashion designer", 40: "translator",
    41: "imam", 42: "Protestant minister", 43: "Catholic priest", 44: "journalist",
    45: "Islamic teacher or preacher", 46: "cook", 47: "event promoter",
    48: "member of the DPR-RI", 49: "member of the DPD", 50: "member of the BPK",
    51: "president", 52: "vice president", 53: "Constitutional Court justice",
    54: "cabinet minister", 55: "ambassador", 56: "governor", 57: "vice governor",
    58: "regent (bupati)", 59: "vice regent", 60: "mayor", 61: "vice mayor",
    62: "member of a provincial DPRD", 63: "member of a regency or city DPRD",
    64: "lecturer", 65: "teacher", 66: "pilot", 67: "lawyer", 68: "notary",
    69: "architect", 70: "accountant", 71: "consultant", 72: "doctor", 73: "midwife",
    74: "nurse", 75: "pharmacist", 76: "psychiatrist or psychologist",
    77: "television broadcaster", 78: "radio broadcaster", 79: "sailor", 80: "researcher",
    81: "driver", 82: "broker", 83: "paranormal", 84: "trader", 85: "village official",
    86: "village head", 87: "nun", 88: "self-employed", 89: "other"}

OCCUPATION_CODES = tuple(sorted(OCCUPATION_LABELS))

#: State employees (PNS/ASN, TNI, Polri, BUMN, BUMD): KJP Plus excludes their
#: families (docs/domain.md, 2025 reporting).
STATE_EMPLOYEE_OCCUPATIONS = frozenset({5, 6, 7, 16, 17})

SEX_SLUGS = _reverse(SEX_CODES)
RELIGION_SLUGS = _reverse(RELIGION_CODES)
RELATIONSHIP_SLUGS = _reverse(RELATIONSHIP_CODES)
MARITAL_STATUS_SLUGS = _reverse(MARITAL_STATUS_CODES)
EDUCATION_SLUGS = _reverse(EDUCATION_CODES)
DISABILITY_SLUGS = _reverse(DISABILITY_CODES)

SEXES = tuple(SEX_CODES.values())
RELIGIONS = tuple(RELIGION_CODES.values())
RELATIONSHIPS = tuple(RELATIONSHIP_CODES.values())
MARITAL_STATUSES = tuple(MARITAL_STATUS_CODES.values())
EDUCATIONS = tuple(EDUCATION_CODES.values())
DISABILITIES = tuple(DISABILITY_CODES.values())

# Resident status (docs/contract.md, "Codes and fields fixed here").
RESIDENT_STATUSES = ("active", "inactive")
INACTIVE_REASONS = ("moved_out", "deceased", "duplicate", "other")

#: How an OpenSID ``status_dasar`` other than alive arrives in the registry.
BASIC_STATUS_INACTIVE_REASON = {2: "deceased", 3: "moved_out", 4: "other", 6: "moved_out",
                                9: "other"}

# Household attributes (docs/registry-data.md; DTSEN/Regsosek-style housing items).
HOUSE_OWNERSHIPS = ("own", "rent", "family", "official", "other")
WATER_SOURCES = ("piped", "well", "bottled", "river", "other")
COOKING_FUELS = ("lpg", "electric", "kerosene", "wood", "other")
SANITATIONS = ("private", "shared", "public", "none")


def occupation_label(code):
    """English label of an OpenSID occupation code (1-89), or None."""
    return OCCUPATION_LABELS.get(code)
