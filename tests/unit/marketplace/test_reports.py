"""The path out of aid (from distribution's and partners' events) and the sales reports."""
import csv
import io

from services.distribution.contract.events import ALLOCATION_EVENTS
from services.marketplace import graduation
from services.marketplace.service import MarketplaceService
from services.shared.inbox import InboxRecords
from services.shared import clock

from tests.support.kit import MemoryLot, service_worker
from tests.unit.marketplace.conftest import OFFICER, listing_body, order_body, seller_body

HOSTILE = '=HYPERLINK("http://example.invalid/x","klik")'


def capital(repo, household_id, status="disbursed", version=3, occurred="2026-03-10T03:00:00Z"):
    graduation.apply_allocation(repo, {
        "id": "al_umkm_" + household_id, "programme_code": "UMKM_DESA",
        "household_id": household_id, "recipient_id": "res_x", "amount_idr": 2_500_000,
        "status": status, "version": version}, occurred)


def training(repo, resident_id, topics=("entrepreneurship", "bookkeeping")):
    graduation.apply_training(repo, {"aggregate_version": 2, "data": {
        "enrolment_id": "enr_1", "resident_id": resident_id, "programme_title": "Pelatihan UMKM",
        "partner_name": "Bank Contoh (CSR)", "topics": list(topics),
        "outcome": "business_started", "completed_on": "2026-05-20"}})


def sell(service, seller_id, quantity=2):
    me = {"role": "seller", "seller_id": seller_id, "name": "Penjual"}
    item = service.create_listing(listing_body(), me)
    order = service.place_order(item["id"], order_body(quantity), None, None)
    service.transition_order(order["id"], {"to": "confirmed"}, me)
    service.transition_order(order["id"], {"to": "completed", "payment": "cash"}, me)
    return me


def test_business_capital_and_training_make_the_path_out_of_aid(service, residents):
    repo = service.store
    graduation.apply_programme(repo, {"code": "UMKM_DESA", "kind": "business_capital",
                                      "name": "Hibah Modal Usaha Mikro", "version": 1})
    graduation.apply_programme(repo, {"code": "PKH", "kind": "cash_transfer", "version": 1})
    person = residents.add()
    capital(repo, person["household_id"])
    graduation.apply_allocation(repo, {"id": "al_pkh", "programme_code": "PKH",
                                       "household_id": person["household_id"],
                                       "status": "disbursed", "version": 2},
                                "2026-02-01T00:00:00Z")
    training(repo, person["id"])
    seller = service.register_seller(seller_body(person["nik"]), OFFICER)
    service.verify_seller(seller["id"], {}, OFFICER)
    path = service.get_seller(seller["id"], OFFICER)["path_out_of_aid"]
    assert [c["programme_code"] for c in path["business_capital"]] == ["UMKM_DESA"]
    assert path["business_capital"][0]["received_on"] == "2026-03-10"
    assert path["trainings"][0]["entrepreneurship"] is True
    assert path["supported_since"] == "2026-03-10" and path["sold_after_support"] is False
    assert repo.aid.count_documents({"programme_code": "PKH"}) == 0  # other aid is not kept
    sell(service, seller["id"])
    path = service.get_seller(seller["id"], OFFICER)["path_out_of_aid"]
    assert path["first_sale_on"] == clock.village_today().isoformat()
    assert path["sold_after_support"] is True


def test_returned_capital_keeps_its_date_but_no_longer_counts(service, residents):
    repo = service.store
    graduation.apply_programme(repo, {"code": "UMKM_DESA", "kind": "business_capital",
                                      "version": 1})
    person = residents.add()
    capital(repo, person["household_id"])
    capital(repo, person["household_id"], status="returned", version=4,
            occurred="2026-04-01T00:00:00Z")
    capital(repo, person["household_id"], version=3)  # an older event again: ignored
    seller = service.register_seller(seller_body(person["nik"]), OFFICER)
    [line] = service.get_seller(seller["id"], OFFICER)["path_out_of_aid"]["business_capital"]
    assert (line["status"], line["received_on"]) == ("returned", "2026-03-10")


def test_the_seller_report_counts_by_month_and_listing(service, verified_seller):
    seller, _ = verified_seller
    me = sell(service, seller["id"], quantity=3)
    year = clock.village_today().year
    report = service.seller_report(seller["id"], {"year": str(year)}, me)
    assert report["totals"]["units_sold"] == 3 and report["totals"]["revenue_idr"] == 45000
    assert len(report["months"]) == 12 and report["listings"][0]["units_sold"] == 3
    month = clock.village_today().month
    one = service.seller_report(seller["id"], {"year": year, "month": month}, me)
    assert [m["month"] for m in one["months"]] == ["%04d-%02d" % (year, month)]


def test_the_village_report_groups_sales_and_lists_graduates(service, residents):
    repo = service.store
    graduation.apply_programme(repo, {"code": "UMKM_DESA", "kind": "business_capital",
                                      "version": 1})
    supported = residents.add()
    capital(repo, supported["household_id"])
    for person, name in ((supported, HOSTILE), (residents.add(), "Batik Betawi")):
        seller = service.register_seller(seller_body(person["nik"], business_name=name), OFFICER)
        service.verify_seller(seller["id"], {}, OFFICER)
        sell(service, seller["id"])
    year = clock.village_today().year
    report = service.marketplace_report({"year": year}, OFFICER)
    assert report["totals"]["orders_completed"] == 2 and report["totals"]["revenue_idr"] == 60000
    assert report["by_rw"] == [dict(report["totals"], key="005", sellers=2)]
    assert [g["business_name"] for g in report["graduation"]] == [HOSTILE]
    assert report["graduation"][0]["business_capital_idr"] == 2_500_000
    assert report["sellers"] == {"pending": 0, "verified": 2, "suspended": 0}
    text = service.marketplace_report({"year": year, "format": "csv"}, OFFICER)
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert HOSTILE not in cells and "'" + HOSTILE in cells
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["table"] for r in rows} == {"total", "seller", "rw", "category", "graduation"}


def test_capital_entered_later_from_its_paper_record_is_received_on_its_handover_day(
        repo, residents):
    # through the kit's inbox, which reads the payload with distribution's contract
    service = service_worker(MarketplaceService, store=repo, inbox=InboxRecords(repo.db, MemoryLot()))
    graduation.apply_programme(repo, {"code": "UMKM_DESA", "kind": "business_capital",
                                      "version": 1})
    person = residents.add()
    event = ALLOCATION_EVENTS["aid_disbursed"].envelope("al_umkm", 2, {"allocation": {
        "id": "al_umkm", "programme_code": "UMKM_DESA", "household_id": person["household_id"],
        "recipient_id": person["id"], "amount_idr": 2_500_000, "status": "disbursed",
        "version": 2, "disbursement": {"disbursed_at": "2026-10-05T02:00:00.000Z",
                                       "recorded_at": "2026-12-01T03:00:00.000Z"}}})
    event["occurred_at"] = "2026-12-01T03:00:00.000Z"
    service.handle_aid_disbursed(event)
    seller = service.register_seller(seller_body(person["nik"]), OFFICER)
    [line] = service.get_seller(seller["id"], OFFICER)["path_out_of_aid"]["business_capital"]
    assert line["received_on"] == "2026-10-05"
