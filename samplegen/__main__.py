"""Command line: ``python -m samplegen --seed 20261129 --out data/sample/``."""
import argparse
import os
import sys

from samplegen import CSV_NAME, DEFAULT_SEED, XLSX_NAME
from samplegen.dates import REFERENCE_DATE
from samplegen.generate import FAMILIES, generate
from samplegen.writers import csv_text, write_opensid_xlsx

#: Residents (at least; whole families) in the OpenSID spreadsheet.
OPENSID_RESIDENTS = 20


def main(argv=None):
    """Generate the sample files; print what was written. Returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m samplegen", description=__doc__)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", default="data/sample/")
    parser.add_argument("--families", type=int, default=FAMILIES)
    args = parser.parse_args(argv)
    main_hh, extra_hh = generate(args.seed, args.families, OPENSID_RESIDENTS)
    os.makedirs(args.out, exist_ok=True)
    csv_path = os.path.join(args.out, CSV_NAME)
    with open(csv_path, "w", encoding="utf-8", newline="") as fh:
        fh.write(csv_text(main_hh))
    xlsx_path = os.path.join(args.out, XLSX_NAME)
    write_opensid_xlsx(extra_hh, xlsx_path, REFERENCE_DATE)
    residents = [p for hh in main_hh for p in hh["members"]]
    rws = {hh["rw"] for hh in main_hh}
    rts = {(hh["rw"], hh["rt"]) for hh in main_hh}
    print("%s: %d families, %d residents, %d RW, %d RT (seed %d)" % (
        csv_path, len(main_hh), len(residents), len(rws), len(rts), args.seed))
    print("%s: %d families, %d residents" % (
        xlsx_path, len(extra_hh), sum(len(hh["members"]) for hh in extra_hh)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
