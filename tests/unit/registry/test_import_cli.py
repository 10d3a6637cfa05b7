"""scripts/import-registry: CSV chunks of whole families, errors in the file's row numbers."""
import csv
import importlib.machinery
import importlib.util
import io
import os

from tests.unit.registry import factories

SCRIPT = os.path.join(factories.ROOT, "scripts", "import-registry")


def load_cli():
    loader = importlib.machinery.SourceFileLoader("import_registry_cli", SCRIPT)
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


def test_chunks_keep_families_whole_and_remember_row_numbers():
    cli = load_cli()
    families = [factories.household() for _ in range(4)]
    lines = factories.csv_text(families).splitlines()
    # the first family's last member arrives at the end of the file
    text = "\n".join(lines[:3] + lines[4:] + [lines[3]]) + "\n"
    chunks = cli.csv_chunks(text, chunk_rows=5)
    assert [len(numbers) for _, numbers in chunks] == [3, 3, 3, 3]
    assert chunks[0][1] == [2, 3, 13]
    for chunk, numbers in chunks:
        rows = list(csv.DictReader(io.StringIO(chunk)))
        assert len({r["kk_number"] for r in rows}) == 1 and len(rows) == len(numbers)
    errors = [{"row": 4, "field": "nik", "rule": "x"}]
    assert cli.remap(errors, chunks[0][1]) == [{"row": 13, "field": "nik", "rule": "x"}]


def test_an_empty_file_has_no_chunks():
    assert load_cli().csv_chunks("", 10) == []
