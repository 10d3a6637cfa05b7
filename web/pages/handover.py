"""Console: the handover desk of a round, for the distribution point, and one allocation.

The desk is made for a queue of residents: one search box (a NIK, a KK number or
a name), and for each family found, its allocation in this round with the
handover form at hand: who collected (the recipient is chosen; any other
active member of the family may stand in, as a representative), the channel,
the receipt number. "Not collected" with its reason is on the same line.
The search composes the API (``GET residents``, then per family
``GET families/<kk>/programmes`` and ``GET households/<id>``); the handover
is ``POST allocations/<id>/disburse``, exactly once (a second one answers 409).

In the field a handover is often done on paper (the berita acara serah terima) and
entered later: the form's optional date and time say when it happened, sent as
``handed_over_at`` on the village's clock (WIB).
"""
import datetime

from web import forms
from web.api import ApiError, together
from web.format import WIB
from web.pages import page

FAMILIES_SHOWN = 8
CHANNELS = ("cash", "bank", "post")
NOT_COLLECTED = ("refused", "moved", "not_found", "died", "other")
CANCEL = ("ineligible", "duplicate", "excluded_programme", "household_request", "other")
RETURN = ("ineligible", "duplicate", "recipient_refused", "payout_error", "other")
#: the hour a paper record's handover is dated at when its BAST gives the day only: in
#: the middle of the village's day, so the day stays the same whatever the clocks say
NOON = datetime.time(12, 0)
#: a handover entered longer than this after it happened also says when it was
#: entered (one recorded at the desk has the same instant for both)
ENTERED_LATER = datetime.timedelta(minutes=10)


def today():
    """Today in the village (WIB)."""
    return datetime.datetime.now(WIB).date()


def handed_over_at(day, hour, this_day):
    """The ``handed_over_at`` to send for the form's date and time (WIB), or None.

    Args:
        day (str): ``YYYY-MM-DD`` (what ``<input type=date>`` sends), or blank.
        hour (str): ``HH:MM`` or ``HH:MM:SS`` (``<input type=time>``; ``HH.MM`` too),
            or blank.
        this_day (datetime.date): today in the village.
    Returns:
        str|None: ``2026-08-18T09:30:00+07:00`` for a date and a time; the date at
        12:00 WIB for a date alone; None (the API records now) for nothing, or for
        today's date without a time (a handover at the desk now).
    Raises:
        ValueError: the date or the time is not one, or a time came without its date.
    """
    day, hour = (day or "").strip(), (hour or "").strip()
    if not day:
        if hour:
            raise ValueError("a time without its date")
        return None
    on = datetime.date.fromisoformat(forms.iso_date(day))
    if not hour:
        if on == this_day:
            return None
        at = NOON
    else:
        # a text box (a browser without a time picker) gets 09.30, as Indonesians write it
        at = datetime.time.fromisoformat(hour.replace(".", ":"))
    return datetime.datetime.combine(on, at.replace(microsecond=0), WIB).isoformat()


def entered_later(disbursement):
    """``recorded_at`` of a handover entered more than ``ENTERED_LATER`` after it
    happened (from its paper record), else None (also for one stored before
    ``recorded_at`` existed). ``disbursement``: the allocation's, or None."""
    d = disbursement or {}
    if not d.get("recorded_at") or not d.get("disbursed_at"):
        return None
    happened, entered = _instant(d["disbursed_at"]), _instant(d["recorded_at"])
    return d["recorded_at"] if entered - happened > ENTERED_LATER else None


def _instant(text):
    return datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))


def recipient_first(members, recipient_nik):
    """The family's active members who may collect, the recipient first."""
    active = [m for m in members if m.get("status") == "active"]
    return sorted(active, key=lambda m: m.get("nik") != recipient_nik)


def _focus(found):
    """The one pending allocation found, whose receipt field the cursor goes to."""
    pending = [a["id"] for f in found or [] for a in f["allocations"] if a["status"] == "pending"]
    return pending[0] if len(pending) == 1 else None


def find(api, round_id, q):
    """``[{"household", "allocations"}]``: the families matching ``q`` (name, NIK or KK
    prefix) with their allocations in this round, families with one first."""
    # enough people to find FAMILIES_SHOWN families, few enough not to read (and audit)
    # a page of residents for one name typed at the desk
    people = api.get("residents", {"q": q, "per_page": 20})["items"]
    households = list(dict.fromkeys(p["household_id"] for p in people
                                    if p.get("household_id")))[:FAMILIES_SHOWN]
    kks = {p["household_id"]: p.get("kk_number") for p in people}
    answers = together(*[(lambda h=h: _family(api, h, kks.get(h))) for h in households])
    found = []
    for family, programmes in answers:
        mine = [a for p in programmes for a in p["allocations"] if a["round_id"] == round_id]
        found.append({"household": family, "allocations": mine})
    return sorted(found, key=lambda f: not f["allocations"])


def _family(api, household_id, kk_number):
    def programmes():
        try:
            return api.get("families/%s/programmes" % kk_number)["programmes"]
        except ApiError as exc:
            if exc.status == 404:  # not in distribution's projection yet: nothing received
                return []
            raise
    return together(lambda: api.get("households/%s" % household_id), programmes)


@page("/konsol/tahap/<round_id>/serah-terima", login="officer")
def handover_desk(ctx, round_id):
    """``?q=`` a NIK, KK number or name: the families found and their allocation in
    this round, each with its handover form. ``?dicatat=<allocation>`` confirms the
    last one recorded."""
    api = ctx.officer_api
    q = ctx.request.args.get("q", "").strip()
    query = forms.digits(q) if forms.digits(q).isdigit() else q
    rnd = api.get("rounds/%s" % round_id)
    found = find(api, round_id, query) if query else None
    done = None
    if ctx.request.args.get("dicatat"):
        done = api.get("allocations/%s" % ctx.request.args["dicatat"])
    return ctx.render("console/handover.html", round=rnd, q=q, found=found, done=done,
                      channels=CHANNELS, reasons=NOT_COLLECTED, errors={}, form={}, failed=None,
                      focus=_focus(found), recipient_first=recipient_first,
                      entered_later=entered_later)


@page("/konsol/tahap/<round_id>/serah-terima/<allocation_id>", methods=("POST",),
      login="officer")
def handover_record(ctx, round_id, allocation_id):
    """``action=disburse`` (``received_by_nik``, ``channel``, ``evidence_ref``, ``note``,
    optional ``handed_over_on`` and ``handed_over_time``: when it happened, see
    ``handed_over_at``) or ``action=not_collected`` (``reason``, ``note``). 303 back to the
    desk, ready for the next person; the desk again (400/409/422) with the refusal on
    that allocation, a refused date on its field, and what was typed kept."""
    api, form = ctx.officer_api, ctx.form
    q = form.get("q", "")
    key = "alloc-%s" % allocation_id
    errors, status = {}, 400
    if form.get("action") == "not_collected":
        body = {"reason": form.get("reason", ""), "note": form.get("note", "").strip()}
        path = "allocations/%s/not-collected" % allocation_id
        if body["reason"] not in NOT_COLLECTED:
            errors[key + "-reason"] = ["handover.errors.reason"]
    else:
        body = {"received_by_nik": forms.digits(form.get("received_by_nik", "")),
                "channel": form.get("channel", "cash"),
                "evidence_ref": form.get("evidence_ref", "").strip(),
                "note": form.get("note", "").strip()}
        path = "allocations/%s/disburse" % allocation_id
        if not body["received_by_nik"]:
            errors[key + "-who"] = ["handover.errors.who"]
        if not body["evidence_ref"]:
            errors[key + "-evidence_ref"] = ["handover.errors.evidence"]
        try:
            when = handed_over_at(form.get("handed_over_on"), form.get("handed_over_time"),
                                  today())
        except ValueError:
            errors[key + "-handed_over_on"] = ["handover.errors.handed_over"]
        else:
            if when:
                body["handed_over_at"] = when
    if not errors:
        try:
            api.post(path, body)
            # the search box empty for the next person in the queue; the notice says what
            # was recorded
            return ctx.redirect("handover_desk", round_id=round_id, dicatat=allocation_id)
        except ApiError as exc:
            if exc.status not in (400, 409, 422):
                raise
            status = exc.status
            # a refused date belongs to its field; anything else to the allocation
            on_fields = forms.api_errors(exc, ctx.t, field_id=lambda path: (
                key + "-handed_over_on" if path == "handed_over_at" else key))
            errors.update(on_fields)
            if not on_fields:
                errors[key] = [forms.problem_sentence(exc, ctx.t)]
    rnd = api.get("rounds/%s" % round_id)
    query = forms.digits(q) if forms.digits(q).isdigit() else q.strip()
    found = find(api, round_id, query) if query else None
    return ctx.render("console/handover.html", status=status, round=rnd, q=q, found=found,
                      done=None, channels=CHANNELS, reasons=NOT_COLLECTED, errors=errors,
                      form=form, failed=allocation_id, focus=allocation_id,
                      recipient_first=recipient_first, entered_later=entered_later)


@page("/konsol/alokasi/<allocation_id>", methods=("GET", "POST"), login="officer")
def allocation_page(ctx, allocation_id):
    """One allocation with its history. POST ``action``: ``cancel`` or ``return`` (with
    ``reason``, ``note``), ``reassign`` (its slot to the next waiting household)."""
    api = ctx.officer_api
    errors, notice = {}, None
    if ctx.request.method == "POST":
        action, form = ctx.form.get("action"), ctx.form
        reasons = {"cancel": CANCEL, "return": RETURN}.get(action)
        try:
            if action == "reassign":
                moved = api.post("allocations/%s/reassign" % allocation_id)
                return ctx.redirect("allocation_page", allocation_id=moved["to"]["id"],
                                    dari=allocation_id)
            if reasons is None or form.get("reason") not in reasons:
                errors["%s-reason" % action] = ["handover.errors.reason"]
            else:
                api.post("allocations/%s/%s" % (allocation_id, action),
                         {"reason": form["reason"], "note": form.get("note", "").strip()})
                return ctx.redirect("allocation_page", allocation_id=allocation_id, diubah="1")
        except ApiError as exc:
            if exc.status not in (400, 409, 422):
                raise
            errors["_form"] = [forms.problem_sentence(exc, ctx.t)]
    if ctx.request.args.get("diubah"):
        notice = ctx.t("handover.changed")
    elif ctx.request.args.get("dari"):
        notice = ctx.t("handover.reassigned")
    alloc = api.get("allocations/%s" % allocation_id)
    return ctx.render("console/allocation.html", status=400 if errors else 200, alloc=alloc,
                      errors=errors, notice=notice, cancel_reasons=CANCEL,
                      return_reasons=RETURN, entered_later=entered_later)
