"""Console: the complaints queue with deadline badges, one complaint, its moves,
notes and publication.

The queue is ``GET complaints`` with its filters; each complaint's badge says
whether its next open deadline (docs/complaints.md "Deadlines") is on time,
at risk (due within ``AT_RISK_HOURS``) or late (the API's ``overdue``). What an
officer sees of a reporter is the service's decision (a pungli reporter only
to admins); nothing here depends on who reported.
"""
import datetime
from urllib.parse import urlencode

from web import forms
from web.api import ApiError
from web.pages import ORDER, nav, page
from web.pages.complaints import CATEGORIES

#: the workflow of services/complaints/domain.py (a unit test keeps the two equal)
TRANSITIONS = {
    "received": ("verified", "rejected"),
    "verified": ("forwarded", "in_progress", "resolved", "rejected"),
    "forwarded": ("in_progress", "resolved", "rejected"),
    "in_progress": ("forwarded", "resolved", "rejected"),
    "resolved": ("reopened",),
    "rejected": ("reopened",),
    "reopened": ("verified", "forwarded", "in_progress", "resolved", "rejected"),
}
STATUSES = tuple(TRANSITIONS)
NEEDS_NOTE = ("resolved", "rejected", "reopened")
CLOSED = ("resolved", "rejected")
#: a deadline this close is "at risk" (village practice: the officer on duty sees it a day ahead)
AT_RISK_HOURS = 24
#: the fields a data-correction complaint may ask to change (services/complaints CORRECTABLE)
CORRECTABLE = ("nik", "full_name", "sex", "birth_place", "birth_date", "religion", "education",
               "marital_status", "relationship", "disability", "occupation_code", "street",
               "rt", "rw")
PER_PAGE = 25


def _instant(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def deadline_badge(complaint, now=None):
    """``{"state": "on_time"|"at_risk"|"late"|"closed_on_time"|"closed_late", "name",
    "due_at"}``: the complaint's next open deadline and how it stands at ``now`` (UTC)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    deadlines = complaint.get("deadlines") or []
    if complaint["status"] in CLOSED:
        late = any(d.get("missed") for d in deadlines)
        return {"state": "closed_late" if late else "closed_on_time", "name": None,
                "due_at": None}
    open_ = sorted((d for d in deadlines if not d.get("met_at")), key=lambda d: d["due_at"])
    if not open_:
        return {"state": "late" if complaint.get("overdue") else "on_time", "name": None,
                "due_at": None}
    due = open_[0]
    late = [d for d in open_ if _instant(d["due_at"]) < now]
    if complaint.get("overdue") or late:
        due = late[0] if late else due
        return {"state": "late", "name": due["name"], "due_at": due["due_at"]}
    at_risk = _instant(due["due_at"]) - now <= datetime.timedelta(hours=AT_RISK_HOURS)
    return {"state": "at_risk" if at_risk else "on_time", "name": due["name"],
            "due_at": due["due_at"]}


@page("/konsol/pengaduan", login="officer")
def complaints_queue(ctx):
    """The queue: ``status``, ``category``, ``programme``, ``terlambat=1``, ``kode``, ``page``;
    25 a page, newest first, with the counts of new and overdue complaints."""
    args = ctx.request.args
    filters = {"status": args.get("status") if args.get("status") in STATUSES else "",
               "category": args.get("category") if args.get("category") in CATEGORIES else "",
               "programme": args.get("programme", "").strip(),
               "terlambat": "1" if args.get("terlambat") == "1" else "",
               "kode": "".join(args.get("kode", "").split()).upper()}
    try:
        page_no = max(1, int(args.get("page", 1)))
    except ValueError:
        page_no = 1
    query = {"page": page_no, "per_page": PER_PAGE}
    for ours, theirs in (("status", "status"), ("category", "category"),
                         ("programme", "programme_code"), ("kode", "tracking_code")):
        if filters[ours]:
            query[theirs] = filters[ours]
    if filters["terlambat"]:
        query["overdue"] = "true"
    api = ctx.officer_api
    listed = api.get("complaints", query)
    programmes = api.get("programmes", {"include_disabled": "true", "per_page": 200})["items"]
    now = datetime.datetime.now(datetime.timezone.utc)
    items = [dict(c, badge=deadline_badge(c, now)) for c in listed["items"]]
    link = urlencode({k: v for k, v in filters.items() if v})
    return ctx.render("console/complaints.html", items=items, total=listed["total"],
                      counts=listed.get("counts") or {}, filters=filters, page_no=page_no,
                      pages=(listed["total"] + PER_PAGE - 1) // PER_PAGE, link=link,
                      statuses=STATUSES, categories=CATEGORIES, programmes=programmes)


@page("/konsol/pengaduan/<complaint_id>", methods=("GET", "POST"), login="officer")
def complaint_console(ctx, complaint_id):
    """GET: the whole complaint. POST ``action``: ``transition`` (``to``, ``note``,
    ``internal_note``, ``forwarded_to``, ``assigned_to``, ``version``, a correction),
    ``note`` (``text``, ``public``), ``publish`` (``summary``, ``answer``) or
    ``unpublish``; 303 back with what was done, or the page with what to correct."""
    api = ctx.officer_api
    errors = {}
    if ctx.request.method == "POST":
        action = ctx.form.get("action")
        try:
            done = _act(ctx, api, complaint_id, action, errors)
            if done:
                return ctx.redirect("complaint_console", complaint_id=complaint_id, ok=action)
        except ApiError as exc:
            if exc.status not in (400, 409, 422):
                raise
            prefix = {"transition": "t-", "note": "n-", "publish": "p-"}.get(action, "")
            found = forms.api_errors(exc, ctx.t, lambda path: prefix + (
                "correction_value" if path.startswith("correction") else path.rpartition(".")[2]))
            errors.update(found or {"_form": [forms.problem_sentence(exc, ctx.t)]})
    complaint = api.get("complaints/%s" % complaint_id)
    done = ctx.request.args.get("ok")
    return ctx.render("console/complaint.html", status=400 if errors else 200,
                      complaint=complaint, badge=deadline_badge(complaint), errors=errors,
                      form=ctx.form if errors else {}, moves=TRANSITIONS.get(
                          complaint["status"], ()), needs_note=NEEDS_NOTE,
                      correctable=CORRECTABLE,
                      notice=ctx.t("complaints.done.%s" % done) if done in (
                          "transition", "note", "publish", "unpublish") else None)


def _act(ctx, api, complaint_id, action, errors):
    """Send one change; True when sent, False with ``errors`` filled when not."""
    form = ctx.form
    if action == "transition":
        body = _transition(form, errors)
        if errors:
            return False
        api.post("complaints/%s/transitions" % complaint_id, body)
    elif action == "note":
        text = form.get("n-text", "").strip()
        if not text:
            errors["n-text"] = ["complaints.errors.note"]
            return False
        api.post("complaints/%s/notes" % complaint_id,
                 {"text": text, "public": form.get("n-public") == "1"})
    elif action == "publish":
        body = {"summary": form.get("p-summary", "").strip(),
                "answer": form.get("p-answer", "").strip()}
        for name, value in body.items():
            if not value:
                errors["p-" + name] = ["complaints.errors.%s" % name]
        if errors:
            return False
        api.post("complaints/%s/publication" % complaint_id, body)
    elif action == "unpublish":
        api.delete("complaints/%s/publication" % complaint_id)
    else:
        errors["_form"] = ["errors.invalid_field"]
        return False
    return True


def _transition(form, errors):
    to = form.get("t-to", "")
    body = {"to": to}
    if to not in STATUSES:
        errors["t-to"] = ["complaints.errors.to"]
        return body
    for name in ("note", "internal_note", "forwarded_to", "assigned_to"):
        value = form.get("t-" + name, "").strip()
        if value and (name != "forwarded_to" or to == "forwarded") and (
                name != "assigned_to" or to == "verified"):
            body[name] = value
    if to in NEEDS_NOTE and not body.get("note"):
        errors["t-note"] = ["complaints.errors.public_note"]
    if to == "forwarded" and not body.get("forwarded_to"):
        errors["t-forwarded_to"] = ["complaints.errors.forwarded_to"]
    if form.get("t-version", "").isdigit():
        body["version"] = int(form["t-version"])
    field, value = form.get("t-correction_field", ""), form.get("t-correction_value", "").strip()
    if to == "resolved" and field in CORRECTABLE and value:
        body["correction"] = {"subject_nik": forms.digits(form.get("t-subject_nik", "")),
                              "fields": {field: value}}
    return body


nav("console", "complaints_queue", "console.nav.complaints", match="/konsol/pengaduan",
    order=ORDER["complaints"])
