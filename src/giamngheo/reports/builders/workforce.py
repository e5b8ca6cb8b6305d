"""The workforce's figures as a report form: per commune (a province's communes and its own
staff; a commune alone), the collaborators in post, the monthly plans made, the monthly reports
due, submitted, on time and overdue with the reporting rate, and the households' support
requests received and how they stand — for a month, or a year when no month is given.

The rules are the workforce app's: the reporting rates of ``workforce.selectors.reporting``
(one grouped query per month), the composition of ``workforce.selectors.figures`` (who is in
post), its scopes (``workforce.selectors.scope``) and the request states of
``workforce.states``. This module only lays them out.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib import clock
from giamngheo.lib.formatting import format_date
from giamngheo.lib.report_table import CellValue, Column, ColumnGroup, ReportTable, Row
from giamngheo.reports.builders import ExtraForm, register
from giamngheo.reports.builders import _common as common
from giamngheo.reports.builders.monthly import MonthError
from giamngheo.workforce import reference
from giamngheo.workforce.selectors import figures as workforce_composition
from giamngheo.workforce.selectors import reporting as workforce_reporting
from giamngheo.workforce.selectors import scope as workforce_scope
from giamngheo.workforce.states import OPEN_STATES, RequestState

CODE = "workforce"
DATA = "workforce"
COUNT_KEYS = (
    "collaborators",
    "plans",
    "reports_expected",
    "reports_submitted",
    "reports_on_time",
    "reports_overdue",
    "requests_received",
    "requests_resolved",
    "requests_refused",
    "requests_open",
)
PROVINCE_ROW = 0  # the key of the province's own staff (no commune)


def rate(part: int, whole: int) -> Decimal | None:
    """``part / whole`` in percent, two decimals, halves rounded up (exact integers)."""
    if not whole:
        return None
    hundredths = (20000 * part + whole) // (2 * whole)
    return Decimal(hundredths).scaleb(-2)  # exactly two decimals: 50 % is 50.00


def _months(year: int, month: int | None) -> list[dt.date]:
    return [dt.date(year, m, 1) for m in ([month] if month else range(1, 13))]


def workforce_figures(
    viewer: Viewer, unit: AdministrativeUnit, year: int, month: int | None
) -> dict[int, dict[str, int]]:
    """commune id (``PROVINCE_ROW`` for the province's own staff) -> the form's counts."""
    rows: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNT_KEYS, 0))
    today = clock.today()

    composition = workforce_composition.composition(viewer, area=unit, role=reference.COLLABORATOR)
    for comp in composition.rows:
        if comp.total:
            rows[comp.unit.pk if comp.unit is not None else PROVINCE_ROW]["collaborators"] = (
                comp.total
            )

    # The reporting rates name their rows by the commune's name (or "Cấp tỉnh"): matched back
    # to the communes by the name, unique among the communes of a province in force.
    names = (
        {area.name: area.pk for area in common.sub_units(viewer, unit)}
        if unit.level == Level.PROVINCE
        else {unit.name: unit.pk}
    )
    for first in _months(year, month):
        reporting = workforce_reporting.reporting_rates(viewer, month=first, today=today, area=unit)
        for rep in reporting.rows:
            key = names.get(rep.label, PROVINCE_ROW)
            figures = rows[key]
            figures["reports_expected"] += rep.expected
            figures["reports_submitted"] += rep.submitted
            figures["reports_on_time"] += rep.on_time
            figures["reports_overdue"] += rep.overdue

    months = _months(year, month)
    plans = (
        workforce_scope.plans_visible_to(viewer)
        .filter(workforce_scope.in_area(unit), month__in=months)
        .values("commune_id")
        .order_by("commune_id")
        .annotate(n=Count("pk"))
    )
    for row in plans:
        rows[row["commune_id"] or PROVINCE_ROW]["plans"] = row["n"]

    start = months[0]
    end = dt.date(year, months[-1].month, calendar.monthrange(year, months[-1].month)[1])
    requests = (
        workforce_scope.requests_visible_to(viewer)
        .filter(workforce_scope.in_area(unit), received_on__range=(start, end))
        .values("commune_id")
        .order_by("commune_id")
        .annotate(
            requests_received=Count("pk"),
            requests_resolved=Count("pk", filter=Q(state=RequestState.RESOLVED)),
            requests_refused=Count("pk", filter=Q(state=RequestState.REFUSED)),
            requests_open=Count("pk", filter=Q(state__in=list(OPEN_STATES))),
        )
    )
    for counts in requests:
        figures = rows[counts["commune_id"]]
        figures["requests_received"] = counts["requests_received"]
        figures["requests_resolved"] = counts["requests_resolved"]
        figures["requests_refused"] = counts["requests_refused"]
        figures["requests_open"] = counts["requests_open"]
    return dict(rows)


def _header(data: Mapping[str, Any]) -> tuple[Any, ...]:
    h = common.heading
    c = common.column
    return (
        c(data, "tt", "A", "label"),
        c(data, "area", "B", "label"),
        c(data, "collaborators", "1"),
        c(data, "plans", "2"),
        ColumnGroup(
            h(data, "reports"),
            (
                c(data, "reports_expected", "3"),
                c(data, "reports_submitted", "4"),
                c(data, "reports_on_time", "5"),
                c(data, "reports_overdue", "6"),
                Column("reports_rate", h(data, "reports_rate"), "7=4/3*100", "rate"),
            ),
        ),
        ColumnGroup(
            h(data, "requests"),
            (
                c(data, "requests_received", "8"),
                c(data, "requests_resolved", "9"),
                c(data, "requests_refused", "10"),
                c(data, "requests_open", "11"),
            ),
        ),
    )


def _row(number: str, label: str, figures: Mapping[str, int], emphasis: bool = False) -> Row:
    values: dict[str, CellValue] = {"tt": number, "area": label, **figures}
    values["reports_rate"] = rate(figures["reports_submitted"], figures["reports_expected"])
    return Row(values, emphasis=emphasis)


def build(
    *, viewer: Viewer, unit: AdministrativeUnit, year: int, month: int | None = None
) -> ReportTable:
    """The workforce's figures of ``month`` (or the whole ``year``) for a province or a commune."""
    common.unit_for(viewer, unit, FORM_LEVELS)
    if month is not None and not 1 <= month <= 12:
        raise MonthError(_("Báo cáo tháng cần một tháng từ 1 đến 12."))
    data = common.form_data(DATA)
    figures = workforce_figures(viewer, unit, year, month)
    zero = dict.fromkeys(COUNT_KEYS, 0)
    if unit.level == Level.PROVINCE:
        areas = [area for area in common.sub_units(viewer, unit) if area.pk in figures]
    else:
        areas = [unit]
    rows: list[Row] = []
    total = dict(zero)
    for index, area in enumerate(areas, start=1):
        rows.append(_row(str(index), area.name, figures.get(area.pk, zero)))
    if unit.level == Level.PROVINCE and PROVINCE_ROW in figures:
        rows.append(
            _row(str(len(areas) + 1), common.heading(data, "province_level"), figures[PROVINCE_ROW])
        )
    shown = [area.pk for area in areas] + ([PROVINCE_ROW] if unit.level == Level.PROVINCE else [])
    for key in shown:
        for name, value in figures.get(key, zero).items():
            total[name] += value
    period = (
        common.heading(data, "period_month").format(month=month, year=year)
        if month
        else common.heading(data, "period_year").format(year=year)
    )
    return ReportTable(
        marker=str(data["marker"]),
        issuer=common.issuer(unit),
        title=f"{str(data['title']).format(period=period)}\n{common.area_name(unit)}",
        subtitle=str(data["subtitle"]).format(today=format_date(clock.today())),
        unit_line=str(data["unit_line"]),
        header=_header(data),
        rows=tuple(rows),
        total=_row("", common.heading(data, "total"), total, emphasis=True),
        place_date=common.PLACE_DATE,
        signatures=common.signatures(data),
        notes=common.notes(data),
        landscape=True,
        legal_basis=str(data["legal_basis"]),
        verified=bool(data["verified"]),
        metadata=common.metadata(CODE, unit, year, month),
    )


FORM_LEVELS = ("province", "commune")

FORM = register(
    ExtraForm(
        code=CODE,
        title=_("Hoạt động của đội ngũ cộng tác viên giảm nghèo (báo cáo tháng, yêu cầu hỗ trợ)"),
        levels=FORM_LEVELS,
        monthly=True,
        build=build,
        **common.catalogue_fields(DATA),
    )
)
