"""Console: monitoring (docs/monitoring.md): a resident's timeline by NIK and the
year's report with a link to its printable page. Officers and admins."""
import datetime

from werkzeug.wrappers import Response

from web.api import ApiError
from web.pages import ORDER, nav, page


def _this_year():
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)).year


def _year(ctx):
    value = ctx.request.args.get("tahun", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else _this_year()


@page("/konsol/pemantauan", login="officer")
def timeline(ctx):
    """A resident's timeline (``?nik=``; ``GET residents/{nik}/timeline``); a NIK that
    monitoring does not know answers the page with a message, status 404."""
    nik = "".join(ch for ch in ctx.request.args.get("nik", "") if ch.isdigit())
    found, status = None, 200
    if nik:
        try:
            found = ctx.officer_api.get("residents/%s/timeline" % nik)
        except ApiError as exc:
            if exc.status != 404:
                raise
            status = 404
    return ctx.render("console/timeline.html", status=status, nik=nik, found=found)


@page("/konsol/pemantauan/keluarga/<household_id>", login="officer")
def household_timeline(ctx, household_id):
    """A family's timeline, its own entries and its members' (``GET
    households/{id}/timeline``); a family monitoring has not seen answers the page
    with a message, status 404."""
    found, status = None, 200
    try:
        found = ctx.officer_api.get("households/%s/timeline" % household_id)
    except ApiError as exc:
        if exc.status != 404:
            raise
        status = 404
    return ctx.render("console/household_timeline.html", status=status,
                      household_id=household_id, found=found)


@page("/konsol/pemantauan/tahunan", login="officer")
def annual_report(ctx):
    """The year's figures (``?tahun=``; ``GET reports/annual/{year}``)."""
    year = _year(ctx)
    report = ctx.officer_api.get("reports/annual/%d" % year)
    return ctx.render("console/annual.html", year=year, report=report,
                      years=list(range(_this_year(), _this_year() - 5, -1)))


@page("/konsol/pemantauan/tahunan/<int:year>/cetak", login="officer")
def annual_report_print(ctx, year):
    """The printable report (``GET reports/annual/{year}?format=html``), as the service writes it."""
    answer = ctx.officer_api.get("reports/annual/%d" % year, {"format": "html"}, raw=True)
    return Response(answer.content, mimetype="text/html")


nav("console", "timeline", "console.nav.monitoring", match="/konsol/pemantauan",
    order=ORDER["monitoring"])
