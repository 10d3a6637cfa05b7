"""Console: reports. Aid handed over per programme and month, complaints by category
and time to resolve, feedback; a round's report; a programme's year. Each chart
stands beside the table of its numbers, and each report downloads as the API's
own CSV (``?format=csv``), relayed as it comes.
"""
import datetime
from urllib.parse import quote

from werkzeug.wrappers import Response

from web import charts
from web.api import together
from web.format import WIB
from web.pages import ORDER, nav, page
from web.pages.complaints import CATEGORIES

FIRST_YEAR = 2024
METRICS = ("eligible", "allocated", "pending", "waiting", "disbursed", "not_collected",
           "cancelled", "returned")


def _year(ctx):
    this = datetime.datetime.now(WIB).year
    try:
        year = int(ctx.request.args.get("tahun", this))
    except ValueError:
        year = this
    return min(max(year, FIRST_YEAR), this + 1), list(range(this + 1, FIRST_YEAR - 1, -1))


@page("/konsol/laporan", login="officer")
def reports(ctx):
    """``?tahun=``: the year's handovers per programme and month, complaints by category
    and time to resolve per month, feedback per programme; charts, tables, CSV links."""
    year, years = _year(ctx)
    api = ctx.officer_api
    handed, complaints, feedback, listed = together(
        lambda: api.get("reports/disbursements", {"year": year}),
        lambda: api.get("reports/complaints", {"year": year}),
        lambda: api.get("reports/feedback", {"year": year}),
        lambda: api.get("programmes", {"include_disabled": "true", "per_page": 200}))
    t = ctx.t
    months = [t("format.months_short")[int(m[5:]) - 1] for m in handed["months"]]
    names = {p["code"]: p["name"] for p in listed["items"]}
    pictures = {}
    if handed["totals"]["count"]:
        pictures["handed"] = charts.bars(months, [
            (names.get(p["programme_code"], p["programme_code"]),
             [c["amount_idr"] for c in p["months"]]) for p in handed["programmes"]],
            t, money=True)
    total = complaints["total"]
    if total["submitted"]:
        pictures["categories"] = charts.bars(
            [t("categories.%s.name" % c) for c in CATEGORIES],
            [(t("reports.complaints_count"), [total["by_category"].get(c, 0)
                                               for c in CATEGORIES])], t, horizontal=True)
    if total["resolved"]:
        monthly = complaints["months"]
        pictures["resolve"] = charts.bars(months, [
            (t("reports.median"), [m["hours_to_resolve"]["median"] or 0 for m in monthly]),
            (t("reports.p90"), [m["hours_to_resolve"]["p90"] or 0 for m in monthly])],
            t, stacked=False)
    return ctx.render("console/reports.html", year=year, years=years, handed=handed,
                      complaints=complaints, feedback=feedback["programmes"], names=names,
                      months=months, pictures=pictures, categories=CATEGORIES)


@page("/konsol/tahap/<round_id>/laporan", login="officer")
def round_report(ctx, round_id):
    """A round's report: each count and rupiah total (handed over, by a representative,
    waiting, not collected...), the reasons, a chart of the counts, its CSV."""
    report = ctx.officer_api.get("rounds/%s/report" % round_id)
    totals = report["totals"]
    picture = None
    if totals["eligible"]["count"]:
        picture = charts.bars([ctx.t("reports.metrics.%s" % m) for m in METRICS],
                              [(ctx.t("reports.count"), [totals[m]["count"] for m in METRICS])],
                              ctx.t, horizontal=True)
    return ctx.render("console/round_report.html", report=report, round=report["round"],
                      totals=totals, picture=picture)


@page("/konsol/laporan/program/<code>/<int:year>", login="officer")
def programme_report(ctx, code, year):
    """A programme's rounds in a year, with their totals and the year's."""
    report = ctx.officer_api.get("programmes/%s/reports/%d" % (quote(code, safe=""), year))
    return ctx.render("console/programme_report.html", report=report, code=code, year=year,
                      metrics=METRICS)


#: what may be downloaded: name -> (API path, the parameters it needs: in the path or the query)
DOWNLOADS = {
    "penyaluran": ("reports/disbursements", ("year",)),
    "pengaduan": ("reports/complaints", ("year",)),
    "masukan": ("reports/feedback", ("year",)),
    "tahap": ("rounds/{round}/report", ("round",)),
    "program": ("programmes/{programme}/reports/{year}", ("programme", "year")),
}


@page("/konsol/laporan/unduh/<kind>.csv", login="officer")
def report_csv(ctx, kind):
    """The API's CSV of a report (``kind`` in ``DOWNLOADS``; ``year``, ``round``,
    ``programme`` as it needs), as a download; 404 for another kind."""
    if kind not in DOWNLOADS:
        return ctx.app.error_page(ctx, 404)
    path, needs = DOWNLOADS[kind]
    values = {k: ctx.request.args.get(k, "").strip() for k in needs}
    if not all(values.values()):
        return ctx.app.error_page(ctx, 404)
    params = dict({k: v for k, v in values.items() if "{%s}" % k not in path}, format="csv")
    answer = ctx.officer_api.get(path.format(**{k: quote(v, safe="") for k, v in
                                                values.items()}), params, raw=True)
    name = answer.headers.get("Content-Disposition") or 'attachment; filename="%s.csv"' % kind
    return Response(answer.content, mimetype="text/csv",
                    headers={"Content-Disposition": name})


nav("console", "reports", "console.nav.reports", match="/konsol/laporan",
    order=ORDER["reports"])
