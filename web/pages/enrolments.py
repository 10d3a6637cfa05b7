"""Enrolling a resident in a partner programme, and withdrawing or completing an
enrolment: what the officers' console (``/konsol/mitra/...``, partners_console.py)
and the partner's own portal (``/mitra-saya/...``, partner_portal.py) both do.

One copy, so a rule (a NIK's 16 digits, which API answer says what) cannot drift
between the two. The pages differ only in what they pass in: the page that shows
the programme (``render``), the endpoint to go back to (``endpoint``), and whether
the form's ``note`` goes with an enrolment action (``note``). Declares no pages.

``render`` is the page's ``(ctx, programme_id, status=200, errors=None, notice=None,
form=None) -> Response``; ``errors`` maps a field id to language keys or sentences.
"""
from urllib.parse import quote

from web import forms
from web.api import ApiError

#: the partners contract's lists (a unit test keeps them equal)
WITHDRAW_REASONS = ("resident_request", "not_attending", "no_longer_eligible",
                    "partner_decision", "other")
OUTCOMES = ("certificate", "business_started", "employed", "immunisation_given",
            "checkup_done", "other")


def _q(value):
    return quote(value, safe="")


def notice(ctx, more=None):
    """The notice a programme page shows after a redirect here (``?selesai=``).

    Args:
        more: {``selesai`` value: language key} for the page's own outcomes
            beside enrolling, withdrawing and completing.
    Returns:
        str|None: the sentence; ``accepted``/``waitlisted`` name the resident
        (``nama``) and the place on the waiting list (``urutan``). None for
        no or an unknown ``selesai``.
    """
    args = ctx.request.args
    done = args.get("selesai")
    if done in ("accepted", "waitlisted"):
        return ctx.t("partners_console.enrolled." + done, name=args.get("nama", ""),
                     n=args.get("urutan", ""))
    if done in ("withdrawn", "completed"):
        return ctx.t("partners_console.done." + done)
    if more and done in more:
        return ctx.t(more[done])
    return None


def enrol(ctx, api, programme_id, render, endpoint):
    """Enrol the resident of the form's ``nik`` (and ``note``, when not blank):
    ``POST partner-programmes/{id}/enrolments``.

    Args:
        api: the API client to send it with (the logged-in person's).
        endpoint: the programme page's endpoint (url parameter ``programme_id``).
    Returns:
        a 303 to ``endpoint`` with ``selesai`` (accepted|waitlisted), ``nama`` and
        ``urutan`` (the place on the waiting list, or blank); else the page again
        with the form: 400 for a NIK that is not 16 digits, and for the API's
        404 (no such resident), 409 (already enrolled), 400/422 (its problem and
        every failed criterion) that status, the words beside ``nik``.
    Raises:
        ApiError: any other status, for the app's error pages.
    """
    form = ctx.form
    nik = forms.digits(form.get("nik", ""))
    if not (nik.isdigit() and len(nik) == 16):
        return render(ctx, programme_id, 400, {"nik": ["status.errors.nik"]}, form=form)
    body = {"nik": nik}
    if form.get("note", "").strip():
        body["note"] = form["note"].strip()
    try:
        enrolment = api.post("partner-programmes/%s/enrolments" % _q(programme_id), body)
    except ApiError as exc:
        if exc.status == 404:
            errors = {"nik": ["partners_console.errors.unknown_nik"]}
        elif exc.status == 409:
            errors = {"nik": ["partners_console.errors.already"]}
        elif exc.status in (400, 422):
            errors = {"nik": [forms.problem_sentence(exc, ctx.t)]
                      + ["%s" % "; ".join(v) for v in exc.errors.values()]}
        else:
            raise
        return render(ctx, programme_id, exc.status, errors, form=form)
    return ctx.redirect(endpoint, programme_id=programme_id,
                        selesai=enrolment["status"], nama=enrolment.get("full_name", ""),
                        urutan=enrolment.get("waitlist_position") or "")


def act(ctx, api, enrolment_id, render, endpoint, note=False):
    """The form's ``action`` on an enrolment: withdraw (``reason``, one of
    ``WITHDRAW_REASONS``) or complete (``outcome``, one of ``OUTCOMES``;
    ``completed_on`` YYYY-MM-DD, or blank for the service's today):
    ``POST enrolments/{id}/withdraw|complete``.

    Args:
        api: the API client to send it with (the logged-in person's).
        endpoint: the programme page's endpoint; the form's ``programme_id``
            says which programme to go back to.
        note: True to send the form's ``note`` (when not blank) with either action.
    Returns:
        a 303 to ``endpoint`` with ``selesai`` withdrawn|completed; else the
        programme page, the words beside the enrolment (field ``e-<id>``): 400
        for no such action or choice, or a date that does not exist; the API's
        400/409/422 with its problem.
    Raises:
        ApiError: any other status, for the app's error pages.
    """
    form, programme_id = ctx.form, ctx.form.get("programme_id", "")
    action, field = form.get("action"), "e-%s" % enrolment_id
    if action == "withdraw" and form.get("reason") in WITHDRAW_REASONS:
        body = {"reason": form["reason"]}
    elif action == "complete" and form.get("outcome") in OUTCOMES:
        body = {"outcome": form["outcome"]}
        try:
            when = forms.iso_date(form.get("completed_on"))
        except ValueError:
            return render(ctx, programme_id, 400, {field: ["partners_console.errors.date"]})
        if when:
            body["completed_on"] = when
    else:
        return render(ctx, programme_id, 400, {field: ["partners_console.errors.choose"]})
    if note and form.get("note", "").strip():
        body["note"] = form["note"].strip()
    try:
        api.post("enrolments/%s/%s" % (_q(enrolment_id), action), body)
    except ApiError as exc:
        if exc.status not in (400, 409, 422):
            raise
        return render(ctx, programme_id, exc.status, {field: [forms.problem_sentence(exc, ctx.t)]})
    return ctx.redirect(endpoint, programme_id=programme_id,
                        selesai="withdrawn" if action == "withdraw" else "completed")
