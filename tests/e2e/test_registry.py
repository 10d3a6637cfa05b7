"""The registry over HTTP: register, search, change, deactivate, import, errors, audit."""
import datetime
import os

import pytest

from tests.support.api import ApiError

from tests.unit.registry import factories

pytestmark = pytest.mark.e2e

SAMPLE_XLSX = os.path.join(factories.ROOT, "data", "sample", "opensid-sample.xlsx")


def fails(call, status):
    """Run ``call``; assert it answered ``status``; return the problem body."""
    with pytest.raises(ApiError) as exc:
        call()
    assert exc.value.status == status, exc.value
    return exc.value.problem


def test_register_read_search_change_and_deactivate(officer):
    body = factories.household(rt="007", rw="003")
    household = officer.post("households", body)
    assert household["kk_number"] == body["kk_number"] and household["status"] == "active"
    head, wife, child = household["members"]
    assert head["nik"] == body["members"][0]["nik"]  # officers see whole NIKs
    assert officer.get("households/%s" % household["id"])["member_ids"] == household["member_ids"]
    by_kk = officer.get("households", {"kk_number": body["kk_number"]})
    assert [h["id"] for h in by_kk["items"]] == [household["id"]]
    assert officer.get("residents/%s" % wife["nik"])["full_name"] == wife["full_name"]

    found = officer.get("residents", {"q": head["full_name"][:12], "rt": "007", "rw": "003",
                                      "status": "active"})
    assert head["id"] in [r["id"] for r in found["items"]]
    assert set(found) == {"items", "page", "per_page", "total"}

    changed = officer.patch("residents/%s" % child["nik"],
                            {"education": "smp", "reason": "naik kelas"})
    assert changed["education"] == "smp" and changed["version"] == 2
    history = officer.get("residents/%s/history" % child["nik"])["items"]
    assert history[-1]["changes"] == [{"field": "education", "old": child["education"],
                                       "new": "smp"}]
    assert history[-1]["reason"] == "naik kelas" and history[-1]["by"]["role"] == "officer"

    for member in (head, wife, child):
        gone = officer.post("residents/%s/deactivate" % member["nik"],
                            {"reason": "moved_out", "note": "pindah ke Depok"})
        assert gone["status"] == "inactive" and gone["inactive_reason"] == "moved_out"
    assert officer.get("households/%s" % household["id"])["status"] == "inactive"
    inactive = officer.get("residents", {"q": head["nik"], "status": "inactive"})
    assert [r["id"] for r in inactive["items"]] == [head["id"]]


def test_add_member_and_flagged_records(officer):
    household = officer.post("households", factories.household())
    born = factories.random_date(2023, 2024)
    baby = factories.person("child", sex="F", birth_date=born, marital_status="single")
    baby["nik"] = factories.nik_for(born + datetime.timedelta(days=1), "F")  # date mismatch
    added = officer.post("households/%s/members" % household["id"], baby)
    assert added["quality_flags"] == ["nik_birth_date_mismatch"]
    flagged = officer.get("residents", {"flagged": "true", "q": baby["nik"]})
    assert [r["id"] for r in flagged["items"]] == [added["id"]]
    nameless = officer.post("households/%s/members" % household["id"],
                            factories.person("grandchild", nik=False))
    assert nameless["nik_temporary"] and nameless["nik"].startswith("0")


def test_malformed_bodies_answer_400_with_every_bad_field(officer):
    body = factories.household(welfare_decile=0, rt="x")
    body["members"][0]["nik"] = "317409"
    body["members"][1]["sex"] = "P"
    problem = fails(lambda: officer.post("households", body), 400)
    assert problem["status"] == 400 and problem["type"].endswith("invalid-input")
    assert {"welfare_decile", "rt", "members.0.nik", "members.1.sex"} <= set(problem["errors"])
    household = officer.post("households", factories.household())
    nik = household["members"][0]["nik"]
    problem = fails(lambda: officer.patch("residents/%s" % nik, {"full_name": "Tanpa Alasan"}), 400)
    assert "reason" in problem["errors"]
    problem = fails(lambda: officer.post("residents/%s/deactivate" % nik, {"reason": "bosan"}), 400)
    assert "reason" in problem["errors"]
    fails(lambda: officer.get("residents", {"per_page": 1000}), 400)


def test_duplicates_answer_409_naming_the_existing_record(officer):
    first = officer.post("households", factories.household())
    again = factories.household()
    again["members"][0]["nik"] = first["members"][0]["nik"]
    problem = fails(lambda: officer.post("households", again), 409)
    assert problem["errors"] == {"members.0.nik": ["already registered as %s"
                                                   % first["members"][0]["id"]]}
    assert first["members"][0]["nik"] not in problem["detail"]
    problem = fails(lambda: officer.post("households", factories.household(
        kk_number=first["kk_number"])), 409)
    assert first["id"] in problem["errors"]["kk_number"][0]
    # nothing of the refused requests was written
    fails(lambda: officer.get("residents/%s" % again["members"][1]["nik"]), 404)


def test_unknown_records_answer_404(officer):
    fails(lambda: officer.get("residents/3174092209850001"), 404)
    fails(lambda: officer.get("households/hh_missing"), 404)
    fails(lambda: officer.post("households/hh_missing/members", factories.person("child")), 404)


def test_only_officers_and_admins_reach_the_registry(public, make_client, admin):
    fails(lambda: public.get("residents"), 401)
    fails(lambda: public.post("households", factories.household()), 401)
    partner = make_client("partner", partner_id="ptn_e2e")
    fails(lambda: partner.get("residents"), 403)
    fails(lambda: partner.post("imports/registry", None), 403)
    assert admin.get("residents", {"per_page": 1})["per_page"] == 1


def test_reads_and_changes_are_audited_and_niks_masked_in_messages(officer, admin):
    household = officer.post("households", factories.household())
    nik = household["members"][1]["nik"]
    officer.get("residents/%s" % nik)
    actions = {e["action"] for e in admin.get("audit", {"subject": nik})["items"]}
    assert {"register_resident", "read_resident"} <= actions
    problem = fails(lambda: officer.get("residents/%s" % ("9" + nik[1:])), 404)
    assert nik[4:12] not in problem["detail"]


def test_import_csv_raw_and_multipart_then_again_adds_nothing(officer):
    families = [factories.household() for _ in range(5)]
    text = factories.csv_text(families).encode("utf-8")
    result = officer.upload("imports/registry", text, "text/csv")
    assert (result["created_households"], result["created_residents"], result["errors"]) == \
        (5, 15, [])
    answer = officer.session.post(officer.url("imports/registry"),
                                  files={"file": ("families.csv", text, "text/csv")},
                                  headers={"Authorization": "Bearer %s" % officer.token},
                                  timeout=60)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["already_present"], answer.json()["created_residents"]) == (15, 0)
    nik = families[0]["members"][0]["nik"]
    assert officer.get("residents/%s/history" % nik)["items"][0]["action"] == "imported"


def test_import_reports_row_errors_and_refuses_unreadable_files(officer):
    family = factories.household()
    family["members"][2]["birth_date"] = "2019-02-30"
    result = officer.upload("imports/registry", factories.csv_text([family]).encode(), "text/csv")
    assert result["errors"] == [{"row": 4, "field": "birth_date", "rule": "Not a valid date."}]
    assert result["created_residents"] == 2
    problem = fails(lambda: officer.upload("imports/registry", b"name,age\nA,3\n", "text/csv"), 400)
    assert "file" in problem["errors"]
    fails(lambda: officer.upload("imports/registry", b"{}", "application/json"), 400)


def test_import_opensid_spreadsheet(officer):
    if not os.path.exists(SAMPLE_XLSX):
        pytest.skip("no OpenSID sample workbook")
    content = open(SAMPLE_XLSX, "rb").read()
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    first = officer.upload("imports/registry", content, xlsx)
    assert first["format"] == "opensid" and first["rows"] > 0
    again = officer.upload("imports/registry", content, xlsx)
    assert again["created_residents"] == 0
    assert again["already_present"] == first["created_residents"] + first["already_present"]
