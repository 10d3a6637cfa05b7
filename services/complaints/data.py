"""The service's data files, read once per process (``data/complaints/``)."""
import functools
import json
import os

from services.complaints.sla import ROOT, ServiceLevels

NEEDS_PATH = os.path.join(ROOT, "data", "complaints", "feedback-needs.json")


@functools.lru_cache(maxsize=1)
def service_levels():
    """``sla.ServiceLevels`` from service-levels.json and holidays.json."""
    return ServiceLevels.load()


@functools.lru_cache(maxsize=1)
def needs_catalogue():
    """``[{code, label}]``: the fixed list of needs feedback may raise."""
    with open(NEEDS_PATH, encoding="utf-8") as handle:
        return json.load(handle)["needs"]


def need_codes():
    return [n["code"] for n in needs_catalogue()]
