"""Records of residents a new registry store no longer has are flagged and counted,
never deleted (PartnersService.registry_data_vanished)."""
from services.partners.service import PartnersService


def test_appointments_and_pregnancies_are_flagged_and_enrolments_counted(repo):
    repo.appointments.insert_many([{"_id": "ap_1", "resident_id": "res_gone"},
                                   {"_id": "ap_2", "resident_id": "res_kept"}])
    repo.pregnancies.insert_one({"_id": "pg_1", "resident_id": "res_gone"})
    repo.programmes.insert_one({"_id": "pp_1", "enrolments": [
        {"resident_id": "res_gone"}, {"resident_id": "res_kept"}]})
    answer = PartnersService.registry_data_vanished(repo.db, ["res_gone"], ["hh_gone"])
    assert answer == {"appointments": 1, "pregnancies": 1, "enrolments": 1}
    assert [d["_id"] for d in repo.appointments.find({"registry_missing": True})] == ["ap_1"]
    assert repo.appointments.count_documents({}) == 2
    assert repo.programmes.find_one({"_id": "pp_1"})["enrolments"][0] == {
        "resident_id": "res_gone"}
    assert PartnersService.registry_data_vanished(repo.db, ["res_gone"], []) == {
        "appointments": 0, "pregnancies": 0, "enrolments": 1}
