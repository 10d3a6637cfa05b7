"""Stand-ins for the owners monitoring rebuilds from (distribution, complaints,
partners, marketplace) on the real broker: each answers its export RPCs from
``OwnerData.items`` (``{"<owner>.<export>": [item, ...]}``) and counts the
calls in ``OwnerData.calls`` (same keys).
With ``FakeRegistry`` (tests/support/registry.py) a monitoring rebuild can run
against them. Reset with ``OwnerData.reset()``.
"""
from nameko.rpc import rpc


class OwnerData:
    items, calls = {}, {}

    @classmethod
    def reset(cls):
        cls.items, cls.calls = {}, {}


def _page(key, page, per_page):
    OwnerData.calls[key] = OwnerData.calls.get(key, 0) + 1
    items = OwnerData.items.get(key, [])
    start = (page - 1) * per_page
    return {"items": items[start:start + per_page], "page": page, "per_page": per_page,
            "total": len(items)}


class FakeDistribution:
    name = "distribution"

    @rpc
    def list_programmes(self, include_drafts=False, page=1, per_page=100):
        return _page("distribution.list_programmes", page, per_page)

    @rpc
    def export_allocations(self, page=1, per_page=500):
        return _page("distribution.export_allocations", page, per_page)


class FakeComplaints:
    name = "complaints"

    @rpc
    def export_complaints(self, page=1, per_page=500):
        return _page("complaints.export_complaints", page, per_page)


class FakePartners:
    name = "partners"

    @rpc
    def export_enrolments(self, page=1, per_page=500):
        return _page("partners.export_enrolments", page, per_page)

    @rpc
    def export_contributions(self, page=1, per_page=500):
        return _page("partners.export_contributions", page, per_page)


class FakeMarketplace:
    name = "marketplace"

    @rpc
    def export_sellers(self, page=1, per_page=500):
        return _page("marketplace.export_sellers", page, per_page)

    @rpc
    def export_listings(self, page=1, per_page=500):
        return _page("marketplace.export_listings", page, per_page)

    @rpc
    def export_orders(self, page=1, per_page=500):
        return _page("marketplace.export_orders", page, per_page)


OWNERS = (FakeDistribution, FakeComplaints, FakePartners, FakeMarketplace)
