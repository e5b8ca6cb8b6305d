"""The in-year monthly report of changes (QĐ 24/2021/QĐ-TTg Art. 7.1): on the 5th of each month
February–September the commune reports the regular review's results of the month before.

For a commune (rows: its villages) or a province (rows: its communes) and a month: the poor and
near-poor households (and their people) at the start of the month, what left and joined each
list during the month, and the count at its end, laid out like the "diễn biến" Forms 2/3
(``shared/domain/report_forms.md`` §3.2) with a Hộ / Nhân khẩu pair of rows per area.

Figures come from the dated status history (``registry.StatusChange``: one row per change, dated
by the recognition decision) and the in-year rounds' decisions (``review.DecisionEntry``: the
re-entry flag, the month's decision numbers). Five queries whatever the number of households:
the current statuses grouped by area, the first change after each of the two dates (for the
households that have one), the month's changes, the month's decisions.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib.errors import DomainError
from giamngheo.lib.formatting import format_date
from giamngheo.lib.report_table import CellValue, Column, ColumnGroup, ReportTable, Row
from giamngheo.registry.models import Household, Status, StatusChange
from giamngheo.reports.builders import ExtraForm, register
from giamngheo.reports.builders import _common as common
from giamngheo.review.models import Decision, DecisionEntry, RoundKind

CODE = "monthly-changes"
DATA = "monthly"
POOR, NEAR = Status.POOR.value, Status.NEAR_POOR.value
ABOVE = (Status.NOT_POOR.value, Status.AVERAGE.value)

POOR_KEYS = (
    "poor_start",
    "poor_to_near",
    "poor_escaped_above",
    "poor_other_decrease",
    "poor_from_near",
    "poor_reentered",
    "poor_new",
    "poor_end",
)
NEAR_KEYS = (
    "near_start",
    "near_to_poor",
    "near_escaped",
    "near_other_decrease",
    "near_from_poor",
    "near_reentered",
    "near_new",
    "near_end",
)
FIGURE_KEYS = POOR_KEYS + NEAR_KEYS


class MonthError(DomainError):
    pass


# -- the reporting calendar ------------------------------------------------------------------


@dataclass(frozen=True)
class ReportingCalendar:
    report_day: int
    report_months: tuple[int, ...]
    legal_basis: str
    verified: bool

    def due_on(self, year: int, month: int) -> dt.date | None:
        """The day the report of ``month``'s regular review is due (the 5th of the next month),
        or None when no monthly report covers that month."""
        due_year, due_month = (year + 1, 1) if month == 12 else (year, month + 1)
        if due_month not in self.report_months:
            return None
        return dt.date(due_year, due_month, self.report_day)

    def reported_months(self) -> tuple[int, ...]:
        """The months whose results are reported (the month before each report month)."""
        return tuple(12 if m == 1 else m - 1 for m in self.report_months)


def reporting_calendar() -> ReportingCalendar:
    raw = common.form_data(DATA)["calendar"]
    months = tuple(int(m) for m in raw["report_months"])
    if not months or any(not 1 <= m <= 12 for m in months) or not 1 <= int(raw["report_day"]) <= 28:
        raise ValueError("data/monthly.toml: [calendar] months 1..12, report_day 1..28")
    return ReportingCalendar(
        report_day=int(raw["report_day"]),
        report_months=months,
        legal_basis=str(raw["legal_basis"]),
        verified=bool(raw["verified"]),
    )


# -- figures ---------------------------------------------------------------------------------


def _stock(
    households: QuerySet[Household], column: str, days: Mapping[str, dt.date]
) -> dict[str, dict[int, dict[str, tuple[int, int]]]]:
    """Households and people per area and status at the end of each of ``days`` (by name).

    A household's status at the end of a day is the status before its first change after that
    day, else its current status (the history is a chain: each change's previous status is the
    status before it, and the last one's is the household's status). Set-based: one GROUP BY
    of the current statuses, then per day the first later change of the households that have
    one (DISTINCT ON over the history's (household, effective_on) index), moved between the
    buckets in Python: a few rows, not one per household."""
    current: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for area, status, n, people in (
        households.values_list(column, "status")
        .order_by()
        .annotate(n=Count("pk"), people=Sum("member_count"))
    ):
        current[area][status] = [n, people or 0]
    out: dict[str, dict[int, dict[str, tuple[int, int]]]] = {}
    for name, day in days.items():
        buckets = {
            area: {k: list(v) for k, v in statuses.items()} for area, statuses in current.items()
        }
        later = (
            StatusChange.objects.filter(household__in=households, effective_on__gt=day)
            .order_by("household_id", "effective_on", "pk")
            .distinct("household_id")
            .values_list(
                f"household__{column}",
                "household__status",
                "household__member_count",
                "previous_status",
            )
        )
        for area, now, members, then in later:
            area_buckets = buckets.setdefault(area, {})
            area_buckets.setdefault(now, [0, 0])
            area_buckets.setdefault(then, [0, 0])
            area_buckets[now][0] -= 1
            area_buckets[now][1] -= members
            area_buckets[then][0] += 1
            area_buckets[then][1] += members
        out[name] = {
            area: {status: (v[0], v[1]) for status, v in statuses.items()}
            for area, statuses in buckets.items()
        }
    return out


def classify(
    previous: str, status: str, *, reentered_poor: bool, reentered_near: bool
) -> list[str]:
    """The columns one change counts in (a household poor → near-poor leaves one list and joins
    the other). Every change lands in exactly one column of each list it touches, so that the
    end of the month is the start minus the decreases plus the increases."""
    keys: list[str] = []
    if previous == POOR and status != POOR:
        keys.append(
            "poor_to_near"
            if status == NEAR
            else "poor_escaped_above"
            if status in ABOVE
            else "poor_other_decrease"
        )
    if status == POOR and previous != POOR:
        keys.append(
            "poor_from_near"
            if previous == NEAR
            else "poor_reentered"
            if reentered_poor
            else "poor_new"
        )
    if previous == NEAR and status != NEAR:
        keys.append(
            "near_to_poor"
            if status == POOR
            else "near_escaped"
            if status in ABOVE
            else "near_other_decrease"
        )
    if status == NEAR and previous != NEAR:
        keys.append(
            "near_from_poor"
            if previous == POOR
            else "near_reentered"
            if reentered_near
            else "near_new"
        )
    return keys


Figures = dict[str, int]


@dataclass
class MonthFigures:
    households: dict[int, Figures]  # area id -> figure key -> households
    people: dict[int, Figures]  # the same in people
    decisions: list[Decision]


def _area_column(unit: AdministrativeUnit) -> str:
    return "commune_id" if unit.level == Level.PROVINCE else "village_id"


def month_figures(viewer: Viewer, unit: AdministrativeUnit, year: int, month: int) -> MonthFigures:
    """The figures of ``month`` per sub-area of ``unit`` (households within the viewer's reach)."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    before = first - dt.timedelta(days=1)
    area_filter = {"province": unit} if unit.level == Level.PROVINCE else {"commune": unit}
    households: QuerySet[Household] = access.scoped(
        Household.objects.filter(**area_filter),
        viewer,
    )
    column = _area_column(unit)
    by_households: dict[int, Figures] = defaultdict(lambda: dict.fromkeys(FIGURE_KEYS, 0))
    by_people: dict[int, Figures] = defaultdict(lambda: dict.fromkeys(FIGURE_KEYS, 0))

    stock = _stock(households, column, {"start": before, "end": last})
    for moment, statuses in stock.items():
        for area, counts in statuses.items():
            for prefix, status in (("poor", POOR), ("near", NEAR)):
                n, people = counts.get(status, (0, 0))
                by_households[area][f"{prefix}_{moment}"] = n
                by_people[area][f"{prefix}_{moment}"] = people

    earlier = StatusChange.objects.filter(
        household=OuterRef("household"), effective_on__lt=OuterRef("effective_on")
    )
    changes = (
        StatusChange.objects.filter(household__in=households, effective_on__range=(first, last))
        .annotate(
            escaped_poor_before=Exists(earlier.filter(previous_status=POOR).exclude(status=POOR)),
            escaped_near_before=Exists(
                earlier.filter(previous_status=NEAR).exclude(status__in=[POOR, NEAR])
            ),
            decided_reentry=Exists(
                DecisionEntry.objects.filter(
                    household=OuterRef("household"),
                    decision__signed_on=OuterRef("effective_on"),
                    reentered=True,
                )
            ),
        )
        .values_list(
            f"household__{column}",
            "previous_status",
            "status",
            "household__member_count",
            "escaped_poor_before",
            "escaped_near_before",
            "decided_reentry",
        )
    )
    for area, previous, status, members, poor_before, near_before, decided in changes:
        for key in classify(
            previous,
            status,
            reentered_poor=poor_before or decided,
            reentered_near=near_before,
        ):
            by_households[area][key] += 1
            by_people[area][key] += members

    decisions = list(
        access.scoped(
            Decision.objects.filter(
                **area_filter,
                round__kind=RoundKind.REGULAR,
                signed_on__range=(first, last),
            ),
            viewer,
            village="",
        )
        .select_related("commune")
        .order_by("signed_on", "commune__name", "pk")
    )
    return MonthFigures(dict(by_households), dict(by_people), decisions)


# -- the table -------------------------------------------------------------------------------


def _header(data: Mapping[str, Any], unit: AdministrativeUnit) -> tuple[Any, ...]:
    h = common.heading
    c = common.column
    area_key = "area_province" if unit.level == Level.PROVINCE else "area_commune"

    def block(prefix: str, keys: tuple[str, ...], first: int) -> ColumnGroup:
        n = [str(first + i) for i in range(8)]
        end_number = f"{n[7]}={n[0]}-{n[1]}-{n[2]}-{n[3]}+{n[4]}+{n[5]}+{n[6]}"
        escaped, added = (
            ("poor_escaped", "poor_added")
            if prefix == "poor"
            else ("near_escaped_group", "near_added")
        )
        return ColumnGroup(
            h(data, prefix),
            (
                c(data, keys[0], n[0]),
                ColumnGroup(
                    h(data, "decrease"),
                    (
                        ColumnGroup(
                            h(data, escaped), (c(data, keys[1], n[1]), c(data, keys[2], n[2]))
                        ),
                        c(data, keys[3], n[3]),
                    ),
                ),
                ColumnGroup(
                    h(data, "increase"),
                    (
                        c(data, keys[4], n[4]),
                        ColumnGroup(
                            h(data, added), (c(data, keys[5], n[5]), c(data, keys[6], n[6]))
                        ),
                    ),
                ),
                c(data, keys[7], end_number),
            ),
        )

    return (
        common.column(data, "tt", "A", "label"),
        Column(key="area", heading=h(data, area_key), number="B", kind="label"),
        common.column(data, "breakdown", "C", "label"),
        block("poor", POOR_KEYS, 1),
        block("near", NEAR_KEYS, 9),
    )


def _pair(
    data: Mapping[str, Any],
    number: str,
    label: str,
    households: Figures,
    people: Figures,
    emphasis: bool = False,
) -> tuple[Row, Row]:
    first: dict[str, CellValue] = {
        "tt": number,
        "area": label,
        "breakdown": common.heading(data, "households"),
    }
    second: dict[str, CellValue] = {
        "tt": "",
        "area": "",
        "breakdown": common.heading(data, "people"),
    }
    first.update(households)
    second.update(people)
    return Row(first, emphasis=emphasis), Row(second, emphasis=emphasis)


def build(
    *, viewer: Viewer, unit: AdministrativeUnit, year: int, month: int | None = None
) -> ReportTable:
    """The monthly report of ``month`` of ``year`` for a commune or a province (404 outside
    the viewer's reach; a month outside 1–12 is refused)."""
    common.unit_for(viewer, unit, FORM_LEVELS)
    if month is None or not 1 <= month <= 12:
        raise MonthError(_("Báo cáo tháng cần một tháng từ 1 đến 12."))
    data = common.form_data(DATA)
    figures = month_figures(viewer, unit, year, month)
    zero = dict.fromkeys(FIGURE_KEYS, 0)
    rows: list[Row] = []
    total_households, total_people = dict(zero), dict(zero)
    areas = common.sub_units(viewer, unit)
    if unit.level == Level.PROVINCE:  # the communes with households, not every commune
        areas = [area for area in areas if area.pk in figures.households]
    for area in areas:
        for total, source in (
            (total_households, figures.households),
            (total_people, figures.people),
        ):
            for key, value in source.get(area.pk, zero).items():
                total[key] += value
    rows.extend(
        _pair(
            data, "", common.heading(data, "total"), total_households, total_people, emphasis=True
        )
    )
    for index, area in enumerate(areas, start=1):
        rows.extend(
            _pair(
                data,
                str(index),
                area.name,
                figures.households.get(area.pk, zero),
                figures.people.get(area.pk, zero),
            )
        )

    cal = reporting_calendar()
    due = cal.due_on(year, month)
    extra: list[str] = []
    if due is None:
        reported = cal.reported_months()
        extra.append(
            common.heading(data, "outside_calendar").format(
                month=month,
                year=year,
                day=cal.report_day,
                first=min(cal.report_months),
                last=max(cal.report_months),
            )
            + f" ({', '.join(str(m) for m in reported)})"
        )
    else:
        extra.append(common.heading(data, "due").format(date=format_date(due)))
    if figures.decisions:
        items = "; ".join(
            f"{d.number} ngày {format_date(d.signed_on)} ({d.commune.name})"
            for d in figures.decisions
        )
        extra.append(common.heading(data, "decisions").format(items=items))
    else:
        extra.append(common.heading(data, "no_decision"))
    issuer = common.issuer(unit)
    return ReportTable(
        marker=str(data["marker"]),
        issuer=issuer,
        title=f"{data['title'].format(month=month, year=year)}\n{common.area_name(unit)}",
        subtitle=str(data["subtitle"]).format(area=common.committee_of(unit)),
        unit_line=str(data["unit_line"]),
        header=_header(data, unit),
        rows=tuple(rows),
        total=None,  # the Hộ / Nhân khẩu pair of totals leads the rows
        place_date=common.PLACE_DATE,
        signatures=common.signatures(data),
        notes=common.notes(data, *extra),
        landscape=True,
        legal_basis=str(data["legal_basis"]),
        verified=bool(data["verified"]),
        metadata=common.metadata(CODE, unit, year, month),
    )


FORM_LEVELS = ("province", "commune")

FORM = register(
    ExtraForm(
        code=CODE,
        title=_("Báo cáo kết quả rà soát thường xuyên hằng tháng (biến động hộ nghèo, cận nghèo)"),
        levels=FORM_LEVELS,
        monthly=True,
        build=build,
        **common.catalogue_fields(DATA),
    )
)
