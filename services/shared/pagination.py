"""Pagination as docs/contract.md fixes it: ``page`` from 1, ``per_page`` at most 200."""
from services.shared.errors import InvalidInput

MAX_PER_PAGE = 200


def page_args(page=1, per_page=50, max_per_page=MAX_PER_PAGE):
    """Validate and return ``(page, per_page, skip)``; raises InvalidInput.

    ``max_per_page`` is raised only for service-to-service exports, never for HTTP.
    """
    errors = {}
    try:
        page = int(page)
        if page < 1:
            raise ValueError
    except (TypeError, ValueError):
        errors["page"] = ["must be an integer >= 1"]
    try:
        per_page = int(per_page)
        if not 1 <= per_page <= max_per_page:
            raise ValueError
    except (TypeError, ValueError):
        errors["per_page"] = ["must be an integer from 1 to %d" % max_per_page]
    if errors:
        raise InvalidInput("Invalid pagination.", errors)
    return page, per_page, (page - 1) * per_page


def page_of(items, page, per_page, total):
    """Build the CONTRACT's list answer."""
    return {"items": items, "page": page, "per_page": per_page, "total": total}
