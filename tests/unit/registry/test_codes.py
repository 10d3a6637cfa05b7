"""The code lists agree with OpenSID's own template ("Kode Data" sheet)."""
import os

import openpyxl
import pytest

from services.shared import codes

from tests.unit.registry.factories import TEMPLATE


@pytest.fixture(scope="module")
def sheet():
    if not os.path.exists(TEMPLATE):
        pytest.skip("OpenSID template not found at %s" % TEMPLATE)
    book = openpyxl.load_workbook(TEMPLATE, read_only=True)
    rows = list(book["Kode Data"].iter_rows(values_only=True))
    header = rows[0]
    lists = {}
    for col, name in enumerate(header):
        if name and name != "id" and col + 1 < len(header):
            lists[name] = {row[col + 1]: row[col] for row in rows[1:]
                           if row[col] is not None and row[col + 1] is not None}
    return lists


@pytest.mark.parametrize("column, table", [
    ("sex", codes.SEX_CODES), ("agama_id", codes.RELIGION_CODES),
    ("pendidikan_kk_id", codes.EDUCATION_CODES),
    ("pendidikan_sedang_id", codes.EDUCATION_IN_PROGRESS_CODES),
    ("pekerjaan_id", codes.OCCUPATION_LABELS), ("status_kawin", codes.MARITAL_STATUS_CODES),
    ("kk_level", codes.RELATIONSHIP_CODES), ("warganegara_id", codes.CITIZENSHIP_CODES),
    ("golongan_darah_id", codes.BLOOD_TYPE_CODES), ("cacat_id", codes.DISABILITY_CODES),
    ("cara_kb_id", codes.FAMILY_PLANNING_CODES), ("hamil", codes.PREGNANT_CODES),
    ("ktp_el", codes.E_KTP_CODES), ("status_dasar", codes.BASIC_STATUS_CODES),
    ("id_asuransi", codes.INSURANCE_CODES),
])
def test_every_code_of_the_template_is_mapped(sheet, column, table):
    assert set(sheet[column]) == set(table)


def test_occupation_labels_are_the_templates_1_to_89(sheet):
    assert sheet["pekerjaan_id"] == codes.OCCUPATION_LABELS_ID
    assert codes.OCCUPATION_CODES == tuple(range(1, 90))
    assert codes.occupation_label(19) == "daily labourer"
    assert codes.occupation_label(84) == "trader" and codes.occupation_label(88) == "self-employed"


def test_slugs_map_back_to_codes():
    assert codes.RELIGION_SLUGS["islam"] == 1 and codes.RELATIONSHIP_SLUGS["head"] == 1
    assert codes.EDUCATION_SLUGS["doctorate"] == 10 and codes.DISABILITY_SLUGS["none"] == 7
