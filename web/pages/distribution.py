"""Console: programmes and their rounds (tahap). Schedule a round, generate its
allocations (a background job: web/jobs.py), see who is waiting and why, close it;
explain a resident's eligibility criterion by criterion.

Everything is the distribution service's through ``/api/v1``: the rules that
choose who receives (lowest welfare decile first when budget or quota is
short, docs/distribution.md) are applied there; these pages tell them.
"""
from web import forms
from web.format import describe, rupiah
from web.api import CLIENT_HEADER, ApiError, together
from web.jobs import FAILED
from web.pages import ORDER, nav, page

#: the gateway gives generation 300 s (gateway/routes/distribution.py GENERATE_DEADLINE)
GENERATE_TIMEOUT = 310
PER_PAGE = 50
STATUSES = ("pending", "waiting", "disbursed", "not_collected", "cancelled", "returned")


@page("/konsol/program", login="officer")
def programmes(ctx):
    """Every programme (also those not applying to this deployment) with its next round."""
    api = ctx.officer_api
    listed, upcoming = together(
        lambda: api.get("programmes", {"include_disabled": "true", "per_page": 200}),
        lambda: api.get("rounds", {"upcoming": "true", "per_page": 200}))
    next_round = {}
    for rnd in upcoming["items"]:
        next_round.setdefault(rnd["programme_code"], rnd)
    return ctx.render("console/programmes.html", items=listed["items"], next_round=next_round)


def _round_body(form):
    body, errors = {}, {}
    for name in ("name", "location"):
        body[name] = form.get(name, "").strip()
        if not body[name]:
            errors[name] = ["distribution.errors.%s" % name]
    for name in ("starts_on", "ends_on"):
        try:
            body[name] = forms.iso_date(form.get(name))
        except ValueError:
            body[name] = None
        if not body[name]:
            errors[name] = ["distribution.errors.date"]
    if body["starts_on"] and body["ends_on"] and body["ends_on"] < body["starts_on"]:
        errors["ends_on"] = ["distribution.errors.ends_before"]
    try:
        body["budget_idr"] = forms.rupiah_input(form.get("budget_idr"))
    except ValueError:
        errors["budget_idr"] = ["distribution.errors.rupiah"]
    try:
        body["quota"] = forms.whole_number(form.get("quota"))
    except ValueError:
        errors["quota"] = ["distribution.errors.quota"]
    return {k: v for k, v in body.items() if v is not None}, errors


@page("/konsol/program/<code>", methods=("GET", "POST"), login="officer")
def programme_console(ctx, code):
    """GET: a programme's rules and rounds. POST: schedule a round (``name``,
    ``starts_on``, ``ends_on``, ``location``, optional ``budget_idr``, ``quota``), 303
    to the round; 400/422 with what to correct."""
    api = ctx.officer_api
    form, errors, status = {}, {}, 200
    if ctx.request.method == "POST":
        form = ctx.form
        body, errors = _round_body(form)
        if not errors:
            try:
                created = api.post("programmes/%s/rounds" % code, body)
                return ctx.redirect("round_page", round_id=created["id"], baru="1")
            except ApiError as exc:
                if exc.status not in (400, 409, 422):
                    raise
                errors = forms.api_errors(exc, ctx.t) or {
                    "_form": [forms.problem_sentence(exc, ctx.t)]}
        status = 400
    programme, rounds = together(
        lambda: api.get("programmes/%s" % code),
        lambda: api.get("rounds", {"programme": code, "per_page": 200}))
    return ctx.render("console/programme.html", status=status, programme=programme,
                      rounds=sorted(rounds["items"], key=lambda r: r["starts_on"], reverse=True),
                      form=form, errors=errors)


@page("/konsol/tahap/<round_id>", login="officer")
def round_page(ctx, round_id):
    """A round: its totals, its allocations (``status``, ``rt``, ``rw``, ``page``), the
    waiting list in the order it is served and why it waits, and the actions
    (generate, close). ``?buat=<job>`` follows a generation started here."""
    api = ctx.officer_api
    args = ctx.request.args
    status = args.get("status") if args.get("status") in STATUSES else ""
    area = {k: forms.digits(args.get(k, "")).zfill(3) for k in ("rt", "rw") if args.get(k)}
    try:
        page_no = max(1, int(args.get("page", 1)))
    except ValueError:
        page_no = 1
    query = dict(area, page=page_no, per_page=PER_PAGE, **({"status": status} if status else {}))
    if status == "waiting":  # in the order the round serves its waiting list
        query["order"] = "priority"
    rnd, report, listed = together(
        lambda: api.get("rounds/%s" % round_id),
        lambda: api.get("rounds/%s/report" % round_id),
        lambda: api.get("rounds/%s/allocations" % round_id, query))
    items = listed["items"]
    job = ctx.app.jobs.get(args.get("buat", ""), ctx.account["id"])
    return ctx.render("console/round.html", round=rnd, report=report, items=items,
                      total=listed["total"], page_no=page_no, state=status,
                      pages=(listed["total"] + PER_PAGE - 1) // PER_PAGE, area=area,
                      offset=(page_no - 1) * PER_PAGE, job=job, job_problem=_problem(ctx, job),
                      why=waiting_reason(rnd, report["totals"], ctx.t), created=args.get("baru"),
                      closed=args.get("ditutup"))


def waiting_reason(rnd, totals, t):
    """Why allocations wait, in words: the quota or the budget is used up by those
    allocated (None when nobody waits)."""
    if not totals["waiting"]["count"]:
        return None
    allocated = totals["allocated"]
    if rnd.get("quota") is not None and allocated["count"] >= rnd["quota"]:
        return t("distribution.why.quota", quota=rnd["quota"], count=allocated["count"],
                 waiting=totals["waiting"]["count"])
    if rnd.get("budget_idr") is not None:
        return t("distribution.why.budget", budget=rupiah(rnd["budget_idr"], t),
                 used=rupiah(allocated["amount_idr"], t), waiting=totals["waiting"]["count"])
    return t("distribution.why.other", waiting=totals["waiting"]["count"])


def _problem(ctx, job):
    if job is None or job.state != FAILED:
        return None
    if isinstance(job.error, ApiError) and job.error.status in (409, 422):
        return forms.problem_sentence(job.error, ctx.t)
    return ctx.t("distribution.generate_failed")


@page("/konsol/tahap/<round_id>/alokasi", methods=("POST",), login="officer")
def round_generate(ctx, round_id):
    """Start generating the round's allocations (``POST rounds/<id>/allocations``, safe to
    repeat) as a job; 303 to the round, which follows it."""
    api = ctx.officer_api
    api.headers.pop(CLIENT_HEADER, None)

    def work(job):
        return api.post("rounds/%s/allocations" % round_id, timeout=GENERATE_TIMEOUT)
    job = ctx.app.jobs.start(ctx.account["id"], "generate", round_id, work)
    return ctx.redirect("round_page", round_id=round_id, buat=job.id)


@page("/konsol/tahap/<round_id>/tutup", methods=("POST",), login="officer")
def round_close(ctx, round_id):
    """Close the round (``confirm=1`` required): what is still pending becomes not
    collected. 303 to the round."""
    if ctx.form.get("confirm") != "1":
        return ctx.redirect("round_page", round_id=round_id, tutup="konfirmasi")
    ctx.officer_api.post("rounds/%s/close" % round_id, timeout=GENERATE_TIMEOUT)
    return ctx.redirect("round_page", round_id=round_id, ditutup="1")


@page("/konsol/kelayakan", login="officer")
def eligibility(ctx):
    """``?nik=&program=[&tanggal=]``: every criterion of the programme with the value the
    service saw for this resident and whether it passed (``GET eligibility``)."""
    args = ctx.request.args
    nik, code = forms.digits(args.get("nik", "")), args.get("program", "")
    on = args.get("tanggal", "")
    api = ctx.officer_api
    listed = api.get("programmes", {"include_disabled": "true", "per_page": 200})["items"]
    answer, person, errors = None, None, {}
    if nik and code:
        params = {"nik": nik, "programme": code}
        if on:
            params["on"] = on
        try:
            answer, person = together(lambda: api.get("eligibility", params),
                                      lambda: api.get("residents/%s" % nik))
        except ApiError as exc:
            if exc.status == 404:
                errors["nik"] = ["distribution.errors.unknown"]
            elif exc.status == 400:
                errors = forms.api_errors(exc, ctx.t)
            else:
                raise
    elif nik or code:
        errors["nik" if not nik else "program"] = ["distribution.errors.both"]
    if answer:
        rule = next((p["criteria"] for p in listed if p["code"] == code), None)
        answer = dict(answer, criteria=[explained(c, rule, ctx.t) for c in answer["criteria"]])
    return ctx.render("console/eligibility.html", status=400 if errors else 200,
                      programmes=listed, answer=answer, person=person, errors=errors,
                      form={"nik": nik, "program": code, "tanggal": on})


def explained(criterion, rule, t):
    """One line of ``GET eligibility`` in the console's words, with its ``depth``: a node
    of the programme's rule (``path`` ``criteria.all.1.not``) is told by its label or the
    language file's words (web/format.py), as residents read the criteria; the checks the
    service adds (status, deployment, exclusivity) keep the service's sentence."""
    path = criterion.get("path") or ""
    parts = path.split(".")
    if parts[0] != "criteria" or rule is None:
        return dict(criterion, depth=0)
    node, rest = rule, parts[1:]
    try:
        while rest:
            if rest[0] == "not":
                node, rest = node["not"], rest[1:]
            else:
                node, rest = node[rest[0]][int(rest[1])], rest[2:]
    except (KeyError, IndexError, ValueError, TypeError):
        return dict(criterion, depth=0)
    if len(parts) == 1 and not node.get("label"):
        words = t("eligibility.all_criteria")
    else:
        words = describe(node, t)
    return dict(criterion, criterion=words, depth=len([p for p in parts[1:]
                                                       if not p.isdigit()]))


nav("console", "programmes", "console.nav.distribution",
    match=("/konsol/program", "/konsol/tahap", "/konsol/alokasi", "/konsol/kelayakan"),
    order=ORDER["distribution"])
