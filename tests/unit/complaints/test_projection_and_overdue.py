"""Distribution's allocations as this service sees them, and the scheduled overdue check."""
import datetime

from services.shared.envelope import make_envelope

from tests.unit.complaints.conftest import OFFICER, UTC, anonymous, id_of, queued_events


def alloc_event(event_type, version, status, allocation_id="alc_7", reason=None):
    return make_envelope(event_type, "distribution", allocation_id, version, {"allocation": {
        "id": allocation_id, "round_id": "rnd_1", "programme_code": "SEMBAKO",
        "kk_number": "3174091201090001", "recipient_nik": "3174094506870003",
        "amount_idr": 200000, "status": status, "status_reason": reason}})


def test_a_not_received_complaint_shows_its_allocations_state(service):
    service.handle_allocation_created(alloc_event("allocation_created", 1, "pending"))
    code = service.submit_complaint(anonymous(allocation_id="alc_7"))["tracking_code"]
    cid = id_of(service, code)
    view = service.get_complaint(cid, OFFICER)
    assert view["allocation"]["status"] == "pending" and view["allocation"]["amount_idr"] == 200000
    assert service.track_complaint(code)["allocation_status"] == "pending"


def test_an_allocation_not_seen_yet_is_unknown(service):
    code = service.submit_complaint(anonymous(allocation_id="alc_404"))["tracking_code"]
    assert service.track_complaint(code)["allocation_status"] == "unknown"


def test_disbursement_adds_one_automatic_note_however_often_it_arrives(service, db):
    service.handle_allocation_created(alloc_event("allocation_created", 1, "pending"))
    linked = service.submit_complaint(anonymous(allocation_id="alc_7"))["tracking_code"]
    other_category = service.submit_complaint(anonymous("schedule", allocation_id="alc_7"))["tracking_code"]
    unrelated = service.submit_complaint(anonymous(allocation_id="alc_8"))["tracking_code"]
    disbursed = alloc_event("aid_disbursed", 2, "disbursed")
    service.handle_aid_disbursed(disbursed)
    service.handle_aid_disbursed(disbursed)  # at-least-once delivery
    resent = dict(disbursed, event_id="another-id")  # same change re-sent under a new id
    service.handle_aid_disbursed(resent)
    public = service.track_complaint(linked)
    assert public["allocation_status"] == "disbursed"
    assert [n["author"] for n in public["public_notes"]] == ["Sistem"]
    assert "sudah disalurkan" in public["public_notes"][0]["text"]
    assert "3174094506870003" not in str(public)
    assert service.track_complaint(other_category)["public_notes"] == []
    assert service.track_complaint(unrelated)["public_notes"] == []
    assert not [e for e in queued_events(db) if e["type"] != "complaint_submitted"]


def test_an_older_event_arriving_late_changes_nothing(service):
    code = service.submit_complaint(anonymous(allocation_id="alc_7"))["tracking_code"]
    service.handle_allocation_cancelled(alloc_event("allocation_cancelled", 3, "cancelled",
                                                    reason="deceased"))
    service.handle_allocation_created(alloc_event("allocation_created", 1, "pending"))
    cid = id_of(service, code)
    view = service.get_complaint(cid, OFFICER)
    assert view["allocation"]["status"] == "cancelled"
    assert view["allocation"]["status_reason"] == "deceased"  # officers see why
    public = service.track_complaint(code)
    assert public["allocation_status"] == "cancelled" and "deceased" not in str(public)
    assert len(public["public_notes"]) == 1 and "dibatalkan" in public["public_notes"][0]["text"]


def test_overdue_is_announced_once_per_complaint_per_deadline(service, repo, db):
    submitted = datetime.datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
    doc = repo.submit(anonymous("pungli"), submitted)
    fresh = repo.submit(anonymous(), submitted + datetime.timedelta(days=1))
    # pungli: triage by end of Tue 3 Nov WIB, resolution by end of Thu 5 Nov WIB
    assert service.check_overdue(now="2026-11-04T00:00:00Z") == {"announced": 1}
    assert service.check_overdue(now="2026-11-04T00:00:00Z") == {"announced": 0}
    assert service.check_overdue(now="2026-11-06T00:00:00Z") == {"announced": 1}
    overdue = [e for e in queued_events(db) if e["type"] == "complaint_overdue"]
    assert [e["data"]["deadline"]["name"] for e in overdue] == ["triage", "resolution"]
    assert {e["aggregate_id"] for e in overdue} == {doc["_id"]}
    assert overdue[0]["data"]["complaint"]["overdue"] is True
    assert service.check_overdue(now="2026-11-06T00:00:00Z") == {"announced": 0}
    assert fresh["_id"] not in {e["aggregate_id"] for e in overdue}


def test_the_overdue_filter_and_count(service, repo):
    old = repo.submit(anonymous(), datetime.datetime(2026, 1, 5, 2, 0, tzinfo=UTC))
    repo.submit(anonymous(), datetime.datetime.now(UTC))
    page = service.list_complaints({"overdue": "true"}, actor=OFFICER)
    assert [i["id"] for i in page["items"]] == [old["_id"]]
    assert page["items"][0]["overdue"] is True and page["counts"]["overdue"] == 1
    assert any(d["missed"] for d in page["items"][0]["deadlines"])


def test_a_reopened_complaint_gets_a_new_resolution_deadline_to_miss(service, repo, db):
    t0 = datetime.datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
    doc = repo.submit(anonymous(), t0)
    officer = {"name": "Rina", "role": "officer"}
    repo.transition(doc["_id"], {"to": "verified"}, officer, t0 + datetime.timedelta(hours=1))
    repo.transition(doc["_id"], {"to": "resolved", "note": "ok"}, officer, t0 + datetime.timedelta(days=1))
    repo.transition(doc["_id"], {"to": "reopened", "note": "belum"}, officer, t0 + datetime.timedelta(days=2))
    assert service.check_overdue(now="2026-11-20T00:00:00Z") == {"announced": 1}
    [event] = [e for e in queued_events(db) if e["type"] == "complaint_overdue"]
    assert event["data"]["deadline"]["due_at"] == "2026-11-11T02:00:00.000Z"


def test_the_projection_rebuilds_from_distributions_export(service):
    exported = {"items": [dict(alloc_event("allocation_created", 4, "disbursed")["data"]["allocation"],
                               version=4)], "page": 1, "per_page": 500, "total": 1}
    service.distribution.export_allocations.call_async.return_value.result.return_value = exported
    assert service.resync_allocations() == {"applied": 1}
    code = service.submit_complaint(anonymous(allocation_id="alc_7"))["tracking_code"]
    assert service.track_complaint(code)["allocation_status"] == "disbursed"


def test_the_timer_runs_the_same_check(service, repo, db):
    repo.submit(anonymous(), datetime.datetime(2025, 1, 6, 2, 0, tzinfo=UTC))
    service.scheduled_overdue_check()
    service.scheduled_overdue_check()
    assert len([e for e in queued_events(db) if e["type"] == "complaint_overdue"]) == 2


def test_the_officer_list_shows_each_linked_allocation(service):
    service.handle_allocation_created(alloc_event("allocation_created", 1, "pending"))
    service.handle_allocation_created(alloc_event("allocation_created", 1, "waiting", "alc_8"))
    for allocation_id in ("alc_7", "alc_8", "alc_404"):
        service.submit_complaint(anonymous(allocation_id=allocation_id))
    service.submit_complaint(anonymous("schedule", allocation_id="alc_7"))
    items = service.list_complaints({}, actor=OFFICER)["items"]
    seen = {(i["allocation_id"], (i["allocation"] or {}).get("status")) for i in items}
    assert seen == {("alc_7", "pending"), ("alc_8", "waiting"), ("alc_404", "unknown"),
                    ("alc_7", None)}


def test_a_bad_instant_for_the_overdue_check_is_invalid_input(service):
    import pytest

    from services.shared.errors import InvalidInput
    for bad in ("yesterday", "2026-11-04T00:00:00"):  # no offset: ambiguous
        with pytest.raises(InvalidInput) as exc:
            service.check_overdue(now=bad)
        assert "now" in exc.value.errors
