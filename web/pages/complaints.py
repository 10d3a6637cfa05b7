"""Complaints and feedback (public): file, keep the tracking code, track; rate a programme.

Filing is a plain form: the answer is a redirect to the complaint's own page
(``/pengaduan/<code>``), where the code stands large, with a copy button
(JavaScript) and a WhatsApp link (no JavaScript needed). A hidden
``idempotency_key`` per form makes a double submit file one complaint.
"""
import uuid
from urllib.parse import quote

from web.api import ApiError
from web.pages import page

CATEGORIES = ("not_received", "exclusion", "pungli", "schedule", "data_correction",
              "inclusion", "suggestion", "other")
#: the fixed list of data/complaints/feedback-needs.json (a unit test keeps them equal)
NEEDS = ("food", "cash", "school_costs", "health_insurance", "medicine_and_care",
         "housing_repair", "clean_water", "sanitation", "electricity", "employment",
         "business_capital", "skills_training", "childcare", "elderly_care",
         "disability_support", "civil_documents", "information")


def programmes(ctx):
    return ctx.api.get("programmes", {"per_page": 200})["items"]


def complaint_body(form):
    """The ``POST /complaints`` body of the form, and errors found before sending it."""
    body = {"category": form.get("category", ""),
            "description": form.get("description", "").strip()}
    errors = {}
    if body["category"] not in CATEGORIES:
        errors["category"] = ["complaint.errors.category"]
    if not body["description"]:
        errors["description"] = ["complaint.errors.description"]
    if form.get("programme_code"):
        body["programme_code"] = form["programme_code"]
    if form.get("identity") == "named":
        reporter = {"name": form.get("name", "").strip()}
        if not reporter["name"]:
            errors["name"] = ["complaint.errors.name"]
        for field in ("nik", "phone"):
            value = "".join(form.get(field, "").split())
            if value:
                reporter[field] = value
        body["reporter"] = reporter
    else:
        body["anonymous"] = True
    return body, errors


def api_errors(ctx, exc, area):
    """API field errors (``reporter.nik``) as form fields (``nik``) with message keys:
    ``<area>.errors.<field>`` when the language file has one, else a general one."""
    out = {}
    for field in exc.errors:
        name = field.rpartition(".")[2]
        key = "%s.errors.%s" % (area, name)
        out.setdefault(name, [key if ctx.t.get(key) else "errors.invalid_field"])
    return out


@page("/pengaduan", methods=("GET", "POST"))
def complaint_form(ctx):
    """GET: the form (``?program=``, ``?kategori=`` preselect). POST: file it, then 303
    to its page; 400 with the fields to correct."""
    form = ctx.form if ctx.request.method == "POST" else {
        "programme_code": ctx.request.args.get("program", ""),
        "category": ctx.request.args.get("kategori", ""), "identity": "anonymous"}
    errors, status = {}, 200
    if ctx.request.method == "POST":
        body, errors = complaint_body(form)
        if not errors:
            key = form.get("idempotency_key") or uuid.uuid4().hex
            try:
                answer = ctx.api.post("complaints", body, headers={"Idempotency-Key": key})
                return ctx.redirect("complaint_page", code=answer["tracking_code"], baru="1")
            except ApiError as exc:
                if exc.status != 400:
                    raise
                errors = api_errors(ctx, exc, "complaint")
        status = 400
    return ctx.render("resident/complaint_form.html", status=status, form=form, errors=errors,
                      categories=CATEGORIES, programmes=programmes(ctx),
                      idempotency_key=form.get("idempotency_key") or uuid.uuid4().hex)


@page("/pengaduan/lacak")
def complaint_lookup(ctx):
    """The form asking for a code; ``?kode=`` redirects to that complaint's page."""
    code = "".join(ctx.request.args.get("kode", "").split()).upper()
    if code:
        return ctx.redirect("complaint_page", code=code)
    return ctx.render("resident/complaint_lookup.html", code="", missing=False)


@page("/pengaduan/<code>")
def complaint_page(ctx, code):
    """A complaint by its tracking code (any case, hyphens allowed); 404 page when unknown."""
    try:
        complaint = ctx.api.get("complaints/%s" % quote(code, safe=""))
    except ApiError as exc:
        if exc.status != 404:
            raise
        return ctx.render("resident/complaint_lookup.html", status=404, code=code, missing=True)
    link = ctx.absolute_url("complaint_page", code=complaint["tracking_code"])
    share = ctx.t("complaint.share_text", code=complaint["tracking_code"], link=link)
    return ctx.render("resident/complaint_page.html", complaint=complaint,
                      new=ctx.request.args.get("baru") == "1", link=link,
                      whatsapp="https://wa.me/?text=" + quote(share, safe=""))


@page("/masukan", methods=("GET", "POST"))
def feedback(ctx):
    """GET: the form. POST: send it (rating 1-5, needs from ``NEEDS``), then 303 to thanks."""
    form = ctx.form if ctx.request.method == "POST" else {
        "programme_code": ctx.request.args.get("program", "")}
    errors, status = {}, 200
    if ctx.request.method == "POST":
        body = {"programme_code": form.get("programme_code", ""),
                "needs": [n for n in form.getlist("needs") if n in NEEDS]}
        if not body["programme_code"]:
            errors["programme_code"] = ["feedback.errors.programme"]
        if form.get("rating", "") not in ("1", "2", "3", "4", "5"):
            errors["rating"] = ["feedback.errors.rating"]
        else:
            body["rating"] = int(form["rating"])
        for field in ("comment", "needs_other"):
            if form.get(field, "").strip():
                body[field] = form[field].strip()
        if not errors:
            try:
                ctx.api.post("feedback", body, headers={
                    "Idempotency-Key": form.get("idempotency_key") or uuid.uuid4().hex})
                return ctx.redirect("feedback_thanks")
            except ApiError as exc:
                if exc.status != 400:
                    raise
                errors = api_errors(ctx, exc, "feedback")
        status = 400
    return ctx.render("resident/feedback.html", status=status, form=form, errors=errors,
                      programmes=programmes(ctx), needs=NEEDS,
                      idempotency_key=form.get("idempotency_key") or uuid.uuid4().hex)


@page("/masukan/terima-kasih")
def feedback_thanks(ctx):
    """Thanks after feedback."""
    return ctx.render("resident/feedback_thanks.html")
