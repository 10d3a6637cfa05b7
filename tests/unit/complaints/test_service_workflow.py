"""Submitting, tracking and moving complaints through the service's RPCs."""
import pytest

from services.shared.errors import Conflict, InvalidInput, NotFound, RuleRefused

from services.shared.clock import now as now_utc
from tests.unit.complaints.conftest import (ADMIN, OFFICER, anonymous, id_of, identified,
                                            queued_events)


def test_anonymous_submission_answers_a_tracking_code(service, db):
    answer = service.submit_complaint(anonymous())
    assert len(answer["tracking_code"]) == 10
    assert answer["status"] == "received" and answer["status_label"] == "Diterima"
    assert answer["tracking_code"] in answer["message"]
    assert answer["expected_by"]  # the resolution deadline, to set expectations
    [event] = queued_events(db)
    assert event["type"] == "complaint_submitted" and event["source"] == "complaints"
    assert event["data"]["complaint"]["status"] == "received"


def test_tracking_is_forgiving_about_case_and_hyphens(service):
    code = service.submit_complaint(anonymous())["tracking_code"]
    written = (code[:5] + "-" + code[5:]).lower()
    assert service.track_complaint(written)["tracking_code"] == code


def test_unknown_and_malformed_tracking_codes(service):
    with pytest.raises(NotFound):
        service.track_complaint("ABCDEFGHJK")
    with pytest.raises(InvalidInput) as exc:
        service.track_complaint("not-a-code!")
    assert "tracking_code" in exc.value.errors


def test_a_retried_submission_with_the_same_key_is_stored_once(service, db):
    first = service.submit_complaint(anonymous(), request_key="k-1")
    again = service.submit_complaint(anonymous(), request_key="k-1")
    assert again["tracking_code"] == first["tracking_code"]
    with pytest.raises(Conflict) as reused:
        service.submit_complaint(anonymous(description="Lain"), request_key="k-1")
    assert "Idempotency-Key" in reused.value.errors
    other = service.submit_complaint(anonymous(description="Lain"), request_key="k-2")
    assert other["tracking_code"] != first["tracking_code"]
    assert db["complaints"].count_documents({}) == 2


def test_bad_submissions_write_nothing(service, db):
    with pytest.raises(InvalidInput):
        service.submit_complaint({"category": "pungli", "description": ""})
    assert db["complaints"].count_documents({}) == 0


def test_the_whole_workflow_records_who_when_and_why(service, db):
    code = service.submit_complaint(identified())["tracking_code"]
    cid = id_of(service, code)
    service.transition_complaint(cid, {"to": "verified"}, OFFICER)
    service.transition_complaint(cid, {"to": "forwarded", "forwarded_to": "Dinas Sosial DKI Jakarta",
                                       "note": "Diteruskan ke Dinas Sosial untuk usulan DTSEN."},
                                 OFFICER)
    service.transition_complaint(cid, {"to": "in_progress"}, OFFICER)
    service.transition_complaint(cid, {"to": "resolved", "note": "Keluarga diusulkan masuk DTSEN."},
                                 OFFICER)
    view = service.transition_complaint(cid, {"to": "reopened", "note": "Warga belum menerima."},
                                        ADMIN)
    assert [h["to"] for h in view["history"]] == ["verified", "forwarded", "in_progress",
                                                   "resolved", "reopened"]
    assert view["assigned_to"] == "Petugas Rina"
    assert view["forwarded_to"] == "Dinas Sosial DKI Jakarta" and view["forwarded_at"]
    assert view["history"][-1]["actor"] == {"name": "Lurah", "role": "admin"}
    assert view["resolved_at"] is None and view["version"] == 6
    types = [e["type"] for e in queued_events(db)]
    assert types == ["complaint_submitted"] + ["complaint_status_changed"] * 4 + [
        "complaint_resolved", "complaint_status_changed"]
    versions = [e["aggregate_version"] for e in queued_events(db)]
    assert versions == sorted(versions)
    public = service.track_complaint(code)
    assert public["status"] == "reopened"
    assert [n["text"] for n in public["public_notes"]] == [
        "Diteruskan ke Dinas Sosial untuk usulan DTSEN.", "Keluarga diusulkan masuk DTSEN.",
        "Warga belum menerima."]


def test_a_move_the_table_forbids_is_refused_with_the_allowed_ones(service):
    cid = id_of(service, service.submit_complaint(anonymous())["tracking_code"])
    with pytest.raises(RuleRefused) as exc:
        service.transition_complaint(cid, {"to": "resolved", "note": "x"}, OFFICER)
    assert "verified, rejected" in exc.value.detail


def test_a_stale_version_is_a_conflict(service):
    cid = id_of(service, service.submit_complaint(anonymous())["tracking_code"])
    service.transition_complaint(cid, {"to": "verified", "version": 1}, OFFICER)
    with pytest.raises(Conflict) as exc:
        service.transition_complaint(cid, {"to": "rejected", "note": "x", "version": 1},
                                     OFFICER)
    assert "version" in exc.value.errors


def test_two_officers_at_once_only_one_move_applies(service, repo, db):
    """Officer B's move lands between officer A's read and write: A gets 409."""
    cid = id_of(service, service.submit_complaint(anonymous())["tracking_code"])
    service.transition_complaint(cid, {"to": "verified"}, OFFICER)
    real_update = repo.complaints.update_one
    raced = []

    def update_one(query, update, *args, **kwargs):
        if not raced and "status" in query:
            raced.append(True)
            repo.transition(cid, {"to": "rejected", "note": "Bukan wewenang kelurahan."},
                            {"name": "Petugas B", "role": "officer"}, now_utc())
        return real_update(query, update, *args, **kwargs)

    repo.complaints.update_one = update_one
    with pytest.raises(Conflict) as exc:
        service.transition_complaint(cid, {"to": "resolved", "note": "Sudah diselesaikan."},
                                     OFFICER)
    repo.complaints.update_one = real_update
    assert "rejected" in exc.value.detail
    view = service.get_complaint(cid, OFFICER)
    assert view["status"] == "rejected" and [h["to"] for h in view["history"]] == ["verified", "rejected"]
    assert [e["data"].get("to") for e in queued_events(db)][1:] == ["verified", "rejected"]


def test_a_version_bump_without_a_status_change_does_not_block_a_move(service, repo):
    """An overdue announcement between read and write only moves the version: retried."""
    cid = id_of(service, service.submit_complaint(anonymous())["tracking_code"])
    real_update = repo.complaints.update_one
    bumped = []

    def update_one(query, update, *args, **kwargs):
        if not bumped and "status" in query:
            bumped.append(True)
            real_update({"_id": cid}, {"$inc": {"version": 1}})
        return real_update(query, update, *args, **kwargs)

    repo.complaints.update_one = update_one
    view = service.transition_complaint(cid, {"to": "verified"}, OFFICER)
    repo.complaints.update_one = real_update
    assert view["status"] == "verified" and view["version"] == 3


def test_notes_public_and_internal(service):
    code = service.submit_complaint(anonymous())["tracking_code"]
    cid = id_of(service, code)
    service.add_note(cid, {"text": "Sudah dicek ke RT 05.", "public": True}, OFFICER)
    view = service.add_note(cid, {"text": "Nama ketua RT: Pak Udin"}, OFFICER)
    assert [n["public"] for n in view["notes"]] == [True, False]
    assert [n["text"] for n in service.track_complaint(code)["public_notes"]] == ["Sudah dicek ke RT 05."]


def test_officer_list_filters_and_counts(service):
    a = id_of(service, service.submit_complaint(anonymous())["tracking_code"])
    service.submit_complaint(identified("pungli"))
    service.transition_complaint(a, {"to": "verified"}, OFFICER)
    page = service.list_complaints({"status": "received"}, actor=OFFICER)
    assert page["total"] == 1 and page["items"][0]["category"] == "pungli"
    assert page["counts"] == {"received": 1, "overdue": 0}
    assert service.list_complaints({"category": "not_received"}, actor=OFFICER)["total"] == 1
    assert service.list_complaints({"overdue": "true"}, actor=OFFICER)["total"] == 0
    assert service.list_complaints({"overdue": "false"}, actor=OFFICER)["total"] == 2
    with pytest.raises(InvalidInput) as exc:
        service.list_complaints({"status": "lost"}, actor=OFFICER)
    assert "status" in exc.value.errors
    with pytest.raises(InvalidInput):
        service.list_complaints({}, page=0, actor=OFFICER)


def test_publishing_shows_only_the_redacted_wording(service):
    code = service.submit_complaint(identified())["tracking_code"]
    cid = id_of(service, code)
    with pytest.raises(RuleRefused):
        service.publish_complaint(cid, {"summary": "s", "answer": "a"}, OFFICER)
    for move in ({"to": "verified"}, {"to": "resolved", "note": "Sudah masuk usulan."}):
        service.transition_complaint(cid, move, OFFICER)
    service.publish_complaint(cid, {
        "summary": "Warga (Siti Aminah, 3174094506870003) merasa layak PKH tapi tidak terdaftar.",
        "answer": "Keluarga diusulkan masuk DTSEN; hubungi 081234567890."}, OFFICER)
    [item] = service.list_published()["items"]
    text = str(item)
    for secret in ("Siti", "3174094506870003", "081234567890", code, cid,
                   "Keluarga kami layak"):
        assert secret not in text
    assert item["category"] == "exclusion" and item["programme_code"] == "PKH"
    service.transition_complaint(cid, {"to": "reopened", "note": "Belum beres."}, OFFICER)
    assert service.list_published()["total"] == 0


def test_a_note_request_run_twice_adds_one_note(service):
    cid = id_of(service, service.submit_complaint(anonymous())["tracking_code"])
    actor = dict(OFFICER, request_id="req-42")
    service.add_note(cid, {"text": "Sudah ditelepon."}, actor)
    view = service.add_note(cid, {"text": "Sudah ditelepon."}, actor)
    assert [n["text"] for n in view["notes"]] == ["Sudah ditelepon."]
    with pytest.raises(NotFound):
        service.add_note("cmp_missing", {"text": "x"}, OFFICER)
