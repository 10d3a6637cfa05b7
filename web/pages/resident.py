"""Resident pages (public): the programmes on offer, one programme, the schedule.

Everything here works without JavaScript; the service worker keeps the last
seen copy of these pages for reading offline (web/templates/sw.js).
"""
from web.api import together
from web.pages import nav, page

PER_PAGE = 200  # the API's maximum: a village has a few dozen programmes and rounds


def upcoming_rounds(ctx, programme=None):
    """Rounds not yet ended, soonest first: ``[round]`` from ``GET /rounds?upcoming=true``."""
    params = {"upcoming": "true", "per_page": PER_PAGE}
    if programme:
        params["programme"] = programme
    rounds = ctx.api.get("rounds", params)["items"]
    return sorted(rounds, key=lambda r: (r["starts_on"], r["programme_code"]))


def benefit_lines(programme):
    """What a programme gives, as ``[(label or None, amount_idr or None, text)]``."""
    benefit = programme.get("benefit") or {}
    lines = []
    if benefit.get("amount_idr") is not None:
        lines.append((None, benefit["amount_idr"], benefit.get("published")))
    for component in benefit.get("components") or ():
        lines.append((component["label"], component["amount_idr"], component.get("published")))
    for goods in benefit.get("goods") or ():
        lines.append((goods["item"], None, "%s %s" % (goods["quantity"], goods["unit"])))
    return lines


@page("/")
def home(ctx):
    """The programmes on offer, soonest handover first, with who, what and when."""
    programmes, rounds = together(
        lambda: ctx.api.get("programmes", {"per_page": PER_PAGE})["items"],
        lambda: upcoming_rounds(ctx))
    next_round = {}
    for rnd in rounds:
        next_round.setdefault(rnd["programme_code"], rnd)
    programmes.sort(key=lambda p: (p["code"] not in next_round, p["name"]))
    return ctx.render("resident/home.html", programmes=programmes, next_round=next_round,
                      benefit_lines=benefit_lines)


@page("/program/<code>")
def programme(ctx, code):
    """One programme: criteria, benefit, rounds, rights, obligations, what is forbidden."""
    found, rounds = together(lambda: ctx.api.get("programmes/%s" % code),
                             lambda: upcoming_rounds(ctx, code))
    return ctx.render("resident/programme.html", programme=found, rounds=rounds,
                      benefit_lines=benefit_lines(found))


@page("/jadwal")
def schedule(ctx):
    """Every round not yet ended, grouped by the month it starts (``YYYY-MM``)."""
    months = []
    for rnd in upcoming_rounds(ctx):
        key = rnd["starts_on"][:7]
        if not months or months[-1][0] != key:
            months.append((key, []))
        months[-1][1].append(rnd)
    return ctx.render("resident/schedule.html", months=months)


@page("/offline")
def offline(ctx):
    """What the service worker shows for a page it never kept."""
    return ctx.render("resident/offline.html")


nav("resident", "home", "nav.home")
nav("resident", "schedule", "nav.schedule")
nav("resident", "status_check", "nav.status")
nav("resident", "complaint_form", "nav.complaint", match="/pengaduan")
