"""The monitoring service (issue 14; docs/monitoring.md).

Follows the registry (``FollowsRegistry``: residents by NIK, their family and
RW) and records every event of registry, distribution, complaints, partners
and marketplace as a timeline entry and a fact of the year
(``domain.timeline_entry``, ``domain.fact``), once per event id.
"""
import base64

from services.shared.contract import dump, dump_page, load
from services.shared.errors import Conflict
from services.shared.pagination import page_args, page_of
from services.shared.errors import InvalidInput, NotFound
from services.shared.inbox import consumes
from services.shared.mongo import MongoStore
from services.shared.registry_projection import FollowsRegistry
from services.shared.caller import role_of
from services.shared.errors import Forbidden
from services.shared.rpc import RpcProxy, command, rpc
from services.shared.service import Service

from services.complaints.contract import events as complaints_events
from services.distribution.contract.events import ALLOCATION_EVENTS
from services.marketplace.contract import events as marketplace_events
from services.distribution.contract.events import PROGRAMME_PUBLISHED, PROGRAMME_REVISED
from services.monitoring import (contributions, coverage, deadlines, discussions, domain,
                                 graduation, owners, rebuild, reports)
from services.monitoring.owners import OwnersCatchUp
from services.monitoring.contract import (AnnualCountersOut, DiscussionIn, DiscussionOut,
                                          FollowUpStatusIn, FunnelOut, RebuildOut,
                                          TimelineOut)
from services.monitoring.evaluation import Evaluation, year_bounds
from services.monitoring.store import MonitoringRepository
from services.partners.contract import events as partners_events
from services.registry.contract import (HOUSEHOLD_REGISTERED, HOUSEHOLD_UPDATED,
                                        RESIDENT_DEACTIVATED, RESIDENT_REGISTERED,
                                        RESIDENT_UPDATED)

#: every event monitoring records besides the registry's five
FOLLOWED = (tuple(ALLOCATION_EVENTS.values())
            + tuple(getattr(complaints_events, n) for n in (
                "COMPLAINT_SUBMITTED", "COMPLAINT_STATUS_CHANGED", "COMPLAINT_RESOLVED"))
            + tuple(getattr(partners_events, n) for n in (
                "ENROLMENT_ACCEPTED", "ENROLMENT_WAITLISTED", "ENROLMENT_WITHDRAWN",
                "ENROLMENT_COMPLETED", "IMMUNISATION_RECORDED", "ANTENATAL_VISIT_RECORDED",
                "APPOINTMENT_OVERDUE", "COMMITMENT_SET", "DELIVERY_RECORDED"))
            + tuple(getattr(marketplace_events, n) for n in (
                "SELLER_REGISTERED", "SELLER_VERIFIED", "SELLER_SUSPENDED", "SELLER_REINSTATED",
                "LISTING_PUBLISHED", "ORDER_COMPLETED")))


def _recorder(event_type):
    # one handler per event type: the inbox keys what it applied by handler name
    def handler(self, event):
        self.record(event)
    handler.__name__ = "on_%s_%s" % (event_type.source, event_type.name)
    return consumes(event_type)(handler)


class MonitoringService(Evaluation, FollowsRegistry, Service):
    name = "monitoring"
    store = MongoStore(MonitoringRepository)
    owners_catchup = OwnersCatchUp()
    # the owners whose exports a rebuild reads
    registry = RpcProxy("registry")
    distribution = RpcProxy("distribution")
    complaints = RpcProxy("complaints")
    partners = RpcProxy("partners")
    marketplace = RpcProxy("marketplace")

    for _event_type in FOLLOWED:
        locals()["on_%s_%s" % (_event_type.source, _event_type.name)] = _recorder(_event_type)
    del _event_type

    def record(self, event):
        """Put ``event`` on the timelines and in the year's facts (once per event id);
        an owner's new store epoch on it starts a rebuild (``owners.OwnersCatchUp``)."""
        owners.record(self.store, event)
        self.owners_catchup.seen(event)

    @consumes(PROGRAMME_PUBLISHED)
    def on_distribution_programme_published(self, event):
        programme = event["data"]["programme"]
        self.store.apply_programme(programme["code"], programme.get("kind"),
                                   programme.get("name"))

    @consumes(PROGRAMME_REVISED)
    def on_distribution_programme_revised(self, event):
        self.on_distribution_programme_published(event)

    def _registry_event(self, event):
        self.apply_registry_event(event)
        self.record(event)

    @consumes(HOUSEHOLD_REGISTERED)
    def handle_household_registered(self, event):
        self._registry_event(event)

    @consumes(HOUSEHOLD_UPDATED)
    def handle_household_updated(self, event):
        self._registry_event(event)

    @consumes(RESIDENT_REGISTERED)
    def handle_resident_registered(self, event):
        self._registry_event(event)

    @consumes(RESIDENT_UPDATED)
    def handle_resident_updated(self, event):
        self._registry_event(event)

    @consumes(RESIDENT_DEACTIVATED)
    def handle_resident_deactivated(self, event):
        self._registry_event(event)

    # ------------------------------------------------------------ rebuild

    @command
    def rebuild_from_exports(self, actor=None):
        """Drop the projections and rebuild them from the owners' exports
        (docs/monitoring.md "Rebuilding from the exports"; ``services.monitoring.
        rebuild``). Admins only (Forbidden otherwise). Returns ``{"items": {"<owner>.
        <export>": n}, "events": n, "not_rebuilt": {what: why}}``. Raises the owner's
        error or services.shared.rpc.Timeout when an export fails; the projections are
        then partial until a rebuild succeeds."""
        if role_of(actor) != "admin":
            raise Forbidden("Only admins may rebuild monitoring.")
        counts = owners.rebuild_all(self.store, self)
        return dump(RebuildOut, dict(counts, not_rebuilt=rebuild.NOT_REBUILT))

    @rpc
    def resident_timeline(self, nik, actor=None):
        """The timeline of the resident with this NIK (``TimelineOut``, oldest first;
        an inactive duplicate sharing the NIK is included). Officers and admins:
        Forbidden otherwise; NotFound for a NIK the registry does not hold."""
        domain.require_officer(actor, "read a timeline")
        since = self.store.rebuilding_since()
        people = self.store.residents_by_nik(nik)
        if not people:
            raise NotFound("No resident with this NIK.")
        people.sort(key=lambda p: p.get("status") != "active")
        entries = {}
        for person in people:
            entries.update((e["_id"], e) for e in self.store.resident_timeline(person["_id"]))
        ordered = self._named(sorted(entries.values(), key=lambda e: (e["at"], e["_id"])))
        return dump(TimelineOut, {"subject": "resident", "id": people[0]["_id"],
                                  "household_id": people[0].get("household_id"),
                                  "entries": ordered, "rebuilding_since": self._partial(since)})

    @rpc
    def household_timeline(self, household_id, actor=None):
        """The family's timeline: its own entries and its members' (``TimelineOut``).
        Officers and admins; NotFound for an unknown household id."""
        domain.require_officer(actor, "read a timeline")
        since = self.store.rebuilding_since()
        if self.store.household(household_id) is None:
            raise NotFound("No household with id %s." % household_id)
        entries = self._named(self.store.household_timeline(household_id))
        return dump(TimelineOut, {"subject": "household", "id": household_id,
                                  "household_id": household_id, "entries": entries,
                                  "rebuilding_since": self._partial(since)})

    def _named(self, entries):
        """``entries`` as an officer reads them: ``names`` (who each concerns, from the
        registry projection) and programmes by name (``domain.named_programme``)."""
        names, programmes = {}, self.store.programme_names()
        for entry in entries:
            domain.named_programme(entry, programmes)
            for rid in entry.get("resident_ids") or ():
                if rid not in names:
                    names[rid] = (self.store.resident(rid) or {}).get("full_name")
            entry["names"] = [names[r] for r in entry.get("resident_ids") or () if names[r]]
        return entries

    def _partial(self, since):
        """``rebuilding_since`` for an answer read after ``since`` was: a rebuild that
        ran at either end of the reading makes it partial."""
        return since or self.store.rebuilding_since()

    @rpc
    def annual_counters(self, year, actor=None):
        """The year's figures (``AnnualCountersOut``; ``year`` the village year, WIB).
        Officers and admins; InvalidInput for a year that is not a number."""
        domain.require_officer(actor, "read the annual report")
        year = domain.parse_year(year)
        since = self.store.rebuilding_since()
        facts = self.store.facts_of_year(year)
        counters = domain.annual_counters(facts, year)
        counters["coverage"] = coverage.coverage(
            facts + self.store.facts_of_rounds_elsewhere(year), year)
        counters["complaint_deadlines"] = deadlines.resolution_against_deadlines(
            self.store.complaints_of_year(*year_bounds(year)), year)
        counters["contributions"] = contributions.pledged_vs_delivered(
            *self.store.contributions_of_year(year), year)
        counters["discussions"] = discussions.year_summary(self.store.discussions_of_year(year))
        counters["needs_trend"] = reports.needs_trend(
            self._needs_by_year(year, counters["discussions"]["needs"]))
        counters["disbursed_by_month"] = reports.monthly_disbursed(counters)
        counters["scorecards"] = self.scorecards_of_year(year)
        counters["surveys"] = self.surveys_of_year(year)
        counters["graduation"] = [c for c in self._funnel() if c["cohort"] <= year]
        counters["programme_names"] = self.store.programme_names()
        counters["rebuilding_since"] = self._partial(since)
        return dump(AnnualCountersOut, counters)

    def _funnel(self):
        return graduation.funnel(self.store.all_steps(), self.store.programme_kinds())

    @rpc
    def graduation_funnel(self, cohort=None, actor=None):
        """The graduation funnel (``FunnelOut``): every cohort, or the one of year
        ``cohort``. Officers and admins; InvalidInput naming ``cohort``."""
        domain.require_officer(actor, "read the graduation funnel")
        cohorts = self._funnel()
        if cohort not in (None, ""):
            try:
                year = domain.parse_year(cohort)
            except InvalidInput:
                raise InvalidInput("Invalid cohort.", {"cohort": ["must be a year"]}) from None
            cohorts = [c for c in cohorts if c["cohort"] == year]
        return dump(FunnelOut, {"cohorts": cohorts})

    @rpc
    def annual_report(self, year, form="json", actor=None):
        """The annual report: ``form`` ``json`` (``AnnualCountersOut``), ``csv`` or
        ``html`` (text), or ``pdf`` (the printable page as PDF, base64 text: replies
        are JSON). Officers and admins; InvalidInput naming ``format``."""
        answer = self.annual_counters(year, actor)
        if form in (None, "", "json"):
            return answer
        if form == "csv":
            return reports.csv_report(answer)
        if form in ("html", "pdf"):
            page = reports.html_report(answer, self.settings.village_name)
            if form == "html":
                return page
            return base64.b64encode(reports.pdf_report(page)).decode("ascii")
        raise InvalidInput("format must be json, csv, html or pdf.",
                           errors={"format": ["Must be one of: json, csv, html, pdf."]})

    def _needs_by_year(self, year, this_year):
        """``{year: needs}``: ``this_year``'s (already summed) and those of the years
        before it (``reports.TREND_YEARS`` in all), for the report's trend of needs."""
        earlier = {y: discussions.year_summary(self.store.discussions_of_year(y))["needs"]
                   for y in range(year - reports.TREND_YEARS + 1, year)}
        earlier[year] = this_year
        return earlier

    # ------------------------------------------------------------ discussions

    @command
    def record_discussion(self, body, actor=None):
        """Record a focus-group discussion (``DiscussionIn``); ``DiscussionOut``.
        Officers and admins; InvalidInput naming each bad field."""
        domain.require_officer(actor, "record a discussion")
        data = load(DiscussionIn, body)
        doc = self.store.insert_discussion(discussions.new_discussion(data, actor))
        return dump(DiscussionOut, discussions.view(doc))

    @rpc
    def list_discussions(self, filters=None, page=1, per_page=50, actor=None):
        """A page of discussions by date (``filters``: ``year`` int, ``rw``)."""
        domain.require_officer(actor, "read discussions")
        page, per_page, skip = page_args(page, per_page)
        filters = filters or {}
        query = {}
        if filters.get("year") not in (None, ""):
            query["year"] = domain.parse_year(filters["year"])
        if filters.get("rw"):
            query["rw"] = str(filters["rw"]).zfill(3)
        docs, total = self.store.find_discussions(query, skip, per_page)
        return dump_page(DiscussionOut, page_of([discussions.view(d) for d in docs], page,
                                                 per_page, total))

    @command
    def set_follow_up_status(self, discussion_id, index, body, actor=None):
        """Set follow-up ``index`` (0-based) of a discussion (``FollowUpStatusIn``);
        ``DiscussionOut``. NotFound for an unknown discussion or index; Conflict when
        the discussion changed meanwhile (read it again)."""
        domain.require_officer(actor, "update a follow-up")
        data = load(FollowUpStatusIn, body)
        doc = self.store.get_discussion(discussion_id)
        if doc is None:
            raise NotFound("No discussion with id %s." % discussion_id)
        try:
            index = int(index)
        except (TypeError, ValueError):
            raise NotFound("Discussion %s has no follow-up %s." % (discussion_id, index)) from None
        after = self.store.change_discussion(
            doc, discussions.follow_up_change(doc, index, data["status"], actor))
        if after is None:
            raise Conflict("The discussion changed meanwhile; read it again.")
        return dump(DiscussionOut, discussions.view(after))
