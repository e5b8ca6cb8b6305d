"""Server-side SVG charts, returned as strings: no script, no CDN, no inline style.

Every chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>`` (``aria-labelledby``),
a ``viewBox`` and ``width="100%"`` so it scales to a phone; colours are presentation attributes
(``fill``, ``stroke``: allowed by the strict Content-Security-Policy, which forbids ``style``
attributes) plus classes (``chart``, ``series-N``) the stylesheet may refine. Every text that
comes from data is escaped here, so the result may be marked safe by a template.

Values are drawn from a zero baseline to the top tick (a "nice" 1-2-5 step), so a bar's length
is proportional to its value. Every bar and point carries its exact value as a label, formatted
by the caller (``value_text``; Vietnamese numbers from ``lib.formatting`` by default), and the
chart's ``<desc>`` repeats the numbers for screen readers. The numbers also go in a table next to
each chart (the dashboards do it): a chart is never the only place a figure is shown.

Kinds: :func:`line_chart` (values over years, with vertical markers such as a change of
standard), :func:`bar_chart` (vertical bars, grouped when there is more than one series,
stacked with ``stacked=True``), :func:`horizontal_bar_chart` (long category names, sub-areas
compared; grouped or stacked likewise).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from giamngheo.lib.formatting import format_number

# Colour-blind-safe palette (Okabe–Ito, darkened for contrast on white), the brand red first.
PALETTE = ("#b3261e", "#e69f00", "#0072b2", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#666666")
FONT = 14  # in viewBox units; the charts are drawn 420 units wide (a phone shows them ~0.8x)
SMALL = 12
WIDTH = 420
TEXT = "#1d2733"
MUTED = "#5b6b7b"
GRID = "#d7dee6"


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category (None: no value, nothing drawn)."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Marker:
    """A vertical line before category ``index`` (between ``index - 1`` and ``index``), e.g.
    where the poverty standard changed, with its label."""

    index: int
    label: str


def _plain(value: float) -> str:
    decimals = 0 if float(value).is_integer() else 2
    return format_number(value, decimals)


def _num(value: float) -> str:
    """A coordinate: two decimals at most, no exponent."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _text_width(text: str, size: float = FONT) -> float:
    return 0.58 * size * len(text)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "…"


def nice_ticks(maximum: float, count: int = 4, *, integer: bool = False) -> list[float]:
    """0 and steps of 1, 2, 2.5 or 5 times a power of ten up to the first tick ≥ ``maximum``
    (whole steps only when ``integer``: counts of households have no 2,5 tick)."""
    if maximum <= 0 or not math.isfinite(maximum):
        return [0.0, 1.0]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    steps = [m * power for m in (1, 2, 2.5, 5, 10)]
    if integer:
        steps = [max(1.0, step) for step in steps if step >= 1 and float(step).is_integer()] or [
            1.0
        ]
    step = next((m for m in steps if m >= raw - 1e-12), steps[-1])
    ticks = [0.0]
    while ticks[-1] < maximum - 1e-12:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


class _Svg:
    """Collects elements; every attribute value and text is escaped on the way in."""

    def __init__(self, chart_id: str, title: str, desc: str, width: float, height: float) -> None:
        self.id = "".join(c if c.isalnum() or c in "-_" else "-" for c in chart_id) or "chart"
        self.title, self.desc = title, desc
        self.width, self.height = width, height
        self.parts: list[str] = []

    def add(self, tag: str, text: str | None = None, /, **attrs: object) -> None:
        rendered = "".join(
            f' {name.rstrip("_").replace("_", "-")}="{escape(str(value), quote=True)}"'
            for name, value in attrs.items()
            if value is not None
        )
        if text is None:
            self.parts.append(f"<{tag}{rendered}/>")
        else:
            self.parts.append(f"<{tag}{rendered}>{escape(text, quote=False)}</{tag}>")

    def raw(self, fragment: str) -> None:
        self.parts.append(fragment)

    def text(self, x: float, y: float, content: str, **attrs: object) -> None:
        attrs.setdefault("font_size", FONT)
        attrs.setdefault("fill", TEXT)
        self.add("text", content, x=_num(x), y=_num(y), **attrs)

    def render(self) -> str:
        ident = escape(self.id, quote=True)
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'id="{ident}" aria-labelledby="{ident}-title {ident}-desc" '
            f'viewBox="0 0 {_num(self.width)} {_num(self.height)}" width="100%" '
            f'preserveAspectRatio="xMinYMin meet" font-family="Noto Sans, Segoe UI, Roboto, '
            f'Arial, sans-serif">'
            f'<title id="{ident}-title">{escape(self.title, quote=False)}</title>'
            f'<desc id="{ident}-desc">{escape(self.desc, quote=False)}</desc>'
        )
        return head + "".join(self.parts) + "</svg>"


def _describe(
    categories: Sequence[str], series: Sequence[Series], value_text: Callable[[float], str]
) -> str:
    lines = []
    for s in series:
        values = "; ".join(
            f"{category}: {'—' if v is None else value_text(v)}"
            for category, v in zip(categories, s.values, strict=True)
        )
        lines.append(f"{s.name}: {values}." if len(series) > 1 or s.name else f"{values}.")
    return " ".join(lines)


def _check(categories: Sequence[str], series: Sequence[Series]) -> None:
    if not series:
        raise ValueError("a chart needs at least one series")
    for s in series:
        if len(s.values) != len(categories):
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(categories)}")
        if any(v is not None and (v < 0 or not math.isfinite(v)) for v in s.values):
            raise ValueError(f"series {s.name!r}: values must be finite and not negative")


def _legend(svg: _Svg, series: Sequence[Series], top: float, width: float) -> float:
    """Swatches and names, wrapped to ``width``; returns the height used (0 for one series)."""
    if len(series) < 2:
        return 0.0
    x, y, row = 8.0, top, 20.0
    for index, s in enumerate(series):
        label = _shorten(s.name, 28)
        needed = 18 + _text_width(label, FONT) + 14
        if x + needed > width and x > 8:
            x, y = 8.0, y + row
        svg.add(
            "rect",
            x=_num(x),
            y=_num(y + 2),
            width=12,
            height=12,
            fill=PALETTE[index % len(PALETTE)],
            class_=f"series-{index}",
        )
        svg.text(x + 17, y + 13, label)
        x += needed
    return y + row - top + 4


def _horizontal_grid(
    svg: _Svg, lines: Sequence[tuple[float, str]], left: float, right: float
) -> None:
    """A grid line across the plot at each ``(y, label)``, its label right-aligned left of it."""
    for y, label in lines:
        svg.add("line", x1=_num(left), x2=_num(right), y1=_num(y), y2=_num(y), stroke=GRID)
        svg.text(
            left - 6, y + 4, label, font_size=SMALL, fill=MUTED, text_anchor="end", class_="tick"
        )


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    markers: Sequence[Marker] = (),
    value_text: Callable[[float], str] = _plain,
    tick_text: Callable[[float], str] | None = None,
    height: float = 260,
) -> str:
    """Values over ``categories`` (years), one polyline per series, each point labelled with its
    value; ``markers`` draw a dashed vertical line and a label between two categories."""
    _check(categories, series)
    tick_text = tick_text or value_text
    svg = _Svg(
        chart_id,
        title,
        f"{desc} {_describe(categories, series, value_text)}".strip(),
        WIDTH,
        height,
    )
    legend = _legend(svg, series, 4, WIDTH)
    values = [v for s in series for v in s.values if v is not None]
    ticks = nice_ticks(max(values, default=0.0), integer=_whole(series))
    top_value = ticks[-1]
    left = 12 + max(_text_width(tick_text(t), SMALL) for t in ticks)
    right = WIDTH - 16
    top = 8 + legend + (18 if markers else 0) + 16
    bottom = height - 28
    n = len(categories)
    step = (right - left) / n if n else 0.0

    def x_of(index: float) -> float:
        return left + step * (index + 0.5)

    def y_of(value: float) -> float:
        return bottom - (value / top_value) * (bottom - top)

    _horizontal_grid(svg, [(y_of(tick), tick_text(tick)) for tick in ticks], left, right)
    for index, category in enumerate(categories):
        svg.text(
            x_of(index),
            bottom + 18,
            category,
            font_size=SMALL,
            text_anchor="middle",
            class_="category",
        )
    for marker in markers:
        if not 0 < marker.index < n:
            continue
        x = x_of(marker.index - 0.5)
        svg.add(
            "line",
            x1=_num(x),
            x2=_num(x),
            y1=_num(top - 14),
            y2=_num(bottom),
            stroke=MUTED,
            stroke_dasharray="4 3",
            class_="marker",
        )
        anchor = "start" if marker.index - 0.5 < n / 2 else "end"
        svg.text(
            x + (4 if anchor == "start" else -4),
            top - 6,
            marker.label,
            font_size=SMALL,
            fill=MUTED,
            text_anchor=anchor,
            class_="marker-label",
        )
    for s_index, s in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        run: list[str] = []
        runs: list[list[str]] = []
        for index, value in enumerate(s.values):
            if value is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append(f"{_num(x_of(index))},{_num(y_of(value))}")
        if run:
            runs.append(run)
        for points in runs:
            if len(points) > 1:
                svg.add(
                    "polyline",
                    points=" ".join(points),
                    fill="none",
                    stroke=colour,
                    stroke_width=2.5,
                    class_=f"series-{s_index}",
                )
        for index, value in enumerate(s.values):
            if value is None:
                continue
            x, y = x_of(index), y_of(value)
            svg.raw(f'<g class="point series-{s_index}" data-value="{escape(repr(value))}">')
            svg.add("circle", cx=_num(x), cy=_num(y), r=4, fill=colour)
            # Labels of the second series go below the line so that two series do not collide;
            # near the baseline (where the years are written) they go above the first's instead.
            dy = -9 if s_index % 2 == 0 else 18
            if dy > 0 and y + dy > bottom - 2:
                dy = -9 - (SMALL + 3)
            svg.text(
                x, y + dy, value_text(value), font_size=SMALL, text_anchor="middle", class_="value"
            )
            svg.raw("</g>")
    return svg.render()


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    stacked: bool = False,
    value_text: Callable[[float], str] = _plain,
    tick_text: Callable[[float], str] | None = None,
    height: float = 260,
) -> str:
    """Vertical bars from a zero baseline: one per category, side by side per series (grouped)
    or piled up (``stacked``)."""
    _check(categories, series)
    tick_text = tick_text or value_text
    svg = _Svg(
        chart_id,
        title,
        f"{desc} {_describe(categories, series, value_text)}".strip(),
        WIDTH,
        height,
    )
    legend = _legend(svg, series, 4, WIDTH)
    maximum = _maximum(series, stacked)
    ticks = nice_ticks(maximum, integer=_whole(series))
    top_value = ticks[-1]
    left = 12 + max(_text_width(tick_text(t), SMALL) for t in ticks)
    right = WIDTH - 8
    top = 8 + legend + 16
    bottom = height - 30
    n = max(len(categories), 1)
    band = (right - left) / n
    groups = 1 if stacked else len(series)
    bar = band * 0.72 / groups
    label_limit = max(4, int(band / (0.58 * SMALL)))

    def length(value: float) -> float:
        return (value / top_value) * (bottom - top)

    _horizontal_grid(svg, [(bottom - length(tick), tick_text(tick)) for tick in ticks], left, right)
    for index, category in enumerate(categories):
        start = left + band * index + band * 0.14
        svg.raw("<g>")
        svg.add("title", category)
        svg.text(
            left + band * (index + 0.5),
            bottom + 18,
            _shorten(category, label_limit),
            font_size=SMALL,
            text_anchor="middle",
            class_="category",
        )
        svg.raw("</g>")
        base = 0.0
        for s_index, s in enumerate(series):
            value = s.values[index]
            if value is None:
                continue
            h = length(value)
            x = start if stacked else start + bar * s_index
            y = bottom - length(base) - h
            _bar(svg, s, s_index, category, value, value_text, x, y, bar, h)
            if stacked:
                if h >= SMALL + 4 and _text_width(value_text(value), SMALL) <= bar:
                    svg.text(
                        x + bar / 2,
                        y + h / 2 + 4,
                        value_text(value),
                        font_size=SMALL,
                        fill="#fff",
                        text_anchor="middle",
                        class_="value",
                    )
                base += value
            else:
                svg.text(
                    x + bar / 2,
                    y - 4,
                    value_text(value),
                    font_size=SMALL,
                    text_anchor="middle",
                    class_="value",
                )
        if stacked and len(series) > 1:
            svg.text(
                start + bar / 2,
                bottom - length(base) - 4,
                value_text(base),
                font_size=SMALL,
                text_anchor="middle",
                class_="value total",
            )
    svg.add("line", x1=_num(left), x2=_num(right), y1=_num(bottom), y2=_num(bottom), stroke=TEXT)
    return svg.render()


def horizontal_bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    stacked: bool = False,
    value_text: Callable[[float], str] = _plain,
    tick_text: Callable[[float], str] | None = None,
    label_chars: int = 18,
) -> str:
    """One row per category (long names: sub-areas, indicators), bars from the left; grouped
    per series or ``stacked``. The height grows with the number of rows. Categories are drawn
    in the order given (sort them before: a comparison reads best sorted)."""
    _check(categories, series)
    tick_text = tick_text or value_text
    groups = 1 if stacked else len(series)
    bar = 16.0
    row = bar * groups + 10
    labels = [_shorten(c, label_chars) for c in categories]
    left = 10 + max((_text_width(label) for label in labels), default=0.0)
    maximum = _maximum(series, stacked)
    ticks = nice_ticks(maximum, integer=_whole(series))
    top_value = ticks[-1]
    widest = max(
        (_text_width(value_text(v), SMALL) for s in series for v in s.values if v is not None),
        default=0.0,
    )
    if stacked:
        widest = max(widest, _text_width(value_text(maximum), SMALL))
    right = WIDTH - 8 - widest - 6
    probe = _Svg(chart_id, "", "", WIDTH, 0)
    legend = _legend(probe, series, 4, WIDTH)
    top = 8 + legend
    height = top + row * len(categories) + 26
    svg = _Svg(
        chart_id,
        title,
        f"{desc} {_describe(categories, series, value_text)}".strip(),
        WIDTH,
        height,
    )
    _legend(svg, series, 4, WIDTH)
    bottom = height - 22

    def length(value: float) -> float:
        return (value / top_value) * (right - left)

    for tick in ticks:
        x = left + length(tick)
        svg.add("line", x1=_num(x), x2=_num(x), y1=_num(top), y2=_num(bottom), stroke=GRID)
        svg.text(
            x,
            bottom + 15,
            tick_text(tick),
            font_size=SMALL,
            fill=MUTED,
            text_anchor="middle",
            class_="tick",
        )
    for index, category in enumerate(categories):
        y0 = top + row * index + 5
        svg.raw("<g>")
        svg.add("title", category)
        svg.text(left - 6, y0 + row / 2 - 1, labels[index], text_anchor="end", class_="category")
        svg.raw("</g>")
        base = 0.0
        for s_index, s in enumerate(series):
            value = s.values[index]
            if value is None:
                continue
            w = length(value)
            x = left + length(base) if stacked else left
            y = y0 if stacked else y0 + bar * s_index
            _bar(svg, s, s_index, category, value, value_text, x, y, w, bar)
            if stacked:
                if _text_width(value_text(value), SMALL) + 4 <= w:
                    svg.text(
                        x + w / 2,
                        y + bar - 4,
                        value_text(value),
                        font_size=SMALL,
                        fill="#fff",
                        text_anchor="middle",
                        class_="value",
                    )
                base += value
            else:
                svg.text(x + w + 4, y + bar - 4, value_text(value), font_size=SMALL, class_="value")
        if stacked and len(series) > 1:
            svg.text(
                left + length(base) + 4,
                y0 + bar - 4,
                value_text(base),
                font_size=SMALL,
                class_="value total",
            )
    svg.add("line", x1=_num(left), x2=_num(left), y1=_num(top), y2=_num(bottom), stroke=TEXT)
    return svg.render()


def _whole(series: Sequence[Series]) -> bool:
    return all(v is None or float(v).is_integer() for s in series for v in s.values)


def _maximum(series: Sequence[Series], stacked: bool) -> float:
    if stacked:
        count = len(series[0].values)
        return max((sum(s.values[i] or 0.0 for s in series) for i in range(count)), default=0.0)
    return max((v for s in series for v in s.values if v is not None), default=0.0)


def _bar(
    svg: _Svg,
    s: Series,
    s_index: int,
    category: str,
    value: float,
    value_text: Callable[[float], str],
    x: float,
    y: float,
    width: float,
    height: float,
) -> None:
    svg.raw(f'<g class="bar series-{s_index}" data-value="{escape(repr(value))}">')
    name = f"{s.name} · {category}" if s.name else category
    svg.add("title", f"{name}: {value_text(value)}")
    svg.add(
        "rect",
        x=_num(x),
        y=_num(y),
        width=_num(max(width, 0.0)),
        height=_num(max(height, 0.0)),
        fill=PALETTE[s_index % len(PALETTE)],
    )
    svg.raw("</g>")
