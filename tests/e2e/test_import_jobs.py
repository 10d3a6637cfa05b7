"""The registry import as a job over HTTP (docs/registry-data.md "Import jobs"): every
answer checked against openapi.json by the e2e client."""
import pytest

from tests.support.api import ApiError

from tests.unit.registry import factories

pytestmark = pytest.mark.e2e


def test_only_officers_and_admins_start_or_read_import_jobs(public, make_client):
    partner = make_client("partner", partner_id="ptn_e2e_jobs")
    for call, status in ((lambda: public.start_import(b"x", "a.csv"), 401),
                         (lambda: partner.start_import(b"x", "a.csv"), 403),
                         (lambda: partner.get("imports/registry/jobs"), 403)):
        with pytest.raises(ApiError) as exc:
            call()
        assert exc.value.status == status


def test_a_job_imports_the_file_reports_its_rows_and_a_second_run_adds_nothing(officer):
    families = [factories.household() for _ in range(4)]
    families[3]["members"][2]["birth_date"] = "2019-02-30"
    content = factories.csv_text(families).encode("utf-8")
    started = officer.start_import(content, "empat-keluarga.csv")
    assert started["state"] in ("running", "done") and started["filename"] == "empat-keluarga.csv"
    done = officer.wait_for_import(started, timeout=120, poll=0.2)
    assert (done["state"], done["percent"], done["rows_total"]) == ("done", 100, 12)
    assert (done["created_households"], done["created_residents"]) == (4, 11)
    assert done["errors"] == [{"row": 13, "field": "birth_date", "rule": "Not a valid date."}]
    assert done["errors_total"] == 1 and done["started_by"]["role"] == "officer"
    nik = families[0]["members"][0]["nik"]
    assert officer.get("residents/%s/history" % nik)["items"][0]["action"] == "imported"

    again = officer.wait_for_import(officer.start_import(content, "empat-keluarga.csv"),
                                    timeout=120, poll=0.2)
    assert (again["already_present"], again["created_residents"]) == (11, 0)
    recent = officer.get("imports/registry/jobs", {"per_page": 2})["items"]
    assert [j["id"] for j in recent] == [again["id"], done["id"]]


def test_a_file_the_registry_cannot_read_ends_the_job_failed_with_its_words(officer):
    job = officer.wait_for_import(officer.start_import(b"name,age\nA,3\n", "salah.csv"),
                                  timeout=60, poll=0.2)
    assert job["state"] == "failed" and "missing columns" in job["failure"]["errors"]["file"][0]
    with pytest.raises(ApiError) as exc:
        officer.import_job("imp_nope")
    assert exc.value.status == 404
