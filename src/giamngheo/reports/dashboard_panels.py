"""Dashboard panels read from the apps that own the figures: the review's rounds, the
workforce's monthly reports, training coverage, programme reach. Each panel is a numbers table
(its chart is drawn by ``reports.dashboard``) built from the owning app's grouped selectors:
a fixed number of queries whatever the number of communes or villages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.programmes.deliveries.selectors import support_rows, totals_by_programme
from giamngheo.programmes.models import Programme
from giamngheo.reports.dashboard_tables import Column, NumbersTable
from giamngheo.review.models import RoundKind
from giamngheo.review.selectors import rounds
from giamngheo.review.states import RoundState
from giamngheo.training.selectors.statistics import training_statistics
from giamngheo.workforce.selectors.reporting import reporting_rates


def _share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


def _highest_first(row: Mapping[str, Any], key: str) -> tuple[bool, float, str]:
    """Sort key: rows without a value last, then the highest value first, then by name."""
    found = row[key]
    return (found is None, -float(found or 0), str(row["name"]))


def _area_q(area: AdministrativeUnit) -> Q:
    if area.level == Level.PROVINCE:
        return Q(province=area)
    if area.level == Level.COMMUNE:
        return Q(commune=area)
    return Q(commune_id=area.parent_id)


def review_progress(viewer: Viewer, area: AdministrativeUnit, year: int) -> NumbersTable:
    """The year's annual review rounds of the area's communes by step (a village shows its
    commune's round), and the communes that have not opened one. Two queries."""
    visible = rounds(viewer).filter(_area_q(area), year=year, kind=RoundKind.ANNUAL)
    by_state = dict(
        visible.values_list("state").annotate(n=Count("pk")).values_list("state", "n").order_by()
    )
    rows = [
        {"state": str(label), "communes": by_state.get(state, 0)}
        for state, label in RoundState.choices
        if state != RoundState.CLOSED
    ]
    if area.level == Level.PROVINCE:
        communes = (
            AdministrativeUnit.objects.filter(
                parent=area, level=Level.COMMUNE, valid_to__isnull=True
            )
            .filter(
                access.area_filter(
                    access.view_reach(viewer), province="province", commune="pk", village=""
                )
            )
            .count()
        )
    else:
        communes = 1
    opened = sum(by_state.values())
    rows.insert(0, {"state": _("Chưa mở đợt rà soát"), "communes": max(communes - opened, 0)})
    return NumbersTable(
        slug="review-progress",
        title=_("Tiến độ rà soát năm %(year)s") % {"year": year},
        columns=(
            Column("state", _("Bước"), "text"),
            Column("communes", _("Số xã"), "number"),
        ),
        rows=rows,
        total={"state": _("Tổng số xã"), "communes": max(communes, opened)},
    )


def previous_month(today: dt.date) -> dt.date:
    first = today.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def workforce_reporting(
    viewer: Viewer, area: AdministrativeUnit, today: dt.date
) -> NumbersTable | None:
    """Monthly reports of last month by commune: expected, submitted, on time, overdue. None
    for a village (reports are kept by commune)."""
    if area.level == Level.VILLAGE:
        return None
    month = previous_month(today)
    found = reporting_rates(viewer, month=month, today=today, area=area)
    rows = [
        {
            "name": str(row.label),
            "expected": row.expected,
            "submitted": row.submitted,
            "on_time": row.on_time,
            "overdue": row.overdue,
            "rate": _share(row.submitted, row.expected),
        }
        for row in found.rows
    ]
    rows.sort(key=lambda row: _highest_first(row, "rate"))
    total = found.total
    return NumbersTable(
        slug="workforce-reporting",
        title=_("Báo cáo tháng %(month)s của cán bộ, cộng tác viên")
        % {"month": month.strftime("%m/%Y")},
        columns=(
            Column("name", _("Xã"), "text"),
            Column("expected", _("Phải nộp"), "number"),
            Column("submitted", _("Đã nộp"), "number"),
            Column("on_time", _("Đúng hạn"), "number"),
            Column("overdue", _("Quá hạn chưa nộp"), "number"),
            Column("rate", _("Tỷ lệ đã nộp"), "percent"),
        ),
        rows=rows,
        total={
            "name": _("Tổng"),
            "expected": total.expected,
            "submitted": total.submitted,
            "on_time": total.on_time,
            "overdue": total.overdue,
            "rate": _share(total.submitted, total.expected),
        },
    )


def training_coverage(viewer: Viewer, area: AdministrativeUnit, year: int) -> NumbersTable | None:
    """Share of the roster trained in the year and on the standard in force, by commune."""
    if area.level == Level.VILLAGE:
        return None
    stats = training_statistics(viewer, year=year, area=area, never_trained_limit=0)
    rows = [
        {
            "name": row.name or _("Cấp tỉnh"),
            "roster": row.roster,
            "trained_year": row.trained_year,
            "trained_standard": row.trained_standard,
            "share_year": _share(row.trained_year, row.roster),
            "share_standard": _share(row.trained_standard, row.roster),
        }
        for row in stats.coverage
    ]
    rows.sort(key=lambda row: _highest_first(row, "share_year"))
    total = stats.coverage_total
    return NumbersTable(
        slug="training-coverage",
        title=_("Tập huấn năm %(year)s: độ bao phủ đội ngũ") % {"year": year},
        columns=(
            Column("name", _("Xã"), "text"),
            Column("roster", _("Số người"), "number"),
            Column("trained_year", _("Được tập huấn trong năm"), "number"),
            Column("share_year", _("Tỷ lệ trong năm"), "percent"),
            Column(
                "trained_standard",
                _("Được tập huấn chuẩn %(code)s") % {"code": stats.standard_code},
                "number",
            ),
            Column("share_standard", _("Tỷ lệ theo chuẩn"), "percent"),
        ),
        rows=rows,
        total={
            "name": _("Tổng"),
            "roster": total.roster,
            "trained_year": total.trained_year,
            "trained_standard": total.trained_standard,
            "share_year": _share(total.trained_year, total.roster),
            "share_standard": _share(total.trained_standard, total.roster),
        },
    )


def programme_reach(
    viewer: Viewer, area: AdministrativeUnit, year: int, households: int
) -> NumbersTable:
    """Households reached in the year by each top-level programme or policy (its whole
    subtree), and their share of the area's households. Three queries."""
    lines = [
        line
        for line in totals_by_programme(support_rows(viewer, area=area, year=year))
        if line.depth == 0
    ]
    rows = [
        {
            "name": line.key.name if isinstance(line.key, Programme) else line.label,
            "households": line.households,
            "share": _share(line.households, households),
            "records": line.records,
            "amount": int(line.amount),
        }
        for line in lines
    ]
    rows.sort(key=lambda row: _highest_first(row, "households"))
    return NumbersTable(
        slug="programme-reach",
        title=_("Hộ được hỗ trợ năm %(year)s theo chương trình, chính sách") % {"year": year},
        columns=(
            Column("name", _("Chương trình, chính sách"), "text"),
            Column("households", _("Số hộ được hỗ trợ")),
            Column("share", _("Tỷ lệ trên tổng số hộ"), "percent", of="households"),
            Column("records", _("Lượt hỗ trợ"), "number"),
            Column("amount", _("Thành tiền (đồng)"), "number"),
        ),
        rows=rows,
    )
