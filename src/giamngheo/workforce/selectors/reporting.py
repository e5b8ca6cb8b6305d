"""Monthly plans and reports of a worker; completeness and timeliness of the reports
(one grouped query each)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.workforce.models import (
    MonthlyPlan,
    MonthlyReport,
    ReportStep,
    ReportTask,
    Task,
    Worker,
)
from giamngheo.workforce.selectors.scope import (
    in_area,
    plans_visible_to,
    reports_visible_to,
)


def plan_with_tasks(user: Viewer, worker: Worker, month: dt.date) -> MonthlyPlan | None:
    """The worker's plan of ``month`` with its tasks by duty (``tasks`` prefetched)."""
    return (
        plans_visible_to(user)
        .filter(worker=worker, month=month)
        .prefetch_related(Prefetch("tasks", queryset=Task.objects.order_by("duty", "pk")))
        .first()
    )


def task_of(worker: Worker, month: dt.date, pk: str) -> Task | None:
    """A task of the worker's plan of ``month`` (``pk`` as posted: anything else is none)."""
    if not pk.isdigit():
        return None
    return (
        Task.objects.filter(pk=int(pk), plan__worker=worker, plan__month=month)
        .select_related("plan__worker")
        .first()
    )


def month_report(
    user: Viewer, worker: Worker, month: dt.date, *, with_items: bool = False
) -> MonthlyReport | None:
    """The worker's report of ``month`` if it exists (is expected), with its items if asked."""
    reports = reports_visible_to(user).filter(worker=worker, month=month)
    if with_items:
        reports = reports.prefetch_related(
            "items",
            Prefetch("task_lines", queryset=ReportTask.objects.select_related("task")),
            Prefetch("steps", queryset=ReportStep.objects.select_related("by")),
        )
    return reports.first()


@dataclass
class ReportingRow:
    label: str
    unit: AdministrativeUnit | None
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    overdue: int = 0  # not submitted and past the deadline

    @property
    def late(self) -> int:
        """Submitted after the deadline."""
        return self.submitted - self.on_time

    def share(self, count: int) -> float | None:
        return count / self.expected if self.expected else None


@dataclass
class Reporting:
    month: dt.date
    rows: list[ReportingRow]
    total: ReportingRow


def reporting_rates(
    user: Viewer, *, month: dt.date, today: dt.date, area: AdministrativeUnit | None = None
) -> Reporting:
    """Expected, submitted, on-time and overdue monthly reports of ``month`` by commune.
    On time: submitted (local date, Asia/Ho_Chi_Minh) on or before the report's deadline."""
    reports = reports_visible_to(user).filter(month=month)
    if area is not None:
        if area.level == Level.VILLAGE:
            raise Http404
        reports = reports.filter(in_area(area))
    grouped = list(
        reports.values("commune_id", "commune__name")
        .order_by("commune__name", "commune_id")
        .annotate(
            expected=Count("id"),
            submitted=Count("id", filter=Q(submitted_at__isnull=False)),
            on_time=Count(
                "id",
                filter=Q(submitted_at__isnull=False, submitted_at__date__lte=F("due_on")),
            ),
            overdue=Count("id", filter=Q(submitted_at__isnull=True, due_on__lt=today)),
        )
    )
    rows = [
        ReportingRow(
            label=row["commune__name"] or _("Cấp tỉnh"),
            unit=None,
            expected=row["expected"],
            submitted=row["submitted"],
            on_time=row["on_time"],
            overdue=row["overdue"],
        )
        for row in grouped
    ]
    total = ReportingRow(label=_("Tổng"), unit=area)
    for row in rows:
        total.expected += row.expected
        total.submitted += row.submitted
        total.on_time += row.on_time
        total.overdue += row.overdue
    return Reporting(month=month, rows=rows, total=total)


@dataclass
class LateReport:
    report: MonthlyReport
    days_late: int
    submitted: bool


def late_reports(
    user: Viewer, *, month: dt.date, today: dt.date, area: AdministrativeUnit | None = None
) -> list[LateReport]:
    """Who is late for ``month``: reports not submitted past their deadline, and reports
    submitted after it. One query."""
    reports = (
        reports_visible_to(user)
        .filter(month=month)
        .filter(
            Q(submitted_at__isnull=True, due_on__lt=today)
            | Q(submitted_at__isnull=False, submitted_at__date__gt=F("due_on"))
        )
    )
    if area is not None:
        reports = reports.filter(in_area(area))
    rows = []
    for report in reports.select_related("worker", "commune").order_by(
        "commune__name", "worker__full_name", "pk"
    ):
        if report.submitted_at is None:
            rows.append(LateReport(report, (today - report.due_on).days, False))
        else:
            day = timezone.localtime(report.submitted_at).date()
            rows.append(LateReport(report, (day - report.due_on).days, True))
    return rows
