"""The marketplace's exports, for a consumer rebuilding what happened (monitoring,
docs/monitoring.md "Rebuilding from the exports"): sellers, listings and orders
by id, each as its events carry it (``services.marketplace.events``: no phone,
no buyer's name). Pages are ``{items, page, per_page, total}``, up to 1000."""
from services.shared.outbox import HIDE_OUTBOX
from services.shared.pagination import page_args, page_of

from services.marketplace import events

EXPORT_MAX = 1000


def _page(collection, page, per_page):
    page, per_page, skip = page_args(page, per_page, max_per_page=EXPORT_MAX)
    docs = list(collection.find({}, HIDE_OUTBOX).sort("_id", 1).skip(skip).limit(per_page))
    return docs, page, per_page, collection.count_documents({})


def _sellers_of(repo, docs):
    ids = sorted({d["seller_id"] for d in docs})
    return {s["_id"]: s for s in repo.sellers.find({"_id": {"$in": ids}}, HIDE_OUTBOX)}


def sellers(repo, page=1, per_page=500):
    """Seller snapshots (``events.seller_snapshot``: ``created_at``, ``verified_at``)."""
    docs, page, per_page, total = _page(repo.sellers, page, per_page)
    return page_of([events.seller_snapshot(d) for d in docs], page, per_page, total)


def listings(repo, page=1, per_page=500):
    """``{listing: snapshot (published_at), seller: {id, resident_id, nik}}``."""
    docs, page, per_page, total = _page(repo.listings, page, per_page)
    owners = _sellers_of(repo, docs)
    return page_of([{"listing": events.listing_snapshot(d),
                     "seller": events.seller_ref(owners[d["seller_id"]])}
                    for d in docs if d["seller_id"] in owners], page, per_page, total)


def orders(repo, page=1, per_page=500):
    """``{order: snapshot (status, completed_at, total_idr), seller: ref}``."""
    docs, page, per_page, total = _page(repo.orders, page, per_page)
    owners = _sellers_of(repo, docs)
    return page_of([{"order": events.order_snapshot(d),
                     "seller": events.seller_ref(owners[d["seller_id"]])}
                    for d in docs if d["seller_id"] in owners], page, per_page, total)
