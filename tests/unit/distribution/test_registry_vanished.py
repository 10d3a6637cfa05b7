"""Allocations of households and residents a new registry store no longer has are
flagged, not deleted (DistributionService.registry_data_vanished)."""
from services.distribution.service import DistributionService


def test_allocations_of_vanished_records_are_flagged_once_and_kept(repo):
    repo.allocations.insert_many([
        {"_id": "al_family", "household_id": "hh_gone", "member_id": None},
        {"_id": "al_child", "household_id": "hh_kept", "member_id": "res_gone"},
        {"_id": "al_pickup", "household_id": "hh_kept", "member_id": None,
         "recipient_id": "res_gone"},
        {"_id": "al_other", "household_id": "hh_kept", "member_id": "res_kept"}])
    answer = DistributionService.registry_data_vanished(repo.db, ["res_gone"], ["hh_gone"])
    assert answer == {"allocations": 3}
    flagged = {d["_id"] for d in repo.allocations.find({"registry_missing": True})}
    assert flagged == {"al_family", "al_child", "al_pickup"}
    assert repo.allocations.count_documents({}) == 4
    assert DistributionService.registry_data_vanished(repo.db, ["res_gone"], ["hh_gone"]) == {
        "allocations": 0}
