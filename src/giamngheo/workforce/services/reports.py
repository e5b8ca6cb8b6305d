"""Monthly plans and tasks, the activity log and monthly reports (expected, saved, submitted)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.lib import locking
from giamngheo.registry.models import Household
from giamngheo.workforce import reference
from giamngheo.workforce.models import (
    Activity,
    Assignment,
    MonthlyPlan,
    MonthlyReport,
    ReportItem,
    Task,
    Worker,
    WorkerStatus,
)
from giamngheo.workforce.periods import next_month, report_due_on
from giamngheo.workforce.selectors import rules_for
from giamngheo.workforce.services._shared import (
    require,
    require_manager,
    require_self_or_manager,
    user_or_none,
)
from giamngheo.workforce.states import WorkforceError


def _check_duty(duty: int) -> None:
    if duty not in reference.duties():
        raise WorkforceError(_("Nhiệm vụ không có trong danh mục sáu nhiệm vụ."))


def _report_expect(worker: Worker, month: dt.date) -> tuple[MonthlyReport, bool]:
    rules = rules_for(worker.province_id)
    return MonthlyReport.objects.get_or_create(
        worker=worker,
        month=month,
        defaults={
            "province_id": worker.province_id,
            "commune_id": worker.commune_id,
            "due_on": report_due_on(month, rules),
        },
    )


@transaction.atomic
def report_expect(*, actor: Any, worker: Worker, month: dt.date) -> MonthlyReport:
    """The worker's report of ``month``, created (expected, with its deadline) if missing."""
    require_self_or_manager(actor, worker)
    if month.day != 1:
        raise WorkforceError(_("Tháng báo cáo phải là ngày đầu tháng."))
    report, created = _report_expect(worker, month)
    if created:
        audit.record(
            actor=actor,
            action="workforce.report_expected",
            obj=report,
            after={"month": month, "due_on": report.due_on},
        )
    return report


@transaction.atomic
def task_add(
    *,
    actor: Any,
    worker: Worker,
    month: dt.date,
    duty: int,
    description: str,
    due_on: dt.date | None = None,
) -> Task:
    """Give a worker a task for a month under one of the six duties. The month's plan and the
    month's report (expected, with its deadline) are created with the first task."""
    worker = Worker.objects.get(pk=worker.pk)
    require_manager(actor, worker)
    _check_duty(duty)
    if month.day != 1:
        raise WorkforceError(_("Tháng kế hoạch phải là ngày đầu tháng."))
    if not description.strip():
        raise WorkforceError(_("Cần ghi nội dung công việc."))
    if worker.status == WorkerStatus.ENDED:
        raise WorkforceError(_("Người này đã thôi việc."))
    plan, created = MonthlyPlan.objects.get_or_create(
        worker=worker,
        month=month,
        defaults={
            "province_id": worker.province_id,
            "commune_id": worker.commune_id,
            "created_by": user_or_none(actor),
        },
    )
    if created:
        audit.record(actor=actor, action="workforce.plan_created", obj=plan, after={"month": month})
        report_expect(actor=None, worker=worker, month=month)
    task = Task.objects.create(plan=plan, duty=duty, description=description.strip(), due_on=due_on)
    audit.record(
        actor=actor,
        action="workforce.task_added",
        obj=plan,
        after={"task": task.pk, "duty": duty, "description": task.description},
    )
    return task


@transaction.atomic
def task_update(*, actor: Any, task: Task, done: bool, result: str = "") -> Task:
    task = Task.objects.select_for_update().select_related("plan__worker").get(pk=task.pk)
    require_self_or_manager(actor, task.plan.worker)
    before = {"done": task.done, "result": task.result}
    task.done = done
    task.result = result.strip()
    task.save(update_fields=["done", "result"])
    audit.record(
        actor=actor,
        action="workforce.task_updated",
        obj=task.plan,
        before={"task": task.pk, **before},
        after={"task": task.pk, "done": done, "result": task.result},
    )
    return task


@transaction.atomic
def task_remove(*, actor: Any, task: Task) -> None:
    task = Task.objects.select_for_update().select_related("plan__worker").get(pk=task.pk)
    require_manager(actor, task.plan.worker)
    audit.record(
        actor=actor,
        action="workforce.task_removed",
        obj=task.plan,
        before={"task": task.pk, "duty": task.duty, "description": task.description},
    )
    task.delete()


@transaction.atomic
def activity_record(
    *,
    actor: Any,
    worker: Worker,
    on: dt.date,
    duty: int,
    description: str,
    household: Household | None = None,
) -> Activity:
    require_self_or_manager(actor, worker)
    _check_duty(duty)
    if not description.strip():
        raise WorkforceError(_("Cần ghi nội dung hoạt động."))
    if on > timezone.localdate():
        raise WorkforceError(_("Ngày hoạt động không được sau hôm nay."))
    if household is not None:
        require(actor is None or access.can_change_area(actor, household.village))
    activity = Activity.objects.create(
        worker=worker,
        province_id=worker.province_id,
        commune_id=household.commune_id if household else worker.commune_id,
        village_id=household.village_id if household else None,
        household=household,
        on=on,
        duty=duty,
        description=description.strip(),
        recorded_by=user_or_none(actor),
    )
    audit.record(
        actor=actor,
        action="workforce.activity_recorded",
        obj=activity,
        after=audit.snapshot(activity, ["worker_id", "on", "duty", "description", "household_id"]),
    )
    return activity


@transaction.atomic
def report_save(
    *,
    actor: Any,
    report: MonthlyReport,
    items: dict[int, str],
    households_visited: int,
    meetings_attended: int,
    summary: str = "",
    submit: bool = False,
    expected_version: int | None = None,
) -> MonthlyReport:
    """Save a monthly report (a draft), and submit it when ``submit``. A submitted report is
    final: its submission time decides whether it was on time. ``expected_version``: the
    version the form was loaded with (the worker and an officer may both edit a draft)."""
    report = locking.lock_for_edit(
        MonthlyReport.objects.select_related("worker"),
        report.pk,
        None,
        error=WorkforceError,
    )
    require_self_or_manager(actor, report.worker)
    if report.submitted_at is not None:
        raise WorkforceError(_("Báo cáo đã nộp, không sửa được nữa."))
    locking.check_version(report, expected_version, error=WorkforceError)
    for duty in items:
        _check_duty(duty)
    if households_visited < 0 or meetings_attended < 0:
        raise WorkforceError(_("Số hộ và số cuộc họp không được âm."))
    texts = {duty: text.strip() for duty, text in items.items() if text.strip()}
    if submit and not texts:
        raise WorkforceError(_("Báo cáo cần ghi kết quả của ít nhất một nhiệm vụ trước khi nộp."))
    report.households_visited = households_visited
    report.meetings_attended = meetings_attended
    report.summary = summary.strip()
    if submit:
        report.submitted_at = timezone.now()
        report.submitted_by = user_or_none(actor)
    locking.bump(report)
    report.save()
    report.items.all().delete()
    ReportItem.objects.bulk_create(
        ReportItem(report=report, duty=duty, text=text) for duty, text in sorted(texts.items())
    )
    audit.record(
        actor=actor,
        action="workforce.report_submitted" if submit else "workforce.report_saved",
        obj=report,
        after={
            "households_visited": households_visited,
            "meetings_attended": meetings_attended,
            "duties": sorted(texts),
            "submitted_at": report.submitted_at,
        },
    )
    return report


@transaction.atomic
def reports_open_month(*, actor: Any, area: AdministrativeUnit, month: dt.date) -> int:
    """Expect a report for ``month`` from every active worker whose role reports monthly and
    who covers part of ``area`` during that month. Set-based; returns how many were added."""
    if area.level == Level.VILLAGE:
        raise WorkforceError(_("Mở kỳ báo cáo cho một xã hoặc một tỉnh."))
    require(actor is None or access.can_decide_in(actor, area))
    if month.day != 1:
        raise WorkforceError(_("Tháng báo cáo phải là ngày đầu tháng."))
    month_end = next_month(month) - dt.timedelta(days=1)
    roles = [code for code, info in reference.roles().items() if info.reports_monthly]
    column = "province" if area.level == Level.PROVINCE else "commune"
    covering = Assignment.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=month), starts_on__lte=month_end
    ).filter(**{column: area})
    workers = list(
        Worker.objects.filter(
            status=WorkerStatus.ACTIVE, role__in=roles, pk__in=covering.values("worker_id")
        )
        .exclude(reports__month=month)
        .only("pk", "province_id", "commune_id")
    )
    due_on = report_due_on(month, rules_for(area.province_id or area.pk))
    created = MonthlyReport.objects.bulk_create(
        [
            MonthlyReport(
                worker=w,
                month=month,
                province_id=w.province_id,
                commune_id=w.commune_id,
                due_on=due_on,
            )
            for w in workers
        ],
        ignore_conflicts=True,
    )
    audit.record_bulk(
        actor=actor,
        action="workforce.reports_opened",
        object_type=MonthlyReport._meta.label_lower,
        object_id=f"{area.code}:{month:%Y-%m}",
        summary={"area": area.code, "month": month, "due_on": due_on, "expected": len(created)},
        province_id=area.province_id or area.pk,
    )
    return len(created)
