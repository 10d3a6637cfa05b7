"""The annual report names programmes as officers know them: the name distribution
published beside the code, learnt from its programme events and from
``list_programmes`` in a rebuild (docs/monitoring.md "Reports")."""
import csv
import io

import pytest

from services.distribution.contract.events import (ALLOCATION_EVENTS, PROGRAMME_PUBLISHED,
                                                   PROGRAMME_REVISED)
from services.monitoring import owners, reports
from tests.unit.monitoring.test_monitoring import (OFFICER, allocation, deliver,  # noqa: F401
                                                   family, service)

PKH = {"code": "PKH", "name": "Program Keluarga Harapan", "kind": "conditional_cash_transfer",
       "version": 1}


def _year_with_aid(service):  # noqa: F811
    """PKH allocated and handed over in 2026, and BLT_DD, never published, handed over."""
    deliver(service, ALLOCATION_EVENTS["allocation_created"], {"allocation": allocation()},
            at="2026-03-01T03:00:00Z", aggregate="al_1")
    deliver(service, ALLOCATION_EVENTS["aid_disbursed"], {"allocation": allocation(
        status="disbursed", version=2)}, at="2026-03-05T03:00:00Z", aggregate="al_1",
        version=2)
    deliver(service, ALLOCATION_EVENTS["aid_disbursed"], {"allocation": allocation(
        id="al_2", programme_code="BLT_DD", amount_idr=300000, status="disbursed",
        version=2)}, at="2026-03-06T03:00:00Z", aggregate="al_2", version=2)


def _cells(page):
    """The text of each table row of the printable page, as ``[cell, ...]``."""
    rows = page.split("<tr>")[1:]
    return [[c.split("</td>")[0] for c in row.split("<td>")[1:]] for row in rows]


def test_the_printable_page_names_a_published_programme_and_keeps_its_code_small(
        service, family):  # noqa: F811
    deliver(service, PROGRAMME_PUBLISHED, {"programme": PKH}, at="2026-01-02T03:00:00Z",
            aggregate="PKH")
    _year_with_aid(service)

    page = service.annual_report(2026, "html", OFFICER)

    named = 'Program Keluarga Harapan <small class="code">PKH</small>'
    rows = _cells(page)
    # the allocations and handovers tables, and coverage (all RWs and RW 003)
    assert [named, "003", "2026-03", "1", "Rp750.000"] in rows
    assert [named, "Semua RW", "keluarga", "1", "1", "100,0%"] in rows
    assert [named, "RW 003", "keluarga", "1", "1", "100,0%"] in rows
    # the coverage chart's label
    assert "Program Keluarga Harapan (PKH)" in page
    # a programme monitoring never saw named shows its code, as before
    assert ["BLT_DD", "003", "2026-03", "1", "Rp300.000"] in rows
    assert "BLT_DD (" not in page and "Tanjung Barat" in page

    # the machine-readable forms keep the code
    answer = service.annual_report(2026, "json", OFFICER)
    assert answer["programme_names"] == {"PKH": "Program Keluarga Harapan"}
    assert {r["programme_code"] for r in answer["distribution"]["disbursements"]} == {
        "PKH", "BLT_DD"}
    table = list(csv.reader(io.StringIO(service.annual_report(2026, "csv", OFFICER))))
    assert ["disbursements", "PKH/RW003", "2026-03", "1", "750000"] in table


def test_a_revised_name_replaces_the_old_one_and_a_nameless_revision_keeps_it(
        service, family):  # noqa: F811
    deliver(service, PROGRAMME_PUBLISHED, {"programme": PKH}, aggregate="PKH")
    deliver(service, PROGRAMME_REVISED, {"programme": dict(
        PKH, name="PKH Kemensos & Dinsos", version=2)}, aggregate="PKH", version=2)
    deliver(service, PROGRAMME_REVISED, {"programme": {
        "code": "PKH", "kind": PKH["kind"], "version": 3}}, aggregate="PKH", version=3)
    _year_with_aid(service)

    page = service.annual_report(2026, "html", OFFICER)

    assert 'PKH Kemensos &amp; Dinsos <small class="code">PKH</small>' in page
    assert "Program Keluarga Harapan" not in page


def test_a_table_names_a_known_programme_and_shows_anything_else_as_written():
    year = {"programme_names": {"PKH": "Program Keluarga Harapan"}}
    assert reports.programme_cell(year, "PKH") == (
        'Program Keluarga Harapan <small class="code">PKH</small>')
    assert reports.programme_cell(year, "Posyandu Melati") == "Posyandu Melati"
    assert reports.programme_label(year, "PKH") == "Program Keluarga Harapan (PKH)"
    assert reports.programme_label({}, "PKH") == "PKH"
    # a long name is wrapped, not cut at the chart's edge
    long = {"programme_names": {"PBI_JK": "Penerima Bantuan Iuran Jaminan Kesehatan (PBI-JK)"}}
    assert reports.programme_label(long, "PBI_JK") == (
        "Penerima Bantuan Iuran Jaminan\nKesehatan (PBI-JK) (PBI_JK)")


class _Export:
    """One paged export of a stand-in owner, as ``services.shared.rpc.call`` calls it."""

    def __init__(self, items):
        self.items = items

    def call_async(self, *args):
        page, per_page = args[-2:]           # list_programmes takes a flag first
        answer = {"items": self.items[(page - 1) * per_page:page * per_page], "page": page,
                  "per_page": per_page, "total": len(self.items)}
        return type("Reply", (), {"result": lambda self: answer})()


class _Owner:
    """A stand-in owner answering ``{export: [item, ...]}``; other exports are empty."""

    def __init__(self, **exports):
        self.exports = exports

    def __getattr__(self, export):
        return _Export(self.exports.get(export, []))


def test_a_rebuild_from_the_exports_names_programmes_from_list_programmes(service):  # noqa: F811
    handed = allocation(status="disbursed", version=2, created_at="2026-03-01T03:00:00Z",
                        updated_at="2026-03-05T03:00:00Z",
                        disbursement={"disbursed_at": "2026-03-05T03:00:00Z"})
    exports = type("Owners", (), {
        "registry": _Owner(export_households=[{
            "id": "hh_1", "kk_number": "3174090101000001", "rw": "003", "status": "active",
            "version": 1, "created_at": "2026-01-05T02:00:00Z"}]),
        "distribution": _Owner(list_programmes=[dict(PKH, enabled=True)],
                               export_allocations=[handed]),
        "complaints": _Owner(), "partners": _Owner(), "marketplace": _Owner()})()

    owners.rebuild_all(service.store, exports)

    page = service.annual_report(2026, "html", OFFICER)
    assert ['Program Keluarga Harapan <small class="code">PKH</small>', "003", "2026-03", "1",
            "Rp750.000"] in _cells(page)
    assert service.annual_counters(2026, OFFICER)["programme_names"] == {
        "PKH": "Program Keluarga Harapan"}


class _Broken(_Owner):
    """An owner whose allocations export fails (the owner went down mid-rebuild)."""

    def __getattr__(self, export):
        if export != "export_allocations":
            return super().__getattr__(export)

        def call_async(*args):
            def result(reply):
                raise RuntimeError("distribution stopped answering")
            return type("Reply", (), {"result": result})()
        return type("Export", (), {"call_async": staticmethod(call_async)})()


def test_a_rebuild_that_stops_halfway_marks_every_answer_partial_until_one_completes(
        service):  # noqa: F811
    def owners_with(distribution):
        return type("Owners", (), {
            "registry": _Owner(export_households=[{
                "id": "hh_1", "kk_number": "3174090101000001", "rw": "003",
                "status": "active", "version": 1, "created_at": "2026-01-05T02:00:00Z"}]),
            "distribution": distribution, "complaints": _Owner(), "partners": _Owner(),
            "marketplace": _Owner()})()
    assert service.annual_counters(2026, OFFICER)["rebuilding_since"] is None

    with pytest.raises(RuntimeError):
        owners.rebuild_all(service.store, owners_with(_Broken(list_programmes=[
            dict(PKH, enabled=True)])))

    since = service.annual_counters(2026, OFFICER)["rebuilding_since"]
    assert since and service.household_timeline("hh_1", OFFICER)["rebuilding_since"] == since
    assert "Angka belum lengkap" in service.annual_report(2026, "html", OFFICER)
    assert service.annual_report(2026, "csv", OFFICER).splitlines()[1].startswith(
        "partial,rebuilding_since,%s" % since)
    owners.rebuild_all(service.store, owners_with(_Owner(list_programmes=[
        dict(PKH, enabled=True)])))
    assert service.annual_counters(2026, OFFICER)["rebuilding_since"] is None
    assert "Angka belum lengkap" not in service.annual_report(2026, "html", OFFICER)
    assert service.annual_report(2026, "csv", OFFICER).splitlines()[1].startswith("registry,")
