"""Every CSV the platform writes is safe to open in a spreadsheet (issue 8, item 5)."""
import csv
import io

import pytest

from services.distribution import reports as distribution_reports
from services.registry import importer
from services.shared.csvfile import csv_text, safe_cell, unescape_cell

from tests.unit.registry import factories

HOSTILE = '=HYPERLINK("http://example.invalid/x","klik")'
METRIC = {"count": 1, "amount_idr": -5}


def _cells(text):
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("value", [HOSTILE, "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(value):
    assert safe_cell(value) == "'" + value
    assert unescape_cell(safe_cell(value)) == value


def test_numbers_and_plain_text_are_written_as_they_are():
    assert _cells(csv_text(["a", "b", "c", "d"], [[-5, 1.5, "Tahap 1", None]])) == [
        "a", "b", "c", "d", "-5", "1.5", "Tahap 1", ""]


def test_the_round_and_yearly_reports_guard_a_hostile_round_name():
    head = {"id": "rnd_1", "programme_code": "PKH", "name": HOSTILE, "starts_on": "2026-01-05"}
    totals = {m: METRIC for m in distribution_reports.METRICS}
    round_cells = _cells(distribution_reports.round_csv({"round": head, "totals": totals}))
    yearly = distribution_reports.programme_year_csv(
        {"programme_code": "PKH", "year": 2026, "rounds": [{"round": head, "totals": totals}],
         "totals": totals})
    for cells in (round_cells, _cells(yearly)):
        assert HOSTILE not in cells and "'" + HOSTILE in cells
        assert "-5" in cells  # a number stays a number


def test_an_export_imports_back_unchanged():
    family = factories.household()
    family["street"] = "-"  # as a guarded cell would come back from a spreadsheet
    text = factories.csv_text([family]).replace(",-,", ",'-,", 1)
    _, rows, _ = importer.read_file("x.csv", text.encode("utf-8"))
    assert rows[0][1]["street"] == "-"
