"""The dashboard of an area and year: figure panels read from the figures kept per area and year
(``reports.selectors``: one source, never recomputed from households here) and panels read
from the review, workforce, training and programmes apps (``dashboard_panels``). Each panel is a
numbers table and a server-side SVG chart drawn from that same table, so the chart, the table on
the page and the downloaded file always agree (and a hidden cell is neither drawn nor shown).

Queries: a fixed number per page whatever the number of sub-areas (tests count them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.models import Role
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib import charts
from giamngheo.lib.formatting import format_number, format_percent
from giamngheo.reports import dashboard_measures as dm
from giamngheo.reports import dashboard_panels, selectors
from giamngheo.reports.dashboard_suppression import suppress
from giamngheo.reports.dashboard_tables import Column, Hidden, NumbersTable, show
from giamngheo.standards.pack_model import Pack
from giamngheo.standards.packs import load_pack, pack_for_review_year


@dataclass
class Panel:
    table: NumbersTable
    chart: SafeString | None = None
    note: str = ""

    @property
    def slug(self) -> str:
        return self.table.slug

    @property
    def lines(self) -> list[Line]:
        """The table as the page shows it: formatted cells, the drill-down code of each row."""
        columns = self.table.columns
        out = [
            Line(
                [Cell(show(row.get(c.key), c.kind), c.kind != "text") for c in columns],
                str(row.get("code", "")),
            )
            for row in self.table.rows
        ]
        if self.table.total is not None:
            total = self.table.total
            out.append(
                Line(
                    [
                        Cell(
                            "" if total.get(c.key) is None else show(total[c.key], c.kind),
                            c.kind != "text",
                        )
                        for c in columns
                    ],
                    "",
                    True,
                )
            )
        return out


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool


@dataclass(frozen=True)
class Line:
    cells: list[Cell]
    code: str = ""
    total: bool = False


@dataclass
class Card:
    label: str
    value: str
    detail: str = ""
    key: str = ""


@dataclass
class Dashboard:
    area: AdministrativeUnit
    year: int
    years: list[int]
    standard: str
    crumbs: list[AdministrativeUnit]
    cards: list[Card]
    panels: list[Panel] = field(default_factory=list)
    suppressed: bool = False
    has_figures: bool = False
    what_if_url: str = ""

    def panel(self, slug: str) -> Panel | None:
        return next((p for p in self.panels if p.slug == slug), None)


CHART_ROWS = 15  # sub-areas drawn (the highest first); the table lists them all


def percent_tick(value: float) -> str:
    text = format_number(value * 100, 2)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return f"{text} %"


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, (Hidden, str)):
        return None
    return float(value)


def _pack(standard: str, year: int) -> Pack:
    try:
        return load_pack(standard) if standard else pack_for_review_year(year)
    except (LookupError, ValueError):
        return pack_for_review_year(year)


def _chart(
    kind: Callable[..., str],
    table: NumbersTable,
    *,
    label: str,
    keys: Sequence[tuple[str, str]],
    desc: str = "",
    value_text: Callable[[float], str] | None = None,
    tick_text: Callable[[float], str] | None = None,
    limit: int | None = None,
    **options: Any,
) -> SafeString | None:
    """A chart of ``table``'s rows: one category per row (``label`` column), one series per
    (column key, series name); hidden and empty cells are not drawn."""
    rows = table.rows if limit is None else table.rows[:limit]
    if not rows:
        return None
    series = [charts.Series(name, [_number(row.get(key)) for row in rows]) for key, name in keys]
    if all(not v for s in series for v in s.values):  # nothing but zeros and hidden cells
        return None
    extra: dict[str, Any] = dict(options)
    if value_text is not None:
        extra["value_text"] = value_text
    if tick_text is not None:
        extra["tick_text"] = tick_text
    svg = kind(
        chart_id=f"chart-{table.slug}",
        title=table.title,
        desc=desc,
        categories=[str(row.get(label, "")) for row in rows],
        series=series,
        **extra,
    )
    return mark_safe(svg)  # noqa: S308 (lib.charts escapes every text it draws)


def crumbs(viewer: Viewer, area: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The area's ancestors the viewer may open, top first (at most two queries)."""
    chain: list[AdministrativeUnit] = []
    unit = area.parent
    while unit is not None:
        if access.can_view_area(viewer, unit):
            chain.insert(0, unit)
        unit = unit.parent
    return chain


def sees_staff_panels(viewer: Viewer) -> bool:
    """The workforce and training panels are for officers, inspectors and administrators (a
    collaborator sees the area's figures)."""
    return bool(access.roles(viewer) - {Role.COLLABORATOR})


def build(
    viewer: Viewer,
    area: AdministrativeUnit,
    year: int | None,
    *,
    today: dt.date,
    suppressed: bool,
    english: bool = False,
) -> Dashboard:
    """The whole dashboard of ``area`` (already checked visible) for ``year`` (None: the latest
    year with figures, else this year). ``suppressed``: small household counts hidden (exports
    and viewers without an officer grant on the area)."""
    years = selectors.years(viewer, area)
    year = year or (years[0] if years else today.year)
    history = selectors.series(viewer, area) or []
    this_year = next((item for item in history if item.year == year), None)
    standard = this_year.standard if this_year else ""
    pack = _pack(standard, year)
    figures: dm.Figures = this_year.figures if this_year else {}
    found = dm.rates(figures)
    af = dm.af_measures(figures, pack, english)
    board = Dashboard(
        area=area,
        year=year,
        years=years,
        standard=standard or pack.code,
        crumbs=crumbs(viewer, area),
        cards=[],
        suppressed=suppressed,
        has_figures=this_year is not None,
    )
    parts = selectors.sub_area_figures(viewer, area, year) or []
    panels: list[Panel] = []
    if history:
        panels.append(_rates_panel(history))
    if this_year is not None:
        panels.append(_deprivations_panel(figures, pack, english))
        if parts:
            panels.append(_sub_areas_panel(figures, parts, area))
        if af is not None:
            panels.append(_af_panel(af))
            if parts:
                panels.append(_af_sub_areas_panel(figures, parts))
    panels.append(_review_panel(dashboard_panels.review_progress(viewer, area, year)))
    if sees_staff_panels(viewer):
        reporting = dashboard_panels.workforce_reporting(viewer, area, today)
        if reporting is not None:
            panels.append(_workforce_panel(reporting))
        coverage = dashboard_panels.training_coverage(viewer, area, year)
        if coverage is not None:
            panels.append(_training_panel(coverage))
    panels.append(
        _reach_panel(dashboard_panels.programme_reach(viewer, area, year, found.households))
    )
    if suppressed:
        panels = [_suppressed(panel) for panel in panels]
    board.panels = panels
    board.cards = _cards(found, af, suppressed)
    return board


def _suppressed(panel: Panel) -> Panel:
    """The panel with its table suppressed and its chart redrawn from the suppressed table."""
    if not any(c.kind == "count" for c in panel.table.columns):
        return panel
    table = suppress(panel.table)
    redraw = _REDRAW.get(table.slug)
    return Panel(table, redraw(table).chart if redraw else None, panel.note)


def _cards(found: dm.Rates, af: dm.AFMeasures | None, suppressed: bool) -> list[Card]:
    def count(value: int) -> str:
        table = NumbersTable("c", "", (Column("v", ""),), [{"v": value}])
        shown = suppress(table).rows[0]["v"] if suppressed else value
        return str(shown) if isinstance(shown, Hidden) else format_number(shown)

    def rate(value: Fraction | None, hidden: bool) -> str:
        if value is None or hidden:
            return ""
        return format_percent(float(value))

    small = suppressed and 0 < found.poor < 5
    cards = [
        Card(_("Hộ gia đình"), count(found.households), key="households"),
        Card(_("Hộ nghèo"), count(found.poor), rate(found.poor_rate, small), "poor"),
        Card(
            _("Hộ cận nghèo"),
            count(found.near_poor),
            rate(found.near_poor_rate, suppressed and 0 < found.near_poor < 5),
            "near_poor",
        ),
    ]
    if af is not None:
        cards.append(
            Card(
                _("Chỉ số nghèo đa chiều M0"),
                format_number(float(af.M0), 4),
                _("H = %(h)s · A = %(a)s")
                % {"h": format_percent(float(af.H)), "a": format_percent(float(af.A))},
                "m0",
            )
        )
    return cards


# -- figure panels -----------------------------------------------------------------------------


def _rates_panel(history: Sequence[Any]) -> Panel:
    points = dm.year_points([(item.year, item.standard, item.figures) for item in history])
    table = NumbersTable(
        slug="rates",
        title=_("Tỷ lệ hộ nghèo, cận nghèo qua các năm"),
        columns=(
            Column("year", _("Năm"), "text"),
            Column("standard", _("Chuẩn nghèo"), "text"),
            Column("households", _("Số hộ")),
            Column("poor", _("Hộ nghèo")),
            Column("poor_rate", _("Tỷ lệ hộ nghèo"), "percent", of="poor"),
            Column("near_poor", _("Hộ cận nghèo")),
            Column("near_poor_rate", _("Tỷ lệ hộ cận nghèo"), "percent", of="near_poor"),
        ),
        rows=[
            {
                "year": str(p.year),
                "standard": p.standard,
                "households": p.rates.households,
                "poor": p.rates.poor,
                "poor_rate": p.rates.poor_rate,
                "near_poor": p.rates.near_poor,
                "near_poor_rate": p.rates.near_poor_rate,
            }
            for p in points
        ],
    )
    return _draw_rates(table)


def _draw_rates(table: NumbersTable) -> Panel:
    markers = []
    previous = None
    for index, row in enumerate(table.rows):
        if previous is not None and row["standard"] != previous:
            markers.append(charts.Marker(index, _("Chuẩn %(code)s") % {"code": row["standard"]}))
        previous = row["standard"]
    chart = _chart(
        charts.line_chart,
        table,
        label="year",
        keys=[("poor_rate", _("Hộ nghèo")), ("near_poor_rate", _("Hộ cận nghèo"))],
        desc=_("Đường đứt nét: năm áp dụng chuẩn nghèo mới."),
        value_text=format_percent,
        tick_text=percent_tick,
        markers=markers,
    )
    note = (
        _("Các năm thuộc các giai đoạn chuẩn nghèo khác nhau không so sánh trực tiếp được.")
        if markers
        else ""
    )
    return Panel(table, chart, note)


def _deprivations_panel(figures: dm.Figures, pack: Pack, english: bool) -> Panel:
    rows = dm.deprivations(figures, pack, english)
    table = NumbersTable(
        slug="deprivations",
        title=_("Hộ nghèo, cận nghèo thiếu hụt theo chỉ số (chuẩn %(code)s)") % {"code": pack.code},
        columns=(
            Column("label", _("Chỉ số thiếu hụt"), "text"),
            Column("poor", _("Hộ nghèo")),
            Column("near_poor", _("Hộ cận nghèo")),
            Column("total", _("Cộng")),
        ),
        rows=[
            {"label": r.label, "poor": r.poor, "near_poor": r.near_poor, "total": r.total}
            for r in rows
        ],
        sums=(("total", ("poor", "near_poor")),),
    )
    return _draw_deprivations(table)


def _draw_deprivations(table: NumbersTable) -> Panel:
    chart = _chart(
        charts.horizontal_bar_chart,
        table,
        label="label",
        keys=[("poor", _("Hộ nghèo")), ("near_poor", _("Hộ cận nghèo"))],
        stacked=True,
    )
    return Panel(table, chart)


def _sub_areas_panel(
    area_figures: dm.Figures,
    parts: Sequence[tuple[AdministrativeUnit, dm.Figures]],
    area: AdministrativeUnit,
) -> Panel:
    rows = dm.sub_areas(area_figures, parts)
    found = dm.rates(area_figures)
    sub_level = _("Thôn") if area.level == Level.COMMUNE else _("Xã")
    table = NumbersTable(
        slug="sub-areas",
        title=_("So sánh các địa bàn trực thuộc"),
        columns=(
            Column("name", sub_level, "text"),
            Column("households", _("Số hộ")),
            Column("poor", _("Hộ nghèo")),
            Column("poor_rate", _("Tỷ lệ hộ nghèo"), "percent", of="poor"),
            Column("near_poor", _("Hộ cận nghèo")),
            Column("near_poor_rate", _("Tỷ lệ hộ cận nghèo"), "percent", of="near_poor"),
        ),
        rows=[
            {
                "name": row.unit.name,
                "code": row.unit.code,
                "households": row.rates.households,
                "poor": row.rates.poor,
                "poor_rate": row.rates.poor_rate,
                "near_poor": row.rates.near_poor,
                "near_poor_rate": row.rates.near_poor_rate,
            }
            for row in rows
        ],
        total={
            "name": _("Cộng"),
            "households": found.households,
            "poor": found.poor,
            "poor_rate": found.poor_rate,
            "near_poor": found.near_poor,
            "near_poor_rate": found.near_poor_rate,
        },
        partition=True,
    )
    return _draw_sub_areas(table)


def _draw_sub_areas(table: NumbersTable) -> Panel:
    chart = _chart(
        charts.horizontal_bar_chart,
        table,
        label="name",
        keys=[("poor_rate", _("Tỷ lệ hộ nghèo")), ("near_poor_rate", _("Tỷ lệ hộ cận nghèo"))],
        value_text=format_percent,
        tick_text=percent_tick,
        desc=_("Xếp theo tỷ lệ hộ nghèo, cao nhất trước."),
        limit=CHART_ROWS,
    )
    return Panel(table, chart, _limited(table))


def _limited(table: NumbersTable) -> str:
    if len(table.rows) <= CHART_ROWS:
        return ""
    return _("Biểu đồ: %(n)s địa bàn đứng đầu; bảng: cả %(all)s địa bàn.") % {
        "n": CHART_ROWS,
        "all": len(table.rows),
    }


def _af_panel(af: dm.AFMeasures) -> Panel:
    table = NumbersTable(
        slug="af-indicators",
        title=_("Nghèo đa chiều (Alkire–Foster): đóng góp của từng chỉ số vào M0"),
        columns=(
            Column("label", _("Chỉ số"), "text"),
            Column("weight", _("Trọng số"), "text"),
            Column("uncensored", _("Tỷ lệ thiếu hụt (h)"), "percent"),
            Column("censored", _("Tỷ lệ nghèo và thiếu hụt (h(k))"), "percent"),
            Column("contribution", _("Đóng góp vào M0"), "percent"),
        ),
        rows=[
            {
                "label": row.label,
                "weight": f"{row.weight.numerator}/{row.weight.denominator}",
                "uncensored": row.uncensored,
                "censored": row.censored,
                "contribution": row.contribution,
            }
            for row in af.indicators
        ],
        total={
            "label": _("H = %(h)s · A = %(a)s · M0 = %(m0)s")
            % {
                "h": format_percent(float(af.H)),
                "a": format_percent(float(af.A)),
                "m0": format_number(float(af.M0), 4),
            },
            "contribution": Fraction(1) if af.score_sum else None,
        },
    )
    return _draw_af(table)


def _draw_af(table: NumbersTable) -> Panel:
    chart = _chart(
        charts.horizontal_bar_chart,
        table,
        label="label",
        keys=[("contribution", _("Đóng góp vào M0"))],
        value_text=format_percent,
        tick_text=percent_tick,
    )
    note = _(
        "Hộ được khảo sát trong năm; k = số chỉ số thiếu hụt tối thiểu của chuẩn nhân trọng "
        "số. Đóng góp của chỉ số j = w_j·h_j(k)/M0."
    )
    return Panel(table, chart, note)


def _af_sub_areas_panel(
    area_figures: dm.Figures, parts: Sequence[tuple[AdministrativeUnit, dm.Figures]]
) -> Panel:
    rows = dm.sub_areas(area_figures, parts, sort_key="contribution")
    table = NumbersTable(
        slug="af-sub-areas",
        title=_("Nghèo đa chiều theo địa bàn trực thuộc: đóng góp vào M0"),
        columns=(
            Column("name", _("Địa bàn"), "text"),
            Column("af_units", _("Hộ được khảo sát")),
            Column("share", _("Tỷ trọng (φ)"), "percent", of="af_units"),
            Column("H", _("H"), "percent", of="af_units"),
            Column("M0", _("M0"), "measure", of="af_units"),
            Column("contribution", _("Đóng góp vào M0"), "percent", of="af_units"),
        ),
        rows=[
            {
                "name": row.unit.name,
                "code": row.unit.code,
                "af_units": row.af_units,
                "share": row.share,
                "H": row.H,
                "M0": row.M0,
                "contribution": row.contribution,
            }
            for row in rows
        ],
        total={"name": _("Cộng"), "af_units": dm.value(area_figures, "af.units")},
        partition=True,
    )
    return _draw_af_sub_areas(table)


def _draw_af_sub_areas(table: NumbersTable) -> Panel:
    chart = _chart(
        charts.horizontal_bar_chart,
        table,
        label="name",
        keys=[("contribution", _("Đóng góp vào M0"))],
        value_text=format_percent,
        tick_text=percent_tick,
        desc=_("Đóng góp của địa bàn l = φ_l·M0_l/M0."),
        limit=CHART_ROWS,
    )
    return Panel(table, chart, _limited(table))


# -- panels of the other apps ------------------------------------------------------------------


def _review_panel(table: NumbersTable) -> Panel:
    return Panel(
        table,
        _chart(
            charts.horizontal_bar_chart,
            table,
            label="state",
            keys=[("communes", _("Số xã"))],
            label_chars=22,
        ),
    )


def _workforce_panel(table: NumbersTable) -> Panel:
    return Panel(
        table,
        _chart(
            charts.horizontal_bar_chart,
            table,
            label="name",
            keys=[("rate", _("Tỷ lệ đã nộp"))],
            value_text=format_percent,
            tick_text=percent_tick,
        ),
    )


def _training_panel(table: NumbersTable) -> Panel:
    return Panel(
        table,
        _chart(
            charts.horizontal_bar_chart,
            table,
            label="name",
            keys=[("share_year", _("Trong năm")), ("share_standard", _("Theo chuẩn"))],
            value_text=format_percent,
            tick_text=percent_tick,
        ),
    )


def _reach_panel(table: NumbersTable) -> Panel:
    return Panel(
        table,
        _chart(
            charts.horizontal_bar_chart,
            table,
            label="name",
            keys=[("households", _("Số hộ được hỗ trợ"))],
            label_chars=22,
        ),
    )


_REDRAW: dict[str, Callable[[NumbersTable], Panel]] = {
    "rates": _draw_rates,
    "deprivations": _draw_deprivations,
    "sub-areas": _draw_sub_areas,
    "af-indicators": _draw_af,
    "af-sub-areas": _draw_af_sub_areas,
    "programme-reach": _reach_panel,
}
