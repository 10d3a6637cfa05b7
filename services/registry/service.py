"""The registry service: households (KK) and residents of the village.

RPCs only; rules live in domain.py/commands.py/imports.py, storage in
store.py. Every RPC answer is JSON-safe; errors are services.shared.errors
types (InvalidInput 400, NotFound 404, Conflict 409 at the gateway).
``actor`` is the caller's JSON description (the gateway's ``principal.actor``),
recorded as the "who" of history entries.
"""
import base64
import binascii
import os

from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider
from nameko.timer import timer

from services.shared.errors import InvalidInput
from services.shared.health import Ops
from services.shared.inbox import Inbox
from services.shared.mongo import MongoStore
from services.shared.nik import DEFAULT_VILLAGE_CODE
from services.shared.pagination import page_args
from services.shared.rpc import rpc

from services.registry import commands, importer, schemas
from services.registry.corrections import CorrectionHandling
from services.registry.imports import ImportRun
from services.registry.store import RegistryRepository

EXPORT_MAX_PER_PAGE = 1000


class CallOrigin(DependencyProvider):
    """The id of the call that started this chain, for events' ``correlation_id``."""

    def get_dependency(self, worker_ctx):
        stack = worker_ctx.call_id_stack or [worker_ctx.call_id]
        return stack[0]


class RegistryService(CorrectionHandling, Ops):
    name = "registry"

    store = MongoStore(RegistryRepository, outbox_collections=["households", "residents"])
    inbox = Inbox()
    config = Config()
    origin = CallOrigin()

    def _village(self):
        return (self.config.get("VILLAGE_CODE") or os.environ.get("VILLAGE_CODE")
                or DEFAULT_VILLAGE_CODE)

    def _cid(self, actor):
        request_id = actor.get("request_id") if isinstance(actor, dict) else None
        return request_id or self.origin

    @rpc
    def register_household(self, body, actor=None):
        """Register a family with its members: ``body`` as ``schemas.HouseholdIn``.

        Returns the household (snapshot fields, ``quality_flags``, ``members``).
        Members without a NIK get a flagged temporary number. Raises
        InvalidInput (every bad field), Conflict (KK, NIK or person exists).
        Events: ``household_registered`` and one ``resident_registered`` per member.
        """
        return commands.register_household(self.store, body, actor, self._village(),
                                           self._cid(actor))

    @rpc
    def get_household(self, household_id):
        """The household with its members; NotFound."""
        return self.store.household(household_id)

    @rpc
    def search_households(self, kk_number=None, rt=None, rw=None, status=None, page=1,
                          per_page=50):
        """Households by KK number, RT, RW or status: ``{items, page, per_page, total}``."""
        args = _search_args(kk_number=kk_number, rt=rt, rw=rw, status=status)
        page, per_page, skip = page_args(page, per_page)
        return self.store.search_households(args["kk_number"], args["rt"], args["rw"],
                                            args["status"], page, per_page, skip)

    @rpc
    def add_member(self, household_id, body, actor=None):
        """Add one person (``schemas.ResidentFields``) to a household; returns the resident.

        Raises InvalidInput, NotFound, Conflict. Events: ``resident_registered``,
        ``household_updated`` (``member_ids`` changed).
        """
        return commands.add_member(self.store, household_id, body, actor, self._village(),
                                   self._cid(actor))

    @rpc
    def get_resident(self, nik):
        """The resident with this NIK (or temporary number); NotFound."""
        return self.store.resident(nik)

    @rpc
    def search_residents(self, q=None, rt=None, rw=None, status=None, flagged=None, page=1,
                         per_page=50, kk_number=None):
        """Residents by name (``q``: part of the name; digits: NIK or KK prefix), RT,
        RW, status, data-quality flag, KK: ``{items, page, per_page, total}``."""
        args = _search_args(q=q, rt=rt, rw=rw, status=status, flagged=flagged,
                            kk_number=kk_number)
        page, per_page, skip = page_args(page, per_page)
        return self.store.search_residents(args["q"], args["rt"], args["rw"], args["status"],
                                           args["flagged"], args["kk_number"], page, per_page,
                                           skip)

    @rpc
    def list_flagged(self, page=1, per_page=50):
        """Residents with data-quality flags (NIK date/sex mismatch, temporary number)."""
        return self.search_residents(flagged=True, page=page, per_page=per_page)

    @rpc
    def update_resident(self, nik, changes, reason, actor=None):
        """Change resident fields (``changes``: partial ``ResidentFields``) for ``reason``.

        Returns the resident after. Raises InvalidInput (bad field, no change,
        no reason), NotFound, Conflict (new NIK taken, concurrent change).
        Event: ``resident_updated``.
        """
        data = schemas.load(schemas.ResidentPatch(), _with_reason(changes, reason),
                            partial=tuple(schemas.ResidentFields().fields))
        reason = data.pop("reason")
        return self.store.update_resident(nik, data, reason, actor, self._cid(actor))

    @rpc
    def update_household(self, household_id, changes, reason, actor=None):
        """Change household fields for ``reason``; members follow a new kk/rt/rw.

        Returns the household after, with members. Events: ``household_updated``,
        ``resident_updated`` per member whose copied fields changed.
        """
        data = schemas.load(schemas.HouseholdPatch(), _with_reason(changes, reason),
                            partial=tuple(schemas.HouseholdFields().fields))
        reason = data.pop("reason")
        return self.store.update_household(household_id, data, reason, actor, self._cid(actor))

    @rpc
    def deactivate_resident(self, nik, reason, note=None, actor=None):
        """Deactivate a resident (``reason``: moved_out, deceased, duplicate, other).

        Returns the resident after. Raises InvalidInput, NotFound, Conflict
        (already inactive). Events: ``resident_deactivated``; ``household_updated``
        when no active member is left (the household becomes inactive).
        """
        data = schemas.load(schemas.DeactivateIn(), {"reason": reason, "note": note})
        return self.store.deactivate_resident(nik, data["reason"], data["note"], actor,
                                              self._cid(actor))

    @rpc
    def resident_history(self, nik, page=1, per_page=50):
        """Who changed what (old -> new), when and why, oldest first, as a list page
        plus ``resident_id``; NotFound."""
        page, per_page, skip = page_args(page, per_page)
        return self.store.history(nik, page, per_page, skip)

    @rpc
    def import_registry(self, filename, content_base64, actor=None):
        """Import a CSV or OpenSID spreadsheet (base64 of the file's bytes).

        Returns ``{format, rows, created_households, created_residents,
        updated_households, already_present, errors: [{row, field, rule}]}``.
        Raises InvalidInput when the file as a whole cannot be read.
        """
        try:
            content = base64.b64decode(content_base64 or "", validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise InvalidInput("The file is not valid base64.",
                               {"content_base64": ["must be base64"]}) from None
        fmt, rows, names = importer.read_file(filename, content, self.store.pause)
        return ImportRun(self.store, fmt, names, actor, self._village(), self._cid(actor),
                         filename, self.store.pause).run(rows)

    @rpc
    def export_residents(self, page=1, per_page=500):
        """Resident snapshots with versions by id, to rebuild projections (docs/events.md)."""
        return self.store.export("residents", *_export_page(page, per_page))

    @rpc
    def export_households(self, page=1, per_page=500):
        """Household snapshots with versions by id, to rebuild projections."""
        return self.store.export("households", *_export_page(page, per_page))

    @timer(interval=30)
    def repair_pending_writes(self):
        """Finish registrations and follow-ups a crash interrupted (store.repair)."""
        return self.store.repair()


def _search_args(**given):
    """Validated filters (``schemas.SearchQuery``); an empty value means no filter."""
    return schemas.load(schemas.SearchQuery(), {k: v for k, v in given.items()
                                                if v not in (None, "")}, detail="Invalid search.")


def _export_page(page, per_page):
    return page_args(page, per_page, max_per_page=EXPORT_MAX_PER_PAGE)


def _with_reason(changes, reason):
    """The PATCH body with its reason; a missing reason stays missing (so the
    error says "required", not "may not be null")."""
    body = dict(changes or {})
    if reason is not None:
        body["reason"] = reason
    return body
