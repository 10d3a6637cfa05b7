"""The marketplace's data files, read once per process (``data/marketplace/``)."""
import functools
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "data", "marketplace")


def _read(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as handle:
        return json.load(handle)


@functools.lru_cache(maxsize=1)
def rules():
    """``rules.json``: UMKM scale bands, licence warnings, the seller's minimum age,
    each with its source."""
    return _read("rules.json")


@functools.lru_cache(maxsize=1)
def search_variants():
    """``{variant: form}`` from ``search-words.json`` (spelling variants of product words)."""
    return dict(_read("search-words.json")["variants"])
