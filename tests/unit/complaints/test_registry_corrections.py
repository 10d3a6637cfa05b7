"""The registry's pending corrections: stored once per request, decided once."""
import mongomock
import pytest

from services.shared.errors import Conflict, NotFound

from services.registry.corrections import CorrectionRepository


def requested(correction_id="corr_cmp_1_v3"):
    return {"data": {"correction": {
        "id": correction_id, "complaint_id": "cmp_1", "subject_nik": "3174094506870003",
        "fields": {"birth_place": "Bogor"}, "reason": "Pengaduan koreksi data cmp_1 diselesaikan",
        "requested_at": "2026-11-29T08:00:00Z", "requested_by": {"name": "Rina", "role": "officer"}}}}


@pytest.fixture
def repo():
    db = mongomock.MongoClient(tz_aware=True)["registry"]
    CorrectionRepository.ensure_indexes(db)
    return CorrectionRepository(db)


def test_a_redelivered_request_is_stored_once(repo):
    assert repo.store_requested(requested()) is True
    assert repo.store_requested(requested()) is False
    items, total = repo.page("pending", 0, 50)
    assert total == 1 and items[0]["fields"] == {"birth_place": "Bogor"}


def test_a_correction_is_decided_once(repo):
    repo.store_requested(requested())
    repo.claim("corr_cmp_1_v3")
    decided = repo.decide("corr_cmp_1_v3", "confirmed", {"name": "Rina", "role": "officer"}, "ok",
                          ["confirming"])
    assert decided["status"] == "confirmed" and decided["decided_by"]["name"] == "Rina"
    with pytest.raises(Conflict):
        repo.claim("corr_cmp_1_v3")
    with pytest.raises(Conflict):
        repo.decide("corr_cmp_1_v3", "rejected", None, "no", ["pending"])
    with pytest.raises(NotFound):
        repo.claim("corr_nope")


def test_a_refused_confirmation_goes_back_to_pending(repo):
    repo.store_requested(requested())
    repo.claim("corr_cmp_1_v3")
    repo.release("corr_cmp_1_v3")
    assert repo.page("pending", 0, 50)[1] == 1
