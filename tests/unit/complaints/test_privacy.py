"""Who sees the reporter: officers (not for pungli), admins, nobody else, and no event."""
import pytest

from services.shared.errors import Forbidden

from tests.unit.complaints.conftest import (NIK, OFFICER, OTHER_NIK, as_text, id_of, identified,
                                            queued_events)

IDENTITY = ("Siti Aminah", NIK, "081234567890")


def submitted(service, category="exclusion", **extra):
    code = service.submit_complaint(identified(category, **extra))["tracking_code"]
    return code, id_of(service, code)


@pytest.mark.parametrize("category, role, visible", [
    ("exclusion", "officer", True),
    ("exclusion", "admin", True),
    ("pungli", "officer", False),
    ("pungli", "admin", True),
])
def test_reporter_identity_by_role(service, category, role, visible):
    _, cid = submitted(service, category)
    view = service.get_complaint(cid, {"role": role, "name": "x"})
    assert view["reporter_visible"] is visible
    if visible:
        assert view["reporter"] == {"name": "Siti Aminah", "nik": NIK, "phone": "081234567890"}
    else:
        assert view["reporter"] is None
        assert not any(secret in as_text(view) for secret in IDENTITY)
    listed = service.list_complaints({"category": category}, actor={"role": role, "name": "x"})["items"][0]
    assert (listed["reporter"] is not None) is visible


def test_an_officer_moving_a_pungli_report_never_gets_the_reporter(service):
    _, cid = submitted(service, "pungli")
    view = service.transition_complaint(cid, {"to": "verified"}, OFFICER)
    assert view["reporter"] is None and not any(s in as_text(view) for s in IDENTITY)


@pytest.mark.parametrize("role", [None, "partner", "seller"])
def test_other_roles_cannot_read_complaints(service, role):
    _, cid = submitted(service)
    with pytest.raises(Forbidden):
        service.get_complaint(cid, {"role": role, "name": "x"})
    with pytest.raises(Forbidden):
        service.list_complaints({}, actor={"role": role, "name": "x"})
    with pytest.raises(Forbidden):
        service.transition_complaint(cid, {"to": "verified"}, {"name": "x", "role": role})


def test_the_tracking_view_shows_status_and_public_notes_only(service):
    code, cid = submitted(service)
    service.transition_complaint(cid, {"to": "verified", "note": "Kami periksa.",
                                       "internal_note": "Pelapor tetangga kepala RT"},
                                 OFFICER)
    public = service.track_complaint(code)
    assert set(public) == {"tracking_code", "category", "status", "status_label", "submitted_at",
                           "updated_at", "expected_by", "history", "public_notes",
                           "allocation_status"}
    text = as_text(public)
    for secret in IDENTITY + ("Keluarga kami layak", "Pelapor tetangga", "Petugas Rina", cid):
        assert secret not in text
    assert public["public_notes"][0]["author"] == "Petugas kelurahan"


def test_no_event_carries_identity_free_text_or_tracking_code(service, db):
    code, cid = submitted(service, "data_correction",
                          correction={"subject_nik": OTHER_NIK, "fields": {"full_name": "Budi S."}})
    pungli_code, pungli = submitted(service, "pungli")
    open_code, _ = submitted(service, "exclusion")  # left open: it will be overdue
    for complaint_id in (cid, pungli):
        for move in ({"to": "verified", "internal_note": "rahasia"},
                     {"to": "resolved", "note": "Selesai ditangani."}):
            service.transition_complaint(complaint_id, move, OFFICER)
    service.check_overdue(now="2030-01-01T00:00:00Z")
    events = queued_events(db)
    assert {e["type"] for e in events} == {"complaint_submitted", "complaint_status_changed",
                                           "complaint_resolved", "correction_requested",
                                           "complaint_overdue"}
    text = as_text(events)
    for secret in IDENTITY + (code, pungli_code, open_code, "Keluarga kami layak", "rahasia",
                              "Selesai ditangani", "reporter", "description"):
        assert secret not in text


def test_a_correction_request_names_the_record_and_fields_not_the_reporter(service, db):
    _, cid = submitted(service, "data_correction",
                       correction={"subject_nik": OTHER_NIK, "fields": {"birth_date": "1965-03-12"}})
    service.transition_complaint(cid, {"to": "verified"}, OFFICER)
    service.transition_complaint(cid, {"to": "resolved", "note": "Diteruskan ke registri.",
                                       "correction": {"subject_nik": OTHER_NIK, "fields": {
                                           "birth_date": "1965-03-12", "full_name": "Budi Santoso"}}},
                                 OFFICER)
    [event] = [e for e in queued_events(db) if e["type"] == "correction_requested"]
    correction = event["data"]["correction"]
    assert correction["subject_nik"] == OTHER_NIK and correction["complaint_id"] == cid
    assert correction["fields"] == {"birth_date": "1965-03-12", "full_name": "Budi Santoso"}
    assert correction["requested_by"] == {"name": "Petugas Rina", "role": "officer"}
    assert not any(s in as_text(event) for s in IDENTITY)
