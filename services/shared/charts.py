"""Bar charts drawn by matplotlib as SVG: the one drawing code of the console's
reports (``web/charts.py``) and the monitoring service's printable annual
report (``services/monitoring/reports.py``).

Series differ by hatching as well as by colour (WCAG 1.4.1); the value axis of
rupiah reads as Indonesians write it (``Rp1,5 jt``; the table beside every
chart has the exact figure, ``Rp1.500.000``).

matplotlib is CPU work and its settings are process-wide: ``bars_svg`` draws in
eventlet's thread pool, one chart at a time per process, so the hub keeps
serving other requests and events while a chart is drawn.
"""
import io
import re
from html import escape

import eventlet
from eventlet import tpool

#: Okabe-Ito: told apart with the common colour-vision deficiencies
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
HATCHES = ("", "//", "..", "xx", "\\\\", "oo", "--", "++")
SIZE = (8.0, 3.4)  # inches at 100 dpi: 800 x 340 CSS pixels, scaled down on small screens
#: the words of short rupiah amounts in Bahasa Indonesia (the web passes its locale's)
WORDS_ID = {"decimal": ",", "thousand": "rb", "million": "jt", "billion": "M",
            "trillion": "T"}
_one_at_a_time = eventlet.semaphore.Semaphore(1)


def short_rupiah(amount, words=None):
    """``1500000`` -> ``Rp1,5 jt``: an axis label. ``words``: ``WORDS_ID``'s keys
    (default Bahasa Indonesia)."""
    words = words or WORDS_ID
    for size, key in ((10 ** 12, "trillion"), (10 ** 9, "billion"), (10 ** 6, "million"),
                      (10 ** 3, "thousand")):
        if abs(amount) >= size:
            value = ("%.1f" % (amount / size)).rstrip("0").rstrip(".")
            return "Rp%s %s" % (value.replace(".", words["decimal"]), words[key])
    return "Rp%d" % amount


def bars_svg(labels, series, money=False, stacked=True, horizontal=False, words=None):
    """A bar chart as SVG bytes (a whole SVG document).

    Args:
        labels (list[str]): one per bar (group).
        series (list[(str, list[number])]): a name and one value per label.
        money (bool): values are rupiah (axis in ``Rp1,5 jt``).
        stacked (bool): series stacked; else side by side.
        horizontal (bool): bars along the x axis (long labels).
        words (dict): the short rupiah words (``WORDS_ID``, the default).
    """
    with _one_at_a_time:
        return tpool.execute(_draw, labels, series, money, stacked, horizontal,
                             words or WORDS_ID)


def inline_svg(svg, name, title, description):
    """An SVG document as an ``<svg>`` element to put inside an HTML page.

    The element is ``role="img"`` with ``<title>`` and ``<desc>`` as its text
    alternative (``aria-labelledby``), scales to its container's width, and its
    ids are prefixed with ``name`` so that several charts on one page do not
    share an id (clip paths and hatches are referenced by id).
    """
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    text = text[text.index("<svg"):]
    text = re.sub(r'\bid="([^"]+)"', r'id="%s-\1"' % name, text)
    text = re.sub(r"url\(#([^)]+)\)", r"url(#%s-\1)" % name, text)
    text = re.sub(r'href="#([^"]+)"', r'href="#%s-\1"' % name, text)
    head, rest = text.split(">", 1)
    head = re.sub(r'\s(width|height)="[^"]*"', "", head)
    return ('%s role="img" aria-labelledby="%s-title %s-desc" class="chart">'
            '<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>%s'
            % (head, name, name, name, escape(title), name, escape(description), rest))


def _draw(labels, series, money, stacked, horizontal, words):
    import matplotlib
    # text as text (smaller, and the reader's font), no random ids (stable output)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "bansos",
                                "font.family": "sans-serif"}):
        return _figure(labels, series, money, stacked, horizontal, words)


def _figure(labels, series, money, stacked, horizontal, words):
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
        lambda v, _: short_rupiah(v, words) if money
        else ("%d" % v if v == int(v) else "%g" % v)))
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
