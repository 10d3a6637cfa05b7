"""Stand-ins for the owners monitoring rebuilds from (distribution, complaints,
partners, marketplace; the marketplace's path out of aid from distribution and
partners) on the real broker: each answers its export RPCs from
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


def _owner(name, exports):
    """A nameko service class named ``name`` answering each RPC of ``exports`` from
    ``OwnerData.items["<name>.<export>"]``."""
    def method(export):
        def answer(self, *args):
            # the paged exports take (page, per_page); list_programmes takes a flag first
            page, per_page = (args[-2:] if len(args) >= 2 else (args[0] if args else 1, 500))
            return _page("%s.%s" % (name, export), page, per_page)
        answer.__name__ = export
        return rpc(answer)
    return type("Fake" + name.capitalize(), (), dict(
        {"name": name}, **{export: method(export) for export in exports}))


OWNERS = tuple(_owner(name, exports) for name, exports in (
    ("distribution", ("list_programmes", "export_allocations")),
    ("complaints", ("export_complaints",)),
    ("partners", ("export_enrolments", "export_contributions", "export_completions")),
    ("marketplace", ("export_sellers", "export_listings", "export_orders"))))


def owner(name):
    """The stand-in service class of the owner ``name`` (e.g. ``"distribution"``)."""
    [cls] = [cls for cls in OWNERS if cls.name == name]
    return cls
