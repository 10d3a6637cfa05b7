"""Console: changing the registry. Edit a resident or a family with a reason,
deactivate a resident, add a member, register a family.

Every change goes to the registry through ``/api/v1`` with the officer's
session, so its history records who, when, what and why, and the gateway
audits it. A form that fails comes back with the officer's input and each
field's error in words; nothing is sent twice on a reload (303 after POST).
"""
from web import forms, registry_forms as rf
from web.api import ApiError
from web.format import local_time
from web.pages import page

MAX_MEMBERS = 30  # the registry's limit of members per family (HouseholdIn)
#: services/shared/codes.py INACTIVE_REASONS (a unit test keeps them equal)
INACTIVE_REASONS = ("moved_out", "deceased", "duplicate", "other")


def _refused(ctx, exc, field_id=None):
    """Field errors of a 400, or one sentence of a 409/422 (``_form``); re-raise the rest."""
    if exc.status == 400:
        errors = forms.api_errors(exc, ctx.t, field_id)
        return errors or {"_form": [forms.problem_sentence(exc, ctx.t)]}
    if exc.status in (409, 422):
        return {"_form": [forms.problem_sentence(exc, ctx.t)]}
    raise exc


def _reason(form, errors):
    reason = form.get("reason", "").strip()
    if not reason:
        errors["reason"] = ["registry.errors.reason"]
    return reason


@page("/konsol/warga/<nik>/ubah", methods=("GET", "POST"), login="officer")
def resident_edit(ctx, nik):
    """GET: a resident's fields to change. POST: the changed fields with a ``reason``
    (``PATCH residents/<nik>``), 303 to the resident; 400 with what to correct, or 409
    when someone changed the record since the form was opened."""
    api = ctx.officer_api
    current = api.get("residents/%s" % nik)
    if ctx.request.method == "GET":
        return ctx.render("console/resident_edit.html", person=current, errors={},
                          form=dict(rf.form_values(current, rf.PERSON), reason="",
                                    version=str(current.get("version", ""))))
    form = ctx.form
    values, errors = rf.person(form)
    reason = _reason(form, errors)
    changes = rf.changed(values, current)
    if not changes and set(errors) <= {"reason"}:
        errors["_form"] = ["registry.errors.no_change"]
    if str(current.get("version")) != form.get("version"):
        errors["_form"] = [ctx.t("registry.errors.stale",
                                 when=local_time(current.get("updated_at"), ctx.t))]
    if not errors:
        try:
            after = api.patch("residents/%s" % nik, dict(changes, reason=reason))
            return ctx.redirect("resident", nik=after["nik"], diubah="1")
        except ApiError as exc:
            errors = _refused(ctx, exc)
    return ctx.render("console/resident_edit.html", status=400, person=current, errors=errors,
                      form=dict(form.to_dict(), version=str(current.get("version", ""))))


@page("/konsol/warga/<nik>/nonaktifkan", methods=("GET", "POST"), login="officer")
def resident_deactivate(ctx, nik):
    """GET: the reasons. POST: ``POST residents/<nik>/deactivate`` (``reason``, ``note``),
    303 to the resident; 400 when no reason is chosen."""
    api = ctx.officer_api
    current = api.get("residents/%s" % nik)
    errors, form = {}, ctx.form if ctx.request.method == "POST" else {}
    if ctx.request.method == "POST":
        body = {"reason": form.get("reason", "")}
        if body["reason"] not in INACTIVE_REASONS:
            errors["reason"] = ["registry.errors.inactive_reason"]
        if form.get("note", "").strip():
            body["note"] = form["note"].strip()
        if not errors:
            try:
                api.post("residents/%s/deactivate" % nik, body)
                return ctx.redirect("resident", nik=nik, nonaktif="1")
            except ApiError as exc:
                errors = _refused(ctx, exc)
    return ctx.render("console/resident_deactivate.html", status=400 if errors else 200,
                      person=current, form=form, errors=errors)


@page("/konsol/keluarga/<household_id>", login="officer")
def household(ctx, household_id):
    """A family (KK): its address and attributes, members, and every allocation it has."""
    api = ctx.officer_api
    family = api.get("households/%s" % household_id)
    try:
        programmes = api.get("families/%s/programmes" % family["kk_number"])["programmes"]
    except ApiError as exc:
        if exc.status != 404:  # not yet in distribution's projection: nothing received
            raise
        programmes = []
    notice = None
    for flag, key in (("diubah", "registry.changed"), ("anggota", "registry.member_added"),
                      ("baru", "registry.registered")):
        if ctx.request.args.get(flag):
            notice = ctx.t(key)
    return ctx.render("console/household.html", household=family, programmes=programmes,
                      notice=notice)


@page("/konsol/keluarga/<household_id>/ubah", methods=("GET", "POST"), login="officer")
def household_edit(ctx, household_id):
    """GET: a family's fields. POST: ``PATCH households/<id>`` with the changed fields and
    a ``reason``, 303 to the family; 400 with what to correct."""
    api = ctx.officer_api
    current = api.get("households/%s" % household_id)
    if ctx.request.method == "GET":
        return ctx.render("console/household_edit.html", household=current, errors={},
                          form=dict(rf.form_values(current, rf.HOUSEHOLD), reason="",
                                    version=str(current.get("version", ""))))
    form = ctx.form
    values, errors = rf.household(form)
    reason = _reason(form, errors)
    changes = rf.changed(values, current, keep_blank=())
    if not changes and set(errors) <= {"reason"}:
        errors["_form"] = ["registry.errors.no_change"]
    if str(current.get("version")) != form.get("version"):
        errors["_form"] = [ctx.t("registry.errors.stale",
                                 when=local_time(current.get("updated_at"), ctx.t))]
    if not errors:
        try:
            api.patch("households/%s" % household_id, dict(changes, reason=reason))
            return ctx.redirect("household", household_id=household_id, diubah="1")
        except ApiError as exc:
            errors = _refused(ctx, exc)
    return ctx.render("console/household_edit.html", status=400, household=current,
                      errors=errors, form=dict(form.to_dict(),
                                               version=str(current.get("version", ""))))


@page("/konsol/keluarga/<household_id>/anggota-baru", methods=("GET", "POST"), login="officer")
def member_add(ctx, household_id):
    """GET: a new member's fields. POST: ``POST households/<id>/members``, 303 to the
    family; 400/409 with what to correct (a NIK already registered is named)."""
    api = ctx.officer_api
    family = api.get("households/%s" % household_id)
    errors, form = {}, ctx.form if ctx.request.method == "POST" else {}
    if ctx.request.method == "POST":
        values, errors = rf.person(form)
        if not errors:
            try:
                api.post("households/%s/members" % household_id, values)
                return ctx.redirect("household", household_id=household_id, anggota="1")
            except ApiError as exc:
                errors = _refused(ctx, exc)
    return ctx.render("console/member_add.html", status=400 if errors else 200,
                      household=family, form=form, errors=errors)


@page("/konsol/keluarga/baru", methods=("GET", "POST"), login="officer")
def household_register(ctx):
    """GET: a family's fields and one member (its head). POST ``action=more``: the same
    form with one member more (nothing sent); else ``POST households``, 303 to the new
    family; 400/409 with every field to correct."""
    form = ctx.form if ctx.request.method == "POST" else {"m0-relationship": "head"}
    count = _member_count(form)
    errors = {}
    if ctx.request.method == "POST":
        if form.get("action") == "more":
            count = min(MAX_MEMBERS, count + 1)
            return ctx.render("console/household_register.html", form=form, errors={},
                              count=count)
        body, errors = rf.household(form)
        members, blocks = [], []
        for index in range(count):
            prefix = "m%d-" % index
            if not any(form.get(prefix + k, "").strip() for k in ("nik", "full_name")):
                continue  # a member block left empty is not a member
            member, member_errors = rf.person(form, prefix)
            members.append(member)
            blocks.append(index)
            errors.update(member_errors)
        if not members:
            errors["m0-full_name"] = ["registry.errors.no_member"]
        body["members"] = members
        body = {k: v for k, v in body.items() if v is not None}
        if not errors:
            try:
                created = ctx.officer_api.post("households", body)
                return ctx.redirect("household", household_id=created["id"], baru="1")
            except ApiError as exc:
                errors = _refused(ctx, exc, lambda path: _block_field(path, blocks))
    return ctx.render("console/household_register.html", status=400 if errors else 200,
                      form=form, errors=errors, count=count)


def _member_count(form):
    try:
        return max(1, min(MAX_MEMBERS, int(form.get("members", 1))))
    except (TypeError, ValueError):
        return 1



def _block_field(path, blocks):
    """``members.1.nik`` of the API -> the id of that member's block in the form."""
    member = forms.NESTED.match(path)
    if member and int(member.group(1)) < len(blocks):
        return "m%d-%s" % (blocks[int(member.group(1))], member.group(2))
    return path.rpartition(".")[2]
