"""What the main job was asked for (``python -m demo`` options), read by its steps.

- ``sample_path()``: the registry CSV the job imports and reads (the sample,
  ``DEMO_REGISTRY_CSV``, or the smaller sample ``--families N`` wrote);
- ``FIGURES``: where the last step writes the year's key figures as JSON (None: nowhere);
- ``PROGRESS``: progress bars on stderr (None: only when stderr is a terminal).
"""
import collections
import csv
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "data", "sample", "tanjung-barat-registry.csv")

FIGURES = None
PROGRESS = None
_sample = None


def sample_path():
    """The registry CSV of this run: ``--families``' file, ``DEMO_REGISTRY_CSV`` (bench
    runs the job at three times the sample) or the sample itself."""
    return _sample or os.environ.get("DEMO_REGISTRY_CSV") or SAMPLE


def use_sample(path):
    """Make ``path`` the registry CSV every step imports and reads."""
    global _sample
    _sample = path


def smaller_sample(families, directory, source=None):
    """Write ``families`` families of the sample, taken evenly through the file (so every
    RW keeps some), to ``directory``; return the new file's path.

    The smaller year of the end-to-end test (tests/e2e/test_year.py) runs on it.
    Raises ValueError when ``families`` is not between 1 and the sample's count.
    """
    source = source or sample_path()
    with open(source, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames
        by_kk = collections.OrderedDict()
        for row in reader:
            by_kk.setdefault(row["kk_number"], []).append(row)
    if not 1 <= families <= len(by_kk):
        raise ValueError("--families must be between 1 and %d" % len(by_kk))
    step = len(by_kk) / families
    kept = [list(by_kk.values())[int(i * step)] for i in range(families)]
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "sample-%d-families.csv" % families)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        for members in kept:
            writer.writerows(members)
    return path
