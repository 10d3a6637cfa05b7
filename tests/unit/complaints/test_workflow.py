"""The workflow table, what each move records, and tracking codes."""
import datetime

import pytest

from services.shared.errors import RuleRefused

from services.complaints import domain, sla
from services.complaints.data import service_levels

T0 = datetime.datetime(2026, 11, 2, 2, 0, tzinfo=datetime.timezone.utc)
OFFICER = {"name": "Petugas Rina", "role": "officer", "token_id": "tok_1"}


def complaint(status="received", category="exclusion", **extra):
    doc = {"_id": "cmp_1", "category": category, "status": status, "version": 1,
           "deadlines": sla.initial_deadlines(service_levels(), category, T0), "history": [],
           "notes": [], "correction": None}
    doc.update(extra)
    return doc


def plan(doc, **request):
    return domain.plan_transition(doc, request, OFFICER, T0 + datetime.timedelta(hours=1),
                                  service_levels())


ALLOWED = {(s, t) for s, targets in domain.TRANSITIONS.items() for t in targets}


@pytest.mark.parametrize("current", domain.STATUSES)
@pytest.mark.parametrize("to", domain.STATUSES)
def test_only_moves_in_the_table_apply(current, to):
    request = {"to": to, "note": "catatan", "forwarded_to": "Dinas Sosial DKI"}
    if (current, to) in ALLOWED:
        assert plan(complaint(current), **request)["set"]["status"] == to
    else:
        with pytest.raises(RuleRefused) as exc:
            plan(complaint(current), **request)
        assert current in exc.value.detail and to in exc.value.detail
        assert "to" in exc.value.errors


def test_every_status_has_a_way_on_and_closed_ones_only_reopen():
    assert set(domain.TRANSITIONS) == set(domain.STATUSES)
    assert domain.TRANSITIONS["resolved"] == ("reopened",)
    assert domain.TRANSITIONS["rejected"] == ("reopened",)
    assert "resolved" not in domain.TRANSITIONS["received"]  # verify (assign) first


def test_a_move_records_actor_time_and_notes():
    p = plan(complaint(), to="verified", note="Sudah kami cek.", internal_note="RT 03 dihubungi")
    entry = p["history"]
    assert entry["from"] == "received" and entry["to"] == "verified"
    assert entry["actor"]["name"] == "Petugas Rina" and entry["at"] == T0 + datetime.timedelta(hours=1)
    assert p["set"]["assigned_to"] == "Petugas Rina"  # the acting officer by default
    assert [(n["text"], n["public"]) for n in p["notes"]] == [("Sudah kami cek.", True),
                                                             ("RT 03 dihubungi", False)]


def test_verifying_can_assign_another_officer():
    assert plan(complaint(), to="verified", assigned_to="Pak Joko")["set"]["assigned_to"] == "Pak Joko"


def test_forwarding_records_to_whom_and_when_and_starts_a_deadline():
    p = plan(complaint("verified"), to="forwarded", forwarded_to="Bank DKI")
    assert p["set"]["forwarded_to"] == "Bank DKI"
    assert p["set"]["forwarded_at"] == T0 + datetime.timedelta(hours=1)
    assert p["set"]["deadlines"][-1]["name"] == "forward_answer"


def test_reopening_clears_resolution_and_publication():
    p = plan(complaint("resolved", resolved_at=T0), to="reopened", note="Warga belum menerima.")
    assert p["set"]["resolved_at"] is None and p["set"]["publication"] is None


def test_a_data_correction_needs_its_fields_to_be_resolved():
    with pytest.raises(RuleRefused) as exc:
        plan(complaint("verified", category="data_correction"), to="resolved", note="ok")
    assert "correction" in exc.value.errors
    correction = {"subject_nik": "3174094506870003", "fields": {"full_name": "Siti Aminah"}}
    p = plan(complaint("verified", category="data_correction"), to="resolved", note="ok",
             correction=correction)
    assert p["set"]["correction"] == correction


def test_tracking_codes_are_short_unambiguous_and_varied():
    codes = {domain.new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == 10 and not set(code) & set("01ILOU")


def test_tracking_codes_are_read_forgivingly():
    assert domain.normalise_tracking_code(" abcde-fghjk ") == "ABCDEFGHJK"
    assert domain.normalise_tracking_code("ABCDEFGHJ") is None      # too short
    assert domain.normalise_tracking_code("ABCDEFGHJ0") is None     # 0 is not in the alphabet
    assert domain.normalise_tracking_code(None) is None


def test_allocation_notes_have_stable_ids():
    a = domain.allocation_note("aid_disbursed", "alc_1", 3, T0)
    b = domain.allocation_note("aid_disbursed", "alc_1", 3, T0)
    assert a["id"] == b["id"] and a["public"] and "disalurkan" in a["text"]
    assert domain.allocation_note("allocation_created", "alc_1", 1, T0) is None


def test_redaction_blanks_niks_phones_and_names():
    text = "Bu Siti Aminah (NIK 3174094506870003, HP 0812-3456-7890 / +6281234567890) sudah dibantu."
    out = domain.redact(text, ["Siti Aminah"])
    assert "3174094506870003" not in out and "0812" not in out and "+62" not in out
    assert "Siti Aminah" not in out and "sudah dibantu" in out
