"""Distribution or partners back on a new store: what the path out of aid keeps from
that owner is dropped and read back from its export (``graduation.rebuild_*``), and a
new store epoch on an owner's event starts that rebuild (``owners.PathCatchUp``)."""
from unittest import mock

import pytest

from services.marketplace import graduation
from services.marketplace.owners import PathCatchUp
from services.shared.envelope import make_envelope
from services.shared.inbox import InboxRecords
from services.shared.epoch import FollowedEpochs

from tests.support.kit import MemoryLot
from tests.unit.marketplace.conftest import OFFICER, seller_body

UMKM = {"code": "UMKM_DESA", "kind": "business_capital", "name": "Hibah Modal Usaha",
        "version": 1}


def grant(aid, household_id, amount, version=2):
    return {"id": aid, "programme_code": "UMKM_DESA", "household_id": household_id,
            "recipient_id": "res_x", "amount_idr": amount, "status": "disbursed",
            "version": version, "disbursement": {"disbursed_at": "2026-03-10T03:00:00Z"}}


def course(eid, resident_id, title, status="completed"):
    return {"enrolment_id": eid, "resident_id": resident_id, "programme_id": "pp_1",
            "programme_kind": "training", "programme_title": title,
            "topics": ["entrepreneurship"], "partner_id": "prt_1", "partner_name": "Koperasi",
            "outcome": "business_started", "completed_on": "2026-06-30", "status": status}


class Owner:
    """An owner's paged answers: ``calls(method, *args)`` as ``distribution_call`` makes
    them, from ``{method: [item, ...]}``; ``fail`` raises instead."""

    def __init__(self, **answers):
        self.answers, self.fail = answers, None

    def __call__(self, method, *args):
        if self.fail:
            raise self.fail
        page, per_page = args[-2:]
        items = self.answers.get(method, [])
        return {"items": items[(page - 1) * per_page:page * per_page], "page": page,
                "per_page": per_page, "total": len(items)}


@pytest.fixture
def seller(service, residents):
    person = residents.add()
    doc = service.register_seller(seller_body(person["nik"]), OFFICER)
    return person, doc


def path(service, seller_doc):
    return service.get_seller(seller_doc["id"], OFFICER)["path_out_of_aid"]


def test_a_new_distribution_store_leaves_only_the_business_capital_it_has(service, seller):
    repo, (person, doc) = service.store, seller
    hh = person["household_id"]
    graduation.apply_programme(repo, UMKM)
    graduation.apply_programme(repo, {"code": "OLD_GRANT", "kind": "business_capital",
                                      "version": 4})
    graduation.apply_allocation(repo, grant("al_old", hh, 2_500_000, version=5),
                                "2026-01-05T03:00:00Z")
    graduation.apply_training(repo, {"aggregate_version": 2,
                                     "data": course("enr_1", person["id"], "Kelas Wirausaha")})
    # the new store's first event was applied already (al_new, version 2 while the old
    # store's al_old stood at 5); the export has it, and not the old grant
    graduation.apply_allocation(repo, grant("al_new", hh, 1_000_000), "2026-03-10T03:00:00Z")
    distribution = Owner(list_programmes=[UMKM],
                         export_allocations=[grant("al_new", hh, 1_000_000)])

    counts = graduation.rebuild_business_capital(repo, distribution)

    assert counts == {"programmes": 1, "allocations": 1}
    found = path(service, doc)
    assert [(c["allocation_id"], c["amount_idr"]) for c in found["business_capital"]] == [
        ("al_new", 1_000_000)]
    assert [t["programme_title"] for t in found["trainings"]] == ["Kelas Wirausaha"]
    assert set(repo.programme_kinds()) == {"UMKM_DESA"}  # the old store's programme is gone


def test_a_failed_distribution_rebuild_raises_for_a_retry(service, seller):
    distribution = Owner()
    distribution.fail = TimeoutError("distribution did not answer")
    with pytest.raises(TimeoutError):
        graduation.rebuild_business_capital(service.store, distribution)
    # the sweep's once-only catch-up on the same code path still swallows it
    assert graduation.catch_up(service.store, distribution) is None


def test_the_sweep_catch_up_reads_the_same_answers_without_dropping(service, seller):
    repo, (person, doc) = service.store, seller
    distribution = Owner(list_programmes=[UMKM],
                         export_allocations=[grant("al_1", person["household_id"], 500_000)])
    assert graduation.catch_up(repo, distribution) == {"programmes": 1, "allocations": 1}
    assert graduation.catch_up(repo, distribution) is None  # knows programmes now
    assert [c["allocation_id"] for c in path(service, doc)["business_capital"]] == ["al_1"]


def test_a_new_partners_store_leaves_only_the_completed_trainings_it_has(service, seller):
    repo, (person, doc) = service.store, seller
    graduation.apply_programme(repo, UMKM)
    graduation.apply_allocation(repo, grant("al_1", person["household_id"], 2_500_000),
                                "2026-03-10T03:00:00Z")
    graduation.apply_training(repo, {"aggregate_version": 4,
                                     "data": course("enr_old", person["id"], "Kelas Lama")})
    partners = Owner(export_completions=[
        course("enr_new", person["id"], "Kelas Pemasaran"),
        course("enr_open", person["id"], "Kelas Berjalan", status="accepted")])

    assert graduation.rebuild_trainings(repo, partners) == {"completions": 2}

    found = path(service, doc)
    assert [t["programme_title"] for t in found["trainings"]] == ["Kelas Pemasaran"]
    assert [c["allocation_id"] for c in found["business_capital"]] == ["al_1"]
    # the export has no version: a live event of the same enrolment still applies
    graduation.apply_training(repo, {"aggregate_version": 1, "data": dict(
        course("enr_new", person["id"], "Kelas Pemasaran Digital"))})
    assert [t["programme_title"] for t in path(service, doc)["trainings"]] == [
        "Kelas Pemasaran Digital"]


def catchup(repo, owner):
    watcher = PathCatchUp(owner)
    watcher.db = repo.db
    watcher.epochs = FollowedEpochs(repo.db)
    watcher.request_rebuild = mock.Mock()
    return watcher


def test_only_a_new_store_epoch_of_the_owner_starts_a_rebuild(repo):
    distribution, partners = catchup(repo, "distribution"), catchup(repo, "partners")
    distribution.seen({"source": "distribution", "store_epoch": "d1"})  # first seen
    distribution.seen({"source": "distribution", "store_epoch": "d1"})
    distribution.seen({"source": "distribution"})  # an owner keeping no epoch
    partners.seen({"source": "partners", "store_epoch": "p1"})
    distribution.request_rebuild.assert_not_called()
    distribution.seen({"source": "distribution", "store_epoch": "d2"})
    distribution.request_rebuild.assert_called_once_with()
    partners.request_rebuild.assert_not_called()  # partners' store did not change
    # another instance on the same database notices nothing more for the same store
    again = catchup(repo, "distribution")
    again.seen({"source": "distribution", "store_epoch": "d2"})
    again.request_rebuild.assert_not_called()


def test_each_owners_event_is_applied_then_its_epoch_noted(service, seller):
    repo, (person, doc) = service.store, seller
    service.inbox = InboxRecords(repo.db, MemoryLot())
    calls = []
    service.distribution_catchup.seen.side_effect = lambda event: calls.append(
        ("distribution", [c["allocation_id"] for c in path(service, doc)["business_capital"]]))
    service.partners_catchup.seen.side_effect = lambda event: calls.append(
        ("partners", [t["enrolment_id"] for t in path(service, doc)["trainings"]]))
    def envelope(kind, source, aggregate_id, version, data, epoch):
        return dict(make_envelope(kind, source, aggregate_id, version, data), store_epoch=epoch)
    service.handle_programme_published(envelope("programme_published", "distribution",
                                                "UMKM_DESA", 1, {"programme": UMKM}, "d1"))
    service.handle_aid_disbursed(envelope("aid_disbursed", "distribution", "al_1", 2, {
        "allocation": grant("al_1", person["household_id"], 1_000)}, "d1"))
    service.handle_enrolment_completed(envelope("enrolment_completed", "partners", "enr_1", 1,
                                                course("enr_1", person["id"], "Kelas"), "p1"))
    # what the rebuild reads is the owner's export, which holds the event: the event is
    # applied before its epoch can start a drop, never after it
    assert calls == [("distribution", []), ("distribution", ["al_1"]), ("partners", ["enr_1"])]


def test_an_unknown_owner_is_refused():
    with pytest.raises(ValueError):
        PathCatchUp("complaints")


def test_a_path_being_rebuilt_says_so_until_its_rebuild_completes(service, seller):
    """Between the drop and a complete read-back (a failed one included) a profile
    and the report's graduation may miss support: they say since when."""
    repo, (_, doc) = service.store, seller
    assert path(service, doc)["rebuilding_since"] is None
    distribution = Owner()
    distribution.fail = TimeoutError("distribution did not answer")
    with pytest.raises(TimeoutError):
        graduation.rebuild_business_capital(repo, distribution)
    since = path(service, doc)["rebuilding_since"]
    assert since and since.endswith("Z")
    report = service.marketplace_report({"year": 2026}, OFFICER)
    assert report["rebuilding_since"] == since
    assert "rebuilding_since," + since in service.marketplace_report(
        {"year": 2026, "format": "csv"}, OFFICER).replace("\r", "")
    # partners rebuilt meanwhile: distribution's mark stays, with its first moment
    assert graduation.rebuild_trainings(repo, Owner(export_completions=[])) == {
        "completions": 0}
    assert path(service, doc)["rebuilding_since"] == since
    graduation.rebuild_business_capital(repo, Owner(list_programmes=[UMKM],
                                                    export_allocations=[]))
    assert path(service, doc)["rebuilding_since"] is None
    assert service.marketplace_report({"year": 2026}, OFFICER)["rebuilding_since"] is None
