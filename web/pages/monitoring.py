"""Console: monitoring (docs/monitoring.md): a resident's timeline by NIK and the
year's report with a link to its printable page. Officers and admins."""
import datetime
import textwrap

from werkzeug.wrappers import Response

from web import charts
from web.api import ApiError
from web.pages import ORDER, nav, page

#: the printable page is one file: its style and its charts' (inline SVG, styled by
#: attributes) are inline, and it runs nothing and loads nothing
PRINTABLE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                 "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
#: seconds the annual report as PDF may take (laid out and drawn by monitoring)
PDF_TIMEOUT = 60.0


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
    # both made by monitoring, as on its printable page
    trend = report["needs_trend"]
    handed = report["disbursed_by_month"]
    t = ctx.t
    pictures = {}
    if any(handed):
        pictures["handed"] = charts.bars(list(t("format.months_short")), [
            (t("monitoring.disbursed"), handed)], t, money=True)
    covered = report.get("coverage") or []
    # {code: name} of the programmes monitoring has seen named (absent from an older one)
    names = report.get("programme_names") or {}
    if covered:
        pictures["coverage"] = charts.bars([_programme_label(names, c["programme_code"])
                                            for c in covered], [
            (t("monitoring.eligible"), [c["eligible"] for c in covered]),
            (t("monitoring.reached"), [c["reached"] for c in covered])], t, stacked=False,
            horizontal=True)
    pledges = report.get("contributions") or []
    if pledges:
        pictures["contributions"] = charts.bars([p["partner_name"] for p in pledges], [
            (t("monitoring.pledged"), [_rupiah_value(p["pledged"]) for p in pledges]),
            (t("monitoring.delivered"), [_rupiah_value(p["delivered"]) for p in pledges])],
            t, money=True, stacked=False, horizontal=True)
    if trend["needs"]:
        pictures["trend"] = charts.bars(trend["needs"], [
            (str(y), [row[i] for row in trend["mentions"]])
            for i, y in enumerate(trend["years"])], t, stacked=False, horizontal=True)
    return ctx.render("console/annual.html", year=year, report=report, trend=trend,
                      pictures=pictures, monthly=handed, percent=percent(t),
                      programme_names=names,
                      decimal=decimal(t),
                      years=list(range(_this_year(), _this_year() - 5, -1)))


#: characters per line of a programme's name in a chart label (as on monitoring's
#: printable page): the longest names would be cut at the chart's edge
CHART_LABEL_WIDTH = 32


def _programme_label(names, code):
    """A programme in a chart: ``Program Keluarga Harapan (PKH)``, wrapped at
    ``CHART_LABEL_WIDTH``, or its code when monitoring has not seen it named (as on
    monitoring's printable page)."""
    if not names.get(code):
        return code
    return textwrap.fill("%s (%s)" % (names[code], code), CHART_LABEL_WIDTH)


def _rupiah_value(amounts):
    """Money and goods of a pledge or a delivery, in rupiah."""
    return amounts["amount_idr"] + amounts["in_kind_value_idr"]


def decimal(t):
    """A formatter of a figure with decimals (``10.5`` -> ``10,5``, ``4.0`` -> ``4``;
    None -> ``-``)."""
    def show(value):
        if value is None:
            return "-"
        return ("%.2f" % value).rstrip("0").rstrip(".").replace(".", t("format.decimal"))
    return show


def percent(t):
    """A formatter of a share in percent (``66.7`` -> ``66,7%``; None -> ``-``)."""
    figure = decimal(t)

    def show(value):
        return "-" if value is None else "%s%%" % figure(value)
    return show


@page("/konsol/pemantauan/tahunan/<int:year>/cetak", login="officer")
def annual_report_print(ctx, year):
    """The printable report (``GET reports/annual/{year}?format=html``), as the service writes it."""
    answer = ctx.officer_api.get("reports/annual/%d" % year, {"format": "html"}, raw=True)
    return Response(answer.content, mimetype="text/html",
                    headers={"Content-Security-Policy": PRINTABLE_CSP})


@page("/konsol/pemantauan/tahunan/<int:year>/laporan.pdf", login="officer")
def annual_report_pdf(ctx, year):
    """The printable report as PDF (``GET reports/annual/{year}?format=pdf``), downloaded."""
    answer = ctx.officer_api.get("reports/annual/%d" % year, {"format": "pdf"}, raw=True,
                                 timeout=PDF_TIMEOUT)
    return Response(answer.content, mimetype="application/pdf", headers={
        "Content-Disposition": 'attachment; filename="laporan-tahunan-%d.pdf"' % year})


nav("console", "timeline", "console.nav.monitoring", match="/konsol/pemantauan",
    order=ORDER["monitoring"])
