"""The kit's bar charts (services.shared.charts): SVG whose text is the chart's labels,
rupiah as Indonesians write them, and an inline form a page can hold several of."""
import re
import xml.etree.ElementTree as ET

from services.shared import charts

SVG = "{http://www.w3.org/2000/svg}"


def _texts(element):
    return ["".join(t.itertext()).strip() for t in element.iter(SVG + "text")]


def test_a_chart_is_svg_with_its_labels_as_text_and_rupiah_axis():
    svg = charts.bars_svg(["Jan", "Feb", "Mar"], [("Tersalurkan", [0, 1_500_000, 3_000_000])],
                          money=True)
    root = ET.fromstring(svg)
    texts = _texts(root)
    assert root.tag == SVG + "svg"
    assert {"Jan", "Feb", "Mar"} <= set(texts)
    ticks = [t for t in texts if t.startswith("Rp")]
    assert "Rp0" in ticks and all(re.fullmatch(r"Rp\d+(,\d)? (rb|jt)|Rp0", t) for t in ticks)
    assert any(t.endswith(" jt") for t in ticks)


def test_a_legend_names_each_series_of_a_grouped_chart():
    svg = charts.bars_svg(["PKH", "BPNT"], [("Sasaran", [10, 4]), ("Menerima", [7, 4])],
                          stacked=False)
    assert {"Sasaran", "Menerima", "PKH", "BPNT"} <= set(_texts(ET.fromstring(svg)))


def test_an_inline_chart_has_a_text_alternative_and_ids_of_its_own():
    svg = charts.bars_svg(["A", "B"], [("x", [1, 2]), ("y", [2, 1])])
    first = charts.inline_svg(svg, "satu", "Judul <satu>", "Keterangan & angka")
    second = charts.inline_svg(svg, "dua", "Judul dua", "Keterangan dua")
    root = ET.fromstring(first)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "satu-title satu-desc"
    assert root[0].tag == SVG + "title" and root[0].text == "Judul <satu>"
    assert root[1].tag == SVG + "desc" and root[1].text == "Keterangan & angka"
    assert root.get("width") is None and root.get("viewBox")  # scales to the page
    ids = set(re.findall(r'id="([^"]+)"', first))
    assert ids and ids.isdisjoint(re.findall(r'id="([^"]+)"', second))
    # every reference inside points at an id of the same chart
    refs = re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', first)
    assert refs and {a or b for a, b in refs} <= ids


def test_short_rupiah_reads_as_indonesians_write_it():
    assert charts.short_rupiah(1_500_000) == "Rp1,5 jt"
    assert charts.short_rupiah(200_000) == "Rp200 rb"
    assert charts.short_rupiah(2_000_000_000) == "Rp2 M"
    assert charts.short_rupiah(999) == "Rp999"
