"""Nothing an officer can see or do depends on a hidden reporter's identity (issue 8, item 1).

A pungli report's reporter is hidden from officers (``domain.reporter_visible``);
an officer who may be the accused must not learn who filed it by trying
candidate names in text the platform compares with the reporter's identity.
"""
import json
import re

import mongomock
import pytest

from services.shared.inbox import InboxRecords

from services.complaints.service import ComplaintsService
from services.complaints.store import ComplaintRepository

from tests.support.kit import MemoryLot, service_worker
from tests.unit.complaints.conftest import ADMIN, OFFICER, id_of

WITNESS = {"name": "Rahmawati Saksi Pungli", "nik": "3174094506870003", "phone": "081234567890"}
OTHER = {"name": "Dewi Lestari", "nik": "3174095203880004", "phone": "081298765432"}
CANDIDATES = "Warga: Budi Santoso, Rahmawati Saksi Pungli, Siti Aminah."


def fresh_service():
    db = mongomock.MongoClient(tz_aware=True)["oracle"]
    ComplaintRepository.ensure_indexes(db)
    repo = ComplaintRepository(db, lambda *args: None)
    return service_worker(ComplaintsService, store=repo, inbox=InboxRecords(db, MemoryLot()))


def pungli(reporter):
    return {"category": "pungli", "programme_code": "PKH", "reporter": dict(reporter),
            "description": "Petugas meminta uang Rp50.000 saat penyaluran."}


def resolved(service, reporter):
    cid = id_of(service, service.submit_complaint(pungli(reporter))["tracking_code"])
    service.transition_complaint(cid, {"to": "verified"}, OFFICER)
    service.transition_complaint(cid, {"to": "resolved", "note": "Sudah ditindak."}, OFFICER)
    return cid


def test_the_issue_repro_a_candidate_name_is_published_as_the_officer_wrote_it():
    service = fresh_service()
    cid = resolved(service, WITNESS)
    view = service.publish_complaint(cid, {"summary": CANDIDATES, "answer": "x"}, OFFICER)
    assert view["publication"]["summary"] == CANDIDATES
    assert service.list_published()["items"][0]["summary"] == CANDIDATES


def test_an_admin_who_sees_the_reporter_still_gets_the_name_redacted():
    service = fresh_service()
    cid = resolved(service, WITNESS)
    view = service.publish_complaint(cid, {"summary": CANDIDATES, "answer": "x"}, ADMIN)
    assert view["publication"]["summary"] == "Warga: Budi Santoso, [disamarkan], Siti Aminah."


def test_a_retried_submission_gets_an_id_that_does_not_encode_the_reporter():
    """The id an officer sees was a hash of the Idempotency-Key *and the body*: anyone
    who knew the key could test candidate reporters against it offline."""
    ids = []
    for who in (WITNESS, OTHER):
        service = fresh_service()
        ids.append(id_of(service, service.submit_complaint(pungli(who),
                                                           request_key="k-1")["tracking_code"]))
    assert ids[0] == ids[1]


def _normalised(value):
    """An answer as text with the values that differ per run anyway (ids, codes, times)."""
    text = json.dumps(value, sort_keys=True)
    text = re.sub(r"(cmp|pub|note)_[0-9a-f]+", r"\1_ID", text)
    text = re.sub(r'"tracking_code": "[0-9A-Z]+"', '"tracking_code": "CODE"', text)
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "TIME", text)


def _officer_session(reporter):
    """Everything an officer does with one pungli report, and every answer seen."""
    service = fresh_service()
    seen = []
    cid = id_of(service, service.submit_complaint(pungli(reporter),
                                                  request_key="k-1")["tracking_code"])
    seen.append(cid)
    seen.append(service.get_complaint(cid, OFFICER))
    seen.append(service.list_complaints({"category": "pungli"}, actor=OFFICER))
    seen.append(service.transition_complaint(cid, {"to": "verified", "note": WITNESS["name"]},
                                             OFFICER))
    seen.append(service.add_note(cid, {"text": CANDIDATES, "public": True}, OFFICER))
    seen.append(service.transition_complaint(cid, {"to": "resolved", "note": CANDIDATES},
                                             OFFICER))
    for text in (CANDIDATES, WITNESS["name"], OTHER["name"], WITNESS["phone"][:6]):
        seen.append(service.publish_complaint(cid, {"summary": text, "answer": text}, OFFICER))
        seen.append(service.list_published())
        seen.append(service.unpublish_complaint(cid, OFFICER))
    seen.append(service.complaint_report(seen[1]["submitted_at"][:4]))
    seen.append(service.complaint_report_csv(seen[1]["submitted_at"][:4]))
    return [_normalised(answer) for answer in seen]


@pytest.mark.parametrize("other", [OTHER, dict(WITNESS, name="R")])
def test_every_officer_answer_is_the_same_whoever_reported(other):
    assert _officer_session(WITNESS) == _officer_session(other)
