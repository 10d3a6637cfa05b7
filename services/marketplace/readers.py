"""Readers of events from services whose contract is not in this codebase yet.

``services.partners`` is being written in parallel; until its contract module
exists, the marketplace reads ``enrolment_completed`` with the tolerant schema
below, built from the payload the partners service announces (``source``
``partners``, ``schema_version`` 1; unknown fields ignored). When
``services/partners/contract`` lands, this module is replaced by an import of
its ``ENROLMENT_COMPLETED`` (docs/marketplace.md, "Events it consumes").
"""
from marshmallow import fields

from services.shared.contract import EventType, Tolerant

OUTCOMES = ("certificate", "business_started", "employed", "immunisation_given",
            "checkup_done", "other")


def _opt(field=fields.String, **kwargs):
    return field(load_default=None, allow_none=True, **kwargs)


class EnrolmentCompletedV1(Tolerant):
    enrolment_id = fields.String(required=True)
    programme_id = _opt()
    programme_kind = _opt()
    programme_title = _opt()
    topics = fields.List(fields.String(), load_default=list)
    partner_id = _opt()
    partner_name = _opt()
    resident_id = fields.String(required=True)
    nik = _opt()
    kk_number = _opt()
    outcome = _opt()
    completed_on = _opt(metadata={"format": "date"})


ENROLMENT_COMPLETED = EventType("partners", "enrolment_completed", {1: EnrolmentCompletedV1})
