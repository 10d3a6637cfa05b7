"""A completed entrepreneurship training makes a family a candidate for the village's
business-capital programme (issue 11): distribution's side."""
import copy

import pytest

from services.distribution import allocations, catalogue, queries
from services.distribution.service import DistributionService
from services.shared.envelope import make_envelope
from services.shared.errors import InvalidInput
from services.shared.inbox import InboxRecords
from tests.support.kit import MemoryLot, service_worker
from tests.unit.distribution.conftest import OFFICER

#: Decile 3, nobody trading or self-employed: not a UMKM candidate on its own.
FAMILY = (("head", "M", "1985-02-01"), ("wife", "F", "1988-03-04"))
CRITERION = "criteria.all.1.any.1"


def completion(resident, kind="training", topics=("entrepreneurship",), outcome="certificate",
               enrolment_id="enr_1"):
    return {"enrolment_id": enrolment_id, "programme_id": "pp_1", "programme_kind": kind,
            "programme_title": "Pelatihan Usaha Kuliner", "topics": list(topics),
            "partner_id": "ptn_1", "partner_name": "PT Sumber Rejeki", "resident_id": resident["id"],
            "nik": resident["nik"], "kk_number": resident["kk_number"], "outcome": outcome,
            "completed_on": "2026-03-20"}


def umkm(repo, registry, publish):
    publish("UMKM_DESA")
    return registry.household(decile=3, members=FAMILY)


def explained(repo, person):
    out = queries.eligibility(repo, person["nik"], "UMKM_DESA", "kelurahan", on="2026-04-01")
    return out, next(c for c in out["criteria"] if c["path"] == CRITERION)


def test_a_completed_entrepreneurship_training_makes_the_family_a_candidate(repo, registry,
                                                                          publish):
    _, (head, wife) = umkm(repo, registry, publish)
    before, criterion = explained(repo, head)
    assert before["eligible"] is False and (criterion["value"], criterion["passed"]) == (False, False)
    repo.record_completion(completion(wife))
    after, criterion = explained(repo, head)
    assert after["eligible"] is True and after["amount_idr"] == 2_500_000
    assert (criterion["value"], criterion["passed"]) == (True, True)
    assert "pelatihan" in criterion["criterion"]


@pytest.mark.parametrize("kind,topics,outcome,candidate", [
    ("training", ("sewing",), "certificate", False),
    ("education", ("entrepreneurship",), "certificate", False),
    ("mentoring", ("entrepreneurship",), "certificate", True),
    ("mentoring", ("marketing",), "business_started", True),
    ("business_capital", (), "business_started", True),
])
def test_which_completions_count(repo, registry, publish, kind, topics, outcome, candidate):
    _, (head, _) = umkm(repo, registry, publish)
    repo.record_completion(completion(head, kind, topics, outcome))
    assert explained(repo, head)[0]["eligible"] is candidate


def test_a_round_generated_after_the_training_includes_the_family(repo, registry, publish,
                                                                  schedule):
    hh, (head, _) = umkm(repo, registry, publish)
    registry.household(decile=3, members=FAMILY)  # untrained: not a candidate
    repo.record_completion(completion(head))
    rnd = schedule("UMKM_DESA", "Tahun 2026", starts_on="2026-04-06", ends_on="2026-04-30")
    assert allocations.generate(repo, rnd["id"], OFFICER)["created"] == 1
    [alloc] = repo.find_allocations({"round_id": rnd["id"]})
    assert alloc["household_id"] == hh["id"]


def test_the_event_is_recorded_once_however_often_it_arrives(repo, registry, publish):
    _, (head, _) = umkm(repo, registry, publish)
    service = service_worker(DistributionService, store=repo, inbox=InboxRecords(repo.db, MemoryLot()))
    event = make_envelope("enrolment_completed", "partners", "enr_1", 3, completion(head))
    for _ in range(3):
        service.handle_enrolment_completed(event)
    assert repo.completions.count_documents({}) == 1
    assert explained(repo, head)[0]["eligible"] is True


def test_a_programme_may_not_use_what_only_the_partners_service_knows(repo, seeds):
    body = copy.deepcopy(seeds["UMKM_DESA"])
    body["code"] = "UMKM_X"
    body["criteria"]["all"].append({"any_member": {"attr": "member.overlapping_enrolments",
                                                   "op": "eq", "value": 0}})
    with pytest.raises(InvalidInput) as refused:
        catalogue.publish_programme(repo, body, OFFICER, "kelurahan")
    assert "criteria.all.2.any_member.attr" in refused.value.errors
