"""What a submission, a move and feedback must look like: 400s name the field."""
import pytest

from services.shared.errors import InvalidInput

from services.complaints.contract import DESCRIPTION_MAX, ComplaintIn, FeedbackIn, TransitionIn
from services.complaints.data import need_codes
from services.complaints.domain import check_needs
from services.shared.contract import load as load_or_400

NIK = "3174094506870003"


def errors_of(schema, body):
    with pytest.raises(InvalidInput) as exc:
        load_or_400(schema, body)
    return exc.value.errors


def test_free_text_is_kept_exactly_as_given():
    text = "Bantuan belum diterima 🙏 — سلام — 你好 — <script>alert(1)</script>\n  baris dua  "
    data = load_or_400(ComplaintIn(), {"category": "not_received", "description": text,
                                       "anonymous": True})
    assert data["description"] == text


def test_length_is_counted_in_characters_and_named():
    ok = "🙏" * DESCRIPTION_MAX  # 4000 characters, 16000 bytes
    assert load_or_400(ComplaintIn(), {"category": "other", "description": ok, "anonymous": True})
    errors = errors_of(ComplaintIn(), {"category": "other", "description": ok + "x",
                                       "anonymous": True})
    assert errors == {"description": ["must be 1 to 4000 characters"]}


@pytest.mark.parametrize("body, field", [
    ({"category": "bribery", "description": "x", "anonymous": True}, "category"),
    ({"category": "other", "description": "   ", "anonymous": True}, "description"),
    ({"category": "other", "description": "a\x00b", "anonymous": True}, "description"),
    ({"category": "other", "description": "x"}, "reporter"),
    ({"category": "other", "description": "x", "anonymous": True, "reporter": {"name": "A"}}, "reporter"),
    ({"category": "other", "description": "x", "reporter": {"name": "A", "nik": "123"}}, "reporter.nik"),
    ({"category": "other", "description": "x", "reporter": {"name": "A", "phone": "08-12"}},
     "reporter.phone"),
    ({"category": "other", "description": "x", "reporter": {"name": ""}}, "reporter.name"),
    ({"category": "other", "description": "x", "anonymous": True, "programme_code": "pkh"}, "programme_code"),
    ({"category": "other", "description": "x", "anonymous": True, "allocation_id": "a b"}, "allocation_id"),
    ({"category": "other", "description": "x", "anonymous": True, "secret": 1}, "secret"),
    ({"category": "other", "description": "x", "anonymous": True,
      "correction": {"subject_nik": NIK, "fields": {"full_name": "B"}}}, "correction"),
    ({"category": "data_correction", "description": "x", "anonymous": True,
      "correction": {"subject_nik": NIK, "fields": {"salary": "1"}}}, "correction.fields.salary"),
    ({"category": "data_correction", "description": "x", "anonymous": True,
      "correction": {"subject_nik": NIK, "fields": {"birth_date": "1987-02-30"}}},
     "correction.fields.birth_date"),
    ({"category": "data_correction", "description": "x", "anonymous": True,
      "correction": {"subject_nik": NIK, "fields": {}}}, "correction.fields"),
])
def test_bad_submissions_name_the_field(body, field):
    assert field in errors_of(ComplaintIn(), body)


def test_every_bad_field_is_listed_at_once():
    errors = errors_of(ComplaintIn(), {"category": "x", "description": "", "reporter": {"name": "A",
                                                                                       "nik": "1"}})
    assert {"category", "description", "reporter.nik"} <= set(errors)


def test_an_identified_reporter_with_a_valid_nik_is_accepted():
    data = load_or_400(ComplaintIn(), {"category": "exclusion", "description": "x",
                                       "reporter": {"name": "Siti", "nik": NIK, "phone": "+6281234567890"}})
    assert data["reporter"] == {"name": "Siti", "nik": NIK, "phone": "+6281234567890"}
    assert data["anonymous"] is False


@pytest.mark.parametrize("body, field", [
    ({"to": "forwarded"}, "forwarded_to"),
    ({"to": "verified", "forwarded_to": "Bank DKI"}, "forwarded_to"),
    ({"to": "resolved"}, "note"),
    ({"to": "rejected"}, "note"),
    ({"to": "in_progress", "assigned_to": "Joko"}, "assigned_to"),
    ({"to": "done"}, "to"),
    ({"to": "verified", "version": "2"}, "version"),
])
def test_bad_moves_name_the_field(body, field):
    assert field in errors_of(TransitionIn(), body)


@pytest.mark.parametrize("body, field", [
    ({"programme_code": "PKH", "rating": 6}, "rating"),
    ({"programme_code": "PKH", "rating": "5"}, "rating"),
    ({"programme_code": "PKH", "rating": 4, "needs": ["food", "yacht"]}, "needs.1"),
    ({"programme_code": "PKH", "rating": 4, "needs": ["food", "food"]}, "needs"),
    ({"rating": 4}, "programme_code"),
])
def test_bad_feedback_names_the_field(body, field):
    def load_and_check(schema, payload):
        data = load_or_400(schema, payload)
        check_needs(data["needs"], need_codes())  # the service's list of needs
    with pytest.raises(InvalidInput) as exc:
        load_and_check(FeedbackIn(), body)
    assert field in exc.value.errors


def test_feedback_with_needs_and_free_text():
    data = load_or_400(FeedbackIn(), {"programme_code": "SEMBAKO", "rating": 4,
                                      "needs": ["food", "clean_water"],
                                      "needs_other": "Tolong jadwal diumumkan lewat WA RT"})
    assert data["needs"] == ["food", "clean_water"] and data["comment"] is None
