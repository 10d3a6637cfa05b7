"""The status check (public): NIK + birth date through ``POST /api/v1/status-check``.

The API's rate limit counts per resident: the page's API call carries the
address the gateway signed for this browser (web/api.py). An unknown NIK and
a wrong birth date read the same, as the API answers them the same.
"""
import datetime

from web.api import ApiError
from web.pages import page


def birth_date(form):
    """``(YYYY-MM-DD or None, {field: [message key]})`` from the day/month/year fields."""
    day, month, year = (form.get(k, "").strip() for k in ("day", "month", "year"))
    if not (day and month and year):
        return None, {"birth_date": ["status.errors.birth_date_missing"]}
    try:
        value = datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None, {"birth_date": ["status.errors.birth_date_invalid"]}
    if value > datetime.date.today() or value.year < 1900:
        return None, {"birth_date": ["status.errors.birth_date_invalid"]}
    return value.isoformat(), {}


def identity_check(ctx, endpoint, template):
    """A resident's own lookup by NIK and birth date, shared by the status check and
    the appointment check: GET renders the empty form; POST asks ``endpoint``
    (``status-check``, ``appointment-check``) and renders ``template`` with the
    answer (200), the field errors (400, nothing asked) or the limit (429).
    An unknown NIK and a wrong birth date read the same (``not_found``)."""
    if ctx.request.method == "GET":
        return ctx.render(template, form={}, errors={}, answer=None)
    form = ctx.form
    nik = "".join(form.get("nik", "").split())
    errors = {}
    if not (nik.isdigit() and len(nik) == 16):
        errors["nik"] = ["status.errors.nik"]
    born, date_errors = birth_date(form)
    errors.update(date_errors)
    answer, status = None, 200
    if not errors:
        try:
            answer = ctx.api.post(endpoint, {"nik": nik, "birth_date": born})
        except ApiError as exc:
            if exc.status == 404:
                answer = {"not_found": True}
            elif exc.status == 429:
                answer, status = {"retry_after": exc.retry_after or 60}, 429
            elif exc.status == 400:
                errors = {"nik" if "nik" in f else "birth_date": ["status.errors.invalid"]
                          for f in exc.errors}
            else:
                raise
    if errors:
        status = 400
    # once answered, the form is emptied: a shared phone should not keep the NIK on screen
    kept = {} if answer and "full_name" in answer else {
        "nik": nik, "day": form.get("day", ""), "month": form.get("month", ""),
        "year": form.get("year", "")}
    return ctx.render(template, status=status, answer=answer, errors=errors, form=kept)


@page("/cek-status", methods=("GET", "POST"))
def status_check(ctx):
    """GET: the form. POST: the answer (200), the field errors (400), or the limit (429)."""
    return identity_check(ctx, "status-check", "resident/status.html")
