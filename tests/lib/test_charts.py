"""The SVG charts parsed back (xml.etree): geometry proportional to the values, markers where the
standard changes, every text escaped, accessible names, no inline style."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from giamngheo.lib import charts
from giamngheo.lib.charts import Marker, Series
from giamngheo.lib.formatting import format_percent

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"


def parse(text: str) -> ET.Element:
    return ET.fromstring(text)  # noqa: S314 (our own output, not untrusted input)


def bars(root: ET.Element) -> list[tuple[float, ET.Element]]:
    out = []
    for group in root.iter(f"{SVG}g"):
        if "bar" in (group.get("class") or "").split():
            rect = group.find("svg:rect", NS)
            assert rect is not None
            out.append((float(group.get("data-value") or "nan"), rect))
    return out


def texts(root: ET.Element, css: str) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text") if css in (t.get("class") or "").split()]


def test_it_draws_the_seed_rates_with_a_marker_between_the_years_of_the_change() -> None:
    svg = charts.line_chart(
        chart_id="rates",
        title="Tỷ lệ hộ nghèo",
        desc="Toàn tỉnh",
        categories=["2011", "2012", "2013"],
        series=[Series("Hộ nghèo", [0.1284, 0.1001, 0.0748])],
        markers=[Marker(1, "Chuẩn 2011-2015"), Marker(2, "Chuẩn mới")],
        value_text=format_percent,
    )
    root = parse(svg)
    assert texts(root, "value") == ["12,84 %", "10,01 %", "7,48 %"]
    points = [g for g in root.iter(f"{SVG}g") if "point" in (g.get("class") or "")]
    circles = [g.find("svg:circle", NS) for g in points]
    xs = [float(c.get("cx") or 0) for c in circles if c is not None]
    ys = [float(c.get("cy") or 0) for c in circles if c is not None]
    assert xs == sorted(xs) and ys == sorted(ys)  # falling rates: lower on the chart
    # Heights from the baseline are proportional to the values.
    baseline = max(float(line.get("y1") or 0) for line in root.iter(f"{SVG}line"))
    heights = [baseline - y for y in ys]
    assert heights[0] / heights[2] == pytest.approx(0.1284 / 0.0748, rel=1e-3)
    markers = [line for line in root.iter(f"{SVG}line") if line.get("class") == "marker"]
    assert [float(m.get("x1") or 0) for m in markers] == pytest.approx(
        [(xs[0] + xs[1]) / 2, (xs[1] + xs[2]) / 2], abs=0.01
    )
    assert texts(root, "marker-label") == ["Chuẩn 2011-2015", "Chuẩn mới"]


def test_it_is_accessible_and_scales() -> None:
    svg = charts.bar_chart(
        chart_id="n", title="Số hộ", desc="Theo xã", categories=["A"], series=[Series("", [3])]
    )
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox", "").startswith("0 0 ")
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert title is not None and title.text == "Số hộ"
    assert desc is not None and "A: 3" in (desc.text or "")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "style" not in svg  # the CSP forbids inline style attributes and elements


def test_bar_heights_are_proportional_and_grouped_bars_sit_side_by_side() -> None:
    svg = charts.bar_chart(
        chart_id="g",
        title="t",
        desc="",
        categories=["Xã A", "Xã B"],
        series=[Series("Nghèo", [40, 10]), Series("Cận nghèo", [20, 0])],
    )
    found = bars(parse(svg))
    assert [v for v, _ in found] == [40, 20, 10, 0]
    heights = {v: float(r.get("height") or 0) for v, r in found}
    assert heights[40] == pytest.approx(2 * heights[20]) == pytest.approx(4 * heights[10])
    assert heights[0] == 0
    # Same baseline: y + height equal for all.
    bottoms = {round(float(r.get("y") or 0) + float(r.get("height") or 0), 2) for _, r in found}
    assert len(bottoms) == 1
    x = [float(r.get("x") or 0) for _, r in found]
    assert x[0] < x[1] < x[2] < x[3]
    assert texts(parse(svg), "value") == ["40", "20", "10", "0"]


def test_stacked_bars_pile_up_and_show_their_total() -> None:
    svg = charts.horizontal_bar_chart(
        chart_id="s",
        title="t",
        desc="",
        categories=["Nhà ở", "Nước sạch"],
        series=[Series("Nghèo", [30, 5]), Series("Cận nghèo", [15, 5])],
        stacked=True,
    )
    root = parse(svg)
    found = bars(root)
    widths = [float(r.get("width") or 0) for _, r in found]
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.02)
    first, second = found[0][1], found[1][1]
    assert float(second.get("x") or 0) == pytest.approx(
        float(first.get("x") or 0) + float(first.get("width") or 0), abs=0.02
    )
    assert widths[2] == pytest.approx(widths[3], abs=0.02)
    assert texts(root, "total") == ["45", "10"]


def test_every_text_from_data_is_escaped() -> None:
    evil = '<script>alert("x")</script> & "q"'
    svg = charts.horizontal_bar_chart(
        chart_id='id"><script>',
        title=evil,
        desc=evil,
        categories=[evil],
        series=[Series(evil, [1]), Series("b", [2])],
    )
    assert "<script>" not in svg
    root = parse(svg)  # still well-formed XML
    assert root.find("svg:title", NS).text == evil  # type: ignore[union-attr]
    assert all(c.isalnum() or c in "-_" for c in root.get("id", ""))
    assert [t.text for t in root.iter(f"{SVG}title")][1].startswith(evil)  # the row's full name


def test_counts_get_whole_ticks_and_formatted_thousands() -> None:
    svg = charts.bar_chart(
        chart_id="t", title="t", desc="", categories=["A", "B"], series=[Series("", [3, 12500])]
    )
    ticks = texts(parse(svg), "tick")
    assert ticks[0] == "0" and all("," not in t for t in ticks)
    assert "12.500" in texts(parse(svg), "value")
    assert charts.nice_ticks(3, integer=True) == [0, 1, 2, 3]
    assert charts.nice_ticks(0.13) == pytest.approx([0, 0.05, 0.1, 0.15])


def test_it_refuses_values_that_cannot_be_drawn() -> None:
    with pytest.raises(ValueError, match="not negative"):
        charts.bar_chart(
            chart_id="x", title="t", desc="", categories=["a"], series=[Series("", [-1])]
        )
    with pytest.raises(ValueError, match="values for"):
        charts.line_chart(
            chart_id="x", title="t", desc="", categories=["a", "b"], series=[Series("", [1])]
        )


def test_nothing_to_draw_still_gives_a_valid_chart() -> None:
    svg = charts.line_chart(
        chart_id="e", title="t", desc="", categories=["2024"], series=[Series("", [None])]
    )
    assert parse(svg).get("role") == "img"


def test_value_labels_of_two_series_at_zero_stay_above_the_year_labels() -> None:
    svg = charts.line_chart(
        chart_id="zero",
        title="Tỷ lệ",
        desc="",
        categories=["2024", "2025"],
        series=[Series("Hộ nghèo", [0.0263, 0.0]), Series("Hộ cận nghèo", [0.0263, 0.0])],
        value_text=format_percent,
    )
    root = parse(svg)
    years = [t for t in root.iter(f"{SVG}text") if "category" in (t.get("class") or "").split()]
    top_of_years = min(float(t.get("y") or 0) for t in years) - charts.SMALL
    values = [t for t in root.iter(f"{SVG}text") if "value" in (t.get("class") or "").split()]
    assert len(values) == 4
    assert all(float(t.get("y") or 0) < top_of_years for t in values)
    # At zero the two labels do not sit on each other either.
    at_zero = sorted(float(t.get("y") or 0) for t in values if t.text == "0,00 %")
    assert at_zero[1] - at_zero[0] >= charts.SMALL
