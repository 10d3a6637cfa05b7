"""Charts of the console's reports: the kit's bar charts (``services.shared.charts``,
drawn server-side by matplotlib as SVG) in the console's words.

A chart is an ``<img>`` whose source is the SVG itself (a ``data:`` address,
which the pages' Content-Security-Policy allows for images), so a report
page is one request and its figures are the ones its table shows. Every
chart sits beside the table of its numbers and says so in its text
alternative.
"""
import base64

from services.shared import charts


def _words(t):
    return {"decimal": t("format.decimal"), "thousand": t("format.thousand"),
            "million": t("format.million"), "billion": t("format.billion"),
            "trillion": t("format.trillion")}


def short_rupiah(amount, t):
    """``1500000`` -> ``Rp1,5 jt``: an axis label (the table has the exact figure)."""
    return charts.short_rupiah(amount, _words(t))


def bars(labels, series, t, money=False, stacked=True, horizontal=False):
    """A bar chart as a ``data:image/svg+xml`` address (``services.shared.charts.bars_svg``
    says what the arguments are; ``t`` gives the words of short rupiah amounts)."""
    svg = charts.bars_svg(labels, series, money=money, stacked=stacked,
                          horizontal=horizontal, words=_words(t))
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
