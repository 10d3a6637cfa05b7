"""Charts of the console's reports, drawn server-side by matplotlib as SVG.

A chart is an ``<img>`` whose source is the SVG itself (a ``data:`` address,
which the pages' Content-Security-Policy allows for images), so a report
page is one request and its figures are the ones its table shows. Every
chart sits beside the table of its numbers and says so in its text
alternative; series differ by hatching as well as by colour (WCAG 1.4.1).

matplotlib is CPU work: it runs in eventlet's thread pool, one chart at a
time, so pages of other people keep being served while a chart is drawn.
"""
import base64
import io

import eventlet
from eventlet import tpool

#: Okabe-Ito: told apart with the common colour-vision deficiencies
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
HATCHES = ("", "//", "..", "xx", "\\\\", "oo", "--", "++")
SIZE = (8.0, 3.4)  # inches at 100 dpi: 800 x 340 CSS pixels, scaled down on small screens
_one_at_a_time = eventlet.semaphore.Semaphore(1)


def short_rupiah(amount, t):
    """``1500000`` -> ``Rp1,5 jt``: an axis label (the table has the exact figure)."""
    for size, key in ((10 ** 12, "format.trillion"), (10 ** 9, "format.billion"),
                      (10 ** 6, "format.million"), (10 ** 3, "format.thousand")):
        if abs(amount) >= size:
            value = ("%.1f" % (amount / size)).rstrip("0").rstrip(".")
            return "Rp%s %s" % (value.replace(".", t("format.decimal")), t(key))
    return "Rp%d" % amount


def bars(labels, series, t, money=False, stacked=True, horizontal=False):
    """A bar chart as a ``data:image/svg+xml`` address.

    Args:
        labels (list[str]): one per bar (group).
        series (list[(str, list[number])]): a name and one value per label.
        money (bool): values are rupiah (axis in ``Rp1,5 jt``).
        stacked (bool): series stacked; else side by side.
        horizontal (bool): bars along the x axis (long labels).
    """
    with _one_at_a_time:
        svg = tpool.execute(_draw, labels, series, t, money, stacked, horizontal)
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _draw(labels, series, t, money, stacked, horizontal):
    with _svg_settings():
        return _figure(labels, series, t, money, stacked, horizontal)


def _figure(labels, series, t, money, stacked, horizontal):
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    figure = Figure(figsize=SIZE, dpi=100)
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    width = 0.8 if stacked or len(series) < 2 else 0.8 / len(series)
    base = [0] * len(labels)
    draw = axes.barh if horizontal else axes.bar
    for index, (name, values) in enumerate(series):
        shift = 0 if stacked else (index - (len(series) - 1) / 2) * width
        where = [p + shift for p in positions]
        extra = {"left" if horizontal else "bottom": base} if stacked else {}
        draw(where, values, width, label=name,
             color=COLOURS[index % len(COLOURS)], hatch=HATCHES[index % len(HATCHES)],
             edgecolor="#1b1b1b", linewidth=0.4, **extra)
        if stacked:
            base = [b + (v or 0) for b, v in zip(base, values, strict=True)]
    value_axis = axes.xaxis if horizontal else axes.yaxis
    value_axis.set_major_locator(MaxNLocator(nbins=5, integer=not money))
    value_axis.set_major_formatter(FuncFormatter(
        lambda v, _: short_rupiah(v, t) if money else ("%d" % v if v == int(v) else "%g" % v)))
    # counts, rupiah and hours are never negative: the axis starts at 0 even when all are 0
    (axes.set_xlim if horizontal else axes.set_ylim)(0, max([1] + [b for b in base if b] + [
        v or 0 for _, values in series for v in values]) * 1.05)
    (axes.set_yticks if horizontal else axes.set_xticks)(positions, labels)
    if horizontal:
        axes.invert_yaxis()
    axes.grid(axis="x" if horizontal else "y", color="#c8ccc9", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(labelsize=9, colors="#1b1b1b")
    if len(series) > 1:
        axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def _svg_settings():
    import matplotlib
    # text as text (smaller, and the browser's font), no random ids (stable output)
    return matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "bansos",
                                  "font.family": "sans-serif"})
