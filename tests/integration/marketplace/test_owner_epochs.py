"""The marketplace over the real broker when distribution or partners comes back on a
new, empty store: the seller's path out of aid drops what that owner no longer has,
keeps what the other owner still has, and keeps the event that announced the new store."""
import pytest
from nameko.standalone.events import event_dispatcher

from services.shared.envelope import make_envelope

from tests.helpers import wait_for
from tests.integration.marketplace.conftest import OFFICER, seller_with_listing
from tests.support.owners import OwnerData, owner

pytestmark = pytest.mark.integration

PROGRAMME = {"code": "UMKM_DESA", "kind": "business_capital",
             "name": "Hibah Modal Usaha Mikro Kelurahan", "version": 1}


def _allocation(aid, family, amount):
    return {"id": aid, "round_id": "rd_1", "programme_code": "UMKM_DESA",
            "household_id": family.hid, "recipient_id": family.members[0]["id"],
            "amount_idr": amount, "status": "disbursed", "version": 2,
            "disbursement": {"channel": "cash", "disbursed_at": "2026-03-10T03:00:00Z"}}


def _completion(eid, family, title):
    return {"enrolment_id": eid, "programme_id": "pp_" + eid, "programme_kind": "training",
            "programme_title": title, "topics": ["entrepreneurship"], "partner_id": "prt_1",
            "partner_name": "Koperasi Contoh", "resident_id": family.members[0]["id"],
            "nik": family.members[0]["nik"], "kk_number": family.kk,
            "outcome": "business_started", "completed_on": "2026-06-30",
            "status": "completed"}


@pytest.fixture
def market(start, container_factory, service_config):
    OwnerData.reset()
    for name in ("distribution", "partners"):
        container_factory(owner(name), service_config).start()
    yield start()
    OwnerData.reset()


def test_an_owner_back_on_an_empty_store_leaves_only_what_it_has(market, service_config):
    family, seller, _, _ = seller_with_listing(service_config, market)
    dispatch = event_dispatcher(service_config)

    def send(source, kind, aggregate_id, version, data, epoch):
        envelope = make_envelope(kind, source, aggregate_id, version, data)
        dispatch(source, kind, dict(envelope, store_epoch=epoch))

    def path():
        return market.get_seller(seller["id"], OFFICER)["path_out_of_aid"]

    def capital():
        return [(c["allocation_id"], c["amount_idr"], c["programme_name"])
                for c in path()["business_capital"]]

    def trainings():
        return [t["programme_title"] for t in path()["trainings"]]

    send("distribution", "programme_published", "UMKM_DESA", 1, {"programme": PROGRAMME},
         "dist-one")
    send("distribution", "aid_disbursed", "al_old", 2,
         {"allocation": _allocation("al_old", family, 2_500_000)}, "dist-one")
    send("partners", "enrolment_completed", "enr_old", 3,
         _completion("enr_old", family, "Kelas Wirausaha"), "partners-one")
    wait_for(lambda: capital() == [("al_old", 2_500_000, PROGRAMME["name"])]
             and trainings() == ["Kelas Wirausaha"], timeout=20)

    # distribution restarted on an empty store: its first event of the new store is
    # a new grant, and its export has that grant and not the old one
    new_grant = _allocation("al_new", family, 1_000_000)
    OwnerData.items["distribution.list_programmes"] = [PROGRAMME]
    OwnerData.items["distribution.export_allocations"] = [new_grant]
    send("distribution", "aid_disbursed", "al_new", 2, {"allocation": new_grant}, "dist-two")
    wait_for(lambda: capital() == [("al_new", 1_000_000, PROGRAMME["name"])], timeout=20,
             message="the profile still shows business capital distribution no longer has")
    assert trainings() == ["Kelas Wirausaha"]  # partners' store did not change
    assert OwnerData.calls["distribution.export_allocations"] == 1
    # a second event of the same new store is applied and rebuilds nothing
    renamed = dict(PROGRAMME, name="Hibah Modal Usaha 2026", version=2)
    send("distribution", "programme_revised", "UMKM_DESA", 2, {"programme": renamed},
         "dist-two")
    wait_for(lambda: capital() == [("al_new", 1_000_000, "Hibah Modal Usaha 2026")])
    assert OwnerData.calls["distribution.export_allocations"] == 1

    # then partners, on an empty store, with one new completed training
    new_course = _completion("enr_new", family, "Kelas Pemasaran Daring")
    OwnerData.items["partners.export_completions"] = [new_course]
    send("partners", "enrolment_completed", "enr_new", 3, new_course, "partners-two")
    wait_for(lambda: trainings() == ["Kelas Pemasaran Daring"], timeout=20,
             message="the profile still shows a training partners no longer has")
    assert capital() == [("al_new", 1_000_000, "Hibah Modal Usaha 2026")]
    assert OwnerData.calls["partners.export_completions"] == 1
    assert market.list_parked_events() == []
